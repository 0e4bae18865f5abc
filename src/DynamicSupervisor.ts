/**
 * DynamicSupervisor: a supervisor that starts with no children and starts them on demand, with
 * Elixir 1.14 semantics. Children have no order and no ids, so it can hold very many of them,
 * and it shuts them all down at once.
 *
 * ## Example
 *
 * A dynamic supervisor is usually started under another supervisor, with a name:
 *
 * ```ts
 * import { DynamicSupervisor, GenServer, Supervisor } from 'beamish'
 *
 * yield* Supervisor.startLink([[DynamicSupervisor, { name: 'workers' }]], { strategy: 'one_for_one' })
 *
 * const [, w1] = yield* DynamicSupervisor.startChild('workers', [Worker, { job: 1 }])
 * const [, w2] = yield* DynamicSupervisor.startChild('workers', { id: 'w', start: () => GenServer.startLink(Worker, { job: 2 }) })
 *
 * yield* DynamicSupervisor.countChildren('workers') // { specs: 2, active: 2, supervisors: 0, workers: 2 }
 * yield* DynamicSupervisor.terminateChild('workers', w1) // 'ok'
 * ```
 *
 * `startChild` takes the same child specifications as `Supervisor` (see its docs), with two
 * differences from Elixir 1.14: the `id` is required but ignored, and a `shutdown` in
 * milliseconds must be at least 1 (`0` gives `['error', ['invalid_shutdown', 0]]`). Children
 * restart as their `restart` value says, one_for_one, within the restart intensity
 * (`maxRestarts` within `maxSeconds`, default 3 in 5 seconds). Unlike a static supervisor, a
 * dynamic one logs no progress report for the children it starts.
 *
 * ## Options
 *
 * - `maxChildren`: how many children may run at once (default `'infinity'`); beyond it
 *   `startChild` returns `['error', 'max_children']`. Children whose restart is being retried count.
 * - `extraArguments`: arguments prepended to a `[fn, args]` start's arguments, so
 *   `extraArguments: [pool]` with `start: [Worker.startLink, [job]]` calls `Worker.startLink(pool, job)`.
 *
 * ## Shutdown
 *
 * When it stops, a dynamic supervisor sends every child its exit signal at once (`'shutdown'`,
 * or `'kill'` for `'brutal_kill'`), kills those still alive after their own `shutdown` timeout,
 * and waits for all of them; the order they end in is undefined.
 *
 * ## Module-based dynamic supervisors
 *
 * ```ts
 * const Pool = DynamicSupervisor.define({
 *   name: 'Pool',
 *   init: (size: number) => DynamicSupervisor.init({ maxChildren: size }),
 * })
 * yield* Supervisor.startLink([[Pool, 100]], { strategy: 'one_for_one' })
 * ```
 *
 * ## Name registration
 *
 * The same `name` option as a GenServer's (a string, `{ via, key }` or `{ global }`).
 *
 * @module
 */
import { badArg, badOption } from './internal/errors.ts'
import type { Name, ServerRef } from './internal/gen.ts'
import * as gen from './internal/gen.ts'
import type { StartResult } from './internal/procLib.ts'
import { isCallbackModule } from './internal/runtime/callbacks.ts'
import { Op } from './internal/runtime/op.ts'
import type { Receive } from './internal/runtime/receive.ts'
import {
  type ChildInput,
  type ChildModule,
  ChildRec,
  checkDynamicChild,
  defineSupervisorModule,
  nameId,
  toSpec,
} from './internal/supervisor/childSpec.ts'
import { intensityOptions, optionsObject, startSupervisor, supCall } from './internal/supervisor/client.ts'
import { type DynamicFlags, DynamicServer } from './internal/supervisor/dynamic.ts'
import { DefaultModule } from './internal/supervisor/server.ts'
import type { ChildSpec, ChildType } from './internal/supervisor/spec.ts'
import { Pid } from './internal/term/pid.ts'

export type { DynamicFlags as Flags, Name, ServerRef, StartResult }

/** The options of {@link init} (and of {@link startLink} without a module). */
export interface InitOptions {
  /** Only `'one_for_one'` (the default). */
  readonly strategy?: 'one_for_one'
  /** Restarts allowed within `maxSeconds` (default 3). */
  readonly maxRestarts?: number
  /** The intensity window in seconds (default 5). */
  readonly maxSeconds?: number
  /** Children allowed at once (default `'infinity'`). */
  readonly maxChildren?: number | 'infinity'
  /** Prepended to the arguments of every `[fn, args]` start (default `[]`). */
  readonly extraArguments?: readonly unknown[]
}

/** The options of {@link startLink} without a module. */
export interface Options extends InitOptions {
  readonly name?: Name
}

