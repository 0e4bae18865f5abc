/**
 * Tasks: processes that run one function and, when awaited, hand back its result. Elixir 1.14's
 * `Task` on OTP 25 semantics.
 *
 * ## Example
 *
 * ```ts
 * import { Process, Task } from 'beamish'
 *
 * await Process.run(function* () {
 *   const task = Task.async(() => fetchPrice('BEAM'))   // starts at once, linked to us
 *   const other = doSomethingElse()
 *   const price = yield* Task.await(task)               // waits up to 5000 ms
 * })
 * ```
 *
 * The work is a plain, `async` or generator function (or `[fn, args]`, run as `fn(...args)`
 * with `args` copied into the task as a message is), run in its own process. In an async
 * process use `await Task.await(task)`; every blocking function here returns an op that works
 * with `yield*` and `await` alike.
 *
 * ## async and await
 *
 * `async` links the task to the caller (its *owner*) and monitors it with an alias. The task
 * sends `[task.ref, result]` and exits `'normal'`. Only the owner may `await`, `yield`,
 * `ignore` or `shutdown` it (T2). `await` either returns the result (the monitor's `DOWN` is
 * flushed, so the mailbox is left clean), or exits the caller with
 * `[reason, ['Task', 'await', [task, timeout]]]`: the task's own exit reason (even `'normal'`
 * if it ended without replying), or `'timeout'`. After a timeout the monitor and alias are
 * gone, so a late reply never arrives; the task keeps running, still linked.
 *
 * Because of the link, a task that crashes takes a caller that does not trap exits down with it
 * (usually before `await` even returns). When a failure must not spread, use
 * `Task.Supervisor.asyncNolink`: the task is monitored, not linked.
 *
 * `yield` waits without giving up the task: `null` on timeout, and the task can be yielded to
 * again. `awaitMany` / `yieldMany` do the same for a list, and `asyncStream` runs a function
 * over a collection with bounded concurrency.
 *
 * A task is a frozen `{ pid, ref, owner, mfa }`: send it to another process if you like, but
 * only its owner can collect it.
 *
 * ## Supervised tasks
 *
 * `start`/`startLink` run fire-and-forget tasks (they cannot be awaited). `childSpec(work)`
 * describes one for a supervisor, with `restart: 'temporary'` (T7), so `[Task, work]` can be
 * given as a child. Each task records its lineage: `Process.get('$callers')` is the owner and
 * its own callers (T9), and `Process.info(pid).ancestors` starts with the process that started
 * it.
 *
 * `Task.Supervisor` (see its docs) runs tasks under a supervisor of their own: awaitable
 * (`async`, `asyncNolink`), fire-and-forget (`startChild`, restartable) or as a stream.
 *
 * ## When (not) to use a task
 *
 * Use a task to run something concurrently and collect the result, or to fire and forget
 * under a supervisor. Don't use one for long-lived state or for code that expects messages
 * (use a GenServer); and don't `async` work whose failure must not take the caller down.
 *
 * @module
 */
import { badArg, checkKeys, createError, oneOf } from './internal/errors.ts'
import { inspect } from './internal/format.ts'
import { checkCallTimeout } from './internal/gen.ts'
import { Op } from './internal/runtime/op.ts'
import { self } from './internal/runtime/proc.ts'
import type { Receive } from './internal/runtime/receive.ts'
import { applyOverrides, type ChildSpec, type ChildSpecOverrides } from './internal/supervisor/spec.ts'
import {
  asyncTask,
  checkOwner,
  checkTask,
  checkTasks,
  checkWork,
  completedTask,
  startTask,
  type TaskStruct,
  type Work,
} from './internal/task.ts'
import * as wait from './internal/taskAwait.ts'
import { type AsyncStream, buildStream, type StreamCursor, type StreamResult } from './internal/taskStream.ts'
import type { Pid } from './internal/term/pid.ts'

export type { YieldResult } from './internal/taskAwait.ts'
/** Supervised tasks: `Task.Supervisor.async(sup, work)` and friends (T8). */
export * as Supervisor from './TaskSupervisor.ts'
export type { AsyncStream, ChildSpec, ChildSpecOverrides, StreamCursor, StreamResult, Work }

/**
 * A task (Elixir's `%Task{}`): `{ pid, ref, owner, mfa }`, frozen. `R` is what awaiting it gives.
 */
export type Task<R = unknown> = TaskStruct<R>

/** What awaiting a task gives. */
export type TaskResult<T> = T extends TaskStruct<infer R> ? R : unknown

