import { type DecodeOptions, decodeWithSize } from '../etf/index.ts'
import { MAX_ATOM_UTF8_BYTES, strictUtf8, utf8Chars } from '../etf/reader.ts'
import { DIST_FRAG_HEADER, DIST_HEADER, VERSION } from '../etf/tags.ts'

/**
 * Reading distribution frames after the handshake (distribution.md §4): pass-through frames
 * (`112, 131 Control [131 Payload]`), header frames (`131, 68, AtomCacheSection, Control
 * [Payload]`) and fragments (`131, 69 …` first, `131, 70 …` later). Per-connection state is
 * bounded: the atom cache is a fixed table of 2048 entries, and fragment reassembly is capped in
 * open sequences and in bytes.
 */

export const PASS_THROUGH = 112
/** The fragment continuation tag (the same byte as NEW_FLOAT_EXT, so not among the ETF tags). */
const DIST_FRAG_CONT = 70

/** Binaries from this size on, in a frame buffer of their own, are not copied out of it. */
const SHARE_FROM = 64 * 1024

/** At most this many fragmented messages may be open at once on one connection. */
const MAX_OPEN_FRAGMENTS = 64
/** The largest message (reassembled or not) a peer may send: the decoder's input limit. */
export const MAX_MESSAGE = 64 * 1024 * 1024

/** Thrown for a frame that breaks the protocol; the connection is then closed. */
export class FrameError extends Error {
  override readonly name = 'FrameError'
}

/** One decoded message: its control term and where its payload (if any) starts. */
export interface Frame {
  readonly ctrl: unknown
  readonly buf: Buffer
  readonly payloadAt: number
  readonly opts: DecodeOptions
}

interface Open {
  readonly parts: Buffer[]
  size: number
  next: bigint
  readonly cache: (string | undefined)[]
}

/** Decoding state of one connection's incoming direction. */
export class FrameReader {
  /** Atom cache entries: 8 segments × 256, keyed `segment * 256 + index`. */
  private readonly cache: (string | undefined)[] = new Array(2048)
  private readonly open = new Map<bigint, Open>()
  /** Decode options: [pass-through, header] × [borrowed input, owned input]. */
  private readonly opts: readonly (readonly [DecodeOptions, DecodeOptions])[]

  constructor(base: DecodeOptions = {}) {
    const shared = { ...base, shareBinariesFrom: SHARE_FROM }
    this.opts = [
      [base, shared],
      [
        { ...base, versionByte: false },
        { ...shared, versionByte: false },
      ],
    ]
  }

  /**
   * Decodes one frame; undefined for a fragment that does not finish a message. `owned`: the
   * caller made `data` for this frame alone, so large binaries may be views into it.
   */
  read(data: Buffer, owned = false): Frame | undefined {
    const tag = data[0]
    if (tag === PASS_THROUGH) return this.control(data, 1, this.opts[0]![owned ? 1 : 0]!)
    if (tag !== VERSION || data.length < 3) throw new FrameError(`unknown frame type ${tag}`)
    const kind = data[1]
    if (kind === DIST_HEADER) {
      const refs: (string | undefined)[] = []
      const at = this.header(data, 2, refs)
      return this.decode(data, at, refs, owned)
    }
    if (kind === DIST_FRAG_HEADER) {
      if (data.length < 19) throw new FrameError('truncated fragment header')
      const seq = data.readBigUInt64BE(2)
      const id = data.readBigUInt64BE(10)
      const refs: (string | undefined)[] = []
      const at = this.header(data, 18, refs)
      if (id === 1n) return this.decode(data, at, refs, owned)
      if (id === 0n) throw new FrameError('fragment id 0')
      if (this.open.has(seq)) throw new FrameError(`fragment sequence ${seq} started twice`)
      if (this.open.size >= MAX_OPEN_FRAGMENTS) throw new FrameError('too many open fragmented messages')
      const part = data.subarray(at)
      this.open.set(seq, { parts: [part], size: part.length, next: id - 1n, cache: refs })
      return undefined
    }
    if (kind === DIST_FRAG_CONT) {
      if (data.length < 18) throw new FrameError('truncated fragment')
      const seq = data.readBigUInt64BE(2)
      const id = data.readBigUInt64BE(10)
      const o = this.open.get(seq)
      if (o === undefined || id !== o.next) throw new FrameError(`unexpected fragment ${id} of ${seq}`)
      const part = data.subarray(18)
      o.size += part.length
      if (o.size > MAX_MESSAGE) throw new FrameError(`fragmented message over ${MAX_MESSAGE} bytes`)
      o.parts.push(part)
      o.next = id - 1n
      if (id !== 1n) return undefined
      this.open.delete(seq)
      return this.decode(Buffer.concat(o.parts, o.size), 0, o.cache, true)
    }
    throw new FrameError(`unknown frame type 131, ${kind}`)
  }

