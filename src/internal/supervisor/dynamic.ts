import type { From, Name } from '../gen.ts'
import { type Module, moduleName, type Status } from '../genServer.ts'
import type { Proc } from '../runtime/proc.ts'
import { ReceiveOp } from '../runtime/receive.ts'
import { deliver, timers } from '../runtime/scheduler.ts'
import * as sig from '../runtime/signals.ts'
import type { TimerEntry } from '../runtime/timers.ts'
import type { Pid } from '../term/pid.ts'
import { type ChildModule, ChildRec, checkDynamicChild, restartsAfter } from './childSpec.ts'
import { RestartIntensity } from './intensity.ts'
import { reportError, reportUnexpected, type SupName } from './report.ts'
import { functionClause } from './server.ts'
import { unlinkFlush } from './shutdown.ts'
import { callInit, callStart } from './start.ts'

/**
 * DynamicSupervisor as a GenServer callback module (Elixir's `DynamicSupervisor`): children are
 * kept in a Map by pid, in start order; a child whose restart failed stays under its old pid,
 * marked restarting, until a `$gen_restart` message to itself retries it. Shutdown is parallel
 * (D5).
 */

/** The flags `init` returns (Elixir's `sup_flags()`), camelCased. */
export interface DynamicFlags {
  readonly strategy?: 'one_for_one'
  readonly intensity?: number
  readonly period?: number
  readonly maxChildren?: number | 'infinity'
  readonly extraArguments?: readonly unknown[]
  readonly autoShutdown?: unknown
}

export interface DynState {
  readonly p: Proc
  readonly name: SupName
  readonly intensity: RestartIntensity
  readonly maxChildren: number
  readonly extra: readonly unknown[]
  readonly children: Map<Pid, ChildRec>
}

/** Elixir's `init/2` validation; returns the error reason or the state. */
function checkFlags(p: Proc, name: SupName, f: DynamicFlags): DynState | { error: unknown } {
  const strategy = f.strategy ?? 'one_for_one'
  const intensity = f.intensity ?? 1
  const period = f.period ?? 5
  const maxChildren = f.maxChildren ?? 'infinity'
  const extra = f.extraArguments ?? []
  if (strategy !== 'one_for_one') return { error: ['invalid_strategy', strategy] }
  if (!Number.isInteger(intensity) || intensity < 0) return { error: ['invalid_intensity', intensity] }
  if (!Number.isInteger(period) || period <= 0) return { error: ['invalid_period', period] }
  if (maxChildren !== 'infinity' && (!Number.isInteger(maxChildren) || maxChildren < 0)) {
    return { error: ['invalid_max_children', maxChildren] }
  }
  if (!Array.isArray(extra)) return { error: ['invalid_extra_arguments', extra] }
  if (f.autoShutdown !== undefined && f.autoShutdown !== 'never')
    return { error: ['invalid_auto_shutdown', f.autoShutdown] }
  return {
    p,
    name,
    intensity: new RestartIntensity(intensity, period),
    maxChildren: maxChildren === 'infinity' ? Number.POSITIVE_INFINITY : maxChildren,
    extra,
    children: new Map(),
  }
}

function* init([mod, arg, name]: [ChildModule, unknown, Name | undefined]) {
  const [p, r] = yield* callInit(mod, arg)
  if (r === 'ignore') return 'ignore'
  const modName = moduleName(mod as Module)
  if (
    !Array.isArray(r) ||
    r.length !== 2 ||
    r[0] !== 'ok' ||
    typeof r[1] !== 'object' ||
    r[1] === null ||
    Array.isArray(r[1])
  ) {
    return ['stop', ['bad_return', [modName, 'init', r]]]
  }
  const s = checkFlags(p, name ?? [p.pid, modName], r[1] as DynamicFlags)
  if ('error' in s) return ['stop', ['supervisor_data', s.error]]
  return ['ok', s]
}

function* startChild(s: DynState, c: ChildRec): Generator<unknown, unknown, unknown> {
  // D4: children whose restart is being retried count towards maxChildren too.
  if (s.children.size >= s.maxChildren) return ['error', 'max_children']
  const r = yield* callStart(s.p, c, s.extra, true, s.name)
  if (r !== 'ignore' && r[0] === 'ok') s.children.set(r[1], c)
  return r
}

