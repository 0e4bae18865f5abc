/**
 * Small helpers shared by the OTP tests (GenServer, Agent, Task, Registry …); the helpers of one
 * behaviour are in its own *Helpers.ts.
 */
import assert from 'node:assert/strict'
import { ExitError } from '../../src/Errors.ts'
import { GenServer, P, type Pid, Process } from '../../src/index.ts'
import { assertReceive, captureLog, run } from '../../src/testing/index.ts'

export { uniqueName } from '../process/helpers.ts'

/** Runs `op` and returns the reason it exited with (ExUnit's `catch_exit`); fails if it did not exit. */
export function* catchExit(op: Iterable<unknown>): Generator<unknown, unknown, unknown> {
  try {
    yield* op as Generator<unknown, unknown, unknown>
  } catch (e) {
    if (e instanceof ExitError) return e.reason
    throw e
  }
  return assert.fail('expected the operation to exit')
}

/**
 * Runs a test body (a generator, or an async function) as a process with the log captured and
 * dropped (crashes done on purpose, and the report of a failed assertion).
 */
export async function quietly(body: () => Generator<unknown, void, unknown> | Promise<void>): Promise<void> {
  await captureLog(() => run(body))
}

/** Whether the calling (test) process is linked to `pid`. */
export function linked(pid: Pid): boolean {
  return Process.info(Process.self())!.links.includes(pid)
}

/** Waits (bounded by `timeout` ms) until `pid` is gone; returns its exit reason. */
export function* awaitDown(pid: Pid, timeout = 100): Generator<unknown, unknown, unknown> {
  const ref = Process.monitor(pid)
  const [, , , , reason] = yield* assertReceive(['DOWN', ref, 'process', pid, P._], timeout)
  return reason
}

/** A registry's partition processes (its links, but for the process that started it). */
export function partitionsOf(registry: string): Pid[] {
  return Process.info(Process.whereis(registry)!)!.links.filter((p) => p !== Process.self())
}

/** Waits until every partition has handled the EXITs that reached it (Elixir's `:sync` call). */
export function* syncPartitions(registry: string): Generator<unknown, void, unknown> {
  for (const p of partitionsOf(registry)) assert.equal(yield* GenServer.call(p, 'sync'), 'ok')
}
