/**
 * Supervisor: a process that starts, watches and restarts other processes, with OTP 25 /
 * Elixir 1.14 semantics. Supervisors are how Beamish programs are organised into *supervision
 * trees*: each process does its job, and when one fails its supervisor restarts it from a known
 * good state.
 *
 * ## Example
 *
 * A stack server to supervise:
 *
 * ```ts
 * import { GenServer, Supervisor } from 'beamish'
 *
 * const Stack = GenServer.define({
 *   name: 'Stack',
 *   init: (items: string[]) => GenServer.ok(items),
 *   handleCall: (req: 'pop', _from, items: string[]) => {
 *     if (items.length === 0) throw new Error('empty stack')
 *     return GenServer.reply(items[0], items.slice(1))
 *   },
 *   handleCast: ([, item]: ['push', string], items: string[]) => GenServer.noreply([item, ...items]),
 * })
 *
 * const children = [
 *   // Started as GenServer.startLink(Stack, ['hello'], { name: 'stack' }).
 *   { id: 'Stack', start: () => GenServer.startLink(Stack, ['hello'], { name: 'stack' }) },
 * ]
 * const [, sup] = yield* Supervisor.startLink(children, { strategy: 'one_for_one' })
 *
 * yield* Supervisor.countChildren(sup)   // { specs: 1, active: 1, supervisors: 0, workers: 1 }
 * yield* GenServer.call('stack', 'pop')  // 'hello'
 * yield* GenServer.call('stack', 'pop')  // the stack is empty: the server crashes, and the call exits
 * ```
 *
 * Luckily the server is supervised: its supervisor has already started a new one, with the
 * initial stack, under the same name:
 *
 * ```ts
 * yield* GenServer.call('stack', 'pop')  // 'hello'
 * ```
 *
 * Inside a generator process use `yield*`; from plain async code use `await` (a top-level
 * supervisor started from outside any process should use {@link start}, which does not link it
 * to the short-lived process `await` runs in).
 *
 * ## Child specifications
 *
 * A child specification says how to start, stop and restart one child:
 *
 * - `id` (required): any value naming the child inside this supervisor; ids must be unique.
 * - `start` (required): a function of no arguments returning `['ok', pid]` (or an Op of it, like
 *   `() => GenServer.startLink(Worker, 0)`), or `[fn, args]`, called as `fn(...args)`. The new
 *   process must be linked to the caller (every `startLink` is).
 * - `restart`: `'permanent'` (default: always restarted, even after `'normal'`), `'transient'`
 *   (restarted unless it exits `'normal'`, `'shutdown'` or `['shutdown', term]`), or
 *   `'temporary'` (never restarted, and forgotten when it exits).
 * - `shutdown`: `'brutal_kill'` (`Process.exit(child, 'kill')`), milliseconds to wait after
 *   `Process.exit(child, 'shutdown')` before killing it (default `5000`; at least 1 under a
 *   DynamicSupervisor), or `'infinity'` (the default for supervisors, and what a child
 *   supervisor should use).
 * - `type`: `'worker'` (default) or `'supervisor'`.
 * - `significant`: see automatic shutdown below. `modules`: for release tooling only (default:
 *   the module the start starts, as `whichChildren` shows it: `['Stack']` for
 *   `[GenServer.startLink, [Stack, arg]]`, `['Agent']` for `[Agent, fn]`, `['Task.Supervisor']`
 *   for `[Task.Supervisor, opts]`; none for a start function).
 *
 * Anywhere children are given, a module may stand for its spec: `Stack` means
 * `Stack.childSpec(undefined)` and `[Stack, arg]` means `Stack.childSpec(arg)`; a module without
 * `childSpec` gets {@link GenServer.childSpec}'s default, `{ id: 'Stack', start:
 * [GenServer.startLink, [Stack, arg]] }`. Any object with a `childSpec(arg)` function works
 * the same way, so `[Agent, fn]`, `[Task, fn]`, `[Registry, opts]`, `[DynamicSupervisor, opts]`
 * and `[Task.Supervisor, opts]` are children too. {@link childSpec} builds a spec and overrides
 * fields:
 *
 * ```ts
 * Supervisor.childSpec([Stack, ['hello']], { id: 'stack2', shutdown: 10_000 })
 * ```
 *
 * ## Strategies
 *
 * - `'one_for_one'`: only the child that terminated is restarted.
 * - `'one_for_all'`: the other children are terminated (newest first), then all are restarted
 *   in start order.
 * - `'rest_for_one'`: the children started after the one that terminated are terminated (newest
 *   first), then it and they are restarted in start order.
 *
 * ## Restart intensity
 *
 * A supervisor allows `maxRestarts` restarts (default 3) within `maxSeconds` seconds (default 5).
 * One more and it gives up: it terminates all its children, logs
 * `reached_max_restart_intensity`, and exits with reason `'shutdown'`, leaving the decision to its
 * own supervisor. Time is counted in whole seconds, as OTP does, so the window is between
 * `maxSeconds` and `maxSeconds + 1` seconds long. A restart that fails to start counts too, and
 * is retried (the child shows as `'restarting'` meanwhile).
 *
 * ## Start and shutdown
 *
 * Children start in order, each `start` finishing before the next; `startLink` returns once all
 * are up. If one fails, those already started are terminated in reverse order and `startLink`
 * returns `['error', ['shutdown', ['failed_to_start_child', id, reason]]]`. A supervisor that stops
 * (via {@link stop}, its parent exiting, or its intensity) terminates its children in reverse
 * start order, one at a time, each as its `shutdown` says.
 *
 * ## Automatic shutdown
 *
 * With `autoShutdown: 'any_significant'` the supervisor exits `'shutdown'` as soon as a child
 * marked `significant: true` terminates by itself; with `'all_significant'`, once all of them have.
 * Significant children must be `'transient'` or `'temporary'`. Terminations the supervisor caused
 * (sibling restarts, {@link terminateChild}) do not count.
 *
 * ## Module-based supervisors
 *
 * A module whose `init(arg)` returns {@link init}'s result can be started with
 * `startLink(module, arg, opts)`, and, through {@link define}, given as a child of another
 * supervisor:
 *
 * ```ts
 * const App = Supervisor.define({
 *   name: 'App',
 *   init: (items: string[]) => Supervisor.init([[Stack, items]], { strategy: 'one_for_one' }),
 * })
 * yield* Supervisor.startLink([[App, ['hello']]], { strategy: 'one_for_one' })
 * ```
 *
 * Prefer them below the top of a tree: the module owns its children's configuration, and `init`
 * may do work first (or return `'ignore'` to not start at all).
 *
 * ## Name registration
 *
 * A supervisor takes the same `name` option as a GenServer (a string, `{ via, key }` or
 * `{ global }`), and every function here accepts a pid or such a name.
 *
 * ## Requests it does not know
 *
 * As in OTP, a supervisor has no clause for a call or cast it does not know: one crashes it
 * (children shut down, exit reason `['function_clause', [['Supervisor', 'handleCall', 3]]]`,
 * `handleCast` / 2 for a cast), and a caller exits with that reason. A DynamicSupervisor crashes
 * the same way on an unknown call and ignores unknown casts.
 *
 * @module
 */
