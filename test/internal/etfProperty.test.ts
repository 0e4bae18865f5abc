import assert from 'node:assert/strict'
import { isUtf8 } from 'node:buffer'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { decode, type EncodeOptions, EtfError, encode } from '../../src/internal/etf/index.ts'
import { Atom, WELL_KNOWN_ATOMS } from '../../src/internal/term/atom.ts'
import { BitBinary, ExportFun, Float, List, Port } from '../../src/internal/term/misc.ts'
import { localNode, nodeRef } from '../../src/internal/term/nodeRef.ts'
import { Pid } from '../../src/internal/term/pid.ts'
import { Ref } from '../../src/internal/term/ref.ts'

const SPELLED = new Set(['true', 'false', 'nil', 'undefined', ...WELL_KNOWN_ATOMS])
const nodes = [
  localNode,
  nodeRef('ref@localhost', 0x5f000001),
  nodeRef('a@b', 1),
  nodeRef('nodé@høst', 2 ** 32 - 1),
]

// ---- generators: every value the TS ↔ Erlang mapping says is a term ----

const wellFormed = (s: string): boolean => Buffer.from(s, 'utf8').toString('utf8') === s
const text = fc.string({ unit: 'binary', maxLength: 40 }).filter(wellFormed)
const atomName = fc
  .oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 255 }))
  .filter((s) => !SPELLED.has(s) && wellFormed(s) && [...s].length <= 255)
const atom = atomName.map((s) => Atom.of(s))
const spelled = fc.constantFrom<unknown>(true, false, null, undefined, ...WELL_KNOWN_ATOMS)
const u32 = fc.nat({ max: 2 ** 32 - 1 })
const node = fc.constantFrom(...nodes)
const integer = fc.oneof(
  fc.integer({ min: -300, max: 300 }),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 2 ** 53 - 1, -(2 ** 53 - 1)),
)
const bigint = fc.oneof(
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.bigInt({ min: 2n ** 2030n, max: 2n ** 2100n }),
)
const float = fc.double({ noNaN: true, noDefaultInfinity: true })
const leaf: fc.Arbitrary<unknown> = fc.oneof(
  integer,
  bigint,
  float,
  float.map((v) => new Float(Math.trunc(v))),
  text,
  fc.uint8Array({ maxLength: 40 }),
  fc.constantFrom(...WELL_KNOWN_ATOMS).map((w) => new Uint8Array(Buffer.from(w))),
  fc
    .record({ bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }), bits: fc.integer({ min: 1, max: 8 }) })
    .map(({ bytes, bits }) => new BitBinary(bytes, bits)),
  atom,
  spelled,
  fc.tuple(node, u32, u32).map(([n, id, serial]) => new Pid(n, id, serial)),
  fc.tuple(node, fc.array(u32, { minLength: 1, maxLength: 5 })).map(([n, ids]) => new Ref(n, ids)),
  fc.tuple(node, fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })).map(([n, id]) => new Port(n, id)),
  fc.tuple(atom, atom, fc.integer({ min: 0, max: 255 })).map(([m, f, a]) => new ExportFun(m, f, a)),
)

const { term } = fc.letrec<{ term: unknown }>((tie) => ({
  term: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    leaf,
    leaf,
    tie('tuple'),
    tie('list'),
    tie('map'),
    tie('object'),
  ),
  tuple: fc.array(tie('term'), { maxLength: 6 }),
  list: fc.oneof(
    fc.array(tie('term'), { maxLength: 6 }).map((items) => new List(items)),
    fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 20 }).map((items) => new List(items)),
    fc
      .tuple(
        fc.array(tie('term'), { minLength: 1, maxLength: 4 }),
        fc.oneof(leaf, fc.constant(new List([7]))),
      )
      .map(([items, tail]) => new List(items, tail === null ? Atom.of('nil') : tail)),
  ),
  map: fc
    .uniqueArray(fc.tuple(tie('term'), tie('term')), {
      maxLength: 5,
      selector: ([k]) => encode(k).toString('hex'),
    })
    .map((pairs) => new Map(pairs)),
  object: fc.dictionary(fc.string({ maxLength: 6 }), tie('term'), { maxKeys: 4 }),
}))

