import { isUtf8 } from 'node:buffer'
import { ATOM_LIMIT, Atom, atomCount, existingAtom, WELL_KNOWN_ATOMS } from '../term/atom.ts'
import {
  findNodeRef,
  localNode,
  type NodeBudget,
  type NodeRef,
  nodeRef,
  remoteNodeCount,
} from '../term/nodeRef.ts'
import { EtfError, type EtfErrorCode } from './errors.ts'
import * as T from './tags.ts'

/** Looks up the atom text of the k-th ref of a distribution header's atom cache section. */
export type AtomCacheLookup = readonly (string | undefined)[] | ((index: number) => string | undefined)

/** Options of `decode` / `decodeWithSize`. Every limit has a safe default (see {@link DECODE_DEFAULTS}). */
export interface DecodeOptions {
  /** Expect the leading version byte 131 (default true). Inside distribution frames: false. */
  versionByte?: boolean
  /** Deepest nesting of tuples, lists, maps, funs and compressed terms. */
  maxDepth?: number
  /**
   * Most terms (every element counts, including each character of a STRING_EXT; a map counts
   * as 4 for its own heap cost, besides its keys and values).
   */
  maxTerms?: number
  /** Most input bytes, and most bytes a compressed term may declare it inflates to. */
  maxInputSize?: number
  /** Longest binary or bitstring, in bytes. */
  maxBinarySize?: number
  /** Most pairs in one map. */
  maxMapSize?: number
  /** Longest big integer, in digit bytes. */
  maxBigIntBytes?: number
  /** Decoding refuses to create new atoms once the atom table holds this many. */
  maxAtoms?: number
  /** Decoding refuses to create new node identities once this many remote nodes are known. */
  maxNodes?: number
  /**
   * Charges the node identities this decode creates to a budget shared by every decode from one
   * source: at most `max` of them alive at once. Why: `maxNodes` is process-wide, so without it
   * one peer could use it all up and make every other peer's pids of new nodes fail.
   */
  nodeBudget?: NodeBudget
  /** The atom cache of the current distribution header; needed for ATOM_CACHE_REF (82). */
  atomCache?: AtomCacheLookup
  /** Reject funs (NEW_FUN_EXT, EXPORT_EXT) as unsupported: for data from untrusted peers. */
  rejectFuns?: boolean
  /**
   * Binaries of at least this many bytes become views into the input instead of copies. Only
   * for an input the caller owns and never reuses (the distribution layer's buffer for one large
   * frame): it saves a copy of every large binary, and pins nothing it would not keep anyway.
   */
  shareBinariesFrom?: number
}

/** The default decode limits. */
export const DECODE_DEFAULTS = {
  maxDepth: 512,
  maxTerms: 4_194_304,
  maxInputSize: 64 * 1024 * 1024,
  maxBinarySize: 64 * 1024 * 1024,
  maxMapSize: 1_048_576,
  maxBigIntBytes: 1024 * 1024,
  maxAtoms: ATOM_LIMIT,
  maxNodes: 65_536,
} as const

/** Atom texts with a JS spelling; `undefined` needs a stand-in because Map.get returns it for misses. */
const UNDEFINED = Symbol('undefined')
const ATOM_VALUES = new Map<string, unknown>([
  ['true', true],
  ['false', false],
  ['nil', null],
  ['undefined', UNDEFINED],
  ...[...WELL_KNOWN_ATOMS].map((w): [string, unknown] => [w, w]),
])

/** Above this length a native scan beats building the string one char at a time. */
const SHORT = 32
const MAX_WELL_KNOWN = Math.max(...[...WELL_KNOWN_ATOMS].map((w) => w.length))
/** First bytes of the well-known words: most binaries are ruled out without hashing the string. */
const FIRST = new Uint8Array(256)
for (const w of WELL_KNOWN_ATOMS) FIRST[w.charCodeAt(0)] = 1

/**
 * Recently seen ASCII atom texts, keyed by their bytes. Why: the same few atoms (node names,
 * `ok`, module names) arrive in every message; hashing bytes and comparing them is several times
 * cheaper than building the string again and re-hashing it for the atom-table lookup.
 */
