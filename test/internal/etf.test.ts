import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import {
  decode,
  decodeWithSize,
  EtfError,
  encode,
  setLocalPidResolver,
  setLocalRefResolver,
} from '../../src/internal/etf/index.ts'
import { Atom } from '../../src/internal/term/atom.ts'
import { BitBinary, ExportFun, Float, List, OpaqueFun, type Port } from '../../src/internal/term/misc.ts'
import { localNode, nodeRef } from '../../src/internal/term/nodeRef.ts'
import { Pid } from '../../src/internal/term/pid.ts'
import { Ref } from '../../src/internal/term/ref.ts'

interface Vector {
  name: string
  hex: string
  hex_minor2?: string
  hex_compressed?: string
  reencoded_hex?: string
  roundtrip?: boolean
  decode_only?: boolean
}

const vectors: Vector[] = JSON.parse(
  readFileSync(new URL('./fixtures/etf-vectors.json', import.meta.url), 'utf8'),
).vectors
const byName = new Map(vectors.map((v) => [v.name, v]))
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const bytes = (h: string): Buffer => Buffer.from(h, 'hex')
const vec = (name: string): unknown => decode(bytes(byName.get(name)!.hex))

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    assert.ok(e instanceof EtfError, `expected an EtfError, got ${String(e)}`)
    return e.code
  }
  assert.fail('expected an EtfError, got a result')
}

describe('ETF vectors from term_to_binary (OTP 25)', () => {
  it('has the 89 vectors', () => {
    assert.equal(vectors.length, 89)
  })

  it('decodes every vector, in every form it was captured in', () => {
    for (const v of vectors) {
      for (const h of [v.hex, v.hex_minor2, v.hex_compressed]) {
        if (h === undefined) continue
        assert.doesNotThrow(() => decode(bytes(h)), v.name)
      }
    }
  })

  it('re-encodes every roundtrip vector byte-exactly with Latin-1 atoms (the hex form)', () => {
    const rt = vectors.filter((v) => v.roundtrip)
    assert.equal(rt.length, 83)
    for (const v of rt)
      assert.equal(hex(encode(decode(bytes(v.hex)), { atomEncoding: 'latin1' })), v.hex, v.name)
  })

  it('re-encodes every roundtrip vector byte-exactly with UTF-8 atoms (hex_minor2, or hex when equal)', () => {
    for (const v of vectors.filter((x) => x.roundtrip)) {
      const want = v.hex_minor2 ?? v.hex
      assert.equal(hex(encode(decode(bytes(want)))), want, v.name)
      // A fun's bytes are kept verbatim, so only non-fun terms switch atom encoding.
      if (!v.name.startsWith('fun_anon') && !v.name.startsWith('fun_closure')) {
        assert.equal(hex(encode(decode(bytes(v.hex)))), want, `${v.name} (from the Latin-1 form)`)
      }
    }
  })

  it('re-encodes the decode-only legacy forms as the BEAM does', () => {
    const legacy = vectors.filter((v) => v.decode_only)
    assert.equal(legacy.length, 6)
    for (const v of legacy) assert.equal(hex(encode(decode(bytes(v.hex)))), v.reencoded_hex, v.name)
  })

  it('decodes a compressed term to the same value and compresses it to the same bytes', () => {
    const v = byName.get('compressed_binary')!
    assert.deepEqual(decode(bytes(v.hex_compressed!)), decode(bytes(v.hex)))
    assert.equal(hex(encode(decode(bytes(v.hex)), { compressed: 6 })), v.hex_compressed)
    assert.equal(hex(encode(['ok'], { compressed: true })), hex(encode(['ok'])), 'no gain: stays plain')
  })
})