// ---- the model: what decode must give back for a generated term ----

function binary(bytes: Uint8Array): unknown {
  const s = Buffer.from(bytes).toString('utf8')
  return isUtf8(bytes) && !WELL_KNOWN_ATOMS.has(s) ? s : new Uint8Array(bytes)
}

function expected(t: unknown): unknown {
  if (typeof t === 'number') {
    if (Object.is(t, -0)) return new Float(-0)
    if (!Number.isInteger(t)) return t
    return Number.isSafeInteger(t) ? t : BigInt(t)
  }
  if (typeof t === 'bigint') return t >= -(2n ** 53n - 1n) && t <= 2n ** 53n - 1n ? Number(t) : t
  if (t instanceof Float) return Number.isInteger(t.value) ? new Float(t.value) : t.value
  if (t instanceof Uint8Array) return binary(t)
  if (t instanceof BitBinary) {
    if (t.bits === 8) return binary(t.bytes)
    const bytes = new Uint8Array(t.bytes)
    bytes[bytes.length - 1]! &= (0xff << (8 - t.bits)) & 0xff
    return new BitBinary(bytes, t.bits)
  }
  if (Array.isArray(t)) return t.map(expected)
  if (t instanceof List) {
    const items = [...t.items]
    let tail = t.tail
    while (tail instanceof List) {
      items.push(...tail.items)
      tail = tail.tail
    }
    return new List(items.map(expected), tail === null ? null : expected(tail))
  }
  if (t instanceof Map) return new Map([...t].map(([k, v]) => [expected(k), expected(v)]))
  const proto = t !== null && typeof t === 'object' ? Object.getPrototypeOf(t) : undefined
  if (proto === Object.prototype || proto === null) {
    return new Map(Object.entries(t as object).map(([k, v]) => [binary(Buffer.from(k)), expected(v)]))
  }
  return t
}

const modes: EncodeOptions[] = [{}, { atomEncoding: 'latin1' }]

describe('ETF round-trip properties', () => {
  it('decodes what it encodes to the value the mapping promises, in both atom encodings', () => {
    fc.assert(
      fc.property(term, fc.constantFrom(...modes), (t, mode) => {
        assert.deepStrictEqual(decode(encode(t, mode)), expected(t))
      }),
      { numRuns: 2000 },
    )
  })

  it('re-encodes decoded bytes to the very same bytes', () => {
    fc.assert(
      fc.property(term, fc.constantFrom(...modes), fc.boolean(), (t, mode, bare) => {
        const opts = { ...mode, versionByte: !bare }
        const bytes = encode(t, opts)
        assert.equal(
          encode(decode(bytes, { versionByte: !bare }), opts).toString('hex'),
          bytes.toString('hex'),
        )
      }),
      { numRuns: 2000 },
    )
  })

  it('round-trips compressed terms', () => {
    fc.assert(
      fc.property(term, (t) => {
        assert.deepStrictEqual(decode(encode(t, { compressed: 9 })), expected(t))
      }),
      { numRuns: 300 },
    )
  })

  it('answers any byte string with a term or an EtfError, nothing else', () => {
    const mutated = fc
      .tuple(term, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 4 }), fc.nat())
      .map(([t, edits, cut]) => {
        const b = Buffer.from(encode(t))
        for (const [at, v] of edits) b[at % b.length] = v
        return b.subarray(0, Math.max(1, b.length - (cut % 3)))
      })
    fc.assert(
      fc.property(
        fc.oneof(
          mutated,
          fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.concat([Buffer.from([131]), b])),
        ),
        (b) => {
          try {
            decode(b)
          } catch (e) {
            if (!(e instanceof EtfError) || e.code === 'ERR_BEAMISH_ETF_INTERNAL') throw e
          }
        },
      ),
      { numRuns: 3000 },
    )
  })
})
