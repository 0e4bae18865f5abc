import { inflateSync } from 'node:zlib'
import { Atom } from '../term/atom.ts'
import { List, OpaqueFun } from '../term/misc.ts'
import { Pid } from '../term/pid.ts'
import { EtfError } from './errors.ts'
import { KeyIds } from './keys.ts'
import { type DecodeOptions, Reader } from './reader.ts'
import * as S from './scalars.ts'
import * as T from './tags.ts'

/**
 * What every NIL_EXT decodes to. Why one shared, frozen instance: NIL_EXT is one byte of input, and
 * a new List and array for each would cost ~80 bytes of heap per byte (a list of a million `[]`s
 * held 76 MB). Nothing mutates a List's items, and a frozen value is also sent between processes
 * by reference.
 */
const EMPTY: List<never> = Object.freeze(new List<never>(Object.freeze([])))

/**
 * A map costs several times the heap of other terms (an empty JS Map is ~180 bytes, a tuple
 * slot ~8–50), so it counts as this many terms against maxTerms: the limit then bounds memory
 * for maps as it does for other terms.
 */
const MAP_WEIGHT = 4

class Decoder extends Reader {
  /** Keys of the map keys seen in this decode (made on the first key that is an object). */
  declare keys: KeyIds | undefined

  /** Decodes the term at the cursor. Recursion is bounded by maxDepth (checked in `enter`). */
  term(): unknown {
    const at = this.pos
    if (this.pos >= this.end)
      throw this.fail('ERR_BEAMISH_ETF_TRUNCATED', 'expected a term tag, got end of input')
    const tag = this.u8()
    this.count(1, at)
    switch (tag) {
      case T.SMALL_INTEGER_EXT:
        this.need(1, 'SMALL_INTEGER_EXT')
        return this.u8()
      case T.INTEGER_EXT: {
        this.need(4, 'INTEGER_EXT')
        return this.u32() | 0
      }
      case T.SMALL_ATOM_UTF8_EXT:
      case T.ATOM_UTF8_EXT:
      case T.ATOM_EXT:
      case T.SMALL_ATOM_EXT:
      case T.ATOM_CACHE_REF:
        return this.atomValue(this.atomText(tag, at), at)
      case T.SMALL_TUPLE_EXT:
        this.need(1, 'a tuple arity')
        return this.tuple(this.u8(), at)
      case T.LARGE_TUPLE_EXT:
        this.need(4, 'a tuple arity')
        return this.tuple(this.u32(), at)
      case T.BINARY_EXT: {
        const len = this.length('BINARY_EXT', 4, at)
        const start = this.pos
        this.pos += len
        return this.binaryValue(start, start + len)
      }
      case T.NIL_EXT:
        return EMPTY
      case T.STRING_EXT:
        return this.string(at)
      case T.LIST_EXT:
        return this.list(at)
      case T.MAP_EXT:
        return this.map(at)
      case T.NEW_FLOAT_EXT: {
        this.need(8, 'NEW_FLOAT_EXT')
        const v = this.buf.readDoubleBE(this.pos)
        this.pos += 8
        return S.float(this, v, at)
      }
      case T.FLOAT_EXT:
        return S.oldFloat(this, at)
      case T.SMALL_BIG_EXT:
        this.need(2, 'SMALL_BIG_EXT size and sign')
        return S.big(this, this.u8(), at)
      case T.LARGE_BIG_EXT:
        this.need(5, 'LARGE_BIG_EXT size and sign')
        return S.big(this, this.u32(), at)
      case T.NEW_PID_EXT:
      case T.PID_EXT:
        return S.pid(this, tag, at)
      case T.NEWER_REFERENCE_EXT:
      case T.NEW_REFERENCE_EXT:
      case T.REFERENCE_EXT:
        return S.ref(this, tag, at)
      case T.NEW_PORT_EXT:
      case T.V4_PORT_EXT:
      case T.PORT_EXT:
        return S.port(this, tag, at)
      case T.BIT_BINARY_EXT:
        return S.bitBinary(this, at)
      case T.EXPORT_EXT:
        return S.exportFun(this, at)
      case T.NEW_FUN_EXT:
        return this.newFun(at)
      case T.COMPRESSED:
        throw this.fail(
          'ERR_BEAMISH_ETF_BAD_TAG',
          'COMPRESSED (80) is only valid right after the version byte',
          at,
        )
      case T.LOCAL_EXT:
        throw this.fail('ERR_BEAMISH_ETF_UNSUPPORTED', 'LOCAL_EXT (121) terms are not supported', at)
      case T.FUN_EXT:
        throw this.fail('ERR_BEAMISH_ETF_UNSUPPORTED', 'FUN_EXT (117, pre-R15 funs) is not supported', at)
      case T.DIST_HEADER:
      case T.DIST_FRAG_HEADER:
        throw this.fail(
          'ERR_BEAMISH_ETF_UNSUPPORTED',
          `tag ${T.tagName(tag)} starts a distribution frame, not a term: decode the frame first`,
          at,
        )
      default:
        throw this.fail('ERR_BEAMISH_ETF_BAD_TAG', `expected a term tag, got unknown tag ${tag}`, at)
    }
  }

