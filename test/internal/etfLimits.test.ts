import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { deflateSync } from 'node:zlib'
import {
  DECODE_DEFAULTS,
  type DecodeOptions,
  decode,
  EtfError,
  type EtfErrorCode,
  encode,
  INTERN_LIMIT,
  internedCounts,
} from '../../src/internal/etf/index.ts'
import { Atom, atomCount } from '../../src/internal/term/atom.ts'
import { remoteNodeCount } from '../../src/internal/term/nodeRef.ts'

const vectors: { name: string; hex: string; hex_minor2?: string; hex_compressed?: string }[] = JSON.parse(
  readFileSync(new URL('./fixtures/etf-vectors.json', import.meta.url), 'utf8'),
).vectors
const h = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex')

/** Decodes and returns the EtfError code; fails on a result, a non-EtfError, or a slow answer. */
function rejects(input: Uint8Array, opts?: DecodeOptions, maxMs = 100): EtfErrorCode {
  const t0 = performance.now()
  try {
    decode(input, opts)
  } catch (e) {
    const ms = performance.now() - t0
    assert.ok(e instanceof EtfError, `expected an EtfError, got ${String(e)}`)
    assert.ok(ms < maxMs, `took ${ms.toFixed(1)} ms`)
    assert.equal(typeof e.offset, 'number')
    assert.match(e.message, /at byte \d+/)
    return e.code
  }
  assert.fail(`expected an EtfError for ${Buffer.from(input).toString('hex').slice(0, 60)}`)
}

describe('ETF decode of malformed input', () => {
  it('says TRUNCATED for every proper prefix of every vector', () => {
    for (const v of vectors) {
      for (const form of [v.hex, v.hex_minor2]) {
        if (form === undefined) continue
        const b = h(form)
        for (let n = 0; n < b.length; n++)
          assert.equal(rejects(b.subarray(0, n)), 'ERR_BEAMISH_ETF_TRUNCATED', `${v.name}[0..${n}]`)
      }
    }
  })

  it('fails fast on huge declared lengths in tiny inputs, before allocating', () => {
    const before = process.memoryUsage().arrayBuffers
    for (const hex of [
      '836dffffffff',
      '836cffffffff6a',
      '8369ffffffff',
      '834dffffffff01',
      '836fffffffff00',
      '836bffff',
    ]) {
      assert.equal(rejects(h(hex)), 'ERR_BEAMISH_ETF_TRUNCATED', hex)
    }
    assert.equal(rejects(h('8374ffffffff')), 'ERR_BEAMISH_ETF_LIMIT')
    assert.equal(rejects(h('8370ffffffff00')), 'ERR_BEAMISH_ETF_TRUNCATED')
    assert.ok(process.memoryUsage().arrayBuffers - before < 16 * 1024 * 1024)
  })

  it('rejects unknown tags, a wrong version byte and tags that are not terms', () => {
    assert.equal(rejects(h('8300')), 'ERR_BEAMISH_ETF_BAD_TAG')
    assert.equal(rejects(h('8261 01')), 'ERR_BEAMISH_ETF_BAD_TAG')
    assert.equal(rejects(h('83 68 01 50 00000001 00')), 'ERR_BEAMISH_ETF_BAD_TAG', 'COMPRESSED nested')
    assert.equal(rejects(h('83 79')), 'ERR_BEAMISH_ETF_UNSUPPORTED', 'LOCAL_EXT')
    assert.equal(rejects(h('83 75 00000000')), 'ERR_BEAMISH_ETF_UNSUPPORTED', 'FUN_EXT')
    assert.equal(rejects(h('83 44 00')), 'ERR_BEAMISH_ETF_UNSUPPORTED', 'distribution header')
    assert.equal(rejects(h('83 52 00')), 'ERR_BEAMISH_ETF_UNSUPPORTED', 'ATOM_CACHE_REF without cache')
    assert.equal(
      rejects(h('83 52 05'), { atomCache: ['a'] }),
      'ERR_BEAMISH_ETF_INVALID',
      'index not in cache',
    )
    assert.equal(
      rejects(h('83 58 61 01 00000001 00000000 00000000')),
      'ERR_BEAMISH_ETF_BAD_TAG',
      'pid node not an atom',
    )
    assert.equal(
      rejects(h('83 71 7701 61 7701 62 62 00000001')),
      'ERR_BEAMISH_ETF_BAD_TAG',
      'export arity tag',
    )
  })

  it('rejects well-formed bytes that make no valid term', () => {
    assert.equal(rejects(h('83 6101 00')), 'ERR_BEAMISH_ETF_INVALID', 'trailing bytes')
    assert.equal(rejects(h('83 77 02 c328')), 'ERR_BEAMISH_ETF_INVALID', 'atom not UTF-8')
    assert.equal(rejects(h(`83 64 0100 ${'61'.repeat(256)}`)), 'ERR_BEAMISH_ETF_INVALID', 'atom > 255 chars')
    assert.equal(
      rejects(h(`83 76 012c ${'61'.repeat(300)}`)),
      'ERR_BEAMISH_ETF_INVALID',
      'UTF-8 atom > 255 chars',
    )
    assert.equal(rejects(h('83 52 00'), { atomCache: ['a'.repeat(256)] }), 'ERR_BEAMISH_ETF_INVALID')
    assert.equal(rejects(h('83 46 7ff8000000000000')), 'ERR_BEAMISH_ETF_INVALID', 'NaN')
    assert.equal(rejects(h('83 46 7ff0000000000000')), 'ERR_BEAMISH_ETF_INVALID', 'Infinity')
    assert.equal(rejects(h('83 63'), undefined), 'ERR_BEAMISH_ETF_TRUNCATED')
    assert.equal(
      rejects(h(`83 63 ${Buffer.from('1.5e+00zz'.padEnd(31, '\0')).toString('hex')}`)),
      'ERR_BEAMISH_ETF_INVALID',
    )
    assert.equal(rejects(h('83 4d 00000001 00 ff')), 'ERR_BEAMISH_ETF_INVALID', 'bits 0 with bytes')
    assert.equal(rejects(h('83 4d 00000001 09 ff')), 'ERR_BEAMISH_ETF_INVALID', 'bits 9')
    assert.equal(rejects(h('83 5a 0000 7700 00000000')), 'ERR_BEAMISH_ETF_INVALID', 'ref with 0 ids')
    assert.equal(rejects(h(`83 5a 0006 7700 00000000 ${'00000001'.repeat(6)}`)), 'ERR_BEAMISH_ETF_INVALID')
  })

  it('rejects duplicate map keys, also when they are spelled differently on the wire', () => {
    assert.equal(rejects(h('83 74 00000002 7701 61 6101 7701 61 6102')), 'ERR_BEAMISH_ETF_INVALID')
    assert.equal(
      rejects(h('83 74 00000002 6801 7701 61 6101 6801 6400 0161 6102')),
      'ERR_BEAMISH_ETF_INVALID',
    )
    assert.equal(
      rejects(h('83 74 00000002 6b0002 0102 6101 6c00000002 6101 6102 6a 6102')),
      'ERR_BEAMISH_ETF_INVALID',
    )
    assert.equal(
      (decode(h('83 74 00000002 6801 7701 61 6101 6801 7701 62 6102')) as Map<unknown, unknown>).size,
      2,
    )
  })

  it('checks a NEW_FUN_EXT against its declared size', () => {
    const fun = h(vectors.find((v) => v.name === 'fun_closure')!.hex)
    const shorter = Buffer.from(fun)
    shorter.writeUInt32BE(fun.readUInt32BE(2) - 1, 2)
    assert.equal(rejects(shorter), 'ERR_BEAMISH_ETF_TRUNCATED', 'its fields run past the declared size')
    const longer = Buffer.concat([fun, Buffer.from([0])])
    longer.writeUInt32BE(fun.readUInt32BE(2) + 1, 2)
    assert.equal(rejects(longer), 'ERR_BEAMISH_ETF_INVALID')
  })

  it('never throws anything but EtfError, even for non-bytes or odd offsets', () => {
    assert.throws(() => decode('83' as unknown as Uint8Array), EtfError)
    assert.throws(() => decode(new Uint8Array(0)), EtfError)
  })
})

