/**
 * The ETF decoder (src/internal/etf/) with untrusted input costs time and memory in proportion to
 * the input: inputs that are small and within every limit must not cost far more CPU or memory
 * than their size, nor leave memory held after the decode. Timings are compared with a decode of the same number of bytes and terms
 * laid out harmlessly, so the tests do not depend on the machine's speed.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import v8 from 'node:v8'
import vm from 'node:vm'
import { decode, encode } from '../../src/internal/etf/index.ts'

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void
const MiB = 1024 * 1024

/** Wall time of `decode(bytes)` in ms (an EtfError counts as an answer too); best of `runs`. */
function decodeMs(bytes: Buffer, runs = 1): number {
  let best = Number.POSITIVE_INFINITY
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    try {
      decode(bytes)
    } catch {
      // a refusal is a fine answer; only the time matters here
    }
    best = Math.min(best, performance.now() - t0)
  }
  return best
}

/** LIST_EXT of `n` times `el`, then `tail` (NIL_EXT by default). */
function listOf(n: number, el: Buffer, tail = Buffer.from([0x6a])): Buffer {
  const head = Buffer.from([0x6c, 0, 0, 0, 0])
  head.writeUInt32BE(n, 1)
  return Buffer.concat([head, Buffer.alloc(n * el.length, el), tail])
}

const ONE = Buffer.from([0x61, 1]) // SMALL_INTEGER_EXT 1

describe('ETF decode cost of small hostile inputs', () => {
  it('checks map keys for duplicates in linear time, also when keys nest maps', () => {
    // decode.ts:205-216 + encode.ts canonicalKey: each map re-encodes its whole key to check for
    // duplicates, so maps nested through their keys (#{#{#{… leaf …} => 0} => 0} => 0}) encode
    // the leaf once per level: depth × size. ~200 KB of input took seconds (500 levels: 16 s).
    const depth = 200
    const leaf = listOf(100_000, ONE)
    const mapHead = Buffer.from([0x74, 0, 0, 0, 1])
    const zero = Buffer.from([0x61, 0])
    const viaKeys = Buffer.concat([
      Buffer.from([131]),
      Buffer.alloc(depth * 5, mapHead),
      leaf,
      Buffer.alloc(depth * 2, zero),
    ])
    // Same bytes and terms, nested through the values instead: #{0 => #{0 => … leaf}}.
    const viaValues = Buffer.concat([
      Buffer.from([131]),
      Buffer.alloc(depth * 7, Buffer.concat([mapHead, zero])),
      leaf,
    ])
    assert.equal(viaKeys.length, viaValues.length)
    const base = decodeMs(viaValues, 3)
    const hostile = decodeMs(viaKeys)
    assert.ok(
      hostile < Math.max(5 * base, 250),
      `${viaKeys.length} bytes of nested map keys took ${hostile.toFixed(0)} ms (same bytes as values: ${base.toFixed(0)} ms)`,
    )
  })

  it('decodes a chain of list tails ([1, … | [1, … | …]]) in linear time', () => {
    // decode.ts:172-186: each level concatenates the items of the list decoded as its tail, so
    // 500 levels of 2,000 items copy ~500 × 1M / 2 elements. 2 MB took ~2 s, 8 MB ~7 s.
    const levels = 500
    const per = 2000
    const head = Buffer.from([0x6c, 0, 0, 0, 0])
    head.writeUInt32BE(per, 1)
    const chained = Buffer.concat([
      Buffer.from([131]),
      ...Array.from({ length: levels }, () => Buffer.concat([head, Buffer.alloc(per * 2, ONE)])),
      Buffer.from([0x6a]),
    ])
    const flat = Buffer.concat([Buffer.from([131]), listOf(levels * per, ONE)])
    const chainedList = decode(chained) as { items: unknown[] }
    assert.equal(chainedList.items.length, levels * per)
    const base = decodeMs(flat, 3)
    const hostile = decodeMs(chained)
    assert.ok(
      hostile < Math.max(5 * base, 250),
      `${chained.length} bytes of chained list tails took ${hostile.toFixed(0)} ms (flat list: ${base.toFixed(0)} ms)`,
    )
  })
})

describe('ETF decode memory with hostile inputs', () => {
  it('keeps no buffer after checking a large map key for duplicates', async () => {
    // encode.ts:334-357: canonicalKey's module-level encoder grows to the largest key ever
    // checked and never shrinks (encode() drops its shared encoder above KEEP_SIZE; this one does
    // not), so one map with a 16 MiB tuple key pins 16+ MiB for the life of the process.
    const key = [new Uint8Array(16 * MiB).fill(0xff)] // not UTF-8: stays a binary
    const bytes = encode(new Map([[key, 1]]))
    gc()
    const before = process.memoryUsage().arrayBuffers
    decode(bytes)
    // V8 frees array buffers' memory on a concurrent sweeper after the collection: give it a few
    // turns (bounded) to catch up, so a busy machine does not read memory that is already free.
    let kept = Number.POSITIVE_INFINITY
    for (let i = 0; i < 20 && kept >= 4 * MiB; i++) {
      gc()
      await new Promise((resolve) => setImmediate(resolve))
      kept = process.memoryUsage().arrayBuffers - before
    }
    assert.ok(kept < 4 * MiB, `${(kept / MiB).toFixed(1)} MiB still held after the decoded term was dropped`)
  })

  it('does not turn each NIL_EXT byte into a new object (80 bytes of heap per input byte)', () => {
    // decode.ts:45-46: every NIL_EXT (1 byte) makes a new List and a new empty array. Under the
    // default limits (maxTerms 4M) one 4 MB message of them costs ~320 MB of heap; a list of
    // empty maps (5 bytes each) ~770 MB for 20 MB. Empty lists are immutable: one shared
    // instance would do.
    const n = 1_000_000
    const bytes = Buffer.concat([Buffer.from([131]), listOf(n, Buffer.from([0x6a]))])
    gc()
    const before = process.memoryUsage().heapUsed
    const term = decode(bytes) as { items: unknown[] }
    gc()
    const grown = process.memoryUsage().heapUsed - before
    assert.equal(term.items.length, n)
    assert.ok(
      grown < 16 * bytes.length,
      `${(bytes.length / MiB).toFixed(1)} MiB of input held ${(grown / MiB).toFixed(0)} MiB of heap`,
    )
  })
})