  /** Forgets everything (the connection is gone). */
  clear(): void {
    this.open.clear()
    this.cache.fill(undefined)
    this.lastCtrl = null
    this.lastTerm = undefined
  }

  private decode(buf: Buffer, at: number, refs: (string | undefined)[], owned: boolean): Frame {
    const base = this.opts[1]![owned ? 1 : 0]!
    if (refs.length === 0) return this.control(buf, at, base)
    const opts: DecodeOptions = { ...base, atomCache: refs }
    const r = decodeWithSize(buf, at, opts)
    return { ctrl: r.term, buf, payloadAt: at + r.bytesRead, opts }
  }

  /**
   * The last control message, as bytes and as the term decoded from them. Why: a stream of
   * messages from one sender to one receiver repeats the same control bytes (two pids), and a
   * byte comparison is much cheaper than decoding two pids. Only for frames without atom cache
   * refs, whose bytes mean the same thing every time. The term is never mutated by dispatch.
   */
  private lastCtrl: Buffer | null = null
  private lastTerm: unknown = undefined

  /** The frame whose control message (no atom cache refs) starts at `at`: remembered, or decoded. */
  private control(buf: Buffer, at: number, opts: DecodeOptions): Frame {
    const last = this.lastCtrl
    if (last !== null && buf.length - at >= last.length) {
      let i = 0
      while (i < last.length && buf[at + i] === last[i]) i++
      if (i === last.length) return { ctrl: this.lastTerm, buf, payloadAt: at + last.length, opts }
    }
    const r = decodeWithSize(buf, at, opts)
    if (r.bytesRead <= 256) {
      this.lastCtrl = Buffer.from(buf.subarray(at, at + r.bytesRead))
      this.lastTerm = r.term
    }
    return { ctrl: r.term, buf, payloadAt: at + r.bytesRead, opts }
  }

  /**
   * Parses a normal distribution header's atom cache section at `at` (after the 68 or the
   * fragment ids), fills `refs` with the atom text of each ref and returns where Control starts.
   */
  private header(b: Buffer, at: number, refs: (string | undefined)[]): number {
    const n = b[at]
    if (n === undefined) throw new FrameError('truncated distribution header')
    at++
    if (n === 0) return at
    const flagBytes = (n >> 1) + 1
    if (b.length < at + flagBytes) throw new FrameError('truncated atom cache flags')
    const nibble = (k: number) => {
      const byte = b[at + (k >> 1)]!
      return k & 1 ? byte >> 4 : byte & 0x0f
    }
    const longAtoms = (nibble(n) & 1) === 1
    let p = at + flagBytes
    for (let k = 0; k < n; k++) {
      const f = nibble(k)
      const key = (f & 7) * 256 + (b[p++] ?? 0)
      if (p > b.length) throw new FrameError('truncated atom cache ref')
      if (f & 8) {
        let len: number
        if (longAtoms) {
          if (p + 2 > b.length) throw new FrameError('truncated atom cache entry')
          len = b.readUInt16BE(p)
          p += 2
        } else len = b[p++] ?? 0
        if (len > MAX_ATOM_UTF8_BYTES || p + len > b.length) throw new FrameError('bad atom cache entry')
        // Untrusted bytes, checked as any term's atom text: strict UTF-8, at most 255 characters.
        const text = strictUtf8(b, p, p + len)
        if (text === undefined) throw new FrameError('atom cache entry is not valid UTF-8')
        if (len > 255 && utf8Chars(text) > 255)
          throw new FrameError(`an atom has at most 255 characters, got ${utf8Chars(text)}`)
        this.cache[key] = text
        p += len
      }
      const text = this.cache[key]
      if (text === undefined) throw new FrameError(`atom cache ref to an empty entry ${key}`)
      refs.push(text)
    }
    return p
  }
}

/** Decodes the payload of a frame (after its control message). */
export function payloadOf(f: Frame): unknown {
  if (f.payloadAt >= f.buf.length) throw new FrameError('expected a payload after the control message')
  return decodeWithSize(f.buf, f.payloadAt, f.opts).term
}
