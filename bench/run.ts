/**
 * The benchmark runner: `npm run bench [-- <workload>…] [--quick] [--rounds N] [--no-beam]
 * [--no-peers] [--peer-rounds N] [--peer-timeout S] [--timeout S] [--out FILE]`.
 *
 * Each round of each workload runs Beamish in a fresh `node` process (dist/bench/child.js, from a
 * copy of dist/ taken at the start, so a rebuild meanwhile changes nothing) and,
 * when `elixir` is on the PATH and `../shared/bench/beam` is there, the matching BEAM script in a
 * fresh VM, alternating which goes first; then each TypeScript peer that implements the
 * workload (bench/peers, installed on demand; `--peer-rounds`, default 1, each stopped after
 * `--peer-timeout` seconds, default 300: they are far slower). It prints a table (median, min, max, ratio
 * Beamish/BEAM, pass/fail against each target) and writes every figure to
 * bench/results/latest.json (a run of some workloads replaces just those in it).
 *
 * `--quick` runs tiny sizes, Beamish only, one round, and writes nothing (unless `--out`): the
 * test suite runs it so the benchmarks cannot rot.
 */
import { execFileSync, spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { childScript, compiled, latestJson, type Metrics, NODE_FLAGS, root, type Workload } from './lib.ts'
import { type BeamJson, beamScripts, peers, rows } from './suite.ts'
import {
  fmt,
  type Machine,
  PEER_NAMES,
  passText,
  peerText,
  type Results,
  ratioText,
  summaries,
  type TableRow,
  tableRow,
  type WorkloadResult,
} from './table.ts'
import { workloads } from './workloads/index.ts'

// ------------------------------------------------------------------ where things are

const beamDir = process.env.BEAM_BENCH_DIR ?? resolve(root, '../shared/bench/beam')
const peersDir = join(root, 'bench', 'peers')

// ------------------------------------------------------------------ options

interface Options {
  names: string[]
  quick: boolean
  rounds: number
  beam: boolean
  peers: boolean
  out: string | null
  timeoutMs: number
  peerRounds: number
  peerTimeoutMs: number
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = {
    names: [],
    quick: false,
    rounds: 3,
    beam: true,
    peers: true,
    out: null,
    timeoutMs: 15 * 60_000,
    peerRounds: 1,
    peerTimeoutMs: 300_000,
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const value = () => {
      const v = argv[++i]
      if (v === undefined) throw new Error(`${a} needs a value`)
      return v
    }
    if (a === '--quick') o.quick = true
    else if (a === '--rounds') o.rounds = Number(value())
    else if (a === '--no-beam') o.beam = false
    else if (a === '--no-peers') o.peers = false
    else if (a === '--out') o.out = value()
    else if (a === '--timeout') o.timeoutMs = Number(value()) * 1000
    else if (a === '--peer-rounds') o.peerRounds = Number(value())
    else if (a === '--peer-timeout') o.peerTimeoutMs = Number(value()) * 1000
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`)
    else o.names.push(a)
  }
  if (!Number.isInteger(o.rounds) || o.rounds < 1) throw new Error('--rounds takes a positive integer')
  if (o.quick) {
    o.rounds = 1
    o.beam = false
    o.peers = false
  }
  return o
}

/** `ring` picks ring_10000x1000 and ring_100x100000. */
const matches = (w: Workload, name: string) => w.name === name || w.name.startsWith(`${name}_`)

function selected(names: readonly string[]) {
  if (names.length === 0) return workloads
  const out = workloads.filter((w) => names.some((n) => matches(w, n)))
  const unknown = names.filter((n) => !workloads.some((w) => matches(w, n)))
  if (unknown.length > 0) {
    throw new Error(
      `unknown workload ${unknown.join(', ')}; the workloads are ${workloads.map((w) => w.name).join(', ')}`,
    )
  }
  return out
}

// ------------------------------------------------------------------ running one round

interface Outcome {
  readonly ok: boolean
  readonly ms: number
  readonly stdout: string
  readonly stderr: string
}

function exec(cmd: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolveP) => {
    const t0 = performance.now()
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      // keep the tail only: a runaway logger must not eat the runner's memory
      stderr = (stderr + d.toString()).slice(-20_000)
    })
    const timer = setTimeout(() => {
      stderr += `\nError: did not finish in ${timeoutMs / 1000} s (killed)`
      child.kill('SIGKILL')
    }, timeoutMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolveP({ ok: code === 0, ms: performance.now() - t0, stdout, stderr })
    })
  })
}

function lastJsonLine(stdout: string): any {
  const line = stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'))
  if (line === undefined) throw new Error('no JSON line in the output')
  return JSON.parse(line)
}

function lastLines(text: string, n = 6): string {
  return text.trim().split('\n').slice(-n).join('\n')
}

/**
 * A copy of the compiled runtime and workloads taken when the run starts, so that a rebuild of
 * dist/ during a long run (other work on the same tree) cannot change the code under test
 * halfway, or catch a round with half-written files. Inside dist/, so `ts-pattern` still resolves.
 */
let snapshot: string | null = null

function takeSnapshot(): void {
  if (!compiled) return
  const dir = join(root, 'dist', '.bench-snapshot', String(process.pid))
  rmSync(dir, { recursive: true, force: true })
  for (const sub of ['src', 'bench']) {
    cpSync(join(root, 'dist', sub), join(dir, sub), {
      recursive: true,
      filter: (f) => !f.endsWith('.map') && !f.endsWith('.d.ts'),
    })
  }
  snapshot = dir
}

function dropSnapshot(): void {
  if (snapshot !== null) rmSync(snapshot, { recursive: true, force: true })
  snapshot = null
}

async function runBeamish(name: string, size: unknown, timeoutMs: number): Promise<Metrics> {
  const args = [...NODE_FLAGS, ...childScript(snapshot ?? undefined), name, JSON.stringify(size)]
  const r = await exec(process.execPath, args, root, timeoutMs)
  if (!r.ok) throw new Error(`Beamish ${name} failed:\n${lastLines(r.stderr, 20)}`)
  return lastJsonLine(r.stdout).metrics
}

async function runBeam(name: string, timeoutMs: number): Promise<BeamJson> {
  const s = beamScripts[name]
  if (s === undefined) throw new Error(`no BEAM script for ${name}`)
  const args = [
    ...(s.erl === undefined ? [] : ['--erl', s.erl]),
    join(beamDir, s.script),
    ...s.args,
    '--runs',
    '1',
  ]
  const r = await exec('elixir', args, beamDir, timeoutMs)
  if (!r.ok) throw new Error(`BEAM ${s.script} failed:\n${lastLines(r.stderr)}`)
  return lastJsonLine(r.stdout)
}

/** A peer round: the same size and warm-up size as Beamish's (bench/peers/harness.mjs runs both). */
async function runPeer(peer: string, w: Workload, size: unknown, timeoutMs: number): Promise<Metrics> {
  const args = [
    ...NODE_FLAGS,
    join(peersDir, `${peer}.mjs`),
    w.name,
    JSON.stringify(size),
    JSON.stringify(w.warm(size)),
  ]
  const r = await exec(process.execPath, args, peersDir, timeoutMs)
  if (!r.ok) {
    // the error's own line (e.g. "RangeError: Maximum call stack size exceeded"), not its stack
    const line = r.stderr.split('\n').find((l) => /^(\w*Error\b|Error:)/.test(l.trim()))
    throw new Error((line ?? lastLines(r.stderr, 1)).trim() || 'failed')
  }
  return lastJsonLine(r.stdout).metrics
}

// ------------------------------------------------------------------ environment

function commandOk(cmd: string, args: readonly string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 60_000 })
    return true
  } catch {
    return false
  }
}

function beamAvailable(): string | null {
  if (!commandOk('elixir', ['--version'])) return 'elixir is not on the PATH'
  if (!existsSync(join(beamDir, 'ring.exs')))
    return `the BEAM scripts are not in ${beamDir} (set BEAM_BENCH_DIR)`
  return null
}

function ensurePeers(): string | null {
  if (PEER_NAMES.every((p) => existsSync(join(peersDir, 'node_modules', p)))) return null
  process.stderr.write('bench: installing the TypeScript peers (npm ci --prefix bench/peers) …\n')
  try {
    execFileSync('npm', ['ci', '--prefix', peersDir, '--no-audit', '--no-fund'], { stdio: 'inherit' })
    return null
  } catch {
    return 'npm ci --prefix bench/peers failed'
  }
}

function gitState(): { commit?: string; src_dirty?: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
    }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', 'src'], {
      cwd: root,
      encoding: 'utf8',
    }).trim()
    return { commit, src_dirty: dirty !== '' }
  } catch {
    return {}
  }
}

function machine(beamEnv: BeamJson | undefined, git: ReturnType<typeof gitState>): Machine {
  const cpus = os.cpus()
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memory_gib: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    node_flags: NODE_FLAGS.join(' '),
    ...git,
    ...(beamEnv === undefined
      ? {}
      : {
          otp: beamEnv.otp,
          erts: beamEnv.erts,
          elixir: beamEnv.elixir,
          jit: beamEnv.jit,
          schedulers: beamEnv.schedulers,
        }),
    load_average_at_end: os.loadavg().map((x) => Math.round(x * 100) / 100),
  }
}

function printTable(table: readonly TableRow[]): void {
  const head = [
    'benchmark',
    'unit',
    'Beamish median (min–max)',
    'BEAM',
    'BEAM 1 sch',
    'ratio',
    'target',
    '',
    ...PEER_NAMES,
  ]
  const body = table.map((r) => [
    r.label,
    r.unit,
    r.beamish === undefined ? '–' : `${fmt(r.beamish.median)} (${fmt(r.beamish.min)}–${fmt(r.beamish.max)})`,
    fmt(r.beamAll?.median),
    fmt(r.beamOne?.median),
    ratioText(r),
    r.target ?? '',
    passText(r),
    ...PEER_NAMES.map((p) => peerText(r.peers[p])),
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)))
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')
  process.stdout.write(`\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`)
  for (const b of body) process.stdout.write(`${line(b)}\n`)
}

function log(text: string): void {
  process.stderr.write(`${text}\n`)
}

/** `12.3 s` since `t0` (a `performance.now()`), for the progress log. */
function since(t0: number): string {
  return `${((performance.now() - t0) / 1e3).toFixed(1)} s`
}

// ------------------------------------------------------------------ main

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2))
  const git = gitState() // what dist/ was built from
  takeSnapshot()
  process.on('exit', dropSnapshot)
  process.on('SIGINT', () => process.exit(130))
  const chosen = selected(o.names)
  const noBeam = o.beam ? beamAvailable() : null
  if (noBeam !== null) log(`bench: the BEAM is skipped: ${noBeam}`)
  const withBeam = o.beam && noBeam === null
  let withPeers = o.peers
  if (withPeers) {
    const why = ensurePeers()
    if (why !== null) {
      log(`bench: the TypeScript peers are skipped: ${why}`)
      withPeers = false
    }
  }

  const results: Record<string, WorkloadResult> = {}
  let failed = false
  let beamEnv: BeamJson | undefined
  for (const w of chosen) {
    const size = o.quick ? w.quick : w.full
    const beamishRuns: Metrics[] = []
    const beamRuns: BeamJson[] = []
    let beamError: string | undefined
    const peerRuns: Record<string, Metrics[]> = {}
    const peerErrors: Record<string, string> = {}
    const peerList = withPeers ? PEER_NAMES.filter((p) => peers[p]!.includes(w.name)) : []
    for (let round = 1; round <= o.rounds; round++) {
      const tag = `[${w.name}] round ${round}/${o.rounds}`
      const beamish = async () => {
        try {
          const t0 = performance.now()
          const m = await runBeamish(w.name, size, o.timeoutMs)
          beamishRuns.push(m)
          log(`${tag} Beamish ${summaryLine(w.name, m)} (${since(t0)})`)
        } catch (e) {
          failed = true
          log(`${tag} ${(e as Error).message}`)
        }
      }
      const beam = async () => {
        if (!withBeam || beamError !== undefined) return
        try {
          const t0 = performance.now()
          const j = await runBeam(w.name, o.timeoutMs)
          beamRuns.push(j)
          beamEnv ??= j.env
          log(`${tag} BEAM (${since(t0)})`)
        } catch (e) {
          beamError = (e as Error).message
          log(`${tag} ${beamError}`)
        }
      }
      // alternate which goes first, so a drift in the machine's load hits both alike
      if (round % 2 === 1) {
        await beamish()
        await beam()
      } else {
        await beam()
        await beamish()
      }
      for (const p of round <= o.peerRounds ? peerList : []) {
        if (peerErrors[p] !== undefined) continue
        try {
          const t0 = performance.now()
          const m = await runPeer(p, w, size, o.peerTimeoutMs)
          ;(peerRuns[p] ??= []).push(m)
          log(`${tag} ${p} ${summaryLine(w.name, m)} (${since(t0)})`)
        } catch (e) {
          peerErrors[p] = (e as Error).message
          log(`${tag} ${p} failed: ${(e as Error).message}`)
        }
      }
    }
    const peerResults: WorkloadResult['peers'] = {}
    for (const p of peerList) {
      const err = peerErrors[p]
      peerResults[p] = err !== undefined ? { error: err } : { metrics: summaries(peerRuns[p] ?? []) }
    }
    results[w.name] = {
      date: new Date().toISOString(),
      rounds: o.rounds,
      size,
      beamish: summaries(beamishRuns),
      beam: beamRuns,
      ...(beamError === undefined ? {} : { beamError }),
      peers: peerResults,
    }
  }

  // merge into the previous results unless this was a quick run
  const outFile = o.out ?? (o.quick ? null : latestJson)
  let merged = results
  if (outFile !== null && o.out === null && existsSync(outFile)) {
    try {
      const prev = JSON.parse(readFileSync(outFile, 'utf8')) as Results
      if (prev.quick === false) merged = { ...prev.workloads, ...results }
    } catch {
      // unreadable: start afresh
    }
  }
  const order = workloads.map((w) => w.name)
  const ordered: Record<string, WorkloadResult> = {}
  for (const n of order) if (merged[n] !== undefined) ordered[n] = merged[n]
  const table = rows
    .filter((r) => ordered[r.workload] !== undefined)
    .map((r) => tableRow(r, ordered[r.workload]!))
  const out: Results = {
    date: new Date().toISOString(),
    machine: machine(beamEnv ?? previousBeamEnv(ordered), git),
    quick: o.quick,
    workloads: ordered,
    table,
  }
  printTable(table.filter((r) => results[r.workload] !== undefined))
  if (outFile !== null) {
    mkdirSync(dirname(outFile), { recursive: true })
    writeFileSync(outFile, `${JSON.stringify(out, null, 1)}\n`)
    log(`\nbench: wrote ${outFile}`)
  }
  if (failed) {
    log('\nbench: FAILED: a Beamish run crashed or computed a wrong result (see above)')
    return 1
  }
  return 0
}

function previousBeamEnv(ws: Record<string, WorkloadResult>): BeamJson | undefined {
  for (const w of Object.values(ws)) if (w.beam[0]?.env !== undefined) return w.beam[0].env
  return undefined
}

/** The headline figure of a round, for the progress log. */
function summaryLine(name: string, m: Metrics): string {
  const r = rows.find((x) => x.workload === name && m[x.metric] !== undefined)
  return r === undefined ? '' : `${fmt(m[r.metric])} ${r.unit}`
}

main().then(
  (code) => process.exit(code),
  (e) => {
    log(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
    process.exit(2)
  },
)
