import * as Agent from '../../Agent.ts'
import * as DynamicSupervisor from '../../DynamicSupervisor.ts'
import * as GenServer from '../../GenServer.ts'
import * as Registry from '../../Registry.ts'
import * as Supervisor from '../../Supervisor.ts'
import * as Task from '../../Task.ts'
import * as TaskSupervisor from '../../TaskSupervisor.ts'
import { type BeamishError, badArg, createError } from '../errors.ts'
import { inspect } from '../format.ts'
import { moduleName } from '../genServer.ts'
import { isCallbackModule } from '../runtime/callbacks.ts'
import { abnormal } from '../runtime/signals.ts'
import { Pid } from '../term/pid.ts'
import { Ref } from '../term/ref.ts'
import type { ChildSpec, ChildType, Restart, Shutdown, StartFunction, StartMfa } from './spec.ts'

/**
 * Child specifications: Elixir's shorthands (`init_child/1`), OTP's validation
 * (`check_childspec/2`, with its error reasons), DynamicSupervisor's validation
 * (`validate_child/1`), and the record a supervisor keeps per child.
 */

/** A module that can be given as a child: anything with `init`; `childSpec(arg)` if it builds its own spec. */
export interface ChildModule {
  readonly name?: string
  init(arg: any): unknown
  childSpec?(arg: any): unknown
}

/**
 * A module that builds its own child specifications (`Task`, `Agent`, `Registry`,
 * `Task.Supervisor`, …): `Mod` stands for `Mod.childSpec(undefined)`, `[Mod, arg]` for
 * `Mod.childSpec(arg)`.
 */
export interface SpecModule {
  childSpec(arg: any): unknown
}

/** Everything accepted where children are given. */
export type ChildInput = ChildSpec | ChildModule | SpecModule | readonly [ChildModule | SpecModule, unknown]

export type AutoShutdown = 'never' | 'any_significant' | 'all_significant'

/**
 * What the child shorthand accepts as a module (Elixir's `init_child/1` takes any atom): an
 * object with a `childSpec(arg)` function, or a GenServer-style module with `init`.
 */
export function isChildModule(x: unknown): x is ChildModule | SpecModule {
  return (
    typeof x === 'object' &&
    x !== null &&
    !Array.isArray(x) &&
    (typeof (x as SpecModule).childSpec === 'function' || typeof (x as ChildModule).init === 'function')
  )
}

const SHAPES =
  '  * a module (an object with a childSpec(arg) function, or a GenServer module with init)\n' +
  '  * a [module, arg] pair\n' +
  '  * a child specification object with at least the id and start fields'

/**
 * Turns a child given in any accepted form into a spec object (Elixir's `init_child/1`): a
 * module becomes `module.childSpec(arg)`, or `GenServer.childSpec(module, arg)` when it has
 * none. Objects pass through unvalidated; anything else throws.
 */
export function toSpec(child: unknown, caller: Function): ChildSpec {
  if (isChildModule(child)) return fromModule(child, undefined, caller)
  if (Array.isArray(child)) {
    if (child.length === 2 && isChildModule(child[0])) return fromModule(child[0], child[1], caller)
  } else if (typeof child === 'object' && child !== null) {
    return child as ChildSpec
  }
  throw createError(
    'ERR_BEAMISH_INVALID_CHILD_SPEC',
    `supervisors expect each child to be one of the following:\n\n${SHAPES}\n\nGot: ${inspect(child)}`,
    caller,
  )
}

function fromModule(mod: ChildModule | SpecModule, arg: unknown, caller: Function): ChildSpec {
  if (typeof mod.childSpec === 'function') {
    const spec = mod.childSpec(arg)
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
      throw createError(
        'ERR_BEAMISH_INVALID_CHILD_SPEC',
        `expected ${moduleName(mod as GenServer.Callbacks)}.childSpec(arg) to return a child specification object\n\nGot: ${inspect(spec)}`,
        caller,
      )
    }
    return spec as ChildSpec
  }
  return GenServer.childSpec(mod as GenServer.Callbacks, arg)
}

// ------------------------------------------------------------------ the child record

/**
 * What a supervisor keeps per child. Why a class: records travel inside the supervisor's own
 * messages (try-again restarts) and class instances are passed by reference, not copied.
 */