/** A module-based dynamic supervisor: `init(arg)` returns {@link init}'s result or `'ignore'`. */
export interface DynamicSupervisorModule<A = any> {
  readonly name?: string
  init(arg: A): unknown
  childSpec?(arg: A): ChildSpec
}

/** A `whichChildren` entry: the id is always `'undefined'` (D4). */
export type ChildInfo = readonly ['undefined', Pid | 'restarting', ChildType, readonly string[] | 'dynamic']

/** What {@link startChild} returns (D2). */
export type OnStartChild =
  | readonly ['ok', Pid]
  | readonly ['ok', Pid, unknown]
  | 'ignore'
  | readonly ['error', unknown]

const INIT_KEYS = ['strategy', 'maxRestarts', 'maxSeconds', 'maxChildren', 'extraArguments']

function checkOptions(o: unknown, keys: readonly string[], caller: Function): Record<string, unknown> {
  return optionsObject(o, keys, 'DynamicSupervisor', 'DynamicSupervisor options to be an object', caller)
}

/**
 * Builds a dynamic supervisor's `init` result (Elixir's `DynamicSupervisor.init/1`), with the
 * defaults of D1: `['ok', { strategy: 'one_for_one', intensity: 3, period: 5, maxChildren:
 * 'infinity', extraArguments: [] }]`. An unknown option or a bad value throws
 * `ERR_BEAMISH_INVALID_OPTION`; flags a module's `init` builds by hand are checked when the
 * supervisor starts, which then fails with `['error', ['supervisor_data', …]]`.
 *
 * @example
 * ```ts
 * const Pool = DynamicSupervisor.define({ init: () => DynamicSupervisor.init({ maxChildren: 1000 }) })
 * ```
 */
export function init(options: InitOptions = {}): readonly ['ok', DynamicFlags] {
  const o = checkOptions(options, INIT_KEYS, init) as InitOptions
  if (o.strategy !== undefined && o.strategy !== 'one_for_one') {
    throw badOption(
      "strategy option to be 'one_for_one' (the only strategy of a DynamicSupervisor)",
      o.strategy,
      init,
    )
  }
  const { intensity, period } = intensityOptions(o, init)
  const m = o.maxChildren
  if (m !== undefined && m !== 'infinity' && !(Number.isInteger(m) && m >= 0)) {
    throw badOption("maxChildren option to be a non-negative integer or 'infinity'", m, init)
  }
  if (o.extraArguments !== undefined && !Array.isArray(o.extraArguments))
    throw badOption('extraArguments option to be an array', o.extraArguments, init)
  return [
    'ok',
    {
      strategy: 'one_for_one',
      intensity,
      period,
      maxChildren: m ?? 'infinity',
      extraArguments: o.extraArguments ?? [],
    },
  ]
}

/**
 * The child specification that starts a dynamic supervisor with `startLink(options)` under
 * another supervisor, so `[DynamicSupervisor, { name: 'workers' }]` can be given as a child. The
 * id is the name (or its key), else `'DynamicSupervisor'`.
 *
 * @example
 * ```ts
 * yield* Supervisor.startLink([[DynamicSupervisor, { name: 'workers', maxChildren: 10 }]], { strategy: 'one_for_one' })
 * ```
 */
export function childSpec(options: Options = {}): ChildSpec {
  return { id: nameId(options.name, 'DynamicSupervisor'), start: [startLink, [options]], type: 'supervisor' }
}

/**
 * Marks `module` as a module-based dynamic supervisor: returns it with a `childSpec(arg)` that
 * starts it with `DynamicSupervisor.startLink(module, arg)` as a `'supervisor'` child.
 *
 * @example
 * ```ts
 * const Pool = DynamicSupervisor.define({ name: 'Pool', init: () => DynamicSupervisor.init() })
 * yield* Supervisor.startLink([Pool], { strategy: 'one_for_one' })
 * ```
 */
export function define<M extends DynamicSupervisorModule>(
  module: M,
): M & { childSpec(arg: Parameters<M['init']>[0]): ChildSpec } {
  return defineSupervisorModule(module, startLink, 'a DynamicSupervisor module', define)
}

function startOp(
  first: unknown,
  second: unknown,
  third: unknown,
  link: boolean,
  caller: Function,
): Receive<StartResult<Pid>> {
  if (isCallbackModule(first)) {
    const { name } = checkOptions(third, ['name'], caller)
    return startSupervisor(DynamicServer, first as ChildModule, second, gen.checkName(name, caller), link)
  }
  const { name, ...rest } = checkOptions(first, ['name', ...INIT_KEYS], caller)
  const flags = init(rest as InitOptions)
  return startSupervisor(DynamicServer, DefaultModule, flags, gen.checkName(name, caller), link)
}