type Unwrap<T> = T extends PromiseLike<infer U> ? U : T extends Generator<unknown, infer U, any> ? U : T

/** What a task running `work` returns once awaited. */
export type ResultOf<W> = W extends readonly [(...args: any[]) => infer R, readonly unknown[]]
  ? Unwrap<R>
  : W extends (...args: any[]) => infer R
    ? Unwrap<R>
    : unknown

// ------------------------------------------------------------------ async / await

/**
 * Starts a task linked to the caller and monitored by it, and returns it at once (T1). Collect
 * it with {@link await}, {@link yield}, {@link ignore} or {@link shutdown}.
 *
 * @example
 * ```ts
 * const task = Task.async(() => 1 + 1)
 * const two = yield* Task.await(task)
 * const t2 = Task.async([Math.max, [3, 7]])   // [fn, args]
 * ```
 */
export function async<W extends Work>(work: W): Task<ResultOf<W>> {
  const owner = self(async)
  const [fn, args] = checkWork(work, async)
  return asyncTask<ResultOf<W>>(owner, fn, args, true, async)
}

/**
 * A task that has already completed with `result` (Elixir's `Task.completed/1`): it has no
 * process (`pid` is `null`), and its reply is already in the caller's mailbox, so `await`,
 * `yield`, `awaitMany`, `yieldMany` and `ignore` give `result` at once. Useful where a task is
 * expected but the value is known, e.g. a cache hit among tasks to await together. Owner only,
 * like any task; `shutdown` throws, as it does for any task without a process.
 *
 * @example
 * ```ts
 * const tasks = ids.map((id) => (cache.has(id) ? Task.completed(cache.get(id)) : Task.async(() => load(id))))
 * const values = yield* Task.awaitMany(tasks)
 * ```
 */
export function completed<R>(result: R): Task<R> {
  return completedTask(self(completed), result, completed)
}

/**
 * Waits for a task's result (T2): returns it, or exits the caller with
 * `[reason, ['Task', 'await', [task, timeout]]]` when the task dies (`reason` is its exit
 * reason) or `timeout` passes (`'timeout'`; default 5000, `Infinity` waits forever). Only the
 * owner may await; anyone else gets `ERR_BEAMISH_NOT_OWNER` at once.
 *
 * @example
 * ```ts
 * const task = Task.async(() => 'done')
 * yield* Task.await(task)            // 'done'
 * await Task.await(other, 1000)      // in an async process
 * ```
 */
function awaitTask<R>(task: Task<R>, timeout: number = 5000): Receive<R> {
  const t = checkTask(task, awaitTask)
  checkOwner(t, self(awaitTask), awaitTask)
  const ms = checkCallTimeout(timeout, awaitTask)
  return new Op(() => wait.awaitTask(t, ms, timeout) as Generator<unknown, R, unknown>)
}

export { awaitTask as await }

/**
 * Waits up to `timeout` ms (default 5000) for a task (T3): `['ok', result]`, `['exit', reason]`
 * if it died, or `null` if it has not finished; then the task is still monitored and can be
 * yielded to again. Owner only.
 *
 * @example
 * ```ts
 * const r = (yield* Task.yield(task, 100)) ?? (yield* Task.shutdown(task))
 * ```
 */
function yieldTask<R>(task: Task<R>, timeout: number = 5000): Receive<wait.YieldResult<R>> {
  const t = checkTask(task, yieldTask)
  checkOwner(t, self(yieldTask), yieldTask)
  const ms = checkCallTimeout(timeout, yieldTask)
  return new Op(() => wait.yieldTask(t, ms, timeout) as Generator<unknown, wait.YieldResult<R>, unknown>)
}

export { yieldTask as yield }

/**
 * Stops caring about a task without stopping it (T5): unlinks and demonitors it, and returns a
 * result that already arrived (`['ok', r]` / `['exit', reason]`) or `null`. Later results are
 * dropped. Synchronous. Owner only.
 *
 * @example
 * ```ts
 * const task = Task.async(() => sendEmail(user))
 * Task.ignore(task) // let it run; its crash no longer reaches us
 * ```
 */
export function ignore<R>(task: Task<R>): wait.YieldResult<R> {
  const t = checkTask(task, ignore)
  const p = self(ignore)
  checkOwner(t, p, ignore)
  return wait.ignoreTask(p, t) as wait.YieldResult<R>
}