describe('ETF decode limits', () => {
  it('has safe defaults', () => {
    assert.equal(DECODE_DEFAULTS.maxDepth, 512)
    assert.ok(DECODE_DEFAULTS.maxInputSize <= 64 * 1024 * 1024)
  })

  it('stops deep nesting at maxDepth, and never overflows the JS stack', () => {
    const deep = Buffer.concat([h('83'), Buffer.alloc(200_000, Buffer.from([0x68, 0x01])), h('6a')])
    assert.equal(rejects(deep), 'ERR_BEAMISH_ETF_LIMIT')
    assert.equal(rejects(deep, { maxDepth: 10_000_000 }, 2000), 'ERR_BEAMISH_ETF_LIMIT')
    const lists = Buffer.concat([h('83'), Buffer.alloc(100_000, Buffer.from([0x6c, 0, 0, 0, 1])), h('6a')])
    assert.equal(rejects(lists), 'ERR_BEAMISH_ETF_LIMIT')
    const ok = Buffer.concat([h('83'), Buffer.alloc(512, Buffer.from([0x68, 0x01])), h('6a')])
    assert.doesNotThrow(() => decode(ok))
  })

  it('enforces maxTerms, maxBinarySize, maxInputSize, maxMapSize and maxBigIntBytes', () => {
    const tuple = encode(new Array(1000).fill(7))
    assert.equal(rejects(tuple, { maxTerms: 100 }), 'ERR_BEAMISH_ETF_LIMIT')
    assert.equal((decode(tuple, { maxTerms: 1001 }) as unknown[]).length, 1000)
    assert.equal(rejects(encode(new Uint8Array(100)), { maxBinarySize: 99 }), 'ERR_BEAMISH_ETF_LIMIT')
    assert.equal(rejects(encode('x'.repeat(100)), { maxInputSize: 50 }), 'ERR_BEAMISH_ETF_LIMIT')
    assert.equal(
      rejects(
        encode(
          new Map([
            [1, 2],
            [3, 4],
          ]),
        ),
        { maxMapSize: 1 },
      ),
      'ERR_BEAMISH_ETF_LIMIT',
    )
    assert.equal(rejects(encode(2n ** 800n), { maxBigIntBytes: 64 }), 'ERR_BEAMISH_ETF_LIMIT')
  })

  it('stops creating atoms at maxAtoms but still decodes known ones', () => {
    Atom.of('already_known_atom')
    const full = { maxAtoms: atomCount() }
    assert.equal(decode(encode(Atom.of('already_known_atom')), full), Atom.of('already_known_atom'))
    const before = atomCount()
    assert.equal(
      rejects(h(`83 77 0a ${Buffer.from('never_seen').toString('hex')}`), full),
      'ERR_BEAMISH_ETF_LIMIT',
    )
    assert.equal(atomCount(), before)
  })

  it('stops creating node identities at maxNodes', () => {
    const pid = (node: string) =>
      h(
        `83 58 77 ${node.length.toString(16).padStart(2, '0')} ${Buffer.from(node).toString('hex')} 00000001 00000000 00000001`,
      )
    decode(pid('known@host'))
    const full = { maxNodes: remoteNodeCount() }
    assert.doesNotThrow(() => decode(pid('known@host'), full))
    assert.equal(rejects(pid('other@host'), full), 'ERR_BEAMISH_ETF_LIMIT')
  })

  it('keeps the pid intern table bounded under a flood of distinct pids', () => {
    const keep: unknown[] = []
    const base = h('83 58 77 0a 666c6f6f6440686f7374 00000000 00000000 00000001')
    for (let i = 0; i < INTERN_LIMIT + 5000; i++) {
      base.writeUInt32BE(i, 14)
      keep.push(decode(base))
    }
    assert.ok(internedCounts().pids <= INTERN_LIMIT)
    assert.equal(keep.length, INTERN_LIMIT + 5000)
  })
})

