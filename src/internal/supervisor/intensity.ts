import { Deque } from '../runtime/deque.ts'

/**
 * Restart intensity, counted exactly as OTP 25's `supervisor:add_restart/1` (SU-i2): on every
 * restart attempt take `now` in whole monotonic seconds, keep the earlier restarts `r` with
 * `r >= now - period`, add `now`, and give up when more than `intensity` remain.
 *
 * Why a deque trimmed from the front: timestamps only grow, so the expired ones are always the
 * oldest. Each timestamp is pushed and shifted once, so a restart costs amortised O(1) however
 * many restarts the window holds (OTP's list walk is O(window)).
 */
export class RestartIntensity {
  intensity: number
  period: number
  private readonly restarts = new Deque<number>()

  constructor(intensity: number, period: number) {
    this.intensity = intensity
    this.period = period
  }

  /** Records a restart attempt at `now` (seconds); false when the intensity is exceeded. */
  add(now: number = monotonicSeconds()): boolean {
    const threshold = now - this.period
    const q = this.restarts
    while (q.length > 0 && q.at(0) < threshold) q.shift()
    q.push(now)
    return q.length <= this.intensity
  }

  /** How many restarts the window holds (for tests and status). */
  get size(): number {
    return this.restarts.length
  }
}

let clock: () => number = () => performance.now()

/** `erlang:monotonic_time(second)`: whole seconds of a monotonic clock. */
export function monotonicSeconds(): number {
  return Math.floor(clock() / 1000)
}

/**
 * Replaces the millisecond clock intensity reads (tests of the window's second granularity);
 * `null` restores the real one.
 */
export function setIntensityClock(ms: (() => number) | null): void {
  clock = ms ?? (() => performance.now())
}