function* handleCall(req: unknown, _from: From, s: DynState) {
  if (req === 'which_children') {
    const out: unknown[] = []
    for (const [pid, c] of s.children)
      out.push(['undefined', c.restarting ? 'restarting' : pid, c.type, c.modules])
    return ['reply', out, s]
  }
  if (req === 'count_children') {
    let active = 0
    let supervisors = 0
    let workers = 0
    for (const c of s.children.values()) {
      if (!c.restarting) active++
      if (c.type === 'supervisor') supervisors++
      else workers++
    }
    return ['reply', { specs: s.children.size, active, supervisors, workers }, s]
  }
  const [tag, arg] = Array.isArray(req) ? req : []
  if (tag === 'start_child') {
    // Validated by the caller already (D2's errors come from there); checked again because the
    // spec arrives as a copy.
    const c = checkDynamicChild(arg)
    if (!(c instanceof ChildRec)) return ['reply', ['error', c.error], s]
    return ['reply', yield* startChild(s, c), s]
  }
  if (tag === 'terminate_child') {
    const c = s.children.get(arg as Pid)
    if (c === undefined) return ['reply', ['error', 'not_found'], s]
    yield* terminateChildren(s, [[arg as Pid, c]])
    s.children.delete(arg as Pid)
    return ['reply', 'ok', s]
  }
  // Elixir's handle_call/3 has no catch-all clause: an unknown call crashes the supervisor.
  return ['stop', functionClause('DynamicSupervisor', 'handleCall', 3), s]
}

function* handleInfo(msg: unknown, s: DynState) {
  if (Array.isArray(msg) && msg.length === 3 && msg[0] === 'EXIT') {
    const pid = msg[1] as Pid
    const c = s.children.get(pid)
    if (c === undefined) return ['noreply', s]
    const reason = msg[2]
    if (restartsAfter(c, reason)) {
      reportError('child_terminated', reason, c, pid, s.name, s.p.pid, true, s.extra)
      if ((yield* restartChild(s, pid, c)) === 'shutdown') return ['stop', 'shutdown', s]
      return ['noreply', s]
    }
    if (c.restart === 'temporary' && sig.abnormal(reason)) {
      reportError('child_terminated', reason, c, pid, s.name, s.p.pid, true, s.extra)
    }
    s.children.delete(pid)
    return ['noreply', s]
  }
  if (Array.isArray(msg) && msg.length === 2 && msg[0] === '$gen_restart') {
    const pid = msg[1] as Pid
    const c = s.children.get(pid)
    // The child may have been terminated since the retry was scheduled.
    if (c?.restarting && (yield* restartChild(s, pid, c)) === 'shutdown') return ['stop', 'shutdown', s]
    return ['noreply', s]
  }
  reportUnexpected('DynamicSupervisor', msg, s.p.pid)
  return ['noreply', s]
}

/**
 * Restarts the child that ran as `old` (D5: §10.2 and §10.4 semantics, one_for_one). Its reports
 * carry no `Pid:` line: Elixir reports a failed start with the offender `{:restarting, pid}`, and
 * `caused shutdown` never shows one.
 */
function* restartChild(s: DynState, old: Pid, c: ChildRec): Generator<unknown, 'ok' | 'shutdown', unknown> {
  if (!s.intensity.add()) {
    reportError('shutdown', 'reached_max_restart_intensity', c, old, s.name, s.p.pid, true, s.extra)
    s.children.delete(old)
    return 'shutdown'
  }
  const r = yield* callStart(s.p, c, s.extra, true, s.name)
  if (r === 'ignore') s.children.delete(old)
  else if (r[0] === 'ok') {
    s.children.delete(old)
    c.restarting = false
    s.children.set(r[1], c)
  } else {
    reportError('start_error', r[1], c, 'restarting', s.name, s.p.pid, true, s.extra)
    c.restarting = true
    deliver(s.p, ['$gen_restart', old])
  }
  return 'ok'
}

function accepted(c: ChildRec, reason: unknown): boolean {
  if (c.shutdown === 'brutal_kill') return reason === 'killed'
  return !sig.abnormal(reason) && !(reason === 'normal' && c.restart === 'permanent')
}