describe('ETF compressed terms', () => {
  const compressed = (size: number, body: Buffer) => {
    const out = Buffer.alloc(6)
    out[0] = 131
    out[1] = 80
    out.writeUInt32BE(size, 2)
    return Buffer.concat([out, deflateSync(body)])
  }

  it('refuses a declared size over maxInputSize before inflating', () => {
    assert.equal(rejects(compressed(0xffffffff, h('6a'))), 'ERR_BEAMISH_ETF_LIMIT')
  })

  it('stops a zlib bomb at the declared size', () => {
    const bomb = compressed(1000, Buffer.alloc(50 * 1024 * 1024))
    assert.ok(bomb.length < 100_000)
    assert.equal(rejects(bomb, undefined, 200), 'ERR_BEAMISH_ETF_INVALID')
  })

  it('rejects a size that does not match, bad zlib data, or trailing inflated bytes', () => {
    assert.equal(rejects(compressed(5, h('6a'))), 'ERR_BEAMISH_ETF_INVALID')
    assert.equal(rejects(h('83 50 00000001 0102030405')), 'ERR_BEAMISH_ETF_INVALID')
    assert.equal(rejects(compressed(2, h('6a6a'))), 'ERR_BEAMISH_ETF_INVALID')
    assert.equal(rejects(compressed(2, h('6d'))), 'ERR_BEAMISH_ETF_INVALID')
    assert.equal(rejects(compressed(2, h('6d00'))), 'ERR_BEAMISH_ETF_TRUNCATED')
  })
})

describe('ETF prototype safety', () => {
  it('keeps __proto__, constructor and prototype keys as plain Map entries', () => {
    const snapshot = () => JSON.stringify(Object.getOwnPropertyNames(Object.prototype).sort())
    const before = snapshot()
    const hostile = new Map<unknown, unknown>([
      ['__proto__', new Map([['polluted', 'yes']])],
      ['constructor', new Map([['prototype', new Map([['polluted', 'yes']])]])],
      ['prototype', 1],
    ])
    const decoded = decode(encode(hostile)) as Map<unknown, unknown>
    assert.ok(decoded instanceof Map)
    assert.equal(Object.getPrototypeOf(decoded), Map.prototype)
    assert.deepEqual([...decoded.keys()], ['__proto__', 'constructor', 'prototype'])
    assert.equal(({} as Record<string, unknown>).polluted, undefined)
    assert.equal(snapshot(), before)
    const viaObject = decode(encode(JSON.parse('{"__proto__": {"polluted": 1}}'))) as Map<unknown, unknown>
    assert.deepEqual([...viaObject.keys()], ['__proto__'])
    assert.equal(({} as Record<string, unknown>).polluted, undefined)
  })
})
