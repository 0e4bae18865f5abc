import { badArg } from '../errors.ts'
import { Pid } from '../term/pid.ts'
import type { Ref } from '../term/ref.ts'
import { names } from './names.ts'
import { currentProc, type Proc } from './proc.ts'
import { deliver, timers } from './scheduler.ts'
import { makeRef } from './signals.ts'
import type { TimerEntry } from './timers.ts'

/** Live `sendAfter` timers by their ref. */
const byRef = new Map<Ref, TimerEntry>()

interface Pending {
  readonly ref: Ref
  readonly dest: Pid | string
  readonly msg: unknown
}

function fire(e: TimerEntry): void {
  const t = e.data as Pending
  byRef.delete(t.ref)
  const p = t.dest instanceof Pid ? (t.dest.proc as Proc | null) : (names.get(t.dest) ?? null)
  if (p?.alive) deliver(p, t.msg)
}

export function sendAfter(dest: unknown, msg: unknown, ms: number, caller: Function): Ref {
  if (!(dest instanceof Pid) && typeof dest !== 'string') {
    throw badArg('a pid or a registered name as the timer destination', dest, caller)
  }
  const ref = makeRef(currentProc())
  const pending: Pending = { ref, dest, msg }
  byRef.set(ref, timers.add(ms, fire, pending))
  return ref
}

export function cancelTimer(ref: Ref): number | false {
  const e = byRef.get(ref)
  if (e === undefined) return false
  byRef.delete(ref)
  const left = timers.remaining(e)
  timers.cancel(e)
  return left < 0 ? false : left
}

export function readTimer(ref: Ref): number | false {
  const e = byRef.get(ref)
  if (e === undefined) return false
  const left = timers.remaining(e)
  return left < 0 ? false : left
}