describe('ETF decoded values', () => {
  it('maps atoms to strings, booleans, null, undefined or interned Atoms', () => {
    assert.equal(vec('atom_ok'), 'ok')
    assert.equal(vec('atom_true'), true)
    assert.equal(vec('atom_false'), false)
    assert.equal(vec('atom_nil_elixir'), null)
    assert.equal(decode(bytes('837709756e646566696e6564')), undefined)
    assert.equal(vec('atom_elixir_module'), Atom.of('Elixir.String'))
    assert.equal(vec('atom_unicode'), Atom.of('日本'))
    assert.equal(vec('atom_latin1_nonascii'), Atom.of('héllo'))
    assert.equal(decode(bytes(byName.get('atom_latin1_nonascii')!.hex_minor2!)), Atom.of('héllo'))
  })

  it('gives integers as numbers when safe and bigints otherwise', () => {
    assert.equal(vec('int_neg1'), -1)
    assert.equal(vec('int_i32_max_plus1'), 2147483648)
    assert.equal(vec('int_i32_min_minus1'), -2147483649)
    assert.equal(vec('int_2pow64'), 2n ** 64n)
    assert.equal(vec('int_neg_2pow64'), -(2n ** 64n))
    assert.equal(vec('int_u64_max'), 2n ** 64n - 1n)
    assert.equal(vec('int_2pow2040'), 2n ** 2040n)
    assert.equal(vec('int_neg_2pow2040'), -(2n ** 2040n))
  })

  it('keeps whole-number floats as Float and others as plain numbers', () => {
    assert.deepEqual(vec('float_int_valued'), new Float(42))
    assert.deepEqual(vec('float_0'), new Float(0))
    const negZero = vec('float_neg0')
    assert.ok(negZero instanceof Float && Object.is(negZero.value, -0))
    assert.equal(vec('float_1_5'), 1.5)
    assert.equal(vec('float_small'), -2.5e-10)
    assert.equal(hex(encode(-0)), '83468000000000000000', 'a JS -0 is the float -0.0')
  })

  it('decodes binaries to strings unless they are not UTF-8 or spell a well-known atom', () => {
    assert.equal(vec('binary_hello'), 'hello')
    assert.equal(vec('binary_utf8'), 'héllo 日本')
    assert.deepEqual(vec('binary_bytes'), new Uint8Array([0, 1, 2, 255]))
    const okBinary = decode(bytes('836d000000026f6b'))
    assert.deepEqual(okBinary, new Uint8Array([0x6f, 0x6b]))
    assert.equal(hex(encode(okBinary)), '836d000000026f6b')
    assert.deepEqual(vec('bitstring_3bits'), new BitBinary(new Uint8Array([0xa0]), 3))
  })

  it('decodes lists to List, charlists included, and keeps improper tails', () => {
    assert.deepEqual(vec('list_empty'), new List([]))
    assert.deepEqual(vec('charlist_abc'), new List([97, 98, 99]))
    assert.deepEqual(vec('list_improper'), new List([1], 2))
    assert.deepEqual(vec('list_improper_atom_tail'), new List([Atom.of('a'), Atom.of('b')], Atom.of('c')))
    assert.deepEqual(
      vec('list_keyword'),
      new List([
        [Atom.of('a'), 1],
        [Atom.of('b'), 'two'],
      ]),
    )
  })

  it('normalises list tails: [1 | [2]] is [1, 2], and nil or undefined tails stay Atoms', () => {
    const nested = decode(bytes('836c00000001610 16c00000001 61026a'.replace(/ /g, '')))
    assert.deepEqual(nested, new List([1, 2]))
    const nilTail = decode(bytes('836c000000016101 77036e696c'.replace(/ /g, '')))
    assert.deepEqual(nilTail, new List([1], Atom.of('nil')))
    assert.equal(hex(encode(nilTail)), '836c00000001610177036e696c')
    const undefinedTail = decode(bytes('836c000000016101 7709756e646566696e6564'.replace(/ /g, '')))
    assert.deepEqual(undefinedTail, new List([1], Atom.of('undefined')))
    assert.equal(hex(encode(new List([1], new List([2])))), '836b00020102')
  })

  it('decodes maps to JS Maps with any keys, in wire order', () => {
    const m = vec('map_mixed') as Map<unknown, unknown>
    assert.ok(m instanceof Map)
    assert.deepEqual([...m.keys()], [1, [Atom.of('t')], 'k'])
    assert.equal(m.get(1), Atom.of('one'))
    assert.deepEqual(m.get('k'), new List([1]))
    assert.deepEqual([...m.values()][1], new Float(2))
    assert.equal((vec('map_33_keys') as Map<unknown, unknown>).size, 33)
    const range = vec('elixir_struct_range') as Map<unknown, unknown>
    assert.equal(range.get(Atom.of('__struct__')), Atom.of('Elixir.Range'))
  })

  it('interns remote pids and refs, which print like Elixir', () => {
    const a = vec('pid_crafted') as Pid
    const b = vec('pid_crafted') as Pid
    assert.ok(a instanceof Pid)
    assert.equal(a, b)
    assert.equal(a.node, nodeRef('ref@localhost', 0x5f000001))
    assert.equal(String(a), `#PID<${a.node.index}.123.0>`)
    assert.equal(decode(bytes(byName.get('pid_crafted')!.hex_minor2!)), a)
    const r = vec('ref_crafted_3words') as Ref
    assert.equal(vec('ref_crafted_3words'), r)
    assert.deepEqual(r.ids, [1, 2, 3])
    assert.equal(String(r), `#Reference<${r.node.index}.3.2.1>`)
    assert.equal((vec('pid_crafted_v4nc_max') as Pid).id, 4294967295)
  })

  it('decodes ports and funs', () => {
    assert.equal((vec('port_crafted_v4') as Port).id, 4294967297n)
    assert.equal((vec('port_crafted') as Port).id, 77n)
    assert.deepEqual(vec('fun_export'), new ExportFun(Atom.of('erlang'), Atom.of('+'), 2))
    const fun = vec('fun_closure') as OpaqueFun
    assert.ok(fun instanceof OpaqueFun)
    assert.equal(hex(fun.bytes), byName.get('fun_closure')!.hex.slice(2))
  })

  it('decodes a GenServer call message into its parts', () => {
    const [tag, [from, mref], req] = vec('gen_call_msg') as [string, [Pid, List], unknown]
    assert.equal(tag, '$gen_call')
    assert.ok(from instanceof Pid)
    assert.deepEqual(mref.items, ['alias'])
    assert.ok(mref.tail instanceof Ref)
    assert.ok(req !== undefined)
  })
})

