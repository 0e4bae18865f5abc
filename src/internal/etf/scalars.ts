import { BitBinary, ExportFun, Float, Port } from '../term/misc.ts'
import type { Pid } from '../term/pid.ts'
import { internPid, internRef } from './intern.ts'
import type { Reader } from './reader.ts'
import * as T from './tags.ts'

/**
 * Decoders for the terms that contain no other terms (numbers, bitstrings, pids, refs, ports,
 * export funs). They only need the cursor, so they live apart from the recursive decoder.
 */

const FLOAT_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/

export function float(r: Reader, v: number, at: number): number | Float {
  if (!Number.isFinite(v)) throw r.fail('ERR_BEAMISH_ETF_INVALID', `expected a finite float, got ${v}`, at)
  return Number.isInteger(v) ? new Float(v) : v
}

export function oldFloat(r: Reader, at: number): number | Float {
  r.need(31, 'FLOAT_EXT text')
  let end = r.pos
  while (end < r.pos + 31 && r.buf[end] !== 0) end++
  const text = r.latin1(r.pos, end).trim()
  r.pos += 31
  if (!FLOAT_TEXT.test(text)) {
    throw r.fail('ERR_BEAMISH_ETF_INVALID', `expected a %.20e float text, got ${JSON.stringify(text)}`, at)
  }
  return float(r, Number(text), at)
}

/** SMALL_BIG_EXT / LARGE_BIG_EXT digits: a number when safe, a bigint otherwise. */
export function big(r: Reader, n: number, at: number): number | bigint {
  r.need(1, 'a big integer sign')
  // Like the BEAM, any non-zero sign byte means negative.
  const neg = r.u8() !== 0
  r.need(n, 'big integer digits')
  if (n > r.maxBigIntBytes) {
    throw r.fail(
      'ERR_BEAMISH_ETF_LIMIT',
      `a ${n}-byte integer is over maxBigIntBytes ${r.maxBigIntBytes}`,
      at,
    )
  }
  const start = r.pos
  r.pos += n
  const buf = r.buf
  if (n <= 6) {
    let v = 0
    for (let i = start + n - 1; i >= start; i--) v = v * 256 + buf[i]!
    return neg && v !== 0 ? -v : v
  }
  // Digits are little-endian; reverse them into hex for BigInt.
  const be = Buffer.allocUnsafe(n)
  for (let i = 0; i < n; i++) be[i] = buf[start + n - 1 - i]!
  let v = BigInt(`0x${be.toString('hex')}`)
  if (neg) v = -v
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v
}

export function bitBinary(r: Reader, at: number): unknown {
  r.need(4, 'a BIT_BINARY_EXT length')
  const len = r.u32()
  r.need(1, 'BIT_BINARY_EXT bits')
  const bits = r.u8()
  r.need(len, 'BIT_BINARY_EXT bytes')
  if (len > r.maxBinarySize) {
    throw r.fail('ERR_BEAMISH_ETF_LIMIT', `a bitstring of ${len} bytes is over maxBinarySize`, at)
  }
  // Like the BEAM: bits is 1..8 for a non-empty bitstring and 0 for an empty one.
  if (bits > 8 || (bits === 0) !== (len === 0)) {
    throw r.fail('ERR_BEAMISH_ETF_INVALID', `BIT_BINARY_EXT with ${len} bytes cannot use ${bits} bits`, at)
  }
  const start = r.pos
  r.pos += len
  if (bits === 8 || len === 0) return r.binaryValue(start, start + len)
  const bytes = r.copy(start, start + len)
  bytes[len - 1]! &= (0xff << (8 - bits)) & 0xff
  return new BitBinary(bytes, bits)
}

export function pid(r: Reader, tag: number, at: number): Pid {
  const name = r.atomTerm('a pid node')
  const wide = tag === T.NEW_PID_EXT
  r.need(wide ? 12 : 9, 'pid id, serial and creation')
  const id = r.u32()
  const serial = r.u32()
  const creation = wide ? r.u32() : r.u8()
  return internPid(r.node(name, creation, at), id, serial)
}

export function ref(r: Reader, tag: number, at: number): unknown {
  let count = 1
  if (tag !== T.REFERENCE_EXT) {
    r.need(2, 'a reference length')
    count = r.u16()
    if (count < 1 || count > 5) {
      throw r.fail('ERR_BEAMISH_ETF_INVALID', `expected 1..5 reference id words, got ${count}`, at)
    }
  }
  const name = r.atomTerm('a reference node')
  const ids = new Array<number>(count)
  let creation: number
  if (tag === T.REFERENCE_EXT) {
    r.need(5, 'reference id and creation')
    ids[0] = r.u32()
    creation = r.u8()
  } else {
    const wide = tag === T.NEWER_REFERENCE_EXT
    r.need((wide ? 4 : 1) + 4 * count, 'reference creation and id words')
    creation = wide ? r.u32() : r.u8()
    for (let i = 0; i < count; i++) ids[i] = r.u32()
  }
  return internRef(r.node(name, creation, at), ids)
}

export function port(r: Reader, tag: number, at: number): Port {
  const name = r.atomTerm('a port node')
  let id: bigint
  let creation: number
  if (tag === T.V4_PORT_EXT) {
    r.need(12, 'port id and creation')
    id = r.buf.readBigUInt64BE(r.pos)
    r.pos += 8
    creation = r.u32()
  } else {
    const wide = tag === T.NEW_PORT_EXT
    r.need(wide ? 8 : 5, 'port id and creation')
    id = BigInt(r.u32())
    creation = wide ? r.u32() : r.u8()
  }
  return new Port(r.node(name, creation, at), id)
}

export function noFuns(r: Reader, what: string, at: number): void {
  if (r.rejectFuns) throw r.fail('ERR_BEAMISH_ETF_UNSUPPORTED', `${what} rejected (rejectFuns)`, at)
}

export function exportFun(r: Reader, at: number): ExportFun {
  noFuns(r, 'EXPORT_EXT', at)
  const module = r.atomValue(r.atomTerm('an export module'), at)
  const fun = r.atomValue(r.atomTerm('an export function'), at)
  r.need(2, 'an export arity')
  if (r.u8() !== T.SMALL_INTEGER_EXT) {
    throw r.fail('ERR_BEAMISH_ETF_BAD_TAG', 'expected the EXPORT_EXT arity as SMALL_INTEGER_EXT', r.pos - 1)
  }
  return new ExportFun(module, fun, r.u8())
}
