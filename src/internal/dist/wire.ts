import { randomBytes } from 'node:crypto'
import { EtfError, encode } from '../etf/index.ts'
import { BINARY_EXT, VERSION } from '../etf/tags.ts'
import { inspect } from '../format.ts'
import { Atom } from '../term/atom.ts'
import { BitBinary, ExportFun, Float, List, OpaqueFun, Port } from '../term/misc.ts'
import { Pid } from '../term/pid.ts'
import { Ref } from '../term/ref.ts'
import { type Connection, PENDING, UP } from './connection.ts'
import type { Negotiated } from './flags.ts'
import { snapshot } from './pool.ts'

/**
 * Outgoing control messages (distribution.md §5). Each picks the form the peer negotiated
 * (SEND_SENDER vs SEND, PAYLOAD_EXIT vs EXIT, …). Payloads are encoded at once, when the local
 * process sends, so later mutation of the message cannot change what the peer gets; the control
 * term is built when the frame is written (it depends on the flags, unknown before the
 * handshake).
 */

/** The empty atom `''` (the `Unused` field). */
export const UNUSED = Atom.of('')

export const LINK = 1
export const SEND = 2
export const EXIT = 3
export const UNLINK = 4
export const REG_SEND = 6
export const EXIT2 = 8
export const MONITOR_P = 19
export const DEMONITOR_P = 20
export const MONITOR_P_EXIT = 21
export const SEND_SENDER = 22
export const PAYLOAD_EXIT = 24
export const PAYLOAD_EXIT2 = 26
export const PAYLOAD_MONITOR_P_EXIT = 28
export const SPAWN_REPLY = 31
export const ALIAS_SEND = 33
export const UNLINK_ID = 35
export const UNLINK_ID_ACK = 36

/** Binaries from this size on travel by reference to a snapshot, not through the encoder. */
const LARGE = 64 * 1024
const MARK_LEN = 16
let markSeq = 0
const markBase = randomBytes(MARK_LEN)

/** Finds large binaries in the first levels of a message (tuples, lists, map values). */
function hasLarge(x: unknown, depth: number, budget: { n: number }): boolean {
  if (--budget.n < 0) return false
  if (x instanceof Uint8Array) return x.length >= LARGE
  if (depth === 0 || typeof x !== 'object' || x === null) return false
  const items = Array.isArray(x) ? x : x instanceof List ? x.items : x instanceof Map ? [...x.values()] : null
  if (items === null) return false
  for (const v of items) if (hasLarge(v, depth - 1, budget)) return true
  return false
}

/** A copy of `x` with each large binary replaced by a unique 16-byte marker binary. */
function substitute(x: unknown, depth: number, found: Map<string, Uint8Array>): unknown {
  if (x instanceof Uint8Array) {
    if (x.length < LARGE) return x
    const mark = Buffer.from(markBase)
    mark.writeUInt32BE(++markSeq >>> 0, 0)
    found.set(mark.toString('latin1'), x)
    return mark
  }
  if (depth === 0 || typeof x !== 'object' || x === null) return x
  if (Array.isArray(x)) return x.map((v) => substitute(v, depth - 1, found))
  if (x instanceof List)
    return new List(
      x.items.map((v) => substitute(v, depth - 1, found)),
      x.tail,
    )
  if (x instanceof Map) {
    const m = new Map<unknown, unknown>()
    for (const [k, v] of x) m.set(k, substitute(v, depth - 1, found))
    return m
  }
  return x
}

/**
 * Encodes a message payload. Why the special case: a 1 MB binary through the generic encoder
 * costs a growing buffer and two copies per send; here it costs one snapshot copy (the sender
 * may change its bytes after `send`, and the peer must get what was sent), and the socket writes
 * it from there. Other terms go through `encode` unchanged.
 */
