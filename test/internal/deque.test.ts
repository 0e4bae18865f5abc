import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { Deque } from '../../src/internal/runtime/deque.ts'

describe('Deque', () => {
  it('unshift puts an element before the oldest, also when the buffer is full or wrapped', () => {
    const d = new Deque<number>()
    for (const x of [1, 2, 3, 4]) d.push(x) // full (capacity 4)
    d.unshift(0) // grows
    assert.deepEqual(d.toArray(), [0, 1, 2, 3, 4])
    assert.equal(d.shift(), 0)
    d.unshift(-1)
    d.unshift(-2)
    assert.deepEqual(d.toArray(), [-2, -1, 1, 2, 3, 4])
    assert.equal(d.take(2), 1)
    assert.deepEqual(d.toArray(), [-2, -1, 2, 3, 4])
  })

  it('behaves as an array under push, unshift, shift and removeAt', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('push' as const), x: fc.integer() }),
      fc.record({ k: fc.constant('unshift' as const), x: fc.integer() }),
      fc.record({ k: fc.constant('shift' as const) }),
      fc.record({ k: fc.constant('removeAt' as const), i: fc.nat() }),
    )
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const d = new Deque<number>()
        const a: number[] = []
        for (const o of ops) {
          if (o.k === 'push') {
            d.push(o.x)
            a.push(o.x)
          } else if (o.k === 'unshift') {
            d.unshift(o.x)
            a.unshift(o.x)
          } else if (o.k === 'shift') assert.equal(d.shift(), a.shift())
          else if (a.length > 0) {
            const i = o.i % a.length
            assert.equal(d.removeAt(i), a.splice(i, 1)[0])
          }
          assert.equal(d.length, a.length)
        }
        assert.deepEqual(d.toArray(), a)
      }),
    )
  })
})
