import { badArg } from '../errors.ts'
import { Pid } from '../term/pid.ts'
import type { Ref } from '../term/ref.ts'
import { copyMessage } from './copy.ts'
import { names } from './names.ts'
import { currentProc, type Proc } from './proc.ts'
import { deliver, timers } from './scheduler.ts'
import { makeRef } from './signals.ts'
import type { TimerEntry } from './timers.ts'

/** Live `sendAfter` timers by their ref. */
const byRef = new Map<Ref, Pending>()

/**
 * One armed timer. For a local pid it is also a resource of that process, so the process's
 * exit cancels it (as on the BEAM): a timer for a dead process neither fires nor keeps Node up.
 */
class Pending {
  readonly ref: Ref
  readonly dest: Pid | string
  readonly msg: unknown
  readonly target: Proc | null
  readonly entry: TimerEntry
  constructor(ref: Ref, dest: Pid | string, msg: unknown, target: Proc | null, ms: number) {
    this.ref = ref
    this.dest = dest
    this.msg = msg
    this.target = target
    this.entry = timers.add(ms, fire, this)
  }

  ownerExited(): void {
    timers.cancel(this.entry)
    this.disarm()
  }

  /** No longer pending (fired, cancelled, or its process gone): forgotten by ref and process. */
  disarm(): void {
    byRef.delete(this.ref)
    this.target?.ext?.resources?.delete(this)
  }
}

function fire(e: TimerEntry): void {
  const t = e.data as Pending
  t.disarm()
  const p = t.target ?? (typeof t.dest === 'string' ? (names.get(t.dest) ?? null) : null)
  if (p?.alive) deliver(p, t.msg)
}

export function sendAfter(dest: unknown, msg: unknown, ms: number, caller: Function): Ref {
  if (!(dest instanceof Pid) && typeof dest !== 'string') {
    throw badArg('a pid or a registered name as the timer destination', dest, caller)
  }
  const ref = makeRef(currentProc())
  const target = dest instanceof Pid ? (dest.proc as Proc | null) : null
  // A local pid that is already gone: the timer is cancelled before it starts.
  if (dest instanceof Pid && dest.isLocal && (target === null || !target.alive)) return ref
  // The message is copied now, as `send` would copy it (the sender may change it meanwhile).
  const t = new Pending(ref, dest, copyMessage(msg), target, ms)
  byRef.set(ref, t)
  if (target !== null) (target.x().resources ??= new Set()).add(t)
  return ref
}

export function cancelTimer(ref: Ref): number | false {
  const t = byRef.get(ref)
  if (t === undefined) return false
  const left = timers.remaining(t.entry)
  timers.cancel(t.entry)
  t.disarm()
  return left < 0 ? false : left
}

export function readTimer(ref: Ref): number | false {
  const t = byRef.get(ref)
  if (t === undefined) return false
  const left = timers.remaining(t.entry)
  return left < 0 ? false : left
}