const ATOM_CACHE_SIZE = 1024
const atomCacheBytes = new Array<Uint8Array | undefined>(ATOM_CACHE_SIZE)
const atomCacheText = new Array<string>(ATOM_CACHE_SIZE)

/** The text of an ASCII atom (same in Latin-1 and UTF-8), via the cache; undefined if not ASCII. */
function asciiAtom(buf: Buffer, start: number, len: number): string | undefined {
  let h = len
  let or = 0
  const end = start + len
  for (let i = start; i < end; i++) {
    const c = buf[i]!
    or |= c
    h = (Math.imul(h, 31) + c) | 0
  }
  if (or > 0x7f) return undefined
  const slot = h & (ATOM_CACHE_SIZE - 1)
  const known = atomCacheBytes[slot]
  if (known !== undefined && known.length === len) {
    let i = 0
    while (i < len && known[i] === buf[start + i]) i++
    if (i === len) return atomCacheText[slot]
  }
  const text = buf.toString('latin1', start, end)
  // A copy, not a view: the caller may reuse its input buffer for the next frame.
  const bytes = new Uint8Array(len)
  bytes.set(buf.subarray(start, end))
  atomCacheBytes[slot] = bytes
  atomCacheText[slot] = text
  return text
}

/** Strict UTF-8 text of `buf[start, end)`, or undefined when the bytes are not valid UTF-8. */
export function strictUtf8(buf: Buffer, start: number, end: number): string | undefined {
  if (end - start <= SHORT) {
    let s = ''
    for (let i = start; i < end; i++) {
      const c = buf[i]!
      if (c > 0x7f) return isUtf8(buf.subarray(start, end)) ? buf.toString('utf8', start, end) : undefined
      s += String.fromCharCode(c)
    }
    return s
  }
  return isUtf8(buf.subarray(start, end)) ? buf.toString('utf8', start, end) : undefined
}

/** The remote node of the last pid, port or ref decoded (see Reader.node). */
let lastNode: NodeRef = localNode

/** An atom's text is at most 255 characters, so at most 1020 bytes of UTF-8. */
export const MAX_ATOM_UTF8_BYTES = 1020

/** Characters (code points) in `s`. */
export function utf8Chars(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0xdc00 || c > 0xdfff) n++
  }
  return n
}

/** A bounds-checked cursor over the input plus the limits and counters of one decode. */
export class Reader {
  // `declare`, set in the constructor: a subclass (the decoder) would otherwise run these as
  // class-field initializers, a separate and slower step on every decode.
  declare buf: Buffer
  declare pos: number
  declare end: number
  /** True while reading the inflated bytes of a COMPRESSED term (offsets then refer to those). */
  declare inflated: boolean
  declare depth: number
  declare terms: number
  /** Maps decoded so far: the decoder checks map keys holding maps another way (see keys.ts). */
  declare maps: number
  declare readonly maxDepth: number
  declare readonly maxTerms: number
  declare readonly maxInputSize: number
  declare readonly maxBinarySize: number
  declare readonly maxMapSize: number
  declare readonly maxBigIntBytes: number
  declare readonly maxAtoms: number
  declare readonly maxNodes: number
  declare readonly nodeBudget: NodeBudget | undefined
  declare readonly atomCache: AtomCacheLookup | undefined
  declare readonly rejectFuns: boolean
  declare readonly shareFrom: number

