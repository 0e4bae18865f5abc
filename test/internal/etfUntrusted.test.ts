/**
 * The ETF decoder (src/internal/etf/) with untrusted input costs time and memory in proportion to
 * the input: inputs that are small and within every limit cost no more CPU or memory than their
 * size calls for, and leave no memory held after the decode. Timings are compared with a decode
 * of the same number of bytes and terms laid out harmlessly, so the tests do not depend on the
 * machine's speed.
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
    // Maps nested through their keys (#{#{#{… leaf …} => 0} => 0} => 0}): a duplicate check that
    // re-encoded each map's whole key would encode the leaf once per level, depth × size (~200 KB
    // of input would cost seconds). Keys are checked by shape instead (etf/keys.ts).
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

  it('checks map keys for duplicates in linear time when a key nests maps through their values', () => {
    // A key holding maps nested through their values (#{0 => #{0 => … leaf}}), checked by its
    // canonical bytes, would copy the leaf once per level (a canonical map encoding copies its
    // pairs into its parent's): 4 MiB of input took ~0.7 s at 500 levels. Keys holding maps are
    // checked by shape instead (etf/keys.ts), whatever the maps nest through.
    const depth = 500
    const size = 4 * MiB
    const leaf = Buffer.alloc(5 + size, 0xff) // BINARY_EXT, not UTF-8: stays a binary
    leaf[0] = 0x6d
    leaf.writeUInt32BE(size, 1)
    const mapHead = Buffer.from([0x74, 0, 0, 0, 1])
    const zero = Buffer.from([0x61, 0])
    const level = Buffer.concat([mapHead, zero])
    // #{#{0 => #{0 => … leaf}} => 0}
    const inKey = Buffer.concat([Buffer.from([131]), mapHead, Buffer.alloc(depth * 7, level), leaf, zero])
    // Same bytes and terms, all nested through values: #{0 => #{0 => … leaf}}.
    const inValues = Buffer.concat([Buffer.from([131]), level, Buffer.alloc(depth * 7, level), leaf])
    assert.equal(inKey.length, inValues.length)
    const base = decodeMs(inValues, 3)
    const hostile = decodeMs(inKey)
    assert.ok(
      hostile < Math.max(5 * base, 250),
      `${inKey.length} bytes of maps nested in a key took ${hostile.toFixed(0)} ms (same bytes as values: ${base.toFixed(0)} ms)`,
    )
  })

  it('decodes a chain of list tails ([1, … | [1, … | …]]) in linear time', () => {
    // A decoder that concatenated each level's items with those of the list decoded as its tail
    // would copy ~500 × 1M / 2 elements for 500 levels of 2,000 items (seconds for 2 MB); the
    // tails are followed in a loop instead.
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
    // The duplicate-key check encodes keys with encode()'s shared encoder: kept at the size of
    // the largest key ever checked, it would pin 16+ MiB for the life of the process after one
    // map with a 16 MiB tuple key. Like any use of it, it is dropped once it grew past KEEP_SIZE.
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

  it('decodes a million NIL_EXT bytes to one shared empty list, in under 16 bytes of heap per input byte', () => {
    // A new List and array per NIL_EXT (1 byte) would cost ~80 bytes of heap per input byte: ~320
    // MB for one 4 MB message under the default limits (maxTerms 4M). Empty lists are immutable,
    // so every NIL_EXT decodes to the same frozen instance.
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
