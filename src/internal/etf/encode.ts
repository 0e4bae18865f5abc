import { deflateSync } from 'node:zlib'
import { Atom, WELL_KNOWN_ATOMS } from '../term/atom.ts'
import { BitBinary, ExportFun, Float, List, OpaqueFun, Port } from '../term/misc.ts'
import { Pid } from '../term/pid.ts'
import { Ref } from '../term/ref.ts'
import { EtfError } from './errors.ts'
import * as T from './tags.ts'
import { describe, encodeError as fail, Writer } from './writer.ts'

/** Options of {@link encode}. */
export interface EncodeOptions {
  /**
   * `'utf8'` (default) writes atoms as SMALL_ATOM_UTF8_EXT / ATOM_UTF8_EXT, as the distribution
   * does. `'latin1'` writes ATOM_EXT for atoms whose text is Latin-1, like `term_to_binary/1`.
   */
  atomEncoding?: 'utf8' | 'latin1'
  /** Write the leading version byte 131 (default true). Inside distribution frames: false. */
  versionByte?: boolean
  /** zlib-compress like `term_to_binary(T, [compressed])`: `true` means level 6. Default off. */
  compressed?: boolean | number
  /** Deepest nesting of tuples, lists and maps accepted (default 512, like the decoder). */
  maxDepth?: number
}

export const ENCODE_MAX_DEPTH = 512
const INITIAL_SIZE = 64 * 1024
/** A shared buffer that grew past this is dropped after use so one big message does not pin it. */
const KEEP_SIZE = 1024 * 1024
const MAX_STRING_EXT = 65535

/** Prepends a path segment while the error unwinds, so the message can say where the bad value is. */
function atPath(e: unknown, segment: string): unknown {
  if (e instanceof EtfError && e.code === 'ERR_BEAMISH_ETF_ENCODE') e.path = segment + (e.path ?? '')
  return e
}

function keyLabel(k: unknown): string {
  if (typeof k === 'string') return JSON.stringify(k.length > 40 ? `${k.slice(0, 40)}…` : k)
  if (typeof k === 'number' || typeof k === 'bigint' || typeof k === 'boolean') return String(k)
  if (k instanceof Atom) return k.toString()
  return '…'
}

function isPlainObject(x: object): boolean {
  const p = Object.getPrototypeOf(x)
  return p === Object.prototype || p === null
}

class Encoder extends Writer {
  canonical = false
  maxDepth = ENCODE_MAX_DEPTH
  depth = 0
  /** The containers being encoded, outermost first: only read to name a cycle in an error. */
  readonly stack: unknown[] = []

  reset(): void {
    this.pos = 0
    // Only after a failed encode is anything left on the stack; drop it so user objects are not pinned.
    for (let i = 0; i < this.depth; i++) this.stack[i] = undefined
    this.depth = 0
  }

  term(x: unknown): void {
    switch (typeof x) {
      case 'string':
        if (WELL_KNOWN_ATOMS.has(x)) this.atom(x)
        else this.stringBinary(x)
        return
      case 'number':
        if (Number.isInteger(x) && !Object.is(x, -0)) this.integer(x)
        else this.float(x)
        return
      case 'boolean':
        this.atom(x ? 'true' : 'false')
        return
      case 'undefined':
        this.atom('undefined')
        return
      case 'bigint':
        this.bigint(x)
        return
      case 'object':
        if (x === null) this.atom('nil')
        else this.object(x)
        return
      default:
        throw fail(`cannot encode ${describe(x)}: it has no Erlang term form`)
    }
  }

  object(x: object): void {
    if (x instanceof Atom) this.atom(x.name)
    else if (Array.isArray(x)) {
      this.enter(x)
      this.tuple(x)
      this.leave()
    } else if (x instanceof Pid) this.pid(x)
    else if (x instanceof Ref) this.ref(x)
    else if (x instanceof Uint8Array) this.binary(x)
    else if (x instanceof List) {
      this.enter(x)
      this.list(x)
      this.leave()
    } else if (x instanceof Map) {
      this.enter(x)
      this.map(x)
      this.leave()
    } else if (x instanceof Float) this.float(x.value)
    else if (x instanceof BitBinary) this.bitBinary(x)
    else if (x instanceof Port) this.port(x)
    else if (x instanceof ExportFun) this.exportFun(x)
    else if (x instanceof OpaqueFun) this.opaqueFun(x)
    else if (isPlainObject(x)) {
      this.enter(x)
      this.plainObject(x as Record<string, unknown>)
      this.leave()
    } else {
      throw fail(`cannot encode ${describe(x)}: only term classes, arrays, Maps and plain objects are terms`)
    }
  }