import { badArg, checkKeys, createError, oneOf } from './internal/errors.ts'
import type { Name, ServerRef } from './internal/gen.ts'
import * as gen from './internal/gen.ts'
import type { StartResult } from './internal/procLib.ts'
import { isCallbackModule } from './internal/runtime/callbacks.ts'
import type { Receive } from './internal/runtime/receive.ts'
import {
  type AutoShutdown,
  type ChildInput,
  type ChildModule,
  ChildRec,
  checkChild,
  defineSupervisorModule,
  specError,
  toSpec,
} from './internal/supervisor/childSpec.ts'
import { intensityOptions, startSupervisor, supCall } from './internal/supervisor/client.ts'
import type { Strategy } from './internal/supervisor/restart.ts'
import { DefaultModule, SupervisorServer } from './internal/supervisor/server.ts'
import {
  applyOverrides,
  type ChildSpec,
  type ChildSpecOverrides,
  type ChildType,
  type OnStart,
  type Restart,
  type Shutdown,
  type StartFunction,
  type StartMfa,
} from './internal/supervisor/spec.ts'
import type { Pid } from './internal/term/pid.ts'

export type {
  AutoShutdown,
  ChildModule,
  ChildSpec,
  ChildSpecOverrides,
  ChildType,
  Name,
  OnStart,
  Restart,
  ServerRef,
  Shutdown,
  StartFunction,
  StartMfa,
  StartResult,
  Strategy,
}
/** A child as given to a supervisor: a spec, a module, or `[module, arg]`. */
export type Child = ChildInput

/** The supervisor flags inside {@link init}'s result (OTP's `sup_flags()` map). */
export interface Flags {
  readonly strategy: Strategy
  readonly intensity: number
  readonly period: number
  readonly autoShutdown: AutoShutdown
}