export class ChildRec {
  readonly id: unknown
  /** `termKey(id)`: ids are compared by value, as terms are. */
  readonly key: unknown
  readonly start: StartFunction | StartMfa
  readonly restart: Restart
  readonly shutdown: Shutdown
  readonly type: ChildType
  readonly significant: boolean
  readonly modules: readonly string[] | 'dynamic'
  /** The running process, or null (OTP's `undefined`). */
  pid: Pid | null = null
  /** A restart failed and is being retried (`which_children` shows `'restarting'`). */
  restarting = false
  /** Start order (a doubly linked list kept by `Children`). */
  prev: ChildRec | null = null
  next: ChildRec | null = null

  constructor(
    id: unknown,
    start: StartFunction | StartMfa,
    restart: Restart,
    shutdown: Shutdown,
    type: ChildType,
    significant: boolean,
    modules: readonly string[] | 'dynamic',
  ) {
    this.id = id
    this.key = termKey(id)
    this.start = start
    this.restart = restart
    this.shutdown = shutdown
    this.type = type
    this.significant = significant
    this.modules = modules
  }
}

/** SU-r1: whether a child that exited with `reason` is restarted (transient: after an abnormal exit only). */
export function restartsAfter(c: ChildRec, reason: unknown): boolean {
  return c.restart === 'permanent' || (c.restart === 'transient' && abnormal(reason))
}

/** The reason a spec is invalid, in OTP's shape (`'missing_id'`, `['invalid_mfa', start]`, …). */
export type SpecError = unknown

function isStart(s: unknown): s is StartFunction | StartMfa {
  if (typeof s === 'function') return true
  return Array.isArray(s) && s.length === 2 && typeof s[0] === 'function' && Array.isArray(s[1])
}

/**
 * OTP's `validShutdown`: `'brutal_kill'`, `'infinity'` or milliseconds, 0 included. Elixir 1.14's
 * DynamicSupervisor (`validate_shutdown/1`) wants the milliseconds above 0 (`dynamic`).
 */
function isShutdown(s: unknown, dynamic: boolean): s is Shutdown {
  return (
    s === 'brutal_kill' ||
    s === 'infinity' ||
    (typeof s === 'number' && Number.isInteger(s) && (dynamic ? s > 0 : s >= 0))
  )
}

function isRestart(r: unknown): r is Restart {
  return r === 'permanent' || r === 'transient' || r === 'temporary'
}

function isModules(m: unknown): m is readonly string[] | 'dynamic' {
  return m === 'dynamic' || (Array.isArray(m) && m.every((x) => typeof x === 'string'))
}

let builtIn: Map<Function, string> | null = null

/**
 * The module each built-in behaviour's `startLink` stands for, as Elixir's child specs name it in
 * `modules` (`[Agent, fn]` → `['Agent']`, `[Task.Supervisor, opts]` → `['Task.Supervisor']`).
 * Why built on first use: Supervisor, DynamicSupervisor and Task.Supervisor import this module
 * (an import cycle), so their functions may not be there yet while the modules load.
 */
function builtInModules(): Map<Function, string> {
  builtIn ??= new Map<Function, string>([
    [Agent.startLink, 'Agent'],
    [Task.startLink, 'Task'],
    [Registry.startLink, 'Registry'],
    [TaskSupervisor.startLink, 'Task.Supervisor'],
    [DynamicSupervisor.startLink, 'DynamicSupervisor'],
    [Supervisor.startLink, 'Supervisor'],
  ])
  return builtIn
}

/**
 * OTP's default `modules` (`[M]` for a start `{M, F, A}`): for `[fn, args]`, the callback module
 * `fn` starts when it is the first argument (`GenServer.startLink(Stack, …)` → `['Stack']`), else
 * the behaviour `fn` belongs to, else `fn`'s own name. None can be seen in a start function.
 */
function defaultModules(start: StartFunction | StartMfa): readonly string[] {
  if (typeof start === 'function') return []
  const [fn, args] = start
  const first = args[0]
  if (isCallbackModule(first)) return [moduleName(first as GenServer.Callbacks)]
  const mod = builtInModules().get(fn)
  if (mod !== undefined) return [mod]
  return fn.name === '' ? [] : [fn.name]
}