describe('ETF local pids and refs', () => {
  it('maps local pids and refs through the resolver hooks, else makes new ones', () => {
    const saved = [localNode.name, localNode.creation] as const
    localNode.name = 'ts@localhost'
    localNode.creation = 7
    try {
      const live = new Pid(localNode, 5, 0, { alive: true })
      const liveRef = new Ref(localNode, [9, 8, 7])
      setLocalPidResolver((id, serial) => (id === 5 && serial === 0 ? live : undefined))
      setLocalRefResolver((ids) => (ids[0] === 9 ? liveRef : undefined))
      assert.equal(decode(encode(new Pid(localNode, 5, 0))), live)
      assert.equal(decode(encode(new Ref(localNode, [9, 8, 7]))), liveRef)
      const dead = decode(encode(new Pid(localNode, 6, 0))) as Pid
      assert.ok(dead instanceof Pid && dead.isLocal && dead.id === 6)
      assert.ok(
        Ref.equals(decode(encode(new Ref(localNode, [1, 2, 3]))) as Ref, new Ref(localNode, [1, 2, 3])),
      )
    } finally {
      setLocalPidResolver(undefined)
      setLocalRefResolver(undefined)
      localNode.name = saved[0]
      localNode.creation = saved[1]
    }
  })
})

describe('ETF encoding of JS values', () => {
  it('encodes {:ok, 42, "hello"} like the distribution does', () => {
    assert.equal(hex(encode(['ok', 42, 'hello'])), '83680377026f6b612a6d0000000568656c6c6f')
    assert.equal(
      hex(encode(['ok', 42, 'hello'], { versionByte: false })),
      '680377026f6b612a6d0000000568656c6c6f',
    )
  })

  it('encodes plain objects as maps with binary keys, and Maps with any keys', () => {
    const fromObject = decode(encode({ a: 1, ok: [true] })) as Map<unknown, unknown>
    assert.deepEqual(
      [...fromObject.entries()],
      [
        ['a', 1],
        [new Uint8Array([0x6f, 0x6b]), [true]],
      ],
    )
    const m = new Map<unknown, unknown>([
      [[1, 2], 'tuple key'],
      [Atom.of('x'), null],
    ])
    assert.deepEqual(decode(encode(m)), m)
    assert.deepEqual(decode(encode(Object.assign(Object.create(null), { k: 'v' }))), new Map([['k', 'v']]))
  })

  it('encodes integers by value like the BEAM, from numbers and bigints alike', () => {
    for (const [v, h] of [
      [255, '8361ff'],
      [256, '836200000100'],
      [-1, '8362ffffffff'],
      [2147483648, '836e040000000080'],
      [2 ** 53 - 1, '836e0700ffffffffffff1f'],
      [-(2 ** 53), '836e070100000000000020'],
      [1e20, '836e0900000010632d5ec76b05'],
    ] as const) {
      assert.equal(hex(encode(v)), h, String(v))
      assert.equal(hex(encode(BigInt(v))), h, `${v}n`)
    }
    assert.equal(decode(encode(2n ** 53n)), 2n ** 53n)
    assert.equal(decode(encode(12n)), 12)
  })

  it('encodes lists of bytes as STRING_EXT and longer or wider ones as LIST_EXT', () => {
    assert.equal(hex(encode(List.of(1, 2, 3))), '836b0003010203')
    assert.equal(hex(encode(List.of(1, 256))), '836c00000002610162000001006a')
    const long = new List(new Array(65536).fill(1))
    assert.equal(encode(long)[1], 108)
    assert.deepEqual(decode(encode(long)), long)
  })

  it('decodes terms that follow each other in one buffer with decodeWithSize', () => {
    const frame = Buffer.concat([
      Buffer.from([0x70]),
      encode([6, 'ok'], { versionByte: false }),
      encode('hi', { versionByte: false }),
    ])
    const first = decodeWithSize(frame, 1, { versionByte: false })
    assert.deepEqual(first.term, [6, 'ok'])
    const second = decodeWithSize(frame, 1 + first.bytesRead, { versionByte: false })
    assert.deepEqual(second, { term: 'hi', bytesRead: 7 })
  })

  it('resolves ATOM_CACHE_REF through the given atom cache', () => {
    const term = Buffer.from([0x68, 0x02, 0x52, 0x00, 0x52, 0x01])
    assert.deepEqual(decode(term, { versionByte: false, atomCache: ['ok', 'echo'] }), ['ok', Atom.of('echo')])
    assert.deepEqual(decode(term, { versionByte: false, atomCache: (i) => ['a', 'b'][i] }), [
      Atom.of('a'),
      Atom.of('b'),
    ])
  })

  it('rejects values with no term form with a code and the path to them', () => {
    const cases: [unknown, RegExp][] = [
      [() => 1, /function.*\(at \$\)$/],
      [['ok', { a: [1, Symbol('s')] }], /symbol.*\(at \$\[1\]\.a\[1\]\)$/],
      [new Map([['k', new Date(0)]]), /Date instance.*\(at \$\.get\("k"\)\)$/],
      [List.of(1, NaN), /NaN.*\(at \$\.items\[1\]\)$/],
      [[new Float(Infinity)], /finite.*\(at \$\[0\]\)$/],
    ]
    for (const [value, message] of cases) {
      assert.throws(
        () => encode(value),
        (e: unknown) => {
          assert.ok(e instanceof EtfError)
          assert.equal(e.code, 'ERR_BEAMISH_ETF_ENCODE')
          assert.match(e.message, message)
          return true
        },
      )
    }
    const cyclic: unknown[] = [1]
    cyclic.push([cyclic])
    assert.throws(() => encode(cyclic), /cyclic/)
    assert.throws(() => encode(new (class Point {})()), /Point instance/)
    assert.throws(() => encode('\ud800'), /lone UTF-16 surrogate/)
    assert.equal(
      codeOf(() => encode(new Pid(localNode, -1, 0))),
      'ERR_BEAMISH_ETF_ENCODE',
    )
    assert.deepEqual(decode(encode(['still', 'works'])), ['still', 'works'], 'the shared encoder recovers')
  })

  it('stays correct when a getter encodes while an encode is running', () => {
    const tricky = {
      get inner() {
        return encode(['nested'], { versionByte: false })
      },
    }
    const out = decode(encode([tricky, 'after'])) as [Map<unknown, unknown>, string]
    // The inner bytes are ASCII, so that binary comes back as a string.
    assert.equal(out[0].get('inner'), encode(['nested'], { versionByte: false }).toString('utf8'))
    assert.equal(out[1], 'after')
  })

  it('rejects funs when asked to (untrusted peers)', () => {
    for (const name of ['fun_export', 'fun_anonymous']) {
      const code = codeOf(() => decode(bytes(byName.get(name)!.hex), { rejectFuns: true }))
      assert.equal(code, 'ERR_BEAMISH_ETF_UNSUPPORTED')
    }
  })
})