  enter(x: object): void {
    if (this.depth >= this.maxDepth) {
      const cyclic = this.stack.slice(0, this.depth).includes(x)
      throw fail(
        cyclic
          ? 'cannot encode a cyclic structure (a value contains itself)'
          : `nesting is deeper than maxDepth ${this.maxDepth}`,
      )
    }
    this.stack[this.depth++] = x
  }

  leave(): void {
    this.stack[--this.depth] = undefined
  }

  tuple(a: readonly unknown[]): void {
    const n = a.length
    if (n <= 255) {
      this.ensure(2)
      this.buf[this.pos++] = T.SMALL_TUPLE_EXT
      this.buf[this.pos++] = n
    } else this.tagU32(T.LARGE_TUPLE_EXT, n)
    let i = 0
    try {
      for (; i < n; i++) this.term(a[i])
    } catch (e) {
      throw atPath(e, `[${i}]`)
    }
  }

  list(l: List): void {
    let items = l.items
    let tail = l.tail
    // `[1 | [2, 3]]` is the list `[1, 2, 3]`: flatten so equal lists encode to equal bytes.
    if (tail instanceof List) {
      const all = items.slice()
      while (tail instanceof List) {
        for (const x of tail.items) all.push(x)
        tail = tail.tail
      }
      items = all
    }
    const n = items.length
    if (n === 0) {
      if (tail !== null)
        throw fail('a List with no items must have a null tail (an improper list needs items)')
      this.u8(T.NIL_EXT)
      return
    }
    if (tail === null && n <= MAX_STRING_EXT && isByteList(items)) {
      this.ensure(3 + n)
      this.buf[this.pos] = T.STRING_EXT
      this.view.setUint16(this.pos + 1, n)
      let p = this.pos + 3
      for (let i = 0; i < n; i++) this.buf[p++] = Number(items[i])
      this.pos = p
      return
    }
    this.tagU32(T.LIST_EXT, n)
    let i = 0
    try {
      for (; i < n; i++) this.term(items[i])
    } catch (e) {
      throw atPath(e, `.items[${i}]`)
    }
    try {
      if (tail === null) this.u8(T.NIL_EXT)
      else this.term(tail)
    } catch (e) {
      throw atPath(e, '.tail')
    }
  }

  map(m: Map<unknown, unknown>): void {
    this.tagU32(T.MAP_EXT, m.size)
    if (this.canonical) {
      this.canonicalPairs(m)
      return
    }
    let i = 0
    for (const [k, v] of m) {
      try {
        this.term(k)
      } catch (e) {
        throw atPath(e, `.keys()[${i}]`)
      }
      try {
        this.term(v)
      } catch (e) {
        throw atPath(e, `.get(${keyLabel(k)})`)
      }
      i++
    }
  }

  /** Pairs sorted by their bytes, so that equal maps give equal bytes whatever their order. */
  canonicalPairs(m: Map<unknown, unknown>): void {
    const pairs: Buffer[] = []
    for (const [k, v] of m) {
      const sub = new Encoder(256)
      sub.canonical = true
      sub.maxDepth = this.maxDepth - this.depth
      sub.term(k)
      sub.term(v)
      pairs.push(sub.buf.subarray(0, sub.pos))
    }
    pairs.sort(Buffer.compare)
    for (const p of pairs) {
      this.ensure(p.length)
      this.buf.set(p, this.pos)
      this.pos += p.length
    }
  }