function has(spec: object, key: string): boolean {
  return (spec as Record<string, unknown>)[key] !== undefined
}

/**
 * Validates a spec for a static supervisor (OTP 25 `check_childspec/2`, same checks in the same
 * order). Returns the record, or the error reason.
 */
export function checkChild(spec: unknown, autoShutdown: AutoShutdown): ChildRec | { error: SpecError } {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
    return { error: ['invalid_child_spec', spec] }
  const s = spec as Record<string, unknown>
  if (!has(s, 'id')) return { error: 'missing_id' }
  if (!has(s, 'start')) return { error: 'missing_start' }
  const restart = s.restart ?? 'permanent'
  const type = s.type ?? 'worker'
  const significant = s.significant ?? false
  if (significant === true && autoShutdown === 'never') {
    return {
      error: [
        'bad_combination',
        [
          ['auto_shutdown', 'never'],
          ['significant', true],
        ],
      ],
    }
  }
  if (significant === true && restart === 'permanent') {
    return {
      error: [
        'bad_combination',
        [
          ['restart', 'permanent'],
          ['significant', true],
        ],
      ],
    }
  }
  if (typeof significant !== 'boolean') return { error: ['invalid_significant', significant] }
  return finish(s, restart, type, significant, false)
}

/**
 * Validates a spec for a DynamicSupervisor (Elixir's `validate_child/1`): the same fields, but
 * ids are ignored, `significant` children are not allowed, and a `shutdown` in milliseconds must
 * be above 0 (`['invalid_shutdown', 0]`).
 */
export function checkDynamicChild(spec: unknown): ChildRec | { error: SpecError } {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
    return { error: ['invalid_child_spec', spec] }
  const s = spec as Record<string, unknown>
  if (!has(s, 'id') || !has(s, 'start')) return { error: ['invalid_child_spec', spec] }
  const r = finish(s, s.restart ?? 'permanent', s.type ?? 'worker', false, true)
  if (!(r instanceof ChildRec)) return r
  const significant = s.significant ?? false
  if (significant !== false) return { error: ['invalid_significant', significant] }
  return r
}

function finish(
  s: Record<string, unknown>,
  restart: unknown,
  type: unknown,
  significant: boolean,
  dynamic: boolean,
) {
  const start = s.start
  if (!isStart(start)) return { error: ['invalid_mfa', start] }
  if (!isRestart(restart)) return { error: ['invalid_restart_type', restart] }
  if (type !== 'worker' && type !== 'supervisor') return { error: ['invalid_child_type', type] }
  const shutdown = s.shutdown ?? (type === 'worker' ? 5000 : 'infinity')
  if (!isShutdown(shutdown, dynamic)) return { error: ['invalid_shutdown', shutdown] }
  const modules = s.modules ?? defaultModules(start)
  if (!isModules(modules)) return { error: ['invalid_modules', modules] }
  return new ChildRec(s.id, start, restart, shutdown, type, significant, modules)
}

// ------------------------------------------------------------------ init-time errors

const EXPECTED: Record<string, string> = {
  invalid_mfa:
    'the start field to be one of the following:\n\n' +
    '  * a function of no arguments returning a start result or an Op of one,\n' +
    '    e.g. () => GenServer.startLink(Worker, arg)\n' +
    '  * [fn, args], called as fn(...args)',
  invalid_restart_type:
    "the restart field to be one of the following:\n\n  * 'permanent'\n  * 'transient'\n  * 'temporary'",
  invalid_shutdown:
    "the shutdown field to be one of the following:\n\n  * 'brutal_kill'\n  * an integer >= 0 (milliseconds)\n  * 'infinity'",
  invalid_child_type: "the type field to be one of the following:\n\n  * 'worker'\n  * 'supervisor'",
  invalid_modules:
    "the modules field to be one of the following:\n\n  * an array of module names\n  * 'dynamic'",
  invalid_significant: 'the significant field to be one of the following:\n\n  * true\n  * false',
}

/**
 * The exception for a spec that fails validation at init time (`Supervisor.init`,
 * `Supervisor.startLink(children, …)`), in Elixir's pattern: what was expected, the valid
 * options, then `Got:`.
 */
