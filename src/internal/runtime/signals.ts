import { createError, ExitError, ProcessTerminated } from '../errors.ts'
import type { Pid } from '../term/pid.ts'
import { copyReason } from './copy.ts'
import { reportCrash } from './crash.ts'
import { dropHeld, fireMonitors } from './monitors.ts'
import { release } from './names.ts'
import { DEAD, DOOMED, EXITING, type Proc, RUNNING, table } from './proc.ts'
import { transport } from './remote.ts'
import { deliver, timers } from './scheduler.ts'

/**
 * Exit signals, links, monitors and aliases, with exactly the BEAM's semantics (semantics.md
 * §1, §4–§6, §8). Everything here runs synchronously on the scheduler thread; the "signal in
 * flight" of the BEAM is the gap until the receiver next runs.
 */

// ------------------------------------------------------------------ termination

const dying: Proc[] = []
let reaping = false

/**
 * Terminates `p` with `reason`. Why a work list: a process's death sends exit signals that may
 * kill its links, whose deaths kill theirs; handling them in a loop instead of by recursion
 * keeps a 100,000-long link chain from overflowing the stack, and keeps per-pair signal order.
 */
export function terminate(p: Proc, reason: unknown): void {
  if (p.status >= EXITING) return // P7: the first exit wins
  p.status = EXITING
  p.exitReason = reason
  if (reaping) {
    dying.push(p)
    return
  }
  reaping = true
  try {
    finish(p)
    for (let i = 0; i < dying.length; i++) finish(dying[i]!)
  } finally {
    // Why only when used: most processes die alone, and resetting an array's length is a call.
    if (dying.length !== 0) dying.length = 0
    reaping = false
  }
}

function finish(p: Proc): void {
  const reason = p.exitReason
  const w = p.waiter
  p.waiter = null
  if (w !== null && w.timer !== null) timers.cancel(w.timer)
  p.gen = null
  p.resumeValue = undefined
  p.mailbox = null
  // (The record is the pid, which may be kept long after: so is not what it ran, a closure perhaps.)
  p.initialCall = ''
  const x = p.ext
  // P5: directly visible resources (the name) go before any EXIT/DOWN is sent.
  if (x !== null && x.name !== null) release(x.name, p)
  table.delete(p.pid.id)
  p.pid.proc = null
  p.status = DEAD
  if (x !== null) {
    dropHeld(x)
    if (x.links !== null) {
      const links = x.links
      x.links = null
      for (const q of links) {
        q.ext!.links!.delete(p)
        exitSignal(q, p.pid, reason, true)
      }
    }
    fireMonitors(x, reason)
    // Remote links and monitors (both directions) live in the transport.
    if (x.remote !== null) transport?.exited(p, reason)
    if (x.resources !== null) {
      const rs = x.resources
      x.resources = null
      for (const r of rs) r.ownerExited(reason)
    }
    if (x.crash !== undefined) reportCrash(p, x.crash)
    // The record is the pid, which may be kept long after: keep nothing big alive with it.
    x.crash = undefined
    x.dict = null
    x.onReturn = null
    const cb = x.onExit
    if (cb !== null) {
      x.onExit = null
      cb(reason)
    }
  }
  p.op = null
  // An async body blocked in `await receive(…)` unwinds instead of waiting forever.
  const aw = w === null ? null : w.aw
  if (aw !== null && aw.reject !== null) {
    const reject = aw.reject
    aw.resolve = aw.reject = null
    reject(new ProcessTerminated(reason))
  }
}

/**
 * The exit reason for an exception that escaped a process body: `exit(reason)` gives exactly
 * `reason` (P2); an Error gives `[error, stack]` like Elixir's `{exception, stacktrace}` (P3); any
 * other thrown value gives `[['nocatch', value], stack]`.
 */
export function crashReason(e: unknown, p: Proc): unknown {
  if (e instanceof ExitError) return e.reason
  if (e instanceof ProcessTerminated) return p.exitReason ?? e.reason
  if (e instanceof Error) {
    p.x().crash = e
    return [e, e.stack ?? '']
  }
  const stack = new Error().stack ?? ''
  p.x().crash = ['nocatch', e]
  return [['nocatch', e], stack]
}