  plainObject(o: Record<string, unknown>): void {
    if (Object.getOwnPropertySymbols(o).length > 0) {
      throw fail('cannot encode an object with symbol keys: map keys are strings here')
    }
    const keys = Object.keys(o)
    this.tagU32(T.MAP_EXT, keys.length)
    for (const k of keys) {
      this.stringBinary(k)
      try {
        this.term(o[k])
      } catch (e) {
        throw atPath(e, /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${keyLabel(k)}]`)
      }
    }
  }
}

function isByteList(items: readonly unknown[]): boolean {
  for (let i = 0; i < items.length; i++) {
    const x = items[i]
    if (typeof x === 'number') {
      if (!(x >= 0 && x <= 255 && Number.isInteger(x)) || Object.is(x, -0)) return false
    } else if (typeof x !== 'bigint' || x < 0n || x > 255n) return false
  }
  return true
}

let shared = new Encoder(INITIAL_SIZE)
let sharedBusy = false

/** Ends a use of the shared encoder: one big message must not pin its buffer for good. */
function release(): void {
  sharedBusy = false
  if (shared.depth > 0) shared.reset()
  if (shared.buf.length > KEEP_SIZE) shared = new Encoder(INITIAL_SIZE)
}

function run(enc: Encoder, term: unknown, opts: EncodeOptions | undefined): Buffer {
  enc.reset()
  enc.latin1 = opts?.atomEncoding === 'latin1'
  enc.maxDepth = opts?.maxDepth ?? ENCODE_MAX_DEPTH
  const version = opts?.versionByte !== false
  if (version) enc.u8(T.VERSION)
  try {
    enc.term(term)
  } catch (e) {
    if (e instanceof EtfError) {
      if (e.code === 'ERR_BEAMISH_ETF_ENCODE') e.message += ` (at $${e.path ?? ''})`
      throw e
    }
    if (e instanceof RangeError) throw new EtfError('ERR_BEAMISH_ETF_ENCODE', `cannot encode: ${e.message}`)
    throw e
  }
  const level = opts?.compressed === true ? 6 : opts?.compressed
  if (typeof level === 'number') return compress(enc, version ? 1 : 0, level)
  return copyOut(enc)
}

function copyOut(enc: Encoder): Buffer {
  const n = enc.pos
  const out = Buffer.allocUnsafe(n)
  const buf = enc.buf
  // Small messages dominate; a plain loop beats the native copy's call overhead for them.
  if (n <= 64) for (let i = 0; i < n; i++) out[i] = buf[i]!
  else out.set(buf.subarray(0, n))
  return out
}

/** Like the BEAM: keep the plain form when compressing does not make it smaller. */
function compress(enc: Encoder, start: number, level: number): Buffer {
  const body = enc.buf.subarray(start, enc.pos)
  const z = deflateSync(body, { level })
  if (z.length + 5 >= body.length) return copyOut(enc)
  const out = Buffer.allocUnsafe(start + 5 + z.length)
  if (start === 1) out[0] = T.VERSION
  out[start] = T.COMPRESSED
  out.writeUInt32BE(body.length, start + 1)
  z.copy(out, start + 5)
  return out
}

/**
 * Encodes a term to External Term Format (see the mapping in docs: JS arrays are tuples, `List`
 * is a list, strings are binaries, `Atom`/well-known words are atoms…).
 *
 * Throws {@link EtfError} `ERR_BEAMISH_ETF_ENCODE` for values with no term form (functions,
 * symbols, class instances, cycles), naming the path of the value.
 *
 * @example
 * encode(['ok', 42, 'hello'])                       // {:ok, 42, "hello"}
 * encode(Atom.of('hi'), { atomEncoding: 'latin1' }) // like term_to_binary(hi) on OTP 25
 */
export function encode(term: unknown, opts?: EncodeOptions): Buffer {
  // A new encoder when the shared one is in use (an encode from inside an encode).
  if (sharedBusy) return run(new Encoder(256), term, opts)
  sharedBusy = true
  try {
    return run(shared, term, opts)
  } finally {
    release()
  }
}

/**
 * A string that is equal for equal terms (UTF-8 atoms, sorted map pairs): used by the decoder to
 * find duplicate map keys that JS `Map` identity cannot see (tuples, lists, pids…; see keys.ts).
 * It uses encode()'s shared encoder, in canonical mode for the call.
 *
 * @example
 * canonicalKey([1, 'a'], 512) === canonicalKey([1, 'a'], 512) // true, though the arrays differ
 */
export function canonicalKey(term: unknown, maxDepth: number): string {
  if (sharedBusy) return canonical(new Encoder(256), term, maxDepth)
  sharedBusy = true
  try {
    return canonical(shared, term, maxDepth)
  } finally {
    shared.canonical = false
    release()
  }
}

function canonical(enc: Encoder, term: unknown, maxDepth: number): string {
  enc.reset()
  enc.canonical = true
  enc.latin1 = false
  enc.maxDepth = maxDepth
  enc.term(term)
  return enc.buf.toString('latin1', 0, enc.pos)
}