/**
 * Unlinks and shuts a task down (T4): sends it `'shutdown'` and kills it if it is still alive
 * after `timeout` ms (default 5000), or kills it at once with `'brutal_kill'`. Returns
 * `['ok', result]` if it replied meanwhile, `null` if it was shut down as asked,
 * `['exit', reason]` if it died otherwise (also `['exit', 'killed']` when a task trapping exits
 * had to be killed), or `['exit', 'noproc']` when it had already been collected. Owner only.
 *
 * @example
 * ```ts
 * yield* Task.shutdown(task)                 // null
 * yield* Task.shutdown(task, 'brutal_kill')
 * ```
 */
export function shutdown<R>(
  task: Task<R>,
  timeout: number | 'brutal_kill' = 5000,
): Receive<wait.YieldResult<R>> {
  const t = checkTask(task, shutdown)
  if (t.pid === null) {
    throw createError(
      'ERR_BEAMISH_BADARG',
      `task ${inspect(t)} does not have an associated task process`,
      shutdown,
    )
  }
  checkOwner(t, self(shutdown), shutdown)
  const how = timeout === 'brutal_kill' ? 'brutal_kill' : checkCallTimeout(timeout, shutdown)
  return new Op(() => wait.shutdownTask(t, how, timeout) as Generator<unknown, wait.YieldResult<R>, unknown>)
}

/**
 * Awaits several tasks, at most `timeout` ms in all (default 5000), and returns their results
 * in the order given (T6). The first task to die, or the timeout, exits the caller with
 * `[reason, ['Task', 'awaitMany', [tasks, timeout]]]`; the other tasks are then demonitored.
 *
 * @example
 * ```ts
 * const [a, b] = yield* Task.awaitMany([Task.async(() => 1), Task.async(() => 2)])
 * ```
 */
export function awaitMany<const T extends readonly Task<any>[]>(
  tasks: T,
  timeout: number = 5000,
): Receive<{ -readonly [K in keyof T]: TaskResult<T[K]> }> {
  const ts = checkTasks(tasks, self(awaitMany), awaitMany)
  const ms = checkCallTimeout(timeout, awaitMany)
  return new Op(() => wait.awaitMany(ts, ms, timeout) as Generator<unknown, never, unknown>)
}

/** Options of {@link yieldMany}. */
export interface YieldManyOptions {
  /** Milliseconds to wait in all (default 5000; `Infinity` waits for every task or `limit`). */
  readonly timeout?: number
  /** Return as soon as this many tasks have answered (default: all of them). */
  readonly limit?: number
  /** What to do with the tasks that did not answer in time (default `'nothing'`). */
  readonly onTimeout?: 'nothing' | 'ignore' | 'kill_task'
}

const YIELD_MANY_KEYS = ['timeout', 'limit', 'onTimeout']

/**
 * Yields to several tasks within one `timeout` (T6): `[task, result]` pairs in the order given,
 * `result` as for {@link yield} (`null` for the silent ones). Options: `timeout`, `limit`,
 * `onTimeout` (`'ignore'` or `'kill_task'` the tasks that timed out).
 *
 * @example
 * ```ts
 * const results = yield* Task.yieldMany(tasks, { timeout: 1000, onTimeout: 'kill_task' })
 * for (const [task, res] of results) if (res === null) console.log('gave up on', task.pid)
 * ```
 */
export function yieldMany<T extends Task<any>>(
  tasks: readonly T[],
  opts: number | YieldManyOptions = 5000,
): Receive<[T, wait.YieldResult<TaskResult<T>>][]> {
  const ts = checkTasks(tasks, self(yieldMany), yieldMany)
  const o: YieldManyOptions = typeof opts === 'number' || typeof opts === 'string' ? { timeout: opts } : opts
  if (typeof o !== 'object' || o === null)
    throw badArg('a timeout or { timeout, limit, onTimeout }', opts, yieldMany)
  checkKeys(o, YIELD_MANY_KEYS, 'Task.yieldMany', yieldMany)
  const timeoutArg = o.timeout ?? 5000
  const timeout = checkCallTimeout(timeoutArg, yieldMany)
  const limit = o.limit ?? ts.length
  if (!Number.isInteger(limit) || limit < 1)
    throw badArg('limit to be a positive integer', limit, yieldMany, 'ERR_BEAMISH_INVALID_OPTION')
  const onTimeout = o.onTimeout ?? 'nothing'
  if (onTimeout !== 'nothing' && onTimeout !== 'ignore' && onTimeout !== 'kill_task') {
    throw oneOf('onTimeout', ["'nothing'", "'ignore'", "'kill_task'"], onTimeout, yieldMany)
  }
  return new Op(
    () =>
      wait.yieldMany(ts, { timeout, timeoutArg, limit, onTimeout }) as Generator<
        unknown,
        [T, wait.YieldResult<TaskResult<T>>][],
        unknown
      >,
  )
}

