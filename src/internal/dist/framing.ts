import { type DecodeOptions, decodeWithSize, type NodeBudget } from '../etf/index.ts'
import { MAX_ATOM_UTF8_BYTES, strictUtf8, utf8Chars } from '../etf/reader.ts'
import { DIST_FRAG_HEADER, DIST_HEADER, VERSION } from '../etf/tags.ts'

/**
 * Reading distribution frames after the handshake (distribution.md §4): pass-through frames
 * (`112, 131 Control [131 Payload]`), header frames (`131, 68, AtomCacheSection, Control
 * [Payload]`) and fragments (`131, 69 …` first, `131, 70 …` later). Per-connection state is
 * bounded: the atom cache is a fixed table of 2048 entries; fragment reassembly is capped in open
 * sequences, in parts per message, and in bytes per message and per connection (each part
 * charged for its bookkeeping too); the node identities a peer brings in are capped per peer.
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
/**
 * Most fragments in one message. OTP cuts at 64 KiB (a 64 MiB message is 1024 parts) and other
 * implementations at no less than ~1.5 KiB; an empty fragment adds no bytes but still a part.
 */
const MAX_PARTS = 65_536
/** What a kept part costs beyond its bytes (its Buffer object and list slot), for the totals. */
const PART_OVERHEAD = 128
/**
 * Most bytes (with PART_OVERHEAD per part) held across all open sequences of one connection:
 * room for two messages of the largest size under way at once.
 */
const MAX_OPEN_BYTES = 2 * MAX_MESSAGE
/** Parts smaller than this are copied out of their frame rather than kept as views pinning it. */
const COPY_BELOW = 16 * 1024
/**
 * Most node identities one peer may bring in that are still alive (pids of nodes not known
 * before). Why: the process-wide table has room for 65,536 (the decoder's maxNodes); without a
 * per-peer share one peer could fill it and make every other peer's frames fail.
 */
const MAX_PEER_NODES = 4096

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
  /** The non-empty fragments' bytes so far. */
  readonly parts: Buffer[]
  /** Payload bytes so far. */
  size: number
  /** Fragments so far, empty ones included. */
  count: number
  next: bigint
  readonly cache: (string | undefined)[]
}

/** The index of the control-message cache and option pair of each framing kind. */
const PASS = 0
const HEADER = 1

/** Decoding state of one connection's incoming direction. */
export class FrameReader {
  /** Atom cache entries: 8 segments × 256, keyed `segment * 256 + index`. */
  private readonly cache: (string | undefined)[] = new Array(2048)
  private readonly open = new Map<bigint, Open>()
  /** Bytes held by the open sequences, with PART_OVERHEAD per part. */
  private openBytes = 0
  /** Decode options: [pass-through, header] × [borrowed input, owned input]. */
  private readonly opts: readonly (readonly [DecodeOptions, DecodeOptions])[]

  constructor(base: DecodeOptions = {}) {
    const nodeBudget: NodeBudget = base.nodeBudget ?? { live: 0, max: MAX_PEER_NODES }
    base = { ...base, nodeBudget }
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
    if (tag === PASS_THROUGH) return this.control(data, 1, PASS, this.opts[PASS]![owned ? 1 : 0]!)
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
      const o: Open = { parts: [], size: 0, count: 0, next: id - 1n, cache: refs }
      this.add(o, data, at, owned)
      this.open.set(seq, o)
      return undefined
    }
    if (kind === DIST_FRAG_CONT) {
      if (data.length < 18) throw new FrameError('truncated fragment')
      const seq = data.readBigUInt64BE(2)
      const id = data.readBigUInt64BE(10)
      const o = this.open.get(seq)
      if (o === undefined || id !== o.next) throw new FrameError(`unexpected fragment ${id} of ${seq}`)
      this.add(o, data, 18, owned)
      o.next = id - 1n
      if (id !== 1n) return undefined
      this.open.delete(seq)
      this.openBytes -= o.size + o.count * PART_OVERHEAD
      return this.decode(Buffer.concat(o.parts, o.size), 0, o.cache, true)
    }
    throw new FrameError(`unknown frame type 131, ${kind}`)
  }

  /**
   * Keeps the fragment bytes `data[at…]` for `o`, within the limits. Why copy a small part: a view
   * would pin its whole frame, or the whole socket chunk it came in, until the message completes.
   */
  private add(o: Open, data: Buffer, at: number, owned: boolean): void {
    const n = data.length - at
    if (o.count >= MAX_PARTS) throw new FrameError(`a message of more than ${MAX_PARTS} fragments`)
    if (o.size + n > MAX_MESSAGE) throw new FrameError(`fragmented message over ${MAX_MESSAGE} bytes`)
    const cost = n + PART_OVERHEAD
    if (this.openBytes + cost > MAX_OPEN_BYTES) {
      throw new FrameError(`fragmented messages under way hold over ${MAX_OPEN_BYTES} bytes`)
    }
    this.openBytes += cost
    o.size += n
    o.count++
    if (n === 0) return // nothing to keep (the fragment still counts as a part, above)
    o.parts.push(owned && n >= COPY_BELOW ? data.subarray(at) : Buffer.from(data.subarray(at)))
  }

  /** Forgets everything (the connection is gone). */
  clear(): void {
    this.open.clear()
    this.openBytes = 0
    this.cache.fill(undefined)
    this.lastCtrl = [null, null]
    this.lastTerm = [undefined, undefined]
  }

  private decode(buf: Buffer, at: number, refs: (string | undefined)[], owned: boolean): Frame {
    const base = this.opts[HEADER]![owned ? 1 : 0]!
    if (refs.length === 0) return this.control(buf, at, HEADER, base)
    const opts: DecodeOptions = { ...base, atomCache: refs }
    const r = decodeWithSize(buf, at, opts)
    return { ctrl: r.term, buf, payloadAt: at + r.bytesRead, opts }
  }

  /**
   * The last control message of each framing kind (pass-through, header), as bytes and as the
   * term decoded from them. Why: a stream of messages from one sender to one receiver repeats the
   * same control bytes (two pids), and a byte comparison is much cheaper than decoding two pids.
   * Only for frames without atom cache refs, whose bytes mean the same thing every time. Why one
   * per kind: the same bytes are a valid control message in one kind only (pass-through terms
   * carry a version byte, header terms do not), so a frame must never be judged by the other
   * kind's entry. The term is never mutated by dispatch.
   */
  private lastCtrl: [Buffer | null, Buffer | null] = [null, null]
  private lastTerm: [unknown, unknown] = [undefined, undefined]

  /** The frame whose control message (no atom cache refs) starts at `at`: remembered, or decoded. */
  private control(buf: Buffer, at: number, kind: typeof PASS | typeof HEADER, opts: DecodeOptions): Frame {
    const last = this.lastCtrl[kind]
    if (last !== null && buf.length - at >= last.length) {
      let i = 0
      while (i < last.length && buf[at + i] === last[i]) i++
      if (i === last.length) return { ctrl: this.lastTerm[kind], buf, payloadAt: at + last.length, opts }
    }
    const r = decodeWithSize(buf, at, opts)
    if (r.bytesRead <= 256) {
      this.lastCtrl[kind] = Buffer.from(buf.subarray(at, at + r.bytesRead))
      this.lastTerm[kind] = r.term
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
        if (len > 255 && utf8Chars(text) > 255) {
          throw new FrameError(`an atom has at most 255 characters, got ${utf8Chars(text)}`)
        }
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