export function encodePayload(msg: unknown): Buffer | Buffer[] {
  if (msg instanceof Uint8Array && msg.length >= LARGE) {
    const head = Buffer.allocUnsafe(6)
    head[0] = VERSION
    head[1] = BINARY_EXT
    head.writeUInt32BE(msg.length, 2)
    return [head, snapshot(msg)]
  }
  if (typeof msg !== 'object' || msg === null || !hasLarge(msg, 4, { n: 64 })) return encode(msg)
  const found = new Map<string, Uint8Array>()
  const bytes = encode(substitute(msg, 4, found))
  const parts: Buffer[] = []
  let from = 0
  // Each marker sits in the bytes as BINARY_EXT `109, 0,0,0,16, mark`: swap in the real length
  // and the real bytes.
  const marks = [...found.entries()]
    .map(([k, v]) => ({ at: bytes.indexOf(Buffer.from(k, 'latin1')), v }))
    .sort((a, b) => a.at - b.at)
  for (const { at, v } of marks) {
    if (at < 5) return encode(msg)
    parts.push(bytes.subarray(from, at - 4))
    const len = Buffer.allocUnsafe(4)
    len.writeUInt32BE(v.length, 0)
    parts.push(len, snapshot(v))
    from = at + MARK_LEN
  }
  parts.push(bytes.subarray(from))
  return parts
}

/** Writes the control message `build(flags)` (skipped when it returns null) plus `payload`. */
export function emit(
  c: Connection,
  build: (f: Negotiated) => unknown[] | null,
  payload: Buffer | readonly Buffer[] | null,
): void {
  if (c.state === UP) {
    const t = build(c.f!)
    if (t !== null) c.write(encode(t), payload)
  } else if (c.state === PENDING) {
    c.pending.push(() => {
      const t = build(c.f!)
      if (t !== null) c.write(encode(t), payload)
    })
  }
}

/** A message to a remote pid. The hot path: no closure when the connection is up. */
export function sendMsg(c: Connection, from: Pid, to: Pid, msg: unknown): void {
  const payload = encodePayload(msg)
  if (c.state !== UP) {
    emit(c, (f) => (f.sendSender ? [SEND_SENDER, from, to] : [SEND, UNUSED, to]), payload)
    return
  }
  // Why a one-entry cache: a sender usually sends many messages to the same pid, and the
  // control message is the same bytes each time (two pids with their node names).
  let ctrl = c.lastCtrl
  if (ctrl === null || c.lastFrom !== from || c.lastTo !== to) {
    ctrl = encode(c.f!.sendSender ? [SEND_SENDER, from, to] : [SEND, UNUSED, to])
    c.lastFrom = from
    c.lastTo = to
    c.lastCtrl = ctrl
  }
  c.write(ctrl, payload)
}

export function regSend(c: Connection, from: Pid, name: string, msg: unknown): void {
  const payload = encodePayload(msg)
  const atom = Atom.of(name)
  if (c.state === UP) c.write(encode([REG_SEND, from, UNUSED, atom]), payload)
  else emit(c, () => [REG_SEND, from, UNUSED, atom], payload)
}

/** To an alias; dropped (as the BEAM drops it) when the peer did not negotiate ALIAS. */
export function aliasSend(c: Connection, from: Pid, alias: Ref, msg: unknown): void {
  emit(c, (f) => (f.alias ? [ALIAS_SEND, from, alias] : null), encodePayload(msg))
}

export function link(c: Connection, from: Pid, to: Pid): void {
  emit(c, () => [LINK, from, to], null)
}

/** UNLINK_ID with the new link protocol, else the old UNLINK. */
export function unlink(c: Connection, id: bigint, from: Pid, to: Pid): void {
  emit(c, (f) => (f.unlinkId ? [UNLINK_ID, id, from, to] : [UNLINK, from, to]), null)
}

export function unlinkAck(c: Connection, id: bigint, from: Pid, to: Pid): void {
  emit(c, () => [UNLINK_ID_ACK, id, from, to], null)
}