/**
 * D5: shuts `entries` down all at once: monitor and unlink each (a child whose EXIT already
 * arrived is only waited for), send every exit signal, arm one kill timer per distinct
 * timeout, then collect the DOWNs in whatever order they come.
 */
export function* terminateChildren(
  s: DynState,
  entries: Iterable<[Pid, ChildRec]>,
): Generator<unknown, void, unknown> {
  const p = s.p
  const waiting = new Map<Pid, ChildRec>()
  const byTime = new Map<number, Pid[]>()
  const errors: [Pid, ChildRec, unknown][] = []
  for (const [pid, c] of entries) {
    if (c.restarting) continue
    const mref = sig.monitor(p, pid, null, terminateChildren)
    const exited = unlinkFlush(p, pid, NONE)
    if (exited !== NONE) {
      // Already dead: its DOWN is due at once; what counts is the reason its EXIT carried.
      yield new ReceiveOp([sig.isDownOf(mref)], null, -1, null, mref.mark)
      if (!(exited === 'normal' && c.restart !== 'permanent')) errors.push([pid, c, exited])
      continue
    }
    waiting.set(pid, c)
    if (c.shutdown === 'brutal_kill') sig.exitPid(p, pid, 'kill')
    else {
      sig.exitPid(p, pid, 'shutdown')
      if (c.shutdown !== 'infinity') {
        const list = byTime.get(c.shutdown)
        if (list === undefined) byTime.set(c.shutdown, [pid])
        else list.push(pid)
      }
    }
  }
  const armed: TimerEntry[] = []
  for (const [ms, pids] of byTime) {
    armed.push(
      timers.add(ms, () => {
        for (const pid of pids) if (waiting.has(pid)) sig.exitPid(p, pid, 'kill')
      }),
    )
  }
  const isWaitedDown = (m: unknown) =>
    Array.isArray(m) && m.length === 5 && m[0] === 'DOWN' && waiting.has(m[3] as Pid)
  const op = new ReceiveOp([isWaitedDown], null, -1, null, -1)
  while (waiting.size > 0) {
    const m = (yield op) as unknown[]
    const pid = m[3] as Pid
    const c = waiting.get(pid)!
    waiting.delete(pid)
    if (!accepted(c, m[4])) errors.push([pid, c, m[4]])
  }
  for (const t of armed) timers.cancel(t)
  for (const [pid, c, reason] of errors)
    reportError('shutdown_error', reason, c, pid, s.name, p.pid, true, s.extra)
}

const NONE = Symbol('none')

function* terminate(_reason: unknown, s: DynState) {
  yield* terminateChildren(s, s.children)
}

/** Elixir 1.14's DynamicSupervisor ignores every cast (unlike a static supervisor, which crashes). */
function handleCast(_msg: unknown, s: DynState) {
  return ['noreply', s]
}

/**
 * The state as a crash report (and `getStatus`) shows it: Elixir's `%DynamicSupervisor{}` fields,
 * with the children in start order as `[pid, restart, shutdown, type]` (`restarting` while a
 * restart is retried: `[['restarting', pid], …]`).
 */
function formatStatus(status: Status): Status {
  const s = status.state as DynState
  if (typeof s !== 'object' || s === null || !(s.children instanceof Map)) return status
  const children: unknown[] = []
  for (const [pid, c] of s.children) {
    children.push([c.restarting ? ['restarting', pid] : pid, c.restart, c.shutdown, c.type])
  }
  const { intensity } = s
  const state = {
    name: s.name,
    strategy: 'one_for_one',
    children,
    maxChildren: s.maxChildren === Number.POSITIVE_INFINITY ? 'infinity' : s.maxChildren,
    extraArguments: s.extra,
    intensity: intensity.intensity,
    period: intensity.period,
    restarts: intensity.size,
  }
  return { ...status, state }
}

/** The callback module every DynamicSupervisor runs. */
export const DynamicServer: Module = {
  name: 'DynamicSupervisor',
  init,
  handleCall,
  handleCast,
  handleInfo,
  terminate,
  formatStatus,
}
