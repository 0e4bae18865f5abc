import { Atom } from '../term/atom.ts'
import type { BitBinary, ExportFun, OpaqueFun, Port } from '../term/misc.ts'
import type { Pid } from '../term/pid.ts'
import type { Ref } from '../term/ref.ts'
import { EtfError } from './errors.ts'
import * as T from './tags.ts'

const TWO_32 = 4294967296

export const isWellFormed: (s: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (s) => (s as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (s) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s)

export function encodeError(message: string): EtfError {
  return new EtfError('ERR_BEAMISH_ETF_ENCODE', message)
}

const fail = encodeError

export function describe(x: unknown): string {
  if (typeof x === 'function') return `a function${x.name ? ` (${x.name})` : ''}`
  if (typeof x === 'symbol') return `a symbol (${x.description ?? ''})`
  if (typeof x === 'object' && x !== null) {
    const c = (x as { constructor?: { name?: unknown } }).constructor
    return typeof c?.name === 'string' && c.name !== '' ? `a ${c.name} instance` : 'an object'
  }
  return `a ${typeof x}`
}

/**
 * A growable output buffer with the scalar writers (atoms, binaries, numbers). Why one class with
 * a cursor: the encoder is on the distribution hot path, so it writes into one buffer that grows
 * geometrically instead of concatenating chunks.
 */
export class Writer {
  buf: Buffer
  view: DataView
  pos = 0
  /** Write Latin-1 atoms as ATOM_EXT (what `term_to_binary/1` does) instead of UTF-8 tags. */
  latin1 = false

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size)
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength)
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    const size = Math.max(this.buf.length * 2, this.pos + n)
    const next = Buffer.allocUnsafe(size)
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength)
  }

  u8(v: number): void {
    this.ensure(1)
    this.buf[this.pos++] = v
  }

  /** A tag byte and a 32-bit count (LARGE_TUPLE_EXT, LIST_EXT, MAP_EXT headers). */
  tagU32(tag: number, n: number): void {
    this.ensure(5)
    this.buf[this.pos] = tag
    this.view.setUint32(this.pos + 1, n)
    this.pos += 5
  }

  /** Atom text; `latin1` mode picks ATOM_EXT when every character fits a byte, like OTP 25. */
  atom(name: string): void {
    const n = name.length
    let ascii = true
    for (let i = 0; i < n; i++) {
      if (name.charCodeAt(i) > 0x7f) {
        ascii = false
        break
      }
    }
    if (ascii) {
      if (n > 255) throw fail(`an atom has at most 255 characters, got ${n}`)
      this.ensure(3 + n)
      const buf = this.buf
      let p = this.pos
      if (this.latin1) {
        buf[p++] = T.ATOM_EXT
        buf[p++] = 0
      } else buf[p++] = T.SMALL_ATOM_UTF8_EXT
      buf[p++] = n
      for (let i = 0; i < n; i++) buf[p++] = name.charCodeAt(i)
      this.pos = p
      return
    }
    this.atomSlow(name)
  }

  atomSlow(name: string): void {
    if (!isWellFormed(name)) throw fail('cannot encode an atom containing a lone UTF-16 surrogate')
    let chars = 0
    let latin1 = true
    for (const ch of name) {
      chars++
      if (ch.codePointAt(0)! > 0xff) latin1 = false
    }
    if (chars > 255) throw fail(`an atom has at most 255 characters, got ${chars}`)
    if (this.latin1 && latin1) {
      this.ensure(3 + chars)
      this.buf[this.pos++] = T.ATOM_EXT
      this.view.setUint16(this.pos, chars)
      this.pos += 2
      this.pos += this.buf.write(name, this.pos, 'latin1')
      return
    }
    const bytes = Buffer.byteLength(name, 'utf8')
    this.ensure(3 + bytes)
    if (bytes <= 255) {
      this.buf[this.pos++] = T.SMALL_ATOM_UTF8_EXT
      this.buf[this.pos++] = bytes
    } else {
      this.buf[this.pos++] = T.ATOM_UTF8_EXT
      this.view.setUint16(this.pos, bytes)
      this.pos += 2
    }
    this.pos += this.buf.write(name, this.pos, 'utf8')
  }

  stringBinary(s: string): void {
    const n = s.length
    if (n <= 64) {
      this.ensure(5 + n * 3)
      const buf = this.buf
      const start = this.pos + 5
      let p = start
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i)
        if (c > 0x7f) {
          p = -1
          break
        }
        buf[p++] = c
      }
      if (p >= 0) {
        buf[this.pos] = T.BINARY_EXT
        this.view.setUint32(this.pos + 1, n)
        this.pos = p
        return
      }
    }
    if (!isWellFormed(s)) throw fail('cannot encode a string containing a lone UTF-16 surrogate as UTF-8')
    const bytes = n <= 4096 ? n * 3 : Buffer.byteLength(s, 'utf8')
    this.ensure(5 + bytes)
    const written = this.buf.write(s, this.pos + 5, 'utf8')
    this.buf[this.pos] = T.BINARY_EXT
    this.view.setUint32(this.pos + 1, written)
    this.pos += 5 + written
  }

  binary(b: Uint8Array): void {
    const n = b.length
    this.ensure(5 + n)
    this.buf[this.pos] = T.BINARY_EXT
    this.view.setUint32(this.pos + 1, n)
    this.buf.set(b, this.pos + 5)
    this.pos += 5 + n
  }

  integer(v: number): void {
    if (v >= 0 && v <= 255) {
      this.ensure(2)
      this.buf[this.pos++] = T.SMALL_INTEGER_EXT
      this.buf[this.pos++] = v
    } else if (v >= -2147483648 && v <= 2147483647) {
      this.ensure(5)
      this.buf[this.pos] = T.INTEGER_EXT
      this.view.setInt32(this.pos + 1, v)
      this.pos += 5
    } else if (Number.isSafeInteger(v)) {
      // Up to 53 bits: two 32-bit halves, written little-endian without trailing zero bytes.
      const m = Math.abs(v)
      const lo = m % TWO_32
      let hi = (m - lo) / TWO_32
      this.ensure(10)
      const buf = this.buf
      const start = this.pos
      buf[start] = T.SMALL_BIG_EXT
      buf[start + 2] = v < 0 ? 1 : 0
      buf[start + 3] = lo & 0xff
      buf[start + 4] = (lo >>> 8) & 0xff
      buf[start + 5] = (lo >>> 16) & 0xff
      buf[start + 6] = lo >>> 24
      let p = start + 7
      while (hi > 0) {
        buf[p++] = hi & 0xff
        hi >>>= 8
      }
      buf[start + 1] = p - start - 3
      this.pos = p
    } else this.bigint(BigInt(v))
  }

  bigint(v: bigint): void {
    if (v >= -2147483648n && v <= 2147483647n) {
      this.integer(Number(v))
      return
    }
    const neg = v < 0n
    let hex = (neg ? -v : v).toString(16)
    if (hex.length % 2 === 1) hex = `0${hex}`
    const n = hex.length / 2
    this.ensure(6 + n)
    if (n <= 255) {
      this.buf[this.pos++] = T.SMALL_BIG_EXT
      this.buf[this.pos++] = n
    } else {
      this.buf[this.pos++] = T.LARGE_BIG_EXT
      this.view.setUint32(this.pos, n)
      this.pos += 4
    }
    this.buf[this.pos++] = neg ? 1 : 0
    // Digits are little-endian: write the big-endian hex, then reverse in place.
    const start = this.pos
    this.buf.write(hex, start, 'hex')
    this.buf.subarray(start, start + n).reverse()
    this.pos += n
  }

  float(v: number): void {
    if (!Number.isFinite(v)) throw fail(`cannot encode ${v}: Erlang floats are finite`)
    this.ensure(9)
    this.buf[this.pos] = T.NEW_FLOAT_EXT
    this.view.setFloat64(this.pos + 1, v)
    this.pos += 9
  }

  u32(v: number, what: string): void {
    if (!Number.isInteger(v) || v < 0 || v >= TWO_32)
      throw fail(`${what} must be a 32-bit unsigned integer, got ${v}`)
    this.ensure(4)
    this.view.setUint32(this.pos, v)
    this.pos += 4
  }

  bitBinary(b: BitBinary): void {
    const { bytes, bits } = b
    if (!Number.isInteger(bits) || bits < 1 || bits > 8 || bytes.length === 0) {
      throw fail(
        `a BitBinary needs at least one byte and bits in 1..8, got ${bytes.length} bytes, bits ${bits}`,
      )
    }
    // Eight used bits is a whole binary: the BEAM never writes that as BIT_BINARY_EXT.
    if (bits === 8) {
      this.binary(bytes)
      return
    }
    const n = bytes.length
    this.ensure(6 + n)
    this.buf[this.pos] = T.BIT_BINARY_EXT
    this.view.setUint32(this.pos + 1, n)
    this.buf[this.pos + 5] = bits
    this.buf.set(bytes, this.pos + 6)
    this.pos += 6 + n
    // Unused low bits are zero in BEAM output; clearing them makes equal bitstrings equal bytes.
    this.buf[this.pos - 1]! &= (0xff << (8 - bits)) & 0xff
  }

  tagAndNode(tag: number, node: string): void {
    this.u8(tag)
    this.atom(node)
  }

  pid(p: Pid): void {
    this.tagAndNode(T.NEW_PID_EXT, p.node.name)
    this.u32(p.id, 'a pid id')
    this.u32(p.serial, 'a pid serial')
    this.u32(p.node.creation, 'a node creation')
  }

  ref(r: Ref): void {
    const ids = r.ids
    if (ids.length < 1 || ids.length > 5) throw fail(`a Ref has 1 to 5 id words, got ${ids.length}`)
    this.ensure(3)
    this.buf[this.pos] = T.NEWER_REFERENCE_EXT
    this.view.setUint16(this.pos + 1, ids.length)
    this.pos += 3
    this.atom(r.node.name)
    this.u32(r.node.creation, 'a node creation')
    for (const id of ids) this.u32(id, 'a ref id word')
  }

  port(p: Port): void {
    const id = p.id
    if (typeof id !== 'bigint' || id < 0n || id >= 1n << 64n) {
      throw fail(`a port id must be a 64-bit unsigned bigint, got ${String(id)}`)
    }
    const v4 = id >= BigInt(TWO_32)
    this.tagAndNode(v4 ? T.V4_PORT_EXT : T.NEW_PORT_EXT, p.node.name)
    this.ensure(8)
    if (v4) {
      this.view.setBigUint64(this.pos, id)
      this.pos += 8
    } else {
      this.view.setUint32(this.pos, Number(id))
      this.pos += 4
    }
    this.u32(p.node.creation, 'a node creation')
  }

  atomLike(x: unknown, what: string): void {
    if (x instanceof Atom) this.atom(x.name)
    else if (typeof x === 'string') this.atom(x)
    else if (typeof x === 'boolean') this.atom(x ? 'true' : 'false')
    else if (x === null) this.atom('nil')
    else if (x === undefined) this.atom('undefined')
    else throw fail(`${what} must be an atom (Atom or string), got ${describe(x)}`)
  }

  exportFun(f: ExportFun): void {
    if (!Number.isInteger(f.arity) || f.arity < 0 || f.arity > 255) {
      throw fail(`an ExportFun arity must be 0..255, got ${f.arity}`)
    }
    this.u8(T.EXPORT_EXT)
    this.atomLike(f.module, 'an ExportFun module')
    this.atomLike(f.fun, 'an ExportFun function')
    this.ensure(2)
    this.buf[this.pos++] = T.SMALL_INTEGER_EXT
    this.buf[this.pos++] = f.arity
  }

  opaqueFun(f: OpaqueFun): void {
    if (f.bytes[0] !== T.NEW_FUN_EXT) throw fail('an OpaqueFun must hold NEW_FUN_EXT bytes (tag 112 first)')
    this.ensure(f.bytes.length)
    this.buf.set(f.bytes, this.pos)
    this.pos += f.bytes.length
  }
}
