/**
 * Shared pieces of the benchmark suite: where things are, the node flags, the workload shape,
 * timing and statistics helpers.
 *
 * A *workload* is one configuration that runs in a fresh `node` process per round (like each
 * BEAM round is a fresh VM): it has a full size (the BEAM script's default), a quick size (a
 * few milliseconds, for `npm test`) and a warm-up size, a `run` that returns the measured
 * figures plus what it computed, and a `check` that throws when what it computed is wrong.
 */
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
/** Compiled (dist/bench/*.js) or run from source through tsx (bench/*.ts). */
export const compiled = here.endsWith(join('dist', 'bench'))
/** The repository. */
export const root = compiled ? resolve(here, '../..') : resolve(here, '..')
/** The committed results (written by bench/run.ts; read by bench/report.ts and bench/floor.ts). */
export const latestJson = join(root, 'bench', 'results', 'latest.json')

/**
 * Node flags for every Beamish and peer round. `--max-old-space-size`: spawn and skynet hold
 * over a million processes at once; `--max-semi-space-size=64`: a bigger young generation, so
 * the short-lived objects of message passing die young instead of being promoted (the same flag
 * perf-baseline measured the Node ceilings with).
 */
export const NODE_FLAGS = ['--expose-gc', '--max-old-space-size=8192', '--max-semi-space-size=64']

/**
 * The node arguments that run one Beamish round (bench/child), to be followed by `<workload>
 * <size-json>`: dist/bench/child.js of `dist` when compiled, else bench/child.ts through tsx.
 */
export function childScript(dist = join(root, 'dist')): string[] {
  return compiled ? [join(dist, 'bench', 'child.js')] : ['--import', 'tsx', join(root, 'bench', 'child.ts')]
}

/** Figures measured by one run: name → number (rates, ms, ns, bytes). */
export type Metrics = Record<string, number>

export interface RunResult<R> {
  readonly metrics: Metrics
  /** What the run computed (sums, counts), for `check`. */
  readonly result: R
}

export interface Workload<S = any, R = any> {
  /** The configuration name, e.g. `ring_10000x1000` (also the `npm run bench -- <name>` filter). */
  readonly name: string
  /** Sizes as the BEAM script runs them by default. */
  readonly full: S
  /** Tiny sizes for `--quick` (the test suite). */
  readonly quick: S
  /** A warm-up run before the measured one (the BEAM scripts warm up too); `null` = none. */
  readonly warm: (size: S) => S | null
  readonly run: (size: S) => Promise<RunResult<R>>
  /** Throws an Error saying what is wrong when the run computed the wrong thing. */
  readonly check: (size: S, result: R) => void
}

/** Milliseconds, high resolution. */
export const now = (): number => performance.now()

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const n = s.length
  if (n === 0) return Number.NaN
  return n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2
}

export interface Summary {
  readonly median: number
  readonly min: number
  readonly max: number
  readonly values: readonly number[]
}

export function summarize(xs: readonly number[]): Summary {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), values: xs }
}

/** Throws `what` unless `ok`. */
export function expect(ok: boolean, what: string): asserts ok {
  if (!ok) throw new Error(`wrong result: ${what}`)
}

/** Collects garbage twice if the process runs with `--expose-gc` (memory measurements need it). */
export function fullGc(): void {
  const g = (globalThis as { gc?: () => void }).gc
  if (g === undefined) throw new Error('run node with --expose-gc (memory per process needs it)')
  g()
  g()
}
