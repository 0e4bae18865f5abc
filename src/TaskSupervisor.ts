/**
 * Task.Supervisor: a supervisor for tasks, with Elixir 1.14's semantics (T8). Reached as
 * `Task.Supervisor`.
 *
 * ## Example
 *
 * A task supervisor starts with no children, usually under a supervisor and with a name:
 *
 * ```ts
 * import { Process, Supervisor, Task } from 'beamish'
 *
 * await Process.run(function* () {
 *   yield* Supervisor.startLink([[Task.Supervisor, { name: 'tasks' }]], { strategy: 'one_for_one' })
 *
 *   const task = yield* Task.Supervisor.async('tasks', () => fetchPrice('BEAM'))
 *   const price = yield* Task.await(task)
 * })
 * ```
 *
 * Underneath it is a `DynamicSupervisor`: each task is one of its children, linked to it and
 * shut down with it, and `DynamicSupervisor.countChildren` / `whichChildren` work on it too.
 * Starting a task is a call to the supervisor, so every function that starts one returns an op:
 * `yield*` it in a generator process, `await` it anywhere else.
 *
 * ## Kinds of task
 *
 * - `async(sup, work)`: like `Task.async`, but supervised. The task is linked to the caller and
 *   monitored by it, so a crash takes a caller that does not trap exits down with it; collect it
 *   with `Task.await`, `Task.yield`, `Task.shutdown`…
 * - `asyncNolink(sup, work)`: monitored only. A crash does not reach the caller: `Task.yield`
 *   returns `['exit', reason]` and `Task.await` exits the caller with that reason, as the caller
 *   chooses. The way to run work that may fail from a GenServer: the reply `[task.ref, result]`
 *   and the `['DOWN', task.ref, 'process', pid, reason]` arrive in `handleInfo`.
 * - `startChild(sup, work, { restart })`: fire and forget, not linked to the caller. `restart`
 *   is `'temporary'` by default (never restarted); `'transient'` restarts a task that crashed,
 *   `'permanent'` one that ended in any way, with the same work.
 * - `asyncStream(sup, input, work)` / `asyncStreamNolink(…)`: `Task.asyncStream` with the tasks
 *   under the supervisor, linked to the consumer or not. Unlinked, a crash is an
 *   `['exit', reason]` result and never reaches the consumer; either way a run that stops, or
 *   whose consumer dies, leaves no task behind.
 *
 * Every task records its lineage: `Process.get('$callers')` is the process that asked for it and
 * that one's callers, and `Process.info(pid).ancestors` starts with the supervisor.
 *
 * ## Options
 *
 * `startLink` takes `name` (as a GenServer's), and `maxRestarts`, `maxSeconds`, `maxChildren`
 * as `DynamicSupervisor` does. At `maxChildren`, `async`, `asyncNolink` and the streams throw
 * `ERR_BEAMISH_MAX_CHILDREN` ("reached the maximum number of tasks for this task supervisor"),
 * where `startChild` returns `['error', 'max_children']`. Each task may also be given a
 * `shutdown`: how long the supervisor waits for it when stopping (default 5000 ms; a task must
 * trap exits for the wait to matter) or `'brutal_kill'`.
 *
 * @module
 */
import * as DynamicSupervisor from './DynamicSupervisor.ts'
import { badArg, oneOf } from './internal/errors.ts'
import type { Name, ServerRef } from './internal/gen.ts'
import * as gen from './internal/gen.ts'
import type { StartResult } from './internal/procLib.ts'
import { Op } from './internal/runtime/op.ts'
import type { Receive } from './internal/runtime/receive.ts'
import { nameId } from './internal/supervisor/childSpec.ts'
import { optionsObject } from './internal/supervisor/client.ts'
import type { ChildSpec, Restart, Shutdown } from './internal/supervisor/spec.ts'
import { checkWork, type Work } from './internal/task.ts'
import { type AsyncStream, buildStream } from './internal/taskStream.ts'
import { asyncUnder, startChildUnder, streamStarter } from './internal/taskSupervisor.ts'
import { Pid } from './internal/term/pid.ts'
import type { ResultOf, Task, AsyncStreamOptions as TaskStreamOptions } from './Task.ts'

export type { Name, ServerRef, StartResult }

