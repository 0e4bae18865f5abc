/**
 * Time for the runtime: a {@link Clock} interface (so a deterministic simulation can swap in
 * virtual time later) and a single timer heap.
 *
 * Why a heap instead of one Node timer per timeout: a million processes each blocked in
 * `receive … after` would otherwise be a million `setTimeout` handles. Here they are heap
 * entries, and only the earliest deadline holds a real timer.
 */
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number
  /** Calls `fn` once after at least `ms` milliseconds; returns a handle for {@link Clock.cancel}. */
  schedule(fn: () => void, ms: number): unknown
  cancel(handle: unknown): void
  /** Whether a scheduled callback keeps the program alive (Node's `ref`/`unref`). */
  keepAlive(handle: unknown, on: boolean): void
}

export const systemClock: Clock = {
  now: () => performance.now(),
  // Why the handle is not unref'd: a process waiting in `receive … after` or `sleep` is work in
  // progress, like a pending setTimeout; Node exits only when no process can make progress.
  // Why the clamp: Node turns a delay above 2^31-1 ms into 1 ms (with a TimeoutOverflowWarning),
  // while `after` allows up to 2^32-1 (S3). The heap re-arms when a timer fires before its entry.
  schedule: (fn, ms) => setTimeout(fn, Math.min(ms, 0x7fffffff)),
  cancel: (h) => clearTimeout(h as NodeJS.Timeout),
  keepAlive: (h, on) => {
    if (on) (h as NodeJS.Timeout).ref()
    else (h as NodeJS.Timeout).unref()
  },
}

export class TimerEntry {
  deadline: number
  seq: number
  fn: ((entry: TimerEntry) => void) | null
  /** Free slot for the owner (the process, the message to send, …). */
  data: unknown
  index = -1
  constructor(deadline: number, seq: number, fn: (entry: TimerEntry) => void, data: unknown) {
    this.deadline = deadline
    this.seq = seq
    this.fn = fn
    this.data = data
  }
  get active(): boolean {
    return this.index >= 0 && this.fn !== null
  }
}

export class TimerHeap {
  private heap: TimerEntry[] = []
  private seq = 0
  /** Cancelled entries still in the heap. */
  private dead = 0
  private armed: unknown = null
  private armedRef = true
  private idleQueued = false
  private readonly idleCheck = (): void => {
    this.idleQueued = false
    this.idle()
  }
  private armedAt = Number.POSITIVE_INFINITY
  clock: Clock

  constructor(clock: Clock) {
    this.clock = clock
  }

  /** Live (not cancelled) timers. */
  get size(): number {
    return this.heap.length - this.dead
  }

  /** Runs `fn(entry)` after `ms` milliseconds unless cancelled first. */
  add(ms: number, fn: (entry: TimerEntry) => void, data: unknown = null): TimerEntry {
    return this.addAt(this.clock.now() + ms, fn, data)
  }

  /** Runs `fn(entry)` at `deadline` (in `clock.now()` time) unless cancelled first. */
  addAt(deadline: number, fn: (entry: TimerEntry) => void, data: unknown = null): TimerEntry {
    const e = new TimerEntry(deadline, this.seq++, fn, data)
    const h = this.heap
    e.index = h.length
    h.push(e)
    this.up(e.index)
    if (e.deadline < this.armedAt) this.arm()
    else if (!this.armedRef && this.armed !== null) {
      this.clock.keepAlive(this.armed, true)
      this.armedRef = true
    }
    return e
  }

  /**
   * Cancels the entry; returns false when it already fired or was cancelled. Why lazily (the
   * entry stays in the heap, dead, until it reaches the top or the heap is compacted): most
   * timers are cancelled (call timeouts), and a heap removal costs a sift each time.
   */
  cancel(e: TimerEntry): boolean {
    if (e.index < 0 || e.fn === null) return false
    e.fn = null
    this.dead++
    if (this.dead > 64 && this.dead * 2 > this.heap.length) this.compact()
    if (this.heap.length === this.dead && !this.idleQueued) {
      this.idleQueued = true
      queueMicrotask(this.idleCheck)
    }
    return true
  }