  /** Reads a length field and checks it against the bytes left and maxBinarySize. */
  length(what: string, width: 2 | 4, at: number): number {
    this.need(width, `a ${what} length`)
    const len = width === 4 ? this.u32() : this.u16()
    this.need(len, `${what} bytes`)
    if (len > this.maxBinarySize) {
      throw this.fail(
        'ERR_BEAMISH_ETF_LIMIT',
        `${what} of ${len} bytes is over maxBinarySize ${this.maxBinarySize}`,
        at,
      )
    }
    return len
  }

  /** Every element takes at least one byte: an arity larger than the rest of input is a lie. */
  elements(n: number, what: string, at: number): void {
    if (n > this.end - this.pos) {
      throw this.fail(
        'ERR_BEAMISH_ETF_TRUNCATED',
        `${what} declares ${n} elements, got only ${this.end - this.pos} bytes left`,
        at,
      )
    }
    if (this.terms + n > this.maxTerms) {
      throw this.fail(
        'ERR_BEAMISH_ETF_LIMIT',
        `${what} of ${n} elements goes over maxTerms ${this.maxTerms}`,
        at,
      )
    }
  }

  tuple(arity: number, at: number): unknown[] {
    this.elements(arity, 'a tuple', at)
    this.enter(at)
    const out = new Array<unknown>(arity)
    for (let i = 0; i < arity; i++) out[i] = this.term()
    this.depth--
    return out
  }

  string(at: number): List<number> {
    this.need(2, 'a STRING_EXT length')
    const n = this.u16()
    this.need(n, 'STRING_EXT bytes')
    this.count(n, at)
    if (n === 0) return EMPTY
    const items = new Array<number>(n)
    for (let i = 0; i < n; i++) items[i] = this.buf[this.pos + i]!
    this.pos += n
    return new List(items)
  }

  list(at: number): unknown {
    this.need(4, 'a LIST_EXT length')
    const n = this.u32()
    // Like the BEAM: a LIST_EXT with no elements is just its tail.
    if (n === 0) {
      this.enter(at)
      const tail = this.term()
      this.depth--
      return tail
    }
    this.elements(n + 1, 'a LIST_EXT (with its tail)', at)
    this.enter(at)
    const items = new Array<unknown>(n)
    for (let i = 0; i < n; i++) items[i] = this.term()
    // `[1 | [2]]` is the list `[1, 2]`: normalise so equal lists decode to equal values. Why a
    // loop over LIST_EXT tails instead of decoding each tail and concatenating: a chain of k
    // tails would copy the items decoded so far k times (quadratic in the input).
    let tail: unknown = null
    for (;;) {
      const tag = this.pos < this.end ? this.buf[this.pos] : undefined
      if (tag === T.NIL_EXT) {
        this.pos++ // a proper end: no value made, so not counted (`elements` checked its byte)
        break
      }
      if (tag === T.LIST_EXT) {
        const tailAt = this.pos++
        this.count(1, tailAt)
        this.need(4, 'a LIST_EXT length')
        const more = this.u32()
        if (more > 0) this.elements(more + 1, 'a LIST_EXT (with its tail)', tailAt)
        for (let i = 0; i < more; i++) items.push(this.term())
        continue
      }
      tail = this.term()
      if (tail instanceof List) {
        // A STRING_EXT tail: its items join ours, and its tail (null) ends the list.
        const more = tail.items
        for (let i = 0; i < more.length; i++) items.push(more[i])
        tail = tail.tail
      } else if (tail === null || tail === undefined) {
        // `null` means "proper" to List and `undefined` means "default": keep these tails as Atoms.
        tail = this.atom(tail === null ? 'nil' : 'undefined', at)
      }
      break
    }
    this.depth--
    return new List(items, tail)
  }