/** The options of {@link startLink}. */
export interface Options {
  /** Register the supervisor: a string, `{ via, key }` or `{ global }`. */
  readonly name?: Name
  /** Restarts allowed within `maxSeconds` (default 3); restarts only happen for non-temporary tasks. */
  readonly maxRestarts?: number
  /** The intensity window in seconds (default 5). */
  readonly maxSeconds?: number
  /** Tasks allowed at once (default `'infinity'`). */
  readonly maxChildren?: number | 'infinity'
}

/** The options of {@link async} and {@link asyncNolink}. */
export interface AsyncOptions {
  /** How the supervisor stops the task: ms to wait after `'shutdown'` (default 5000), `'infinity'`, or `'brutal_kill'`. */
  readonly shutdown?: Shutdown
}

/** The options of {@link startChild}. */
export interface StartChildOptions extends AsyncOptions {
  /** `'temporary'` (default): never restarted; `'transient'`: restarted after a crash; `'permanent'`: always. */
  readonly restart?: Restart
}

/** The options of {@link asyncStream} and {@link asyncStreamNolink}: `Task.asyncStream`'s, and `shutdown`. */
export interface AsyncStreamOptions extends TaskStreamOptions {
  /** How the supervisor stops each task: ms to wait after `'shutdown'` (default 5000) or `'brutal_kill'`. */
  readonly shutdown?: number | 'brutal_kill'
}

/** What {@link startChild} returns. */
export type OnStartChild =
  | readonly ['ok', Pid]
  | readonly ['error', 'max_children']
  | readonly ['error', unknown]

type Unwrap<T> = T extends PromiseLike<infer U> ? U : T extends Generator<unknown, infer U, any> ? U : T

const START_KEYS = ['name', 'maxRestarts', 'maxSeconds', 'maxChildren']

/** The supervisor's callback module: its `init` gets the flags, built (and checked) by the caller. */
const TaskSupervisorModule = {
  name: 'Task.Supervisor',
  init: (flags: unknown) => flags,
}

function startOp(options: unknown, link: boolean, caller: Function): Receive<StartResult<Pid>> {
  const o = optionsObject(
    options,
    START_KEYS,
    'Task.Supervisor',
    'Task.Supervisor options to be an object',
    caller,
  )
  const { name, ...flags } = o as Options
  const init = DynamicSupervisor.init(flags)
  const nameOpt = name === undefined ? {} : { name }
  return link
    ? DynamicSupervisor.startLink(TaskSupervisorModule, init, nameOpt)
    : DynamicSupervisor.start(TaskSupervisorModule, init, nameOpt)
}

/**
 * Starts a task supervisor linked to the caller. Options: `name`, `maxRestarts`, `maxSeconds`,
 * `maxChildren`; bad ones throw `ERR_BEAMISH_INVALID_OPTION` at once. Returns `['ok', pid]`, or
 * `['error', ['already_started', pid]]` when the name is taken. Prefer starting it under a
 * supervisor with `[Task.Supervisor, options]`.
 *
 * @example
 * ```ts
 * const [, sup] = yield* Task.Supervisor.startLink({ name: 'tasks', maxChildren: 100 })
 * ```
 */
export function startLink(options?: Options): Receive<StartResult<Pid>> {
  return startOp(options, true, startLink)
}

/**
 * Like {@link startLink}, unlinked: for a task supervisor started from plain async code (an
 * `await` outside any process runs in a short-lived process, whose exit would stop a linked one).
 *
 * @example
 * ```ts
 * const [, sup] = await Task.Supervisor.start({ name: 'tasks' })
 * ```
 */
export function start(options?: Options): Receive<StartResult<Pid>> {
  return startOp(options, false, start)
}

/**
 * The child specification that starts a task supervisor under another supervisor, so
 * `[Task.Supervisor, { name: 'tasks' }]` (or `Task.Supervisor` alone) can be given as a child:
 * `{ id: name ?? 'Task.Supervisor', start: [Task.Supervisor.startLink, [options]], type:
 * 'supervisor' }`. The id is the name (or its key), so two unnamed ones need ids of their own.
 *
 * @example
 * ```ts
 * yield* Supervisor.startLink([[Task.Supervisor, { name: 'tasks' }]], { strategy: 'one_for_one' })
 * Supervisor.childSpec([Task.Supervisor, {}], { id: 'more tasks' })
 * ```
 */
export function childSpec(options: Options = {}): ChildSpec {
  const id = nameId((options as Options | null)?.name, 'Task.Supervisor')
  return { id, start: [startLink, [options]], type: 'supervisor' }
}