  /**
   * Runs in a microtask after a cancel that emptied the heap (so after the current scheduler
   * slice): with no timer left, the armed Node timer stops keeping the program alive (a
   * cancelled one-hour `after` must not delay exit). Why deferred and not in `cancel`: a slice of
   * calls cancels and re-arms timeouts again and again; un- and re-ref'ing the Node timer each
   * time would cost more than the calls. An unref'd timer that fires finds nothing due.
   */
  idle(): void {
    if (this.heap.length === this.dead && this.armed !== null && this.armedRef) {
      this.clock.keepAlive(this.armed, false)
      this.armedRef = false
    }
  }

  /** Milliseconds left before the entry fires (0 when due), or -1 when not active. */
  remaining(e: TimerEntry): number {
    if (e.index < 0 || e.fn === null) return -1
    return Math.max(0, Math.ceil(e.deadline - this.clock.now()))
  }

  private arm(): void {
    if (this.armed !== null) this.clock.cancel(this.armed)
    this.dropDeadTop()
    const first = this.heap[0]
    if (first === undefined) {
      this.armed = null
      this.armedAt = Number.POSITIVE_INFINITY
      return
    }
    this.armedAt = first.deadline
    this.armed = this.clock.schedule(
      () => this.fire(),
      Math.max(1, Math.ceil(first.deadline - this.clock.now())),
    )
    this.armedRef = true
  }

  private fire(): void {
    this.armed = null
    this.armedAt = Number.POSITIVE_INFINITY
    const now = this.clock.now()
    let first = this.heap[0]
    // Never early: a Node timer can fire a little before performance.now() reaches the
    // deadline; then the loop stops and arm() waits for the remainder.
    while (first !== undefined && first.deadline <= now) {
      this.removeAt(0)
      const fn = first.fn
      if (fn === null) this.dead--
      else {
        first.fn = null
        fn(first)
      }
      first = this.heap[0]
    }
    if (this.armed === null) this.arm()
  }

  /** Pops cancelled entries off the top, so the armed timer is for a live one. */
  private dropDeadTop(): void {
    let first = this.heap[0]
    while (first !== undefined && first.fn === null) {
      this.removeAt(0)
      this.dead--
      first = this.heap[0]
    }
  }

  /** Drops every cancelled entry and rebuilds the heap (O(n), amortised over n/2 cancels). */
  private compact(): void {
    const live = this.heap.filter((e) => {
      if (e.fn !== null) return true
      e.index = -1
      return false
    })
    this.heap = live
    this.dead = 0
    for (let i = 0; i < live.length; i++) live[i]!.index = i
    for (let i = (live.length >> 1) - 1; i >= 0; i--) this.down(i)
  }

  private removeAt(i: number): void {
    const h = this.heap
    const e = h[i]!
    const last = h.pop()!
    e.index = -1
    if (i < h.length) {
      h[i] = last
      last.index = i
      this.down(i)
      this.up(last.index)
    }
  }

  private less(a: TimerEntry, b: TimerEntry): boolean {
    return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq)
  }

  private up(i: number): void {
    const h = this.heap
    const e = h[i]!
    while (i > 0) {
      const pi = (i - 1) >> 1
      const parent = h[pi]!
      if (!this.less(e, parent)) break
      h[i] = parent
      parent.index = i
      i = pi
    }
    h[i] = e
    e.index = i
  }

  private down(i: number): void {
    const h = this.heap
    const n = h.length
    const e = h[i]!
    for (;;) {
      const l = 2 * i + 1
      if (l >= n) break
      const r = l + 1
      const c = r < n && this.less(h[r]!, h[l]!) ? r : l
      const child = h[c]!
      if (!this.less(child, e)) break
      h[i] = child
      child.index = i
      i = c
    }
    h[i] = e
    e.index = i
  }
}
