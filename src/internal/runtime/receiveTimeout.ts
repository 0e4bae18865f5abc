import { enqueueSettle } from './awaited.ts'
import { type Proc, RESUME_TIMEOUT } from './proc.ts'
import { enqueue, timers } from './scheduler.ts'
import type { TimerEntry } from './timers.ts'

/**
 * Receive timeouts (`after(ms)`, a call's timeout): one timer heap entry per waiting process,
 * armed lazily, and what happens when one fires.
 */

/**
 * Processes that began waiting in a receive with a timeout since the clock was last read. Why
 * not a timer at once: most such waits end within a millisecond (a GenServer.call to a server
 * on this thread), and arming a timer costs a clock read, a heap insert and a removal. Their
 * timers are armed at a clock read at most about a millisecond later (or when the scheduler
 * goes idle), with the deadline counted from that read: a timeout may fire a little late,
 * never early.
 */
const lazyTimers: Proc[] = []

/** `p` now waits in a receive with a timeout (armed lazily, see above). */
export function watchTimeout(p: Proc): void {
  lazyTimers.push(p)
}

/** How late (ms) a lazily armed receive timeout may be, at most, while the scheduler runs. */
const LAZY_TIMER_MS = 1
let lazyArmedAt = 0

/** Arms the waiting receives' timers if the last arming is about a millisecond old. */
export function armDueTimers(now: number): void {
  if (lazyTimers.length !== 0 && now - lazyArmedAt >= LAZY_TIMER_MS) armLazyTimers(now)
}

/** Arms the waiting receives' timers now (the scheduler is going idle). */
export function armWaitingTimers(): void {
  if (lazyTimers.length !== 0) armLazyTimers(performance.now())
}

function armLazyTimers(now: number): void {
  lazyArmedAt = now
  for (let i = 0; i < lazyTimers.length; i++) {
    const p = lazyTimers[i]!
    const op = p.waiter
    if (op !== null && op.timer === null && op.timeout > 0 && op.aw === null) {
      op.timer = timers.addAt(now + op.timeout, onReceiveTimeout, p)
    }
  }
  lazyTimers.length = 0
}

export function onReceiveTimeout(e: TimerEntry): void {
  const p = e.data as Proc
  const op = p.waiter
  if (op === null || op.timer !== e) return
  op.timer = null
  p.waiter = null
  if (op.aw !== null) {
    op.aw.proc = p
    op.matchedClause = -1
    enqueueSettle(op)
    return
  }
  p.resumeValue = op
  p.resumeMode = RESUME_TIMEOUT
  enqueue(p)
}