/** What a module-based supervisor's `init` returns: {@link init}'s result, or `'ignore'`. */
export type InitResult = readonly ['ok', readonly [Flags, readonly ChildSpec[]]] | 'ignore'

/** The options of {@link init} (and of {@link startLink} with children). */
export interface InitOptions {
  /** Required: `'one_for_one'`, `'one_for_all'` or `'rest_for_one'`. */
  readonly strategy: Strategy
  /** Restarts allowed within `maxSeconds` (default 3). */
  readonly maxRestarts?: number
  /** The intensity window in seconds (default 5). */
  readonly maxSeconds?: number
  /** `'never'` (default), `'any_significant'` or `'all_significant'`. */
  readonly autoShutdown?: AutoShutdown
}

/** The options of {@link startLink} with a list of children. */
export interface Options extends InitOptions {
  /** Register the supervisor: a string, `{ via, key }` or `{ global }`. */
  readonly name?: Name
}

/** The options of {@link startLink} with a module. */
export interface ModuleOptions {
  readonly name?: Name
}

/** A module-based supervisor: `init(arg)` returns {@link init}'s result or `'ignore'`. */
export interface SupervisorModule<A = any> {
  readonly name?: string
  init(arg: A): unknown
  childSpec?(arg: A): ChildSpec
}

/** A `whichChildren` entry: `[id, pid | 'restarting' | 'undefined', type, modules]`. */
export type ChildInfo = readonly [
  unknown,
  Pid | 'restarting' | 'undefined',
  ChildType,
  readonly string[] | 'dynamic',
]

/** What {@link countChildren} returns. */
export interface Counts {
  /** All children, running or not. */
  readonly specs: number
  /** Children with a running process. */
  readonly active: number
  readonly supervisors: number
  readonly workers: number
}

/** What {@link startChild} and {@link restartChild} return. */
export type OnStartChild =
  | readonly ['ok', Pid]
  | readonly ['ok', Pid, unknown]
  | readonly ['ok', 'undefined']
  | readonly ['error', unknown]

// ------------------------------------------------------------------ specs

/**
 * Builds a child specification from a module, `[module, arg]` or a spec, then applies
 * `overrides` (Elixir's `Supervisor.child_spec/2`). Throws `ERR_BEAMISH_INVALID_CHILD_SPEC` for
 * anything else, or for an unknown override key.
 *
 * @example
 * ```ts
 * Supervisor.childSpec([Stack, ['hello']], { id: 'other', restart: 'transient' })
 * // { id: 'other', start: [GenServer.startLink, [Stack, ['hello']]], restart: 'transient' }
 * ```
 */
export function childSpec(child: Child, overrides?: ChildSpecOverrides): ChildSpec {
  return applyOverrides(toSpec(child, childSpec), overrides, childSpec)
}

const INIT_KEYS = ['strategy', 'maxRestarts', 'maxSeconds', 'autoShutdown']
const STRATEGIES: readonly Strategy[] = ['one_for_one', 'one_for_all', 'rest_for_one']
const AUTO: readonly AutoShutdown[] = ['never', 'any_significant', 'all_significant']

const quoted = (xs: readonly string[]) => xs.map((x) => `'${x}'`)

/** Checks `init`'s options (with `extraKeys`, such as `startLink`'s `name`) and gives the flags. */
function flagsOf(o: unknown, extraKeys: readonly string[], caller: Function): Flags {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) {
    throw badArg(
      'supervisor options to be an object with a strategy',
      o,
      caller,
      'ERR_BEAMISH_INVALID_OPTION',
    )
  }
  checkKeys(o, [...INIT_KEYS, ...extraKeys], 'supervisor', caller)
  const opts = o as InitOptions
  if (opts.strategy === undefined) {
    throw createError('ERR_BEAMISH_INVALID_OPTION', 'expected the strategy option to be given', caller)
  }
  if (!STRATEGIES.includes(opts.strategy)) throw oneOf('strategy', quoted(STRATEGIES), opts.strategy, caller)
  const { intensity, period } = intensityOptions(opts, caller)
  if (opts.autoShutdown !== undefined && !AUTO.includes(opts.autoShutdown)) {
    throw oneOf('autoShutdown', quoted(AUTO), opts.autoShutdown, caller)
  }
  return { strategy: opts.strategy, intensity, period, autoShutdown: opts.autoShutdown ?? 'never' }
}

