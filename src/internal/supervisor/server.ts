import type { From, Name } from '../gen.ts'
import { type Module, moduleName, type Status } from '../genServer.ts'
import { Children } from './children.ts'
import { type AutoShutdown, type ChildModule, ChildRec, checkChild } from './childSpec.ts'
import { RestartIntensity } from './intensity.ts'
import { reportUnexpected } from './report.ts'
import {
  delChild,
  onChildExit,
  restart,
  type Strategy,
  type SupState,
  startFrom,
  startOne,
  terminateFrom,
  terminateOne,
} from './restart.ts'
import { callInit } from './start.ts'

/**
 * The static supervisor as a GenServer callback module (OTP's `supervisor` is a `gen_server`
 * too). `init` validates the flags and specs and starts the children; calls are the management
 * API; `EXIT`s from children drive restarts; `terminate` shuts the children down in reverse
 * start order. Start it with `serverMain` and `[module, arg, name]`.
 */

/** The supervisor flags (`init`'s `['ok', [flags, children]]`), OTP's `sup_flags()` map. */
export interface SupFlags {
  readonly strategy?: Strategy
  readonly intensity?: number
  readonly period?: number
  readonly autoShutdown?: AutoShutdown
}

/** `Supervisor.Default`: the module behind `Supervisor.startLink(children, opts)`. */
export const DefaultModule: ChildModule = { name: 'Supervisor.Default', init: (spec: unknown) => spec }

type Flags = Required<SupFlags>

/** OTP 25 `check_flags/1`: defaults, then each value in turn; returns the error reason or the flags. */
export function checkFlags(f: unknown): Flags | { error: unknown } {
  if (typeof f !== 'object' || f === null || Array.isArray(f)) return { error: ['invalid_type', f] }
  const o = f as SupFlags
  const strategy = o.strategy ?? 'one_for_one'
  const intensity = o.intensity ?? 1
  const period = o.period ?? 5
  const autoShutdown = o.autoShutdown ?? 'never'
  if (strategy !== 'one_for_one' && strategy !== 'one_for_all' && strategy !== 'rest_for_one') {
    return { error: ['invalid_strategy', strategy] }
  }
  if (!Number.isInteger(intensity) || intensity < 0) return { error: ['invalid_intensity', intensity] }
  if (!Number.isInteger(period) || period <= 0) return { error: ['invalid_period', period] }
  if (autoShutdown !== 'never' && autoShutdown !== 'any_significant' && autoShutdown !== 'all_significant') {
    return { error: ['invalid_auto_shutdown', autoShutdown] }
  }
  return { strategy, intensity, period, autoShutdown }
}

type Reply = readonly ['reply', unknown, SupState] | readonly ['stop', unknown, SupState]

/**
 * The exit reason of a request no clause of a supervisor matches, in OTP's shape
 * `{function_clause, Stack}`: `['function_clause', [[module, callback, arity]]]`. Why a crash and
 * not an error reply: OTP's `supervisor` has no catch-all clause in `handle_call/3` or
 * `handle_cast/2` (nor Elixir's DynamicSupervisor in `handle_call/3`), so an unknown request stops
 * the supervisor, its children with it, and a caller exits with this reason.
 */
export function functionClause(module: string, callback: string, arity: number): unknown {
  return ['function_clause', [[module, callback, arity]]]
}

function* init([mod, arg, name]: [ChildModule, unknown, Name | undefined]) {
  const [p, r] = yield* callInit(mod, arg)
  if (r === 'ignore') return 'ignore'
  const modName = moduleName(mod as Module)
  if (!Array.isArray(r) || r.length !== 2 || r[0] !== 'ok' || !Array.isArray(r[1]) || r[1].length !== 2) {
    return ['stop', ['bad_return', [modName, 'init', r]]]
  }
  const [flags, specs] = r[1] as [unknown, unknown]
  const f = checkFlags(flags)
  if ('error' in f) return ['stop', ['supervisor_data', f.error]]
  const s: SupState = {
    p,
    name: name ?? [p.pid, modName],
    strategy: f.strategy,
    intensity: new RestartIntensity(f.intensity, f.period),
    autoShutdown: f.autoShutdown,
    children: new Children(),
  }
  // OTP 25 `check_startspec/2`: every spec valid and ids unique, before anything starts.
  if (!Array.isArray(specs)) return ['stop', ['start_spec', ['invalid_child_spec', specs]]]
  for (const spec of specs) {
    const c = checkChild(spec, f.autoShutdown)
    if (!(c instanceof ChildRec)) return ['stop', ['start_spec', c.error]]
    if (s.children.hasId(c.id)) return ['stop', ['start_spec', ['duplicate_child_name', c.id]]]
    s.children.append(c)
  }
  const failed = yield* startFrom(s, s.children.first)
  if (failed !== null) {
    // SU-o2: the children already started are stopped, newest first, and the start fails.
    yield* terminateFrom(s, null)
    return ['stop', ['shutdown', ['failed_to_start_child', failed[0].id, failed[1]]]]
  }
  return ['ok', s]
}

function which(s: SupState): unknown[] {
  const out: unknown[] = []
  // §10.6: newest first.
  for (let c = s.children.last; c !== null; c = c.prev) {
    out.push([c.id, c.restarting ? 'restarting' : (c.pid ?? 'undefined'), c.type, c.modules])
  }
  return out
}

