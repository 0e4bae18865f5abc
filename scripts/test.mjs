#!/usr/bin/env node
// Runs every test file under test/ (or the ones named on the command line) with Node's own
// test runner, loading TypeScript through tsx. Why a script: Node 20's `--test` does not expand
// globs, and we want one command that works the same on Node 20 and 24.
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

function find(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) find(p, out)
    else if (name.endsWith('.test.ts')) out.push(p)
  }
  return out
}

const args = process.argv.slice(2)
const files = args.length > 0 ? args : find('test', []).sort()
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, BEAMISH_TEST: '1' } },
)
process.exit(result.status ?? 1)
