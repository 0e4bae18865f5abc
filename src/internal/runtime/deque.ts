/**
 * A power-of-two ring buffer used for mailboxes and the run queue.
 *
 * Why not a JS array with `shift()`: shift is O(n) (6.6 µs at 65,536 deep in perf-baseline.md)
 * and a busy mailbox can be that deep. Selective receive removes from the middle with
 * {@link Deque.removeAt}, shifting the shorter side, which is what the BEAM's save-queue scan
 * costs too.
 */
export class Deque<T> {
  /** @internal Read directly by the mailbox scan (one closure call per message is its cost). */
  buf: (T | undefined)[]
  /** @internal */
  mask: number
  /** @internal */
  head = 0
  length = 0

  constructor(capacity = 4) {
    this.buf = new Array(capacity).fill(undefined)
    this.mask = capacity - 1
  }

  push(x: T): void {
    if (this.length === this.buf.length) this.grow()
    this.buf[(this.head + this.length) & this.mask] = x
    this.length++
  }

  /** Puts `x` before the oldest element (it becomes the oldest). */
  unshift(x: T): void {
    if (this.length === this.buf.length) this.grow()
    this.head = (this.head - 1) & this.mask
    this.buf[this.head] = x
    this.length++
  }

  /** Removes and returns the oldest element; `undefined` when empty. */
  shift(): T | undefined {
    if (this.length === 0) return undefined
    const x = this.buf[this.head]
    this.buf[this.head] = undefined
    this.head = (this.head + 1) & this.mask
    this.length--
    return x
  }

  /** The element `i` places from the oldest (0 = oldest). */
  at(i: number): T {
    return this.buf[(this.head + i) & this.mask] as T
  }

  /** Removes and returns the element `i` places from the oldest (the oldest, mostly). */
  take(i: number): T {
    return i === 0 ? (this.shift() as T) : this.removeAt(i)
  }

  /** Removes the element `i` places from the oldest, keeping the order of the rest. */
  removeAt(i: number): T {
    const buf = this.buf
    const mask = this.mask
    const head = this.head
    const x = buf[(head + i) & mask] as T
    if (i < this.length >> 1) {
      for (let j = i; j > 0; j--) buf[(head + j) & mask] = buf[(head + j - 1) & mask]
      buf[head] = undefined
      this.head = (head + 1) & mask
    } else {
      const last = this.length - 1
      for (let j = i; j < last; j++) buf[(head + j) & mask] = buf[(head + j + 1) & mask]
      buf[(head + last) & mask] = undefined
    }
    this.length--
    return x
  }

  /** Drops everything (and the memory of a large burst). */
  clear(): void {
    this.buf = new Array(4).fill(undefined)
    this.mask = 3
    this.head = 0
    this.length = 0
  }

  toArray(): T[] {
    const out = new Array<T>(this.length)
    for (let i = 0; i < this.length; i++) out[i] = this.at(i)
    return out
  }

  private grow(): void {
    const old = this.buf
    const n = old.length
    const nb = new Array<T | undefined>(n * 2).fill(undefined)
    for (let i = 0; i < this.length; i++) nb[i] = old[(this.head + i) & (n - 1)]
    this.buf = nb
    this.mask = n * 2 - 1
    this.head = 0
  }
}