// ------------------------------------------------------------------ options

const SHUTDOWN_VALUES = ["'brutal_kill'", 'an integer >= 0 (milliseconds)', "'infinity'"]

function checkShutdown(s: unknown, streaming: boolean, caller: Function): Shutdown {
  if (s === undefined) return 5000
  if (s === 'brutal_kill' || (typeof s === 'number' && Number.isInteger(s) && s >= 0)) return s
  if (s === 'infinity' && !streaming) return s
  throw oneOf('shutdown', streaming ? SHUTDOWN_VALUES.slice(0, 2) : SHUTDOWN_VALUES, s, caller)
}

function checkOptions(o: unknown, keys: readonly string[], caller: Function): Record<string, unknown> {
  return optionsObject(o, keys, 'Task.Supervisor', 'options to be an object', caller)
}

/** `Task.asyncStream` does not know `shutdown`: split it off before the stream checks the rest. */
function splitShutdown(o: unknown): [shutdown: unknown, rest: unknown] {
  if (typeof o !== 'object' || o === null || !('shutdown' in o)) return [undefined, o]
  const { shutdown, ...rest } = o as Record<string, unknown>
  return [shutdown, rest]
}

// ------------------------------------------------------------------ tasks

/**
 * Starts a task under `sup`, linked to the caller and monitored by it, like `Task.async` (T1,
 * T8); collect it with `Task.await` and friends. Throws `ERR_BEAMISH_MAX_CHILDREN` when `sup`
 * already runs `maxChildren` tasks. Option: `shutdown`.
 *
 * @example
 * ```ts
 * const task = yield* Task.Supervisor.async('tasks', () => 1 + 1)
 * yield* Task.await(task) // 2
 * const t2 = await Task.Supervisor.async(sup, [Math.max, [3, 7]], { shutdown: 'brutal_kill' })
 * ```
 */
export function async<W extends Work>(
  sup: ServerRef,
  work: W,
  options?: AsyncOptions,
): Receive<Task<ResultOf<W>>> {
  return asyncOp(sup, work, options, 'caller', async) as Receive<Task<ResultOf<W>>>
}

/**
 * Starts a task under `sup` that the caller monitors but is not linked to (T8): a crash does not
 * reach the caller; `Task.yield` then returns `['exit', reason]`. Only the caller may collect
 * it; in a GenServer, the reply `[task.ref, result]` or the `DOWN` arrives in `handleInfo`.
 * Throws `ERR_BEAMISH_MAX_CHILDREN` at the limit. Option: `shutdown`.
 *
 * @example
 * ```ts
 * const task = yield* Task.Supervisor.asyncNolink('tasks', () => riskyWork())
 * const r = yield* Task.yield(task) // ['ok', value], ['exit', reason] or null
 * ```
 */
export function asyncNolink<W extends Work>(
  sup: ServerRef,
  work: W,
  options?: AsyncOptions,
): Receive<Task<ResultOf<W>>> {
  return asyncOp(sup, work, options, 'none', asyncNolink) as Receive<Task<ResultOf<W>>>
}

function asyncOp(
  sup: ServerRef,
  work: unknown,
  options: unknown,
  linkTo: 'caller' | 'none',
  caller: Function,
): Op<Task> {
  const s = gen.checkServer(sup, caller)
  const [fn, args] = checkWork(work, caller)
  const o = checkOptions(options, ['shutdown'], caller)
  const shutdown = checkShutdown(o.shutdown, false, caller)
  return new Op(() => asyncUnder(s, fn, args, linkTo, shutdown, caller))
}

/**
 * Starts a fire-and-forget task under `sup`, linked to the supervisor only (T8). Returns
 * `['ok', pid]`, or `['error', 'max_children']` at the limit. Options: `restart` (`'temporary'`
 * by default; `'transient'` or `'permanent'` restart it with the same work) and `shutdown`.
 *
 * @example
 * ```ts
 * yield* Task.Supervisor.startChild('tasks', () => sendEmail(user))
 * yield* Task.Supervisor.startChild('tasks', [poll, [url]], { restart: 'transient' })
 * ```
 */