/**
 * An exit-like signal: with EXIT_PAYLOAD the reason travels as a payload term after
 * `payloadForm`, else inside `oldForm` (the reason is its last element).
 */
function emitExit(c: Connection, payloadForm: unknown[], oldForm: unknown[], reason: unknown): void {
  const [r, bytes] = encodeReason(reason)
  oldForm.push(r)
  const write = () => {
    if (c.f!.exitPayload) c.write(encode(payloadForm), bytes)
    else c.write(encode(oldForm), null)
  }
  if (c.state === UP) write()
  else if (c.state === PENDING) c.pending.push(write)
}

/** The exit signal of a linked process that died. */
export function exitLink(c: Connection, from: Pid, to: Pid, reason: unknown): void {
  emitExit(c, [PAYLOAD_EXIT, from, to], [EXIT, from, to], reason)
}

/** `exit(remotePid, reason)`. */
export function exit2(c: Connection, from: Pid, to: Pid, reason: unknown): void {
  emitExit(c, [PAYLOAD_EXIT2, from, to], [EXIT2, from, to], reason)
}

/** `to` is the remote pid, or the name atom for a monitor by name. */
export function monitorP(c: Connection, from: Pid, to: Pid | string, ref: Ref): void {
  const t = typeof to === 'string' ? Atom.of(to) : to
  emit(c, (f) => (f.distMonitor ? [MONITOR_P, from, t, ref] : null), null)
}

export function demonitorP(c: Connection, from: Pid, to: Pid | string, ref: Ref): void {
  const t = typeof to === 'string' ? Atom.of(to) : to
  emit(c, (f) => (f.distMonitor ? [DEMONITOR_P, from, t, ref] : null), null)
}

/** A monitored local process died (or never existed: `noproc`). `from` is the pid or the name. */
export function monitorExit(c: Connection, from: Pid | string, to: Pid, ref: Ref, reason: unknown): void {
  const fp = typeof from === 'string' ? Atom.of(from) : from
  emitExit(c, [PAYLOAD_MONITOR_P_EXIT, fp, to, ref], [MONITOR_P_EXIT, fp, to, ref], reason)
}

export function spawnReply(c: Connection, reqId: Ref, to: Pid, result: unknown): void {
  emit(c, () => [SPAWN_REPLY, reqId, to, 0, result], null)
}

/**
 * An exit reason as it can travel, and its bytes. Beamish reasons may hold JS values with no
 * term form (a crash reason is `[Error, stack]`); those parts become their inspected text, so
 * the peer sees a readable reason instead of the signal being lost.
 */
export function encodeReason(reason: unknown): [unknown, Buffer] {
  try {
    return [reason, encode(reason)]
  } catch (e) {
    if (!(e instanceof EtfError)) throw e
    const r = sanitize(reason, 0)
    return [r, encode(r)]
  }
}

function sanitize(x: unknown, depth: number): unknown {
  if (depth > 64) return '…'
  if (x === null || typeof x !== 'object') {
    return typeof x === 'function' || typeof x === 'symbol' ? inspect(x) : x
  }
  if (
    x instanceof Atom ||
    x instanceof Pid ||
    x instanceof Ref ||
    x instanceof Uint8Array ||
    x instanceof Float ||
    x instanceof BitBinary ||
    x instanceof Port ||
    x instanceof ExportFun ||
    x instanceof OpaqueFun
  )
    return x
  if (Array.isArray(x)) return x.map((v) => sanitize(v, depth + 1))
  if (x instanceof List)
    return new List(
      x.items.map((v) => sanitize(v, depth + 1)),
      x.tail,
    )
  if (x instanceof Map) {
    const m = new Map<unknown, unknown>()
    for (const [k, v] of x) m.set(sanitize(k, depth + 1), sanitize(v, depth + 1))
    return m
  }
  if (x instanceof Error) return `** (${x.name}) ${x.message}`
  return inspect(x)
}