  map(at: number): Map<unknown, unknown> {
    this.need(4, 'a MAP_EXT arity')
    const n = this.u32()
    if (n > this.maxMapSize) {
      throw this.fail(
        'ERR_BEAMISH_ETF_LIMIT',
        `a map of ${n} pairs is over maxMapSize ${this.maxMapSize}`,
        at,
      )
    }
    this.count(MAP_WEIGHT - 1, at)
    this.elements(2 * n, 'a MAP_EXT', at)
    this.enter(at)
    this.maps++
    const out = new Map<unknown, unknown>()
    // Keys JS Map cannot compare by value (tuples, lists, pids…) are checked by KeyIds keys.
    let seen: Set<string> | undefined
    for (let i = 0; i < n; i++) {
      const keyAt = this.pos
      const mapsBefore = this.maps
      const k = this.term()
      let dup: boolean
      if (typeof k === 'object' && k !== null && !(k instanceof Atom)) {
        seen ??= new Set()
        const keys = (this.keys ??= new KeyIds(this.maxDepth + 1))
        const key = keys.key(k, this.maps !== mapsBefore)
        dup = seen.has(key)
        seen.add(key)
      } else dup = out.has(k)
      if (dup) throw this.fail('ERR_BEAMISH_ETF_INVALID', 'duplicate key in MAP_EXT', keyAt)
      out.set(k, this.term())
    }
    this.depth--
    return out
  }

  /** Validates a NEW_FUN_EXT fully, then keeps its exact bytes: JS cannot run BEAM code. */
  newFun(at: number): OpaqueFun {
    S.noFuns(this, 'NEW_FUN_EXT', at)
    this.need(4, 'a NEW_FUN_EXT size')
    const size = this.u32()
    if (size < 29)
      throw this.fail('ERR_BEAMISH_ETF_INVALID', `a NEW_FUN_EXT size is at least 29, got ${size}`, at)
    this.need(size - 4, 'NEW_FUN_EXT bytes')
    const end = at + 1 + size
    const outerEnd = this.end
    this.end = end // nothing inside may read past the declared size
    this.pos += 1 + 16 + 4 // arity, uniq, index
    const free = this.u32()
    this.atomTerm('a fun module')
    const oldIndex = this.term()
    const oldUniq = this.term()
    if (typeof oldIndex !== 'number' || typeof oldUniq !== 'number') {
      throw this.fail('ERR_BEAMISH_ETF_INVALID', 'expected integer OldIndex and OldUniq in NEW_FUN_EXT', at)
    }
    if (!(this.term() instanceof Pid))
      throw this.fail('ERR_BEAMISH_ETF_INVALID', 'expected a pid in NEW_FUN_EXT', at)
    this.elements(free, 'a NEW_FUN_EXT environment', at)
    this.enter(at)
    for (let i = 0; i < free; i++) this.term()
    this.depth--
    if (this.pos !== end) {
      throw this.fail(
        'ERR_BEAMISH_ETF_INVALID',
        `NEW_FUN_EXT size says ${size} bytes, its fields use ${this.pos - at - 1}`,
        at,
      )
    }
    this.end = outerEnd
    return new OpaqueFun(this.copy(at, end))
  }

  /** The term after the version byte: COMPRESSED is only allowed here. */
  top(): unknown {
    if (this.pos < this.end && this.buf[this.pos] === T.COMPRESSED) return this.compressed()
    return this.term()
  }

