#!/usr/bin/env node
// Runs every test file under test/ (or the ones named on the command line) with Node's own
// test runner, loading TypeScript through tsx. Why a script: Node 20's `--test` does not expand
// globs, and we want one command that works the same on Node 20 and 24.
//
// test/interop/ holds the tests against real Elixir/Erlang nodes. With no arguments they run
// after the others when `elixir` is on the PATH, and are skipped with a clear message when it is
// not. `--interop` runs only them (and fails without elixir).
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

function runTests(files, extra = []) {
  const result = spawnSync(
    process.execPath,
    // process.execArgv: node options given to this script (--expose-gc, say) reach the tests.
    [...process.execArgv, '--import', 'tsx', '--test', '--test-reporter=spec', ...extra, ...files],
    { stdio: 'inherit', env: { ...process.env, BEAMISH_TEST: '1' } },
  )
  return result.status ?? 1
}

function hasElixir() {
  return spawnSync('elixir', ['--version'], { stdio: 'ignore' }).status === 0
}

const INTEROP = join('test', 'interop')
const args = process.argv.slice(2)
const interopOnly = args[0] === '--interop'
const named = interopOnly ? args.slice(1) : args
const interopFiles = () => find(INTEROP, []).sort()

if (named.length > 0) process.exit(runTests(named))

if (interopOnly) {
  if (!hasElixir()) {
    process.stderr.write('interop tests need elixir on the PATH (apt-get install -y erlang-nox elixir)\n')
    process.exit(1)
  }
  // One file at a time: each starts real BEAM nodes, and they share the machine's CPUs.
  process.exit(runTests(interopFiles(), ['--test-concurrency=1']))
}

const unit = find('test', [])
  .filter((f) => !f.startsWith(INTEROP + '/'))
  .sort()
let status = runTests(unit)
if (hasElixir()) {
  process.stdout.write('\n== interop tests against real Elixir/Erlang nodes\n')
  const s = runTests(interopFiles(), ['--test-concurrency=1'])
  if (status === 0) status = s
} else {
  process.stdout.write(
    '\nskipping interop tests: elixir not found on the PATH (apt-get install -y erlang-nox elixir)\n',
  )
}
process.exit(status)
