/**
 * Small process bodies shared by the semantics tests (semantics.md §1–§8).
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
