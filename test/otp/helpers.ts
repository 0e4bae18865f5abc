/**
 * Small helpers shared by the OTP tests (GenServer, Agent, Task, Registry …); the helpers of one
 * behaviour are in its own *Helpers.ts.
 */
import assert from 'node:assert/strict'
import { ExitError } from '../../src/Errors.ts'
import { type Pid, Process } from '../../src/index.ts'
import { captureLog, run } from '../../src/testing/index.ts'

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

/** Runs a test body as a process with the log captured and dropped (crashes done on purpose). */
export async function quietly(body: () => Generator<unknown, void, unknown>): Promise<void> {
  await captureLog(() => run(body))
}

/** Whether the calling (test) process is linked to `pid`. */
export function linked(pid: Pid): boolean {
  return Process.info(Process.self())!.links.includes(pid)
}