  compressed(): unknown {
    const at = this.pos++
    this.need(4, 'a COMPRESSED size')
    const size = this.u32()
    if (size > this.maxInputSize) {
      throw this.fail('ERR_BEAMISH_ETF_LIMIT', `COMPRESSED declares ${size} bytes, over maxInputSize`, at)
    }
    let inflated: Buffer
    try {
      // The cap makes a zlib bomb stop at the declared size instead of filling memory; the small
      // chunk keeps a rejected small term from costing a 16 KiB output buffer (Node frees those
      // only on a later tick after a zlib error).
      inflated = inflateSync(this.buf.subarray(this.pos, this.end), {
        maxOutputLength: Math.max(size, 1),
        chunkSize: Math.min(Math.max(size, 64), 16384),
      })
    } catch (e) {
      throw this.fail(
        'ERR_BEAMISH_ETF_INVALID',
        `COMPRESSED data does not inflate to ${size} bytes: ${(e as Error).message}`,
        at,
      )
    }
    if (inflated.length !== size) {
      throw this.fail(
        'ERR_BEAMISH_ETF_INVALID',
        `COMPRESSED declares ${size} bytes, inflates to ${inflated.length}`,
        at,
      )
    }
    const outerBuf = this.buf
    const outerEnd = this.end
    this.buf = inflated
    this.pos = 0
    this.end = inflated.length
    this.inflated = true
    this.enter(at)
    const term = this.term()
    if (this.pos !== this.end) {
      throw this.fail('ERR_BEAMISH_ETF_INVALID', `${this.end - this.pos} bytes after the compressed term`)
    }
    this.depth--
    this.inflated = false
    this.buf = outerBuf
    this.end = outerEnd
    this.pos = outerEnd // the zlib stream runs to the end of the input
    return term
  }
}

function run(bytes: Uint8Array, offset: number, opts: DecodeOptions | undefined, whole: boolean) {
  let d: Decoder | undefined
  try {
    if (!(bytes instanceof Uint8Array)) {
      throw new EtfError('ERR_BEAMISH_ETF_INVALID', `expected a Uint8Array to decode, got ${typeof bytes}`, 0)
    }
    d = new Decoder(bytes, offset, opts)
    if (!Number.isInteger(offset) || offset < 0 || offset > bytes.length) {
      throw d.fail(
        'ERR_BEAMISH_ETF_INVALID',
        `offset ${offset} is outside the input of ${bytes.length} bytes`,
        0,
      )
    }
    if (bytes.length - offset > d.maxInputSize) {
      throw d.fail(
        'ERR_BEAMISH_ETF_LIMIT',
        `input of ${bytes.length - offset} bytes is over maxInputSize`,
        offset,
      )
    }
    if (opts?.versionByte !== false) {
      d.need(1, 'the version byte 131')
      const v = d.u8()
      if (v !== T.VERSION)
        throw d.fail('ERR_BEAMISH_ETF_BAD_TAG', `expected version byte 131, got ${v}`, offset)
    }
    const term = d.top()
    if (whole && d.pos !== d.end) {
      throw d.fail('ERR_BEAMISH_ETF_INVALID', `expected end of input, got ${d.end - d.pos} more bytes`)
    }
    return { term, bytesRead: d.pos - offset }
  } catch (e) {
    if (e instanceof EtfError) throw e
    const at = d?.pos ?? 0
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new EtfError('ERR_BEAMISH_ETF_LIMIT', `nesting too deep for the JS stack (at byte ${at})`, at)
    }
    throw new EtfError(
      'ERR_BEAMISH_ETF_INTERNAL',
      `internal decoder error at byte ${at}: ${String(e)}`,
      at,
      undefined,
      e,
    )
  }
}

/**
 * Decodes one complete External Term Format term. Input is untrusted: every length is checked
 * before allocating, limits apply (see `DecodeOptions`), and the only error thrown is
 * {@link EtfError} with a stable `code`.
 *
 * @example
 * decode(Buffer.from('8368026400026f6b6101', 'hex')) // ['ok', 1]
 */
export function decode(bytes: Uint8Array, opts?: DecodeOptions): unknown {
  return run(bytes, 0, opts, true).term
}

/**
 * Decodes the term starting at `offset` and tells how many bytes it used, for terms that sit
 * inside a larger buffer (a distribution frame: control message then payload).
 *
 * @example
 * const { term, bytesRead } = decodeWithSize(frame, 3, { versionByte: false, atomCache })
 */
export function decodeWithSize(
  bytes: Uint8Array,
  offset: number,
  opts?: DecodeOptions,
): { term: unknown; bytesRead: number } {
  return run(bytes, offset, opts, false)
}