function count(s: SupState) {
  let active = 0
  let supervisors = 0
  let workers = 0
  for (let c = s.children.first; c !== null; c = c.next) {
    if (c.pid !== null) active++
    if (c.type === 'supervisor') supervisors++
    else workers++
  }
  return { specs: s.children.size, active, supervisors, workers }
}

function* handleCall(req: unknown, _from: From, s: SupState): Generator<unknown, Reply, unknown> {
  if (req === 'which_children') return ['reply', which(s), s]
  if (req === 'count_children') return ['reply', count(s), s]
  const [tag, arg] = Array.isArray(req) ? req : []
  if (tag === 'start_child') return ['reply', yield* startChild(s, arg), s]
  if (tag === 'terminate_child') {
    const c = s.children.find(arg)
    if (c === undefined) return ['reply', ['error', 'not_found'], s]
    yield* terminateOne(s, c)
    delChild(s, c)
    return ['reply', 'ok', s]
  }
  if (tag === 'restart_child') {
    const c = s.children.find(arg)
    if (c === undefined) return ['reply', ['error', 'not_found'], s]
    if (c.restarting) return ['reply', ['error', 'restarting'], s]
    if (c.pid !== null) return ['reply', ['error', 'running'], s]
    const r = yield* startOne(s, c)
    if (r === 'ignore') return ['reply', ['ok', 'undefined'], s]
    if (r[0] === 'ok') s.children.setPid(c, r[1])
    return ['reply', r, s]
  }
  if (tag === 'delete_child') {
    const c = s.children.find(arg)
    if (c === undefined) return ['reply', ['error', 'not_found'], s]
    if (c.restarting) return ['reply', ['error', 'restarting'], s]
    if (c.pid !== null) return ['reply', ['error', 'running'], s]
    s.children.remove(c)
    return ['reply', 'ok', s]
  }
  return ['stop', functionClause('Supervisor', 'handleCall', 3), s]
}

/** `handle_start_child`: ids are unique; a failed start discards the spec (§10.6). */
function* startChild(s: SupState, spec: unknown): Generator<unknown, unknown, unknown> {
  const c = checkChild(spec, s.autoShutdown)
  if (!(c instanceof ChildRec)) return ['error', c.error]
  const old = s.children.find(c.id)
  if (old !== undefined)
    return old.pid !== null ? ['error', ['already_started', old.pid]] : ['error', 'already_present']
  const r = yield* startOne(s, c)
  if (r === 'ignore') {
    if (c.restart !== 'temporary') s.children.append(c)
    return ['ok', 'undefined']
  }
  if (r[0] === 'ok') {
    c.pid = r[1]
    s.children.append(c)
  }
  return r
}

function* handleCast(msg: unknown, s: SupState) {
  if (Array.isArray(msg) && msg.length === 2 && msg[0] === 'try_again_restart') {
    const c = msg[1]
    // The child may have been terminated or deleted since the retry was scheduled.
    if (c instanceof ChildRec && s.children.has(c) && c.restarting) {
      if ((yield* restart(s, c, 'restarting')) === 'shutdown') return ['stop', 'shutdown', s]
    }
    return ['noreply', s]
  }
  // OTP 25's handle_cast/2 has no other clause.
  return ['stop', functionClause('Supervisor', 'handleCast', 2), s]
}

function* handleInfo(msg: unknown, s: SupState) {
  if (Array.isArray(msg) && msg.length === 3 && msg[0] === 'EXIT') {
    const c = s.children.byPidOf(msg[1])
    // An EXIT from a process that is no child (any more) is dropped, as OTP does.
    if (c === undefined) return ['noreply', s]
    const action = onChildExit(s, c, msg[2])
    if ((action === 'restart' ? yield* restart(s, c, msg[1]) : action) === 'shutdown')
      return ['stop', 'shutdown', s]
    return ['noreply', s]
  }
  reportUnexpected('Supervisor', msg, s.p.pid)
  return ['noreply', s]
}

/**
 * Shuts the children down, newest first, leaving the state as it was. Why not `terminateFrom`:
 * OTP's `terminate_children` works on a copy of the state, so the crash report of a supervisor
 * that stops abnormally (`Supervisor.stop(sup, 'boom')`) shows the state it stopped in, with its
 * children's pids, not the state after their shutdown.
 */
function* terminate(_reason: unknown, s: SupState) {
  for (let c = s.children.last; c !== null; c = c.prev) yield* terminateOne(s, c)
}

/**
 * The state as a crash report (and `getStatus`) shows it: OTP's `#state{}` fields, with the
 * children in start order as `[id, pid | 'restarting' | 'undefined', restart, shutdown, type]`.
 * Why not the state itself: it links every child three ways (start order, by id, by pid), which
 * `inspect` prints as the same records over and over.
 */
function formatStatus(status: Status): Status {
  const s = status.state as SupState
  if (typeof s !== 'object' || s === null || !(s.children instanceof Children)) return status
  const children: unknown[] = []
  for (let c = s.children.first; c !== null; c = c.next) {
    children.push([c.id, c.restarting ? 'restarting' : (c.pid ?? 'undefined'), c.restart, c.shutdown, c.type])
  }
  const { intensity } = s
  const state = {
    name: s.name,
    strategy: s.strategy,
    children,
    intensity: intensity.intensity,
    period: intensity.period,
    restarts: intensity.size,
    autoShutdown: s.autoShutdown,
  }
  return { ...status, state }
}

/** The callback module every static supervisor runs. */
export const SupervisorServer: Module = {
  name: 'Supervisor',
  init,
  handleCall,
  handleCast,
  handleInfo,
  terminate,
  formatStatus,
}
