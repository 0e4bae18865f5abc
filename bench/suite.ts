/**
 * What the suite compares: the BEAM script behind each workload, the peers that implement it,
 * and the table rows (metric, direction, target).
 */

/** A BEAM result line (the last line a `shared/bench/beam/*.exs` script prints). */
export type BeamJson = Record<string, any>

export interface BeamScript {
  /** Script file in `../shared/bench/beam`. */
  readonly script: string
  /** `--erl` flags, e.g. `+P 4000000`. */
  readonly erl?: string
  /** Script options (the sizes are the scripts' defaults unless given here). */
  readonly args: readonly string[]
}

/** The BEAM counterpart of every workload, run with `--runs 1` per round (one fresh VM per round). */
export const beamScripts: Record<string, BeamScript> = {
  spawn: { script: 'spawn.exs', erl: '+P 4000000', args: ['--batch-reps', '10'] },
  ring_10000x1000: { script: 'ring.exs', args: ['--n', '10000', '--m', '1000'] },
  ring_100x100000: { script: 'ring.exs', args: ['--n', '100', '--m', '100000'] },
  skynet: { script: 'skynet.exs', erl: '+P 4000000', args: [] },
  pingpong: { script: 'pingpong.exs', args: [] },
  genserver_call: { script: 'genserver_call.exs', args: [] },
  // the sequential-restart variants are not compared; keep them short
  supervisor: { script: 'supervisor.exs', args: ['--seq-kills', '1000'] },
  selective_receive: { script: 'selective_receive.exs', args: [] },
}

/**
 * The TypeScript libraries measured side by side, and the workloads each one's API fits
 * (bench/peers/README.md says why the others do not).
 */
export const peers: Record<string, readonly string[]> = {
  nact: ['spawn', 'ring_10000x1000', 'ring_100x100000', 'skynet', 'pingpong', 'genserver_call', 'supervisor'],
  effect: ['spawn', 'ring_10000x1000', 'ring_100x100000', 'skynet', 'pingpong', 'genserver_call'],
  xstate: ['spawn', 'ring_10000x1000', 'ring_100x100000', 'skynet', 'pingpong', 'genserver_call'],
}

export type Target =
  /** Beamish ÷ BEAM (all schedulers), medians: at least (higher is better) or at most (lower is better). */
  | { readonly kind: 'ratio'; readonly value: number }
  /** An absolute bound on Beamish's median. */
  | { readonly kind: 'abs'; readonly value: number }

export interface Row {
  readonly workload: string
  readonly label: string
  /** Key in the Beamish (and peer) metrics. */
  readonly metric: string
  readonly unit: string
  readonly better: 'higher' | 'lower'
  /** The BEAM figure with all schedulers online (the default VM), and with one. */
  readonly beamAll?: (j: BeamJson) => number | undefined
  readonly beamOne?: (j: BeamJson) => number | undefined
  readonly target?: Target
}

/** The `schedulers_<N>` key of the default VM (all schedulers online). */
function all(j: BeamJson): string {
  return `schedulers_${j.env?.schedulers ?? 2}`
}

const med = (x: any): number | undefined => (typeof x?.median === 'number' ? x.median : undefined)

/** `field` of the BEAM's `<prefix>schedulers_<N>` and `<prefix>schedulers_1` results. */
const sched = (field: string, prefix = '') => ({
  beamAll: (j: BeamJson) => med(j[`${prefix}${all(j)}`]?.[field]),
  beamOne: (j: BeamJson) => med(j[`${prefix}schedulers_1`]?.[field]),
})

/** A ring row: both ring configurations are measured and judged alike. */
const ring = (workload: string, label: string): Row => ({
  workload,
  label,
  metric: 'hops_per_sec',
  unit: 'hops/s',
  better: 'higher',
  ...sched('hops_per_sec'),
  target: { kind: 'ratio', value: 3 },
})

/** A GenServer.call row for `c` clients, with a ratio target when `atLeast` is given. */
const calls = (c: number, atLeast?: number): Row => ({
  workload: 'genserver_call',
  label: `GenServer.call, ${c} client${c === 1 ? '' : 's'}`,
  metric: `clients_${c}.calls_per_sec`,
  unit: 'calls/s',
  better: 'higher',
  ...sched('calls_per_sec', `clients_${c}_`),
  ...(atLeast === undefined ? {} : { target: { kind: 'ratio', value: atLeast } }),
})

/** Selective receive: the BEAM reports Q = 10,000 as `q_10000` (our `deep`) and Q/10 as `q_1000`. */
const qDeep = (j: BeamJson) => j[`q_${j.q ?? 10000}`]

/** The table, in order. */
export const rows: readonly Row[] = [
  {
    workload: 'spawn',
    label: 'spawn 1,000,000 blocked processes',
    metric: 'spawn_and_block_per_sec',
    unit: 'processes/s',
    better: 'higher',
    beamAll: (j) => med(j.spawn_and_block_per_sec),
    target: { kind: 'ratio', value: 2 },
  },
  {
    workload: 'spawn',
    label: 'memory per blocked process',
    metric: 'bytes_per_process',
    unit: 'bytes',
    better: 'lower',
    beamAll: (j) => med(j.bytes_per_process),
    target: { kind: 'abs', value: 700 },
  },
  ring('ring_10000x1000', 'ring 10,000 × 1,000'),
  ring('ring_100x100000', 'ring 100 × 100,000'),
  {
    workload: 'skynet',
    label: 'skynet, 1,000,000 leaves',
    metric: 'ms',
    unit: 'ms',
    better: 'lower',
    ...sched('ms'),
    target: { kind: 'ratio', value: 0.5 },
  },
  {
    workload: 'pingpong',
    label: 'ping-pong',
    metric: 'round_trips_per_sec',
    unit: 'round trips/s',
    better: 'higher',
    ...sched('round_trips_per_sec'),
    target: { kind: 'ratio', value: 3 },
  },
  calls(1, 4),
  calls(2),
  calls(100, 3),
  {
    workload: 'supervisor',
    label: 'supervisor restarts (1,000 workers, 100,000 kills)',
    metric: 'restarts_per_sec',
    unit: 'restarts/s',
    better: 'higher',
    beamAll: (j) => med(j.restarts_per_sec),
    target: { kind: 'ratio', value: 10 },
  },
  {
    workload: 'selective_receive',
    label: 'selective receive past 10,000 messages',
    metric: 'deep.ns_per_skipped_msg',
    unit: 'ns/skipped msg',
    better: 'lower',
    beamAll: (j) => med(qDeep(j)?.ns_per_skipped_msg),
    target: { kind: 'ratio', value: 1 },
  },
  {
    workload: 'selective_receive',
    label: 'ref-tagged reply behind 10,000 messages',
    metric: 'deep.ref_full_ns',
    unit: 'ns/receive',
    better: 'lower',
    beamAll: (j) => med(qDeep(j)?.ref_full_ns),
    target: { kind: 'ratio', value: 1 },
  },
  {
    workload: 'selective_receive',
    label: 'ref-tagged reply: behind 10,000 ÷ empty mailbox',
    metric: 'deep.ref_depth_ratio',
    unit: '×',
    better: 'lower',
    beamAll: (j) => {
      const full = med(qDeep(j)?.ref_full_ns)
      const empty = med(qDeep(j)?.ref_empty_ns)
      return full === undefined || empty === undefined ? undefined : full / empty
    },
    // "flat in the depth": a reply behind 10,000 messages costs at most 1.5× one in an empty mailbox
    target: { kind: 'abs', value: 1.5 },
  },
]