/** An exit reason OTP reports and that restarts a transient child: not normal, shutdown or [shutdown, _]. */
export function abnormal(reason: unknown): boolean {
  return !(
    reason === 'normal' ||
    reason === 'shutdown' ||
    (Array.isArray(reason) && reason.length === 2 && reason[0] === 'shutdown')
  )
}

/**
 * Delivers an exit signal to `target` (semantics §5.1, all rows). `viaLink` marks signals from a
 * terminated linked process; otherwise it is `exit(target, reason)` sent by `from`.
 */
export function exitSignal(target: Proc, from: Pid, reason: unknown, viaLink: boolean): void {
  if (target.status >= EXITING) return
  // An EXIT is a message: each receiver gets its own copy of the reason (copyReason).
  if (viaLink) {
    if (target.trapExit)
      deliver(target, ['EXIT', from, copyReason(reason)]) // rows 1–4
    else if (reason !== 'normal') killedBy(target, from, reason) // rows 2–4: `kill` stays `kill`
    return // row 1: normal is dropped
  }
  if (reason === 'kill')
    killedBy(target, from, 'killed') // row 10: untrappable
  else if (target.trapExit)
    deliver(target, ['EXIT', from, copyReason(reason)]) // rows 8, 9, 11
  else if (reason === 'normal') {
    if (from === target.pid) terminate(target, 'normal') // row 9: the documented irregularity
  } else killedBy(target, from, reason) // row 11
}

/**
 * Terminates `target` because of an exit signal from `from` (E-g). Why not at once when `target`
 * is the process running right now and the signal is not its own `exit(self(), …)`: that only
 * happens when its own action killed a linked process whose EXIT came straight back. On the BEAM
 * that signal is in flight while the process runs on, so the process is marked DOOMED and
 * terminates when it next yields; what it sends until then arrives before its EXIT/DOWN (O3).
 */
function killedBy(target: Proc, from: Pid, reason: unknown): void {
  if (from !== target.pid) {
    if (target.status === RUNNING) {
      target.status = DOOMED
      target.exitReason = reason
      return
    }
    if (target.status === DOOMED) return // P7: the first exit signal wins
  }
  terminate(target, reason)
}

/** `exit(pid, reason)` from `sender` (or from outside any process when null). */
export function exitPid(sender: Proc | null, pid: Pid, reason: unknown): void {
  const q = pid.proc as Proc | null
  if (q === null) {
    if (!pid.isLocal) transport?.exit(sender, pid, reason)
    return
  }
  // Row 8: without a sending process the signal is never the target's own, so `normal` is
  // dropped by a process that does not trap (rather than taken for exit(self(), normal)).
  if (sender === null && reason === 'normal' && !q.trapExit) return
  exitSignal(q, sender?.pid ?? pid, reason, false)
  // E-e: a process that just terminated itself does not run on.
  if (sender !== null && sender === q && q.status >= EXITING) throw new ProcessTerminated(q.exitReason)
}

// ------------------------------------------------------------------ links

export function link(p: Proc, pid: Pid, caller: Function): void {
  if (pid === p.pid) return // L-a
  const q = pid.proc as Proc | null
  if (q === null || q.status >= EXITING) {
    if (!pid.isLocal) {
      transport?.link(p, pid)
      return
    }
    // L-b: semi-synchronous failure for a dead local process.
    if (p.trapExit) deliver(p, ['EXIT', pid, 'noproc'])
    else throw createError('ERR_BEAMISH_NOPROC', `cannot link to ${pid}: no such process (noproc)`, caller)
    return
  }
  const px = p.x()
  const qx = q.x()
  ;(px.links ??= new Set()).add(q)
  ;(qx.links ??= new Set()).add(p)
}

export function unlink(p: Proc, pid: Pid): void {
  const q = pid.proc as Proc | null
  if (q === null) {
    if (!pid.isLocal) transport?.unlink(p, pid)
    return
  }
  p.ext?.links?.delete(q)
  q.ext?.links?.delete(p)
}

// Monitors, refs and aliases live in monitors.ts; they are part of this module's interface.
export {
  alias,
  aliases,
  demonitor,
  isDownOf,
  type MonitorTarget,
  makeRef,
  monitor,
  monitorProc,
  sendAlias,
  unalias,
} from './monitors.ts'