// ------------------------------------------------------------------ fire and forget

/**
 * Starts a task that nobody awaits, not linked to the caller (T7). Returns `['ok', pid]` at
 * once. Usable outside a process.
 *
 * @example
 * ```ts
 * Task.start(() => console.log('in the background'))
 * ```
 */
export function start(work: Work): readonly ['ok', Pid] {
  const [fn, args] = checkWork(work, start)
  return startTask(fn, args, false, start)
}

/**
 * Like {@link start}, linked to the caller: what a supervisor runs (see {@link childSpec}).
 *
 * @example
 * ```ts
 * const [, pid] = Task.startLink([pollForever, [url]])
 * ```
 */
export function startLink(work: Work): readonly ['ok', Pid] {
  const [fn, args] = checkWork(work, startLink)
  return startTask(fn, args, true, startLink)
}

/**
 * A child specification for a supervised fire-and-forget task:
 * `{ id: 'Task', start: [Task.startLink, [work]], restart: 'temporary' }`, so a task that ends
 * (either way) is not restarted (T7); `overrides` replace fields, as with Elixir's
 * `use Task, restart: :transient`.
 *
 * @example
 * ```ts
 * yield* Supervisor.startLink([Task.childSpec(() => warmCaches())], { strategy: 'one_for_one' })
 * ```
 */
export function childSpec(work: Work, overrides?: ChildSpecOverrides): ChildSpec {
  checkWork(work, childSpec)
  const spec: ChildSpec = { id: 'Task', start: [startLink, [work]], restart: 'temporary' }
  return applyOverrides(spec, overrides, childSpec)
}

// ------------------------------------------------------------------ streams

/** Options of {@link asyncStream}. */
export interface AsyncStreamOptions {
  /** Tasks running at once (default: the number of cores, `os.availableParallelism()`). */
  readonly maxConcurrency?: number
  /** Results in input order (default `true`); `false` gives them as they finish. */
  readonly ordered?: boolean
  /** Milliseconds each task may run (default 5000; `Infinity` for no limit). */
  readonly timeout?: number
  /** On a timeout: exit the caller (`'exit'`, default) or kill that task (`'kill_task'`, result `['exit', 'timeout']`). */
  readonly onTimeout?: 'exit' | 'kill_task'
  /** Report exits as `['exit', [input, reason]]` (default `false`). */
  readonly zipInputOnExit?: boolean
}

/**
 * Runs `work` over each element of `input` (an iterable or async iterable) in tasks linked to
 * the consumer, at most `maxConcurrency` at a time, and yields `['ok', value]` or
 * `['exit', reason]` per element, in input order unless `ordered: false`. `work` is a function
 * of the element, or `[fn, args]`, called as `fn(element, ...args)`. A task that exceeds `timeout` makes the
 * consumer exit with `['timeout', ['Task.Supervised', 'stream', [timeout]]]`, or with
 * `onTimeout: 'kill_task'` is killed and reported as `['exit', 'timeout']`.
 *
 * The stream is lazy and can be consumed several times, each run independent:
 *
 * - as an **async iterable**, with `for await` in an async process;
 * - with the **ops** `toArray()`, `take(n)`, `each(fn)`: `yield*` them in a generator
 *   process, `await` them anywhere (outside a process they run in one of their own);
 * - step by step, generator-style: `const c = stream.open()`, then `yield* c.next()` until
 *   `done`, and `c.close()` to stop early.
 *
 * Stopping early (`take`, `break`, `close`) kills the tasks still running. A task crash reaches
 * the consumer over the link: it dies with it, or, trapping exits, sees `['exit', reason]`.
 *
 * @example
 * ```ts
 * const sizes = yield* Task.asyncStream(urls, (url) => fetchSize(url), { maxConcurrency: 4 }).toArray()
 *
 * for await (const [kind, value] of Task.asyncStream(files, parse, { ordered: false })) {
 *   if (kind === 'ok') index(value)
 * }
 * ```
 */
export function asyncStream<T, R>(
  input: Iterable<T> | AsyncIterable<T>,
  work: ((item: T) => R) | readonly [(item: T, ...args: any[]) => R, readonly unknown[]],
  opts: AsyncStreamOptions = {},
): AsyncStream<Unwrap<R>> {
  return buildStream<Unwrap<R>>(input, work, opts, asyncStream, 'Task.asyncStream')
}