export function specError(reason: SpecError, spec: unknown, caller: Function): BeamishError {
  const who =
    typeof spec === 'object' && spec !== null && has(spec, 'id') ? ` ${inspect((spec as ChildSpec).id)}` : ''
  let text: string
  if (reason === 'missing_id') {
    text = `expected the child specification to have an id (any value naming the child in its supervisor)\n\nGot: ${inspect(spec)}`
  } else if (reason === 'missing_start') {
    text = `expected the child specification${who} to have ${EXPECTED.invalid_mfa!.replace('the start field to be', 'a start field,')}\n\nGot: ${inspect(spec)}`
  } else if (Array.isArray(reason) && reason[0] === 'bad_combination') {
    const perm = (reason[1] as unknown[][])[0]![0] === 'restart'
    text = perm
      ? `invalid child specification${who}: a significant child cannot be 'permanent'. The valid restart values for a significant child are:\n\n  * 'transient'\n  * 'temporary'\n\nGot: 'permanent'`
      : `invalid child specification${who}: significant children need the supervisor's autoShutdown to be one of the following:\n\n  * 'any_significant'\n  * 'all_significant'\n\nGot: 'never'`
  } else if (Array.isArray(reason) && typeof reason[0] === 'string' && EXPECTED[reason[0]] !== undefined) {
    text = `invalid child specification${who}: expected ${EXPECTED[reason[0]]}\n\nGot: ${inspect(reason[1])}`
  } else {
    text = `supervisors expect each child to be one of the following:\n\n${SHAPES}\n\nGot: ${inspect(spec)}`
  }
  return createError('ERR_BEAMISH_INVALID_CHILD_SPEC', text, caller)
}

// ------------------------------------------------------------------ ids as terms

let objectIds: WeakMap<object, number> | null = null
let nextObjectId = 0

/**
 * A Map key under which equal terms collide: primitives are their own key; arrays and plain
 * objects are encoded structurally (ids arrive copied in calls, so identity cannot be used).
 */
export function termKey(t: unknown): unknown {
  if (t === null || typeof t !== 'object') return t
  return `\u0000${encode(t)}`
}

function encode(t: unknown): string {
  if (typeof t === 'string') return JSON.stringify(t)
  if (typeof t === 'bigint') return `${t}n`
  if (t === null || typeof t !== 'object') return String(t)
  if (Array.isArray(t)) return `[${t.map(encode).join(',')}]`
  if (t instanceof Pid || t instanceof Ref) return t.toString()
  const proto = Object.getPrototypeOf(t)
  if (proto === Object.prototype || proto === null) {
    const keys = Object.keys(t).sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${encode((t as Record<string, unknown>)[k])}`).join(',')}}`
  }
  objectIds ??= new WeakMap()
  let n = objectIds.get(t)
  if (n === undefined) objectIds.set(t, (n = ++nextObjectId))
  return `@${n}`
}

/**
 * `Supervisor.define` / `DynamicSupervisor.define`: the module itself, or (when it has no
 * `childSpec`) a child of it whose `childSpec(arg)` starts it with `startLink` as a
 * `supervisor`-type child, as `use Supervisor` generates.
 */
export function defineSupervisorModule<M extends { init(arg: any): unknown; childSpec?: unknown }>(
  module: M,
  startLink: Function,
  what: string,
  caller: Function,
): M & { childSpec(arg: Parameters<M['init']>[0]): ChildSpec } {
  if (!isCallbackModule(module)) throw badArg(`${what}: an object with an init function`, module, caller)
  if (typeof module.childSpec === 'function') return module as never
  const defined = Object.create(module) as M & { childSpec(arg: unknown): ChildSpec }
  defined.childSpec = (arg: unknown): ChildSpec => ({
    id: moduleName(module as never),
    start: [startLink as never, [defined, arg]],
    type: 'supervisor',
  })
  return defined
}

/**
 * The id of a supervisor started from options (`[DynamicSupervisor, opts]`,
 * `[Task.Supervisor, opts]`): its `name` (for `{ via, key }` the key, for `{ global }` the
 * global name), else `fallback`.
 */
export function nameId(name: unknown, fallback: string): unknown {
  if (typeof name === 'string') return name
  if (typeof name !== 'object' || name === null) return fallback
  const n = name as { via?: unknown; key?: unknown; global?: unknown }
  return n.via !== undefined ? n.key : n.global
}