/**
 * Starts a dynamic supervisor linked to the caller, from options or from a module whose
 * `init(arg)` returns {@link init}'s result. Returns `['ok', pid]`, `'ignore'`, `['error',
 * ['already_started', pid]]`, or `['error', ['supervisor_data', reason]]` / `['error',
 * ['bad_return', …]]` for a module's bad `init` result.
 *
 * @example
 * ```ts
 * const [, sup] = yield* DynamicSupervisor.startLink({ name: 'workers', maxChildren: 100 })
 * const [, pool] = yield* DynamicSupervisor.startLink(Pool, 10)
 * ```
 */
export function startLink(options?: Options): Receive<StartResult<Pid>>
export function startLink<M extends DynamicSupervisorModule>(
  module: M,
  arg: Parameters<M['init']>[0],
  options?: { name?: Name },
): Receive<StartResult<Pid>>
export function startLink(first?: unknown, second?: unknown, third?: unknown): Receive<StartResult<Pid>> {
  return startOp(first, second, third, true, startLink)
}

/**
 * Like {@link startLink}, unlinked: for a dynamic supervisor started from plain async code.
 *
 * @example
 * ```ts
 * const [, sup] = await DynamicSupervisor.start({ name: 'workers' })
 * ```
 */
export function start(options?: Options): Receive<StartResult<Pid>>
export function start<M extends DynamicSupervisorModule>(
  module: M,
  arg: Parameters<M['init']>[0],
  options?: { name?: Name },
): Receive<StartResult<Pid>>
export function start(first?: unknown, second?: unknown, third?: unknown): Receive<StartResult<Pid>> {
  return startOp(first, second, third, false, start)
}

/**
 * Starts a child from a spec, a module or `[module, arg]` (D2). Returns `['ok', pid]` (or `['ok',
 * pid, info]`); `'ignore'` when its start returned it (nothing is kept); `['error',
 * 'max_children']` at the limit; `['error', reason]` when the start failed (a throwing start
 * gives `[error, stack]`, an exit its reason, a thrown value `[['nocatch', value], stack]`) or the
 * spec is invalid (`['invalid_child_spec', spec]`, `['invalid_mfa', start]`, `['invalid_shutdown',
 * 0]`, …; checked here, before the supervisor is asked).
 *
 * @example
 * ```ts
 * const [, pid] = yield* DynamicSupervisor.startChild('workers', [Worker, { job: 1 }])
 * ```
 */
export function startChild(sup: ServerRef, child: ChildInput): Receive<OnStartChild> {
  const s = gen.checkServer(sup, startChild)
  const spec = toSpec(child, startChild)
  const checked = checkDynamicChild(spec)
  if (!(checked instanceof ChildRec)) {
    const error = ['error', checked.error] as const
    return new Op(function* () {
      return error
    })
  }
  return supCall(s, ['start_child', spec], startChild)
}

/**
 * Terminates the child running as `pid`, as its `shutdown` says. Returns `'ok'` or `['error',
 * 'not_found']`.
 *
 * @example
 * ```ts
 * yield* DynamicSupervisor.terminateChild('workers', pid) // 'ok'
 * ```
 */
export function terminateChild(sup: ServerRef, pid: Pid): Receive<'ok' | readonly ['error', 'not_found']> {
  if (!(pid instanceof Pid)) throw badArg('the pid of a child', pid, terminateChild)
  return supCall(sup, ['terminate_child', pid], terminateChild)
}

/**
 * Lists the children: `['undefined', pid | 'restarting', type, modules]` each (D4).
 *
 * @example
 * ```ts
 * yield* DynamicSupervisor.whichChildren('workers') // [['undefined', pid, 'worker', ['Worker']]]
 * ```
 */
export function whichChildren(sup: ServerRef): Receive<ChildInfo[]> {
  return supCall(sup, 'which_children', whichChildren)
}

/**
 * Counts the children: `specs` (all, including those being restarted), `active` (running),
 * `supervisors` and `workers`.
 *
 * @example
 * ```ts
 * yield* DynamicSupervisor.countChildren('workers') // { specs: 2, active: 2, supervisors: 0, workers: 2 }
 * ```
 */
export function countChildren(
  sup: ServerRef,
): Receive<{ specs: number; active: number; supervisors: number; workers: number }> {
  return supCall(sup, 'count_children', countChildren)
}

/**
 * Stops the dynamic supervisor with `reason` (default `'normal'`) after shutting its children
 * down in parallel (D5); returns `'ok'`.
 *
 * @example
 * ```ts
 * yield* DynamicSupervisor.stop('workers')
 * ```
 */
export function stop(
  sup: ServerRef,
  reason: unknown = 'normal',
  timeout: number = Number.POSITIVE_INFINITY,
): Receive<'ok'> {
  return gen.stop(sup, reason, timeout, stop)
}
