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

it('measures the floor of a message hop (bench:floor) at quick sizes, each minimal runtime checking its result', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/floor.ts', '--quick'], {
    encoding: 'utf8',
    timeout: 60_000,
  })
  assert.equal(r.status, 0, `bench:floor --quick failed:\n${r.stderr}`)
  for (const name of ['ring_10000x1000', 'ring_100x100000', 'pingpong']) {
    const line = r.stdout.split('\n').find((l) => l.startsWith(`| ${name} |`))
    assert.ok(line !== undefined, `the floor table has a row for ${name}`)
    const [floorYield, floorStar] = line
      .split('|')
      .slice(5, 7)
      .map((c) => Number(c.trim()))
    assert.ok(floorYield! > 0 && floorStar! > 0, `both floors were measured for ${name}: ${line}`)
  }
})
