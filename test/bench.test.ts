// The benchmark suite at tiny sizes (`bench/run.ts --quick`): every workload runs on Beamish in
// a fresh node process and checks its result, so the benchmarks cannot rot.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { it } from 'node:test'
import { rows } from '../bench/suite.ts'
import { workloads } from '../bench/workloads/index.ts'

it('runs every benchmark workload at quick sizes and checks the results', { timeout: 180_000 }, () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick'], {
    encoding: 'utf8',
    timeout: 170_000,
  })
  assert.equal(r.status, 0, `bench --quick failed:\n${r.stderr}`)
  for (const w of workloads) assert.match(r.stderr, new RegExp(`\\[${w.name}\\] round 1/1 Beamish`))
  for (const row of rows) assert.ok(r.stdout.includes(row.label), `the table has a row "${row.label}"`)
})
