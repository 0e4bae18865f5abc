/**
 * Results and their table: what latest.json holds, how a row's ratio and pass/fail are worked
 * out, and how figures are written (shared by the runner and bench/report.ts).
 */
import { type Metrics, type Summary, summarize } from './lib.ts'
import { type BeamJson, peers, type Row } from './suite.ts'

export interface Machine {
  readonly cpu: string
  readonly cores: number
  readonly memory_gib: number
  readonly os: string
  readonly node: string
  readonly v8: string
  readonly node_flags: string
  /** The commit measured, and whether src/ had uncommitted changes. */
  readonly commit?: string
  readonly src_dirty?: boolean
  readonly otp?: string
  readonly erts?: string
  readonly elixir?: string
  readonly jit?: boolean
  readonly schedulers?: number
  readonly load_average_at_end: readonly number[]
}

/** Everything measured for one workload. */
export interface WorkloadResult {
  readonly date: string
  readonly rounds: number
  readonly size: unknown
  readonly beamish: Record<string, Summary>
  /** The BEAM's JSON line of each round. */
  readonly beam: BeamJson[]
  readonly beamError?: string
  readonly peers: Record<string, { metrics?: Record<string, Summary>; error?: string }>
}

export interface Results {
  date: string
  machine: Machine
  quick: boolean
  workloads: Record<string, WorkloadResult>
  table: TableRow[]
}

export interface TableRow {
  readonly workload: string
  readonly label: string
  readonly unit: string
  readonly better: 'higher' | 'lower'
  readonly beamish?: Summary
  readonly beamAll?: Summary
  readonly beamOne?: Summary
  /** Beamish median ÷ BEAM (all schedulers) median. */
  readonly ratio?: number
  readonly target?: string
  readonly pass?: boolean
  readonly peers: Record<string, { median?: number; error?: string; behind?: boolean }>
}

/** The summary of the finite numbers among `xs`; `undefined` when there are none. */
function finiteSummary(xs: readonly unknown[]): Summary | undefined {
  const ys = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x))
  return ys.length === 0 ? undefined : summarize(ys)
}

export function summaries(runs: readonly Metrics[]): Record<string, Summary> {
  const keys = new Set(runs.flatMap((m) => Object.keys(m)))
  const out: Record<string, Summary> = {}
  for (const k of keys) {
    const s = finiteSummary(runs.map((m) => m[k]))
    if (s !== undefined) out[k] = s
  }
  return out
}

function beamSummary(runs: readonly BeamJson[], f: ((j: BeamJson) => number | undefined) | undefined) {
  return f === undefined ? undefined : finiteSummary(runs.map(f))
}

export function tableRow(row: Row, w: WorkloadResult): TableRow {
  const beamish = w.beamish[row.metric]
  const beamAll = beamSummary(w.beam, row.beamAll)
  const beamOne = beamSummary(w.beam, row.beamOne)
  const ratio = beamish !== undefined && beamAll !== undefined ? beamish.median / beamAll.median : undefined
  /** `x` is at least as good as `bound` (≥ when higher is better, ≤ when lower is). */
  const meets = (x: number, bound: number) => (row.better === 'higher' ? x >= bound : x <= bound)
  let target: string | undefined
  let pass: boolean | undefined
  const t = row.target
  const cmp = row.better === 'higher' ? '≥' : '≤'
  if (t?.kind === 'ratio') {
    target = `${cmp} ${t.value}×`
    if (ratio !== undefined) pass = meets(ratio, t.value)
  } else if (t?.kind === 'abs') {
    target = `${cmp} ${t.value.toLocaleString('en-US')}${row.unit === '×' ? '' : ' '}${row.unit}`
    if (beamish !== undefined) pass = meets(beamish.median, t.value)
  }
  const peerCells: TableRow['peers'] = {}
  for (const [peer, r] of Object.entries(w.peers)) {
    if (r.error !== undefined) peerCells[peer] = { error: r.error }
    else {
      const m = r.metrics?.[row.metric]
      if (m === undefined) continue
      // Beamish is behind (the peer ahead) when the peer is at least as good
      const behind = beamish === undefined ? undefined : meets(m.median, beamish.median)
      peerCells[peer] = { median: m.median, ...(behind === undefined ? {} : { behind }) }
    }
  }
  return {
    workload: row.workload,
    label: row.label,
    unit: row.unit,
    better: row.better,
    ...(beamish === undefined ? {} : { beamish }),
    ...(beamAll === undefined ? {} : { beamAll }),
    ...(beamOne === undefined ? {} : { beamOne }),
    ...(ratio === undefined ? {} : { ratio }),
    ...(target === undefined ? {} : { target }),
    ...(pass === undefined ? {} : { pass }),
    peers: peerCells,
  }
}

// ------------------------------------------------------------------ formatting

/** 4.27M, 834k, 1,201, 12.3, 0.83 */
export function fmt(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '–'
  const a = Math.abs(x)
  if (a >= 1e6) return `${(x / 1e6).toFixed(a >= 1e8 ? 0 : 2)}M`
  if (a >= 1e4) return `${(x / 1e3).toFixed(a >= 1e5 ? 0 : 1)}k`
  if (a >= 100) return Math.round(x).toLocaleString('en-US')
  if (a >= 10) return x.toFixed(1)
  return x.toFixed(2)
}

export function ratioText(r: TableRow): string {
  if (r.ratio === undefined) return '–'
  return `${r.ratio >= 10 ? r.ratio.toFixed(0) : r.ratio.toFixed(2)}×`
}

export function passText(r: TableRow): string {
  if (r.pass === undefined) return r.target === undefined ? '' : '?'
  return r.pass ? 'pass' : 'FAIL'
}

export function peerText(cell: TableRow['peers'][string] | undefined): string {
  if (cell === undefined) return '–'
  if (cell.error !== undefined) return 'failed'
  return `${fmt(cell.median)}${cell.behind === true ? ' (ahead of Beamish)' : ''}`
}

export const PEER_NAMES = Object.keys(peers)