function initWith(
  children: readonly Child[],
  options: InitOptions,
  extraKeys: readonly string[],
  caller: Function,
): InitResult {
  if (!Array.isArray(children))
    throw badArg('a list of children', children, caller, 'ERR_BEAMISH_INVALID_CHILD_SPEC')
  const flags = flagsOf(options, extraKeys, caller)
  const specs = children.map((child) => {
    const spec = toSpec(child, caller)
    const checked = checkChild(spec, flags.autoShutdown)
    if (!(checked instanceof ChildRec)) throw specError(checked.error, spec, caller)
    return spec
  })
  return ['ok', [flags, specs]]
}

/**
 * Builds a supervisor's `init` result from its children and options (Elixir's
 * `Supervisor.init/2`). `strategy` is required; `maxRestarts` defaults to 3 and `maxSeconds` to 5.
 * Each child is turned into a spec and checked: a bad one throws `ERR_BEAMISH_INVALID_CHILD_SPEC`
 * (inside a module's `init`, that fails the supervisor's start).
 *
 * @example
 * ```ts
 * const App = Supervisor.define({
 *   init: () => Supervisor.init([Stack, [Cache, { size: 10 }]], { strategy: 'one_for_all', maxRestarts: 1 }),
 * })
 * ```
 */
export function init(children: readonly Child[], options: InitOptions): InitResult {
  return initWith(children, options, [], init)
}

/**
 * Marks `module` as a module-based supervisor: returns it with a `childSpec(arg)` that starts it
 * with `Supervisor.startLink(module, arg)` as a `'supervisor'` child (what Elixir's
 * `use Supervisor` generates), unless it has its own.
 *
 * @example
 * ```ts
 * const App = Supervisor.define({ name: 'App', init: () => Supervisor.init([Stack], { strategy: 'one_for_one' }) })
 * yield* Supervisor.startLink([App], { strategy: 'one_for_one' })
 * ```
 */
export function define<M extends SupervisorModule>(
  module: M,
): M & { childSpec(arg: Parameters<M['init']>[0]): ChildSpec } {
  return defineSupervisorModule(module, startLink, 'a supervisor module', define)
}

// ------------------------------------------------------------------ starting

function startOp(
  first: unknown,
  second: unknown,
  third: unknown,
  link: boolean,
  caller: Function,
): Receive<StartResult<Pid>> {
  if (Array.isArray(first)) {
    const { name, ...rest } = (typeof second === 'object' && second !== null ? second : {}) as Options
    const flags = initWith(first, rest, ['name'], caller)
    return startSupervisor(SupervisorServer, DefaultModule, flags, gen.checkName(name, caller), link)
  }
  if (!isCallbackModule(first)) {
    throw badArg('a list of children or a supervisor module (an object with an init function)', first, caller)
  }
  const o = (third ?? {}) as ModuleOptions
  if (typeof o !== 'object')
    throw badArg('start options to be an object', o, caller, 'ERR_BEAMISH_INVALID_OPTION')
  checkKeys(o, ['name'], 'supervisor start', caller)
  return startSupervisor(SupervisorServer, first, second, gen.checkName(o.name, caller), link)
}

/**
 * Starts a supervisor linked to the caller, either with a list of children and options
 * (`strategy` required), or with a module whose `init(arg)` returns {@link init}'s result.
 * Returns once every child has started: `['ok', pid]`; `'ignore'` when a module's `init`
 * returned it; `['error', ['already_started', pid]]` for a taken name; `['error', ['shutdown',
 * ['failed_to_start_child', id, reason]]]` when a child failed to start (SU-o2); `['error',
 * ['supervisor_data' | 'start_spec' | 'bad_return', …]]` for a module's bad `init` result.
 * Like OTP, a start that fails also exits the supervisor, so a caller that does not trap exits
 * goes down with it. Bad options and child specs given here throw at once.
 *
 * @example
 * ```ts
 * const [, sup] = yield* Supervisor.startLink([Stack, [Cache, 10]], { strategy: 'one_for_one', name: 'app' })
 * const [, sup2] = yield* Supervisor.startLink(App, ['hello'])
 * ```
 */
export function startLink(children: readonly Child[], options: Options): Receive<StartResult<Pid>>
export function startLink<M extends SupervisorModule>(
  module: M,
  arg: Parameters<M['init']>[0],
  options?: ModuleOptions,
): Receive<StartResult<Pid>>
export function startLink(first: unknown, second: unknown, third?: unknown): Receive<StartResult<Pid>> {
  return startOp(first, second, third, true, startLink)
}

/**
 * Like {@link startLink}, without linking the supervisor to the caller: for the top of a tree
 * started from plain async code (an `await` outside any process runs in a short-lived process,
 * whose exit would stop a linked supervisor).
 *
 * @example
 * ```ts
 * const [, sup] = await Supervisor.start([Stack], { strategy: 'one_for_one' })
 * ```
 */