export function startChild(sup: ServerRef, work: Work, options?: StartChildOptions): Receive<OnStartChild> {
  const s = gen.checkServer(sup, startChild)
  const [fn, args] = checkWork(work, startChild)
  const o = checkOptions(options, ['restart', 'shutdown'], startChild)
  const restart = o.restart ?? 'temporary'
  if (restart !== 'temporary' && restart !== 'transient' && restart !== 'permanent') {
    throw oneOf('restart', ["'temporary'", "'transient'", "'permanent'"], restart, startChild)
  }
  const shutdown = checkShutdown(o.shutdown, false, startChild)
  return new Op(
    () =>
      startChildUnder(s, fn, args, restart, shutdown, startChild) as Generator<
        unknown,
        OnStartChild,
        unknown
      >,
  )
}

/**
 * The pids of the tasks running under `sup` (those being restarted are left out).
 *
 * @example
 * ```ts
 * yield* Task.Supervisor.children('tasks') // [#PID<0.91.0>, …]
 * ```
 */
export function children(sup: ServerRef): Receive<Pid[]> {
  const s = gen.checkServer(sup, children)
  return new Op(function* () {
    const all = yield* DynamicSupervisor.whichChildren(s)
    const pids: Pid[] = []
    for (const [, pid] of all) if (pid instanceof Pid) pids.push(pid)
    return pids
  })
}

/**
 * Terminates the task running as `pid` (as its `shutdown` says). Returns `'ok'` or
 * `['error', 'not_found']`.
 *
 * @example
 * ```ts
 * yield* Task.Supervisor.terminateChild('tasks', pid) // 'ok'
 * ```
 */
export function terminateChild(sup: ServerRef, pid: Pid): Receive<'ok' | readonly ['error', 'not_found']> {
  const s = gen.checkServer(sup, terminateChild)
  if (!(pid instanceof Pid)) throw badArg('the pid of a task', pid, terminateChild)
  return DynamicSupervisor.terminateChild(s, pid)
}

// ------------------------------------------------------------------ streams

type StreamWork<T, R> = ((item: T) => R) | readonly [(item: T, ...args: any[]) => R, readonly unknown[]]

function streamOp<R>(
  sup: ServerRef,
  input: unknown,
  work: unknown,
  options: unknown,
  link: boolean,
  caller: Function,
  what: string,
): AsyncStream<R> {
  const s = gen.checkServer(sup, caller)
  const [shutdownArg, rest] = splitShutdown(options === undefined ? {} : options)
  const shutdown = checkShutdown(shutdownArg, true, caller)
  return buildStream<R>(input, work, rest, caller, what, [], streamStarter(s, link, shutdown))
}

/**
 * `Task.asyncStream` with the tasks under `sup`, each linked to the consumer (T8): results
 * `['ok', value]` / `['exit', reason]` per element, in input order unless `ordered: false`. A
 * crashing task reaches the consumer over the link, as with `Task.asyncStream`. Options: those of
 * `Task.asyncStream` and `shutdown`. Reaching `maxChildren` kills the run's tasks and throws
 * `ERR_BEAMISH_MAX_CHILDREN` where the stream is consumed.
 *
 * @example
 * ```ts
 * const sizes = yield* Task.Supervisor.asyncStream('tasks', urls, fetchSize, { maxConcurrency: 4 }).toArray()
 * ```
 */
export function asyncStream<T, R>(
  sup: ServerRef,
  input: Iterable<T> | AsyncIterable<T>,
  work: StreamWork<T, R>,
  options?: AsyncStreamOptions,
): AsyncStream<Unwrap<R>> {
  return streamOp(sup, input, work, options, true, asyncStream, 'Task.Supervisor.asyncStream')
}

/**
 * Like {@link asyncStream}, with tasks not linked to the consumer: a crash is reported as
 * `['exit', reason]` and never reaches it, trapping exits or not. A run that stops early, or
 * whose consumer dies, still kills its tasks.
 *
 * @example
 * ```ts
 * for await (const [kind, value] of Task.Supervisor.asyncStreamNolink('tasks', jobs, run, { ordered: false })) {
 *   if (kind === 'exit') console.warn('job failed:', value)
 * }
 * ```
 */
export function asyncStreamNolink<T, R>(
  sup: ServerRef,
  input: Iterable<T> | AsyncIterable<T>,
  work: StreamWork<T, R>,
  options?: AsyncStreamOptions,
): AsyncStream<Unwrap<R>> {
  return streamOp(sup, input, work, options, false, asyncStreamNolink, 'Task.Supervisor.asyncStreamNolink')
}