  constructor(bytes: Uint8Array, pos: number, opts: DecodeOptions | undefined) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.pos = pos
    this.end = this.buf.length
    this.inflated = false
    this.depth = 0
    this.terms = 0
    this.maps = 0
    const d = DECODE_DEFAULTS
    this.maxDepth = opts?.maxDepth ?? d.maxDepth
    this.maxTerms = opts?.maxTerms ?? d.maxTerms
    this.maxInputSize = opts?.maxInputSize ?? d.maxInputSize
    this.maxBinarySize = opts?.maxBinarySize ?? d.maxBinarySize
    this.maxMapSize = opts?.maxMapSize ?? d.maxMapSize
    this.maxBigIntBytes = opts?.maxBigIntBytes ?? d.maxBigIntBytes
    this.maxAtoms = opts?.maxAtoms ?? d.maxAtoms
    this.maxNodes = opts?.maxNodes ?? d.maxNodes
    this.nodeBudget = opts?.nodeBudget
    this.atomCache = opts?.atomCache
    this.rejectFuns = opts?.rejectFuns === true
    this.shareFrom = opts?.shareBinariesFrom ?? 0
  }

  fail(code: EtfErrorCode, message: string, at: number = this.pos): EtfError {
    const where = this.inflated ? `byte ${at} of the inflated COMPRESSED term` : `byte ${at}`
    return new EtfError(code, `${message} (at ${where})`, at)
  }

  /** Checks that `n` more bytes exist: every declared length goes through here before allocating. */
  need(n: number, what: string): void {
    if (n > this.end - this.pos) {
      throw this.fail(
        'ERR_BEAMISH_ETF_TRUNCATED',
        `expected ${what} (${n} bytes), got only ${this.end - this.pos} bytes left`,
      )
    }
  }

  u8(): number {
    return this.buf[this.pos++]!
  }

  // Why shifts instead of a DataView: one DataView per decode costs more than the reads it saves.
  u16(): number {
    const b = this.buf
    const p = this.pos
    this.pos = p + 2
    return (b[p]! << 8) | b[p + 1]!
  }

  u32(): number {
    const b = this.buf
    const p = this.pos
    this.pos = p + 4
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0
  }

  enter(at: number): void {
    if (++this.depth > this.maxDepth) {
      throw this.fail('ERR_BEAMISH_ETF_LIMIT', `nesting is deeper than maxDepth ${this.maxDepth}`, at)
    }
  }

  /** Counts `n` terms against maxTerms before anything is allocated for them. */
  count(n: number, at: number): void {
    this.terms += n
    if (this.terms > this.maxTerms) {
      throw this.fail('ERR_BEAMISH_ETF_LIMIT', `more than maxTerms ${this.maxTerms} terms`, at)
    }
  }

  latin1(start: number, end: number): string {
    const buf = this.buf
    if (end - start > SHORT) return buf.toString('latin1', start, end)
    let s = ''
    for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!)
    return s
  }

  /** The text of an atom whose tag byte (at `at`) was just read. */
  atomText(tag: number, at: number): string {
    let len: number
    if (tag === T.SMALL_ATOM_UTF8_EXT || tag === T.SMALL_ATOM_EXT) {
      this.need(1, 'an atom length')
      len = this.u8()
    } else if (tag === T.ATOM_UTF8_EXT || tag === T.ATOM_EXT) {
      this.need(2, 'an atom length')
      len = this.u16()
    } else if (tag === T.ATOM_CACHE_REF) {
      return this.cachedAtom(at)
    } else {
      throw this.fail('ERR_BEAMISH_ETF_BAD_TAG', `expected an atom, got tag ${T.tagName(tag)}`, at)
    }
    const latin1 = tag === T.ATOM_EXT || tag === T.SMALL_ATOM_EXT
    if (len > (latin1 ? 255 : MAX_ATOM_UTF8_BYTES)) {
      throw this.fail('ERR_BEAMISH_ETF_INVALID', `an atom has at most 255 characters, got ${len} bytes`, at)
    }
    this.need(len, 'atom text')
    const start = this.pos
    this.pos += len
    const cached = len <= 255 ? asciiAtom(this.buf, start, len) : undefined
    if (cached !== undefined) return cached
    if (latin1) return this.latin1(start, start + len)
    const text = strictUtf8(this.buf, start, start + len)
    if (text === undefined) throw this.fail('ERR_BEAMISH_ETF_INVALID', 'atom text is not valid UTF-8', start)
    if (len > 255 && utf8Chars(text) > 255) {
      throw this.fail(
        'ERR_BEAMISH_ETF_INVALID',
        `an atom has at most 255 characters, got ${utf8Chars(text)}`,
        at,
      )
    }
    return text
  }

  cachedAtom(at: number): string {
    this.need(1, 'an atom cache index')
    const index = this.u8()
    const cache = this.atomCache
    if (cache === undefined) {
      throw this.fail(
        'ERR_BEAMISH_ETF_UNSUPPORTED',
        'ATOM_CACHE_REF (82) is only valid after a distribution header; no atomCache was given',
        at,
      )
    }
    const text = typeof cache === 'function' ? cache(index) : cache[index]
    if (typeof text !== 'string') {
      throw this.fail('ERR_BEAMISH_ETF_INVALID', `atom cache reference ${index} is not in the atom cache`, at)
    }
    if (text.length > 255 && utf8Chars(text) > 255) {
      throw this.fail(
        'ERR_BEAMISH_ETF_INVALID',
        `atom cache entry ${index} is longer than 255 characters`,
        at,
      )
    }
    return text
  }

  /** An atom read as the next term (node names, module and function names). */
  atomTerm(what: string): string {
    const at = this.pos
    this.need(1, what)
    return this.atomText(this.u8(), at)
  }

  /** The JS value of an atom: the spelled words, booleans, null, undefined, or an interned Atom. */
  atomValue(text: string, at: number): unknown {
    const v = ATOM_VALUES.get(text)
    if (v === undefined) return this.atom(text, at)
    return v === UNDEFINED ? undefined : v
  }

  atom(text: string, at: number): Atom {
    const existing = existingAtom(text)
    if (existing !== undefined) return existing
    if (atomCount() >= this.maxAtoms) {
      throw this.fail('ERR_BEAMISH_ETF_LIMIT', `the atom table is full (maxAtoms ${this.maxAtoms})`, at)
    }
    try {
      return Atom.of(text)
    } catch (e) {
      throw this.fail('ERR_BEAMISH_ETF_LIMIT', `cannot create atom: ${(e as Error).message}`, at)
    }
  }

  node(name: string, creation: number, at: number): NodeRef {
    // A message's pids come mostly from two nodes, this one and the sender's (a control message
    // names a remote sender and a local receiver): both skip the interning table's key building.
    // The local node is asked first because it is renamed when distribution starts, and a remote
    // ref remembered before may carry the name it now has.
    if (name === localNode.name && creation === localNode.creation) return localNode
    if (name === lastNode.name && creation === lastNode.creation) return lastNode
    const found = findNodeRef(name, creation)
    if (found !== undefined) return (lastNode = found)
    if (remoteNodeCount() >= this.maxNodes) {
      throw this.fail(
        'ERR_BEAMISH_ETF_LIMIT',
        `too many remote node identities (maxNodes ${this.maxNodes})`,
        at,
      )
    }
    const budget = this.nodeBudget
    if (budget !== undefined && budget.live >= budget.max) {
      throw this.fail(
        'ERR_BEAMISH_ETF_LIMIT',
        `too many new node identities from one source still in use (nodeBudget ${budget.max})`,
        at,
      )
    }
    return (lastNode = nodeRef(name, creation, budget))
  }

  /** Copies bytes out so a decoded binary never pins (or aliases) the caller's input buffer. */
  copy(start: number, end: number): Uint8Array {
    const out = new Uint8Array(end - start)
    out.set(this.buf.subarray(start, end))
    return out
  }

  /** A binary's JS value: a string when it is UTF-8 and cannot be mistaken for an atom. */
  binaryValue(start: number, end: number): unknown {
    const text = strictUtf8(this.buf, start, end)
    if (
      text === undefined ||
      (end - start <= MAX_WELL_KNOWN && FIRST[this.buf[start]!] === 1 && WELL_KNOWN_ATOMS.has(text))
    ) {
      if (this.shareFrom > 0 && end - start >= this.shareFrom && !this.inflated) {
        return new Uint8Array(this.buf.buffer, this.buf.byteOffset + start, end - start)
      }
      return this.copy(start, end)
    }
    return text
  }
}