export function start(children: readonly Child[], options: Options): Receive<StartResult<Pid>>
export function start<M extends SupervisorModule>(
  module: M,
  arg: Parameters<M['init']>[0],
  options?: ModuleOptions,
): Receive<StartResult<Pid>>
export function start(first: unknown, second: unknown, third?: unknown): Receive<StartResult<Pid>> {
  return startOp(first, second, third, false, start)
}

// ------------------------------------------------------------------ management

/**
 * Adds a child and starts it. Returns `['ok', pid]` (or `['ok', pid, info]`); `['ok',
 * 'undefined']` when its start returned `'ignore'` (the spec is kept unless temporary);
 * `['error', ['already_started', pid]]` or `['error', 'already_present']` when the id is taken;
 * `['error', reason]` when the start failed (the spec is discarded) or the spec is invalid
 * (`['error', 'missing_id']`, `['error', ['invalid_mfa', start]]`, …).
 *
 * @example
 * ```ts
 * const [, pid] = yield* Supervisor.startChild(sup, { id: 'worker', start: () => GenServer.startLink(Worker, 1) })
 * ```
 */
export function startChild(sup: ServerRef, child: Child): Receive<OnStartChild> {
  return supCall(sup, ['start_child', toSpec(child, startChild)], startChild)
}

/**
 * Terminates the child with id `id` as its `shutdown` says. Its spec is kept, with no pid,
 * unless it is temporary. Returns `'ok'` or `['error', 'not_found']`. Children are found by id
 * only, as OTP 25 does: a pid is not an id, so it answers `not_found` and the child keeps running
 * (`restartChild` and `deleteChild` alike). To stop a child by pid, use a DynamicSupervisor.
 *
 * @example
 * ```ts
 * yield* Supervisor.terminateChild(sup, 'worker') // 'ok'
 * ```
 */
export function terminateChild(sup: ServerRef, id: unknown): Receive<'ok' | readonly ['error', 'not_found']> {
  return supCall(sup, ['terminate_child', id], terminateChild)
}

/**
 * Starts again a child whose spec is kept but which is not running. Returns like
 * {@link startChild}, or `['error', 'running' | 'restarting' | 'not_found']`.
 *
 * @example
 * ```ts
 * yield* Supervisor.terminateChild(sup, 'worker')
 * const [, pid] = yield* Supervisor.restartChild(sup, 'worker')
 * ```
 */
export function restartChild(sup: ServerRef, id: unknown): Receive<OnStartChild> {
  return supCall(sup, ['restart_child', id], restartChild)
}

/**
 * Removes the spec of a child that is not running. Returns `'ok'` or `['error', 'running' |
 * 'restarting' | 'not_found']`.
 *
 * @example
 * ```ts
 * yield* Supervisor.terminateChild(sup, 'worker')
 * yield* Supervisor.deleteChild(sup, 'worker') // 'ok'
 * ```
 */
export function deleteChild(sup: ServerRef, id: unknown): Receive<'ok' | readonly ['error', unknown]> {
  return supCall(sup, ['delete_child', id], deleteChild)
}

/**
 * Lists the children, newest first: `[id, pid | 'restarting' | 'undefined', type, modules]`.
 *
 * @example
 * ```ts
 * yield* Supervisor.whichChildren(sup) // [['Stack', pid, 'worker', ['Stack']]]
 * ```
 */
export function whichChildren(sup: ServerRef): Receive<ChildInfo[]> {
  return supCall(sup, 'which_children', whichChildren)
}

/**
 * Counts the children: `specs` (all), `active` (running), `supervisors` and `workers`.
 *
 * @example
 * ```ts
 * yield* Supervisor.countChildren(sup) // { specs: 1, active: 1, supervisors: 0, workers: 1 }
 * ```
 */
export function countChildren(sup: ServerRef): Receive<Counts> {
  return supCall(sup, 'count_children', countChildren)
}

/**
 * Stops the supervisor with `reason` (default `'normal'`) after it has terminated its children in
 * reverse start order; returns `'ok'`. Exits like `GenServer.stop` when the supervisor is not
 * alive (`noproc`) or ends with another reason.
 *
 * @example
 * ```ts
 * yield* Supervisor.stop(sup)
 * ```
 */
export function stop(
  sup: ServerRef,
  reason: unknown = 'normal',
  timeout: number = Number.POSITIVE_INFINITY,
): Receive<'ok'> {
  return gen.stop(sup, reason, timeout, stop)
}
