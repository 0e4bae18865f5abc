import type { Proc } from '../runtime/proc.ts'
import { deliver } from '../runtime/scheduler.ts'
import { abnormal } from '../runtime/signals.ts'
import type { Pid } from '../term/pid.ts'
import type { Children } from './children.ts'
import { type AutoShutdown, type ChildRec, restartsAfter } from './childSpec.ts'
import type { RestartIntensity } from './intensity.ts'
import { reportError, type SupName } from './report.ts'
import { OK, shutdownChild } from './shutdown.ts'
import type { OnStart } from './spec.ts'
import { callStart } from './start.ts'

/**
 * A static supervisor's restart logic (OTP 25 `supervisor:do_restart/3`, `restart/2,3`,
 * `start_children/2`, `terminate_children/2`) over the {@link Children} table. Every function
 * runs inside the supervisor process; the generators block only to start or stop a child.
 */

export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one'

export interface SupState {
  readonly p: Proc
  readonly name: SupName
  readonly strategy: Strategy
  readonly intensity: RestartIntensity
  readonly autoShutdown: AutoShutdown
  readonly children: Children
}

const NO_ARGS: readonly unknown[] = []

/** `do_start_child`: runs the start (which logs a progress report on success). */
export function startOne(s: SupState, c: ChildRec): Generator<unknown, OnStart, unknown> {
  return callStart(s.p, c, NO_ARGS, false, s.name)
}

/** `do_terminate`: shuts a running child down, reporting any end it was not asked for. */
export function* terminateOne(s: SupState, c: ChildRec): Generator<unknown, void, unknown> {
  const pid = c.pid
  if (pid === null) return
  const r = yield* shutdownChild(s.p, c, pid)
  if (r !== OK) reportError('shutdown_error', r, c, pid, s.name, s.p.pid, false)
}

/**
 * `terminate_children`: from the newest child back to `oldest` (all when null), one at a time
 * (SU-o3). Temporary children are forgotten; the others keep their spec with no pid.
 */
export function* terminateFrom(s: SupState, oldest: ChildRec | null): Generator<unknown, void, unknown> {
  let c = s.children.last
  while (c !== null) {
    const prev = c.prev
    yield* terminateOne(s, c)
    if (c.restart === 'temporary') s.children.remove(c)
    else s.children.setPid(c, null)
    if (c === oldest) return
    c = prev
  }
}

/**
 * `start_children`: from `first` to the newest, in start order (SU-o1). Stops at the first
 * failure (reported) and returns that child and reason; null when all started.
 */
export function* startFrom(
  s: SupState,
  first: ChildRec | null,
): Generator<unknown, [ChildRec, unknown] | null, unknown> {
  let c = first
  while (c !== null) {
    const next = c.next
    const r = yield* startOne(s, c)
    if (r === 'ignore') {
      // SU-r3: an ignored child keeps its spec (not a temporary one) with no pid.
      if (c.restart === 'temporary') s.children.remove(c)
      else s.children.setPid(c, null)
    } else if (r[0] === 'ok') s.children.setPid(c, r[1])
    else {
      reportError('start_error', r[1], c, null, s.name, s.p.pid, false)
      return [c, r[1]]
    }
    c = next
  }
  return null
}

/** `del_child`: a temporary child is forgotten, any other keeps its spec with no pid. */
export function delChild(s: SupState, c: ChildRec): void {
  if (c.restart === 'temporary') s.children.remove(c)
  else s.children.setPid(c, null)
}

/**
 * `do_restart`: what to do when child `c` exited with `reason` (SU-r1, SU-r2, §10.7):
 * `'restart'` (then run {@link restart}), `'ok'`, or `'shutdown'` when the supervisor must stop
 * (automatic shutdown). Why a decision and not a generator that restarts: it would be one more
 * `yield*` layer on every restart.
 */
export function onChildExit(s: SupState, c: ChildRec, reason: unknown): 'restart' | 'ok' | 'shutdown' {
  const pid = c.pid
  if (restartsAfter(c, reason)) {
    reportError('child_terminated', reason, c, pid, s.name, s.p.pid, false)
    s.children.setPid(c, null)
    return 'restart'
  }
  if (c.restart === 'temporary' && abnormal(reason)) {
    reportError('child_terminated', reason, c, pid, s.name, s.p.pid, false)
  }
  delChild(s, c)
  return autoShutdown(s, c)
}

/** `do_auto_shutdown`: only a significant child ending by itself can stop the supervisor. */
function autoShutdown(s: SupState, c: ChildRec): 'ok' | 'shutdown' {
  if (s.autoShutdown === 'never' || !c.significant) return 'ok'
  if (s.autoShutdown === 'any_significant') return 'shutdown'
  for (let x = s.children.first; x !== null; x = x.next) {
    if (x.significant && (x.pid !== null || x.restarting)) return 'ok'
  }
  return 'shutdown'
}

/**
 * `restart/2`: counts the attempt against the intensity (SU-i2), then restarts by strategy. A
 * restart that fails is retried through a cast to itself, so calls (a shutdown, say) can get in
 * between; meanwhile the child shows as `'restarting'` (SU-i3).
 *
 * `old` is the child's pid as OTP's child record holds it here: the pid that exited on the
 * first attempt, `'restarting'` on a retry. Why it matters: a one_for_one start that fails is
 * reported with it, so the first failure names the old pid and the retries none.
 */
export function* restart(
  s: SupState,
  c: ChildRec,
  old: Pid | 'restarting',
): Generator<unknown, 'ok' | 'shutdown', unknown> {
  if (!s.intensity.add()) {
    reportError('shutdown', 'reached_max_restart_intensity', c, old, s.name, s.p.pid, false)
    delChild(s, c)
    return 'shutdown'
  }
  let failed: ChildRec | null
  if (s.strategy === 'one_for_one') {
    failed = null
    const r = yield* startOne(s, c)
    if (r === 'ignore') s.children.setPid(c, null)
    else if (r[0] === 'ok') s.children.setPid(c, r[1])
    else {
      reportError('start_error', r[1], c, old, s.name, s.p.pid, false)
      failed = c
    }
  } else {
    // SU-s2 / SU-s3: stop the others (all, or those started after `c`) newest first, then
    // start them again oldest first.
    const from = s.strategy === 'one_for_all' ? null : c
    yield* terminateFrom(s, from)
    const r = yield* startFrom(s, from ?? s.children.first)
    failed = r === null ? null : r[0]
  }
  if (failed !== null) {
    s.children.setPid(failed, null, true)
    deliver(s.p, ['$gen_cast', ['try_again_restart', failed]])
  }
  return 'ok'
}
