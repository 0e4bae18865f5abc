import type { Proc } from '../runtime/proc.ts'
import { ReceiveOp } from '../runtime/receive.ts'
import * as sig from '../runtime/signals.ts'
import type { Pid } from '../term/pid.ts'
import type { ChildRec } from './childSpec.ts'

/**
 * How a supervisor shuts one child down (SU-o4, OTP 25 `supervisor:shutdown/1`): monitor first,
 * then `kill` (brutal_kill) or `shutdown` with a timer that falls back to `kill` (integer) or no
 * timer (infinity); after the DOWN, unlink and flush the child's EXIT to learn its real reason.
 */

/** Returned when the child ended the way the supervisor asked it to. */
export const OK = Symbol('ok')

/**
 * Unlinks `pid` and takes its `['EXIT', pid, reason]` out of the mailbox if one arrived, so the
 * exit is not mistaken for a crash later; returns that reason, or `fallback` (OTP's
 * `unlink_flush/2`). Why the EXIT is the truth: a DOWN for a child that was already dead says
 * `noproc`, while its EXIT carries how it died.
 */
export function unlinkFlush(p: Proc, pid: Pid, fallback: unknown): unknown {
  sig.unlink(p, pid)
  const mb = p.mailbox
  if (mb === null) return fallback
  for (let i = 0; i < mb.length; i++) {
    const m = mb.at(i)
    if (Array.isArray(m) && m.length === 3 && m[0] === 'EXIT' && m[1] === pid) {
      mb.removeAt(i)
      return m[2]
    }
  }
  return fallback
}

/** Whether `reason` is an accepted end for a child shut down with `shutdown` (SU-o4). */
export function acceptable(child: ChildRec, reason: unknown): boolean {
  if (reason === (child.shutdown === 'brutal_kill' ? 'killed' : 'shutdown')) return true
  if (child.restart === 'permanent') return false
  return !sig.abnormal(reason)
}

/**
 * Shuts `child` (running as `pid`) down and waits until it is gone. Returns {@link OK}, or the
 * reason it actually ended with when that is not what the supervisor asked for (a shutdown error).
 */
export function* shutdownChild(p: Proc, child: ChildRec, pid: Pid): Generator<unknown, unknown, unknown> {
  const mref = sig.monitor(p, pid, null, shutdownChild)
  const down = sig.isDownOf(mref)
  const shutdown = child.shutdown
  let got: unknown
  if (shutdown === 'brutal_kill') {
    sig.exitPid(p, pid, 'kill')
    got = yield new ReceiveOp([down], null, -1, null, mref.mark)
  } else {
    sig.exitPid(p, pid, 'shutdown')
    got = yield new ReceiveOp([down], null, shutdown === 'infinity' ? -1 : shutdown, null, mref.mark)
    if (got === undefined) {
      sig.exitPid(p, pid, 'kill')
      got = yield new ReceiveOp([down], null, -1, null, mref.mark)
    }
  }
  const reason = unlinkFlush(p, pid, (got as unknown[])[4])
  return acceptable(child, reason) ? OK : reason
}
