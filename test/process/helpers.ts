/**
 * Small process bodies shared by the semantics tests (semantics.md §1–§8), and the few helpers
 * every test directory uses (unique names, bounded waits on plain promises).
 */
import { type Pid, Process, type Ref } from '../../src/index.ts'

/** Waits until it gets `'stop'`, then ends normally. */
export function* idle(): Generator<unknown, void, unknown> {
  yield* Process.receive('stop')
}

/** A body that forwards every message it receives to `to` as `['got', msg]`. */
export function forwarder(to: Pid): () => Generator<unknown, never, unknown> {
  return function* () {
    for (;;) Process.send(to, ['got', yield* Process.receive()])
  }
}

/**
 * Spawns a forwarding "B" (semantics §5.1), monitored by the caller, trapping exits or not.
 * What B receives comes back to the caller as `['got', msg]`; how B dies comes back as a DOWN.
 */
export function spawnB(trap: boolean): [Pid, Ref] {
  return Process.spawnMonitor(forwarder(Process.self()), { trapExit: trap })
}

/** A name unique to this test run. */
let n = 0
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${++n}`
}

/** One turn of Node's event loop (I/O callbacks and nextTicks queued before it have run). */
export function turn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve))
}

/** Settles as `p` does, or with `'timeout'` if `p` has not settled after `ms` (so a test cannot hang on it). */
export function within<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let t: NodeJS.Timeout | undefined
  const timeout = new Promise<'timeout'>((resolve) => {
    t = setTimeout(() => resolve('timeout'), ms)
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(t))
}
