/**
 * Shared pieces of the Task tests (semantics.md §12, Elixir's task_test.exs).
 */
import assert from 'node:assert/strict'
import { ExitError } from '../../src/Errors.ts'
import { exit, P, Pid, Process, Task } from '../../src/index.ts'
import { assertReceive, captureLog, run } from '../../src/testing/index.ts'

const { receive, self, send } = Process

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

/** Elixir's `wait_and_send/2`: says `ready`, waits for `true`, then sends `atom` to `caller`. */
export function* waitAndSend(caller: Pid, atom: unknown) {
  send(caller, 'ready')
  yield* receive(true)
  send(caller, atom)
  return atom
}

/** A task owned by another (short-lived) process. */
export function* taskOfAnotherProcess(): Generator<unknown, Task.Task, unknown> {
  const me = self()
  Process.spawn(() => {
    send(me, ['task', Task.async(() => null)])
  })
  const [, task] = yield* assertReceive(['task', P._])
  return task as Task.Task
}

/** A task record for a process that already exited with `reason`, its DOWN consumed (Elixir's `create_dummy_task`). */
export function* dummyTask(reason: unknown): Generator<unknown, Task.Task, unknown> {
  const [pid, ref] = Process.spawnMonitor(() => exit(reason))
  yield* assertReceive(['DOWN', ref, P._, P._, P._])
  return Object.freeze({ ref, pid, owner: self() })
}

/** A task record with no process (Elixir's `%Task{ref: make_ref(), owner: self(), pid: nil}`). */
export function bareTask(): Task.Task {
  return Object.freeze({ ref: Process.makeRef(), pid: null, owner: self() })
}

/**
 * A process that controls when stream tasks finish: each task reports `['ready', i, pid]` and
 * waits for `'go'`. Once as many tasks wait as can run at once, the one with the smallest input is
 * released, so tasks finish in the order of their input's value, as Elixir's tests get with
 * `sleep(value)`, but without depending on timing. At the end it sends `['max waiting', n]` to
 * `report`: how many tasks were ever running at the same time.
 */
export function conductor(report: Pid, total: number, concurrency: number): Pid {
  return Process.spawnLink(function* () {
    const waiting: [number, Pid][] = []
    let released = 0
    let max = 0
    while (released < total) {
      const [, i, pid] = yield* receive(['ready', P.number, P.instanceOf(Pid)])
      waiting.push([i, pid])
      max = Math.max(max, waiting.length)
      while (waiting.length > 0 && waiting.length >= Math.min(concurrency, total - released)) {
        waiting.sort((a, b) => a[0] - b[0])
        send(waiting.shift()![1], 'go')
        released++
      }
    }
    send(report, ['max waiting', max])
  })
}

/** The work of a conducted stream task: report, wait to be released, return the input. */
export function conducted(conductorPid: Pid) {
  return function* (i: number) {
    send(conductorPid, ['ready', i, self()])
    yield* receive('go')
    return i
  }
}

/** Stream work that never finishes for `'infinity'` and returns anything else at once. */
export function* blockOn(x: unknown) {
  if (x === 'infinity') yield* receive('never arrives')
  return x
}

let n = 0
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${++n}`
}
