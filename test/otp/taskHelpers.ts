/**
 * Shared pieces of the Task tests (semantics.md §12, Elixir's task_test.exs).
 */
import assert from 'node:assert/strict'
import { exit, P, Pid, Process, Ref, Task } from '../../src/index.ts'
import { assertReceive } from '../../src/testing/index.ts'

const { receive, self, send } = Process

/** Elixir's `wait_and_send/2`: says `ready`, waits for `true`, then sends `atom` to `caller`. */
export function* waitAndSend(caller: Pid, atom: unknown) {
  send(caller, 'ready')
  yield* receive(true)
  send(caller, atom)
  return atom
}

/** Work named `waitsForTrue` (its initial call is `waitsForTrue/0`) that runs `waitAndSend(caller, 'done')`. */
export function waitsForTrue(caller: Pid) {
  return function waitsForTrue() {
    return waitAndSend(caller, 'done')
  }
}

/**
 * Lets a process running `waitAndSend` go on: waits for its `ready`, checks that it runs as
 * `initialCall`, then sends it `true`.
 */
export function* release(pid: Pid, initialCall: string): Generator<unknown, void, unknown> {
  yield* assertReceive('ready')
  assert.equal(Process.info(pid)!.initialCall, initialCall)
  send(pid, true)
}

/** Checks a task record as `async` returns it: frozen, with a pid, a ref, and `owner` as its owner. */
export function assertAsyncTask(task: Task.Task, owner: Pid): void {
  assert.ok(Object.isFrozen(task))
  assert.ok(task.pid instanceof Pid)
  assert.ok(task.ref instanceof Ref)
  assert.equal(task.owner, owner)
}

/** Lets a `waitsForTrue` task go on, then expects its `[ref, 'done']` reply and its normal DOWN. */
export function* repliesDoneAndExitsNormal(task: Task.Task): Generator<unknown, void, unknown> {
  yield* release(task.pid!, 'waitsForTrue/0')
  yield* assertReceive([task.ref, 'done'])
  yield* assertReceive(['DOWN', task.ref, 'process', task.pid, 'normal'])
}

/**
 * The T2 cases of task_test.exs, for any way of starting an awaited task: how `Task.await`
 * exits when the task crashes in `work`, which `check` verifies (`how` completes the test name).
 */
export const awaitCrashes: readonly {
  readonly how: string
  readonly work: () => unknown
  readonly check: (reason: unknown, task: Task.Task) => void
}[] = [
  {
    how: 'on a task throw with [[nocatch, value], stack]',
    work: () => {
      throw 'unknown'
    },
    check(reason, task) {
      const [[[tag, value], stack], where] = reason as [[[string, unknown], string], unknown]
      assert.deepEqual([tag, value], ['nocatch', 'unknown'])
      assert.equal(typeof stack, 'string')
      assert.deepEqual(where, ['Task', 'await', [task, 5000]])
    },
  },
  {
    how: 'on a task error with [error, stack]',
    work: () => {
      throw new RangeError('oops')
    },
    check(reason, task) {
      const [[err], where] = reason as [[Error, string], unknown]
      assert.ok(err instanceof RangeError)
      assert.deepEqual(where, ['Task', 'await', [task, 5000]])
    },
  },
  {
    how: 'with the reason the task exited with',
    work: () => exit('unknown'),
    check(reason, task) {
      assert.deepEqual(reason, ['unknown', ['Task', 'await', [task, 5000]]])
    },
  },
]

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
