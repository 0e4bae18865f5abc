import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { type Clock, TimerHeap } from '../../src/internal/runtime/timers.ts'

/** A virtual clock: time moves only when the test says so, and due callbacks run then. */
class VirtualClock implements Clock {
  t = 0
  private next = 1
  private pending = new Map<number, { at: number; fn: () => void; ref: boolean }>()
  now(): number {
    return this.t
  }
  schedule(fn: () => void, ms: number): unknown {
    const id = this.next++
    this.pending.set(id, { at: this.t + ms, fn, ref: true })
    return id
  }
  cancel(h: unknown): void {
    this.pending.delete(h as number)
  }
  keepAlive(h: unknown, on: boolean): void {
    const p = this.pending.get(h as number)
    if (p !== undefined) p.ref = on
  }
  advance(ms: number): void {
    const end = this.t + ms
    for (;;) {
      let first: [number, { at: number; fn: () => void }] | undefined
      for (const e of this.pending)
        if (e[1].at <= end && (first === undefined || e[1].at < first[1].at)) first = e
      if (first === undefined) break
      this.pending.delete(first[0])
      this.t = Math.max(this.t, first[1].at)
      first[1].fn()
    }
    this.t = end
  }
  get armed(): number {
    return this.pending.size
  }
  get keepsAlive(): boolean {
    return [...this.pending.values()].some((p) => p.ref)
  }
}

describe('the timer heap', () => {
  it('fires every live timer once, in deadline order, never early, and never a cancelled one', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ add: fc.integer({ min: 0, max: 200 }) }),
            fc.record({ cancel: fc.nat() }),
            fc.record({ advance: fc.integer({ min: 0, max: 120 }) }),
          ),
          { maxLength: 300 },
        ),
        (ops) => {
          const clock = new VirtualClock()
          const heap = new TimerHeap(clock)
          const entries: {
            deadline: number
            fired: number | null
            cancelled: boolean
            e: ReturnType<TimerHeap['add']>
          }[] = []
          const order: number[] = []
          for (const op of ops) {
            if ('add' in op) {
              const rec = {
                deadline: clock.t + op.add,
                fired: null as number | null,
                cancelled: false,
                e: null as never,
              }
              rec.e = heap.add(op.add, () => {
                rec.fired = clock.t
                order.push(rec.deadline)
              }) as never
              entries.push(rec)
            } else if ('cancel' in op) {
              const rec = entries[op.cancel % Math.max(1, entries.length)]
              if (rec !== undefined && rec.fired === null && !rec.cancelled) {
                assert.equal(heap.cancel(rec.e), true)
                rec.cancelled = true
              }
            } else clock.advance(op.advance)
          }
          clock.advance(1000)
          for (const r of entries) {
            if (r.cancelled) assert.equal(r.fired, null)
            else {
              assert.notEqual(r.fired, null, 'a live timer fired')
              assert.ok(r.fired! >= r.deadline, 'never early')
            }
          }
          for (let i = 1; i < order.length; i++) assert.ok(order[i - 1]! <= order[i]!, 'deadline order')
          assert.equal(heap.size, 0)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('stops keeping the program alive once every timer is cancelled and the scheduler is idle', () => {
    const clock = new VirtualClock()
    const heap = new TimerHeap(clock)
    const e = heap.add(3_600_000, () => {})
    assert.equal(clock.keepsAlive, true)
    heap.cancel(e)
    heap.idle()
    assert.equal(clock.keepsAlive, false)
    heap.add(10, () => {})
    assert.equal(clock.keepsAlive, true)
  })
})
