import * as net from 'node:net'
import { frame16 } from './handshake.ts'

/**
 * EPMD client (distribution.md §1): ALIVE2 to register, PORT_PLEASE2 to find a node, NAMES to
 * list. Requests are `Length:16, Request`; responses are not length-prefixed. The encoders and
 * decoders are exported for the embedded EPMD and for tests.
 */

export const ALIVE2_REQ = 120
export const ALIVE2_X_RESP = 118
export const ALIVE2_RESP = 121
export const PORT_PLEASE2_REQ = 122
export const PORT2_RESP = 119
export const NAMES_REQ = 110
/** Node types in EPMD: 77 ('M') a visible node, 72 ('H') a hidden one. */
export const NODE_TYPE_NORMAL = 77
export const NODE_TYPE_HIDDEN = 72

/** Where EPMD listens. */
export interface EpmdAddress {
  readonly host: string
  readonly port: number
}

/** What EPMD knows about a registered node. */
export interface NodeEntry {
  readonly name: string
  readonly port: number
  readonly type: number
  readonly protocol: number
  readonly highest: number
  readonly lowest: number
  readonly extra: Buffer
}

const TIMEOUT_MS = 5000

/** A node entry to send: `extra` may be left out (empty). */
export type EntryInit = Omit<NodeEntry, 'extra'> & { extra?: Buffer }

/**
 * `head` then the fields of an ALIVE2_REQ / PORT2_RESP entry, the inverse of {@link decodeEntry}:
 * `PortNo:16, NodeType:8, Protocol:8, HighestVersion:16, LowestVersion:16, Nlen:16, NodeName,
 * Elen:16, Extra`.
 */
export function encodeEntry(head: readonly number[], entry: EntryInit): Buffer {
  const name = Buffer.from(entry.name, 'utf8')
  const extra = entry.extra ?? Buffer.alloc(0)
  const at = head.length
  const b = Buffer.allocUnsafe(at + 12 + name.length + extra.length)
  b.set(head)
  b.writeUInt16BE(entry.port, at)
  b[at + 2] = entry.type
  b[at + 3] = entry.protocol
  b.writeUInt16BE(entry.highest, at + 4)
  b.writeUInt16BE(entry.lowest, at + 6)
  b.writeUInt16BE(name.length, at + 8)
  name.copy(b, at + 10)
  b.writeUInt16BE(extra.length, at + 10 + name.length)
  extra.copy(b, at + 12 + name.length)
  return b
}

/** ALIVE2_REQ for `entry` (the name is the alive part, without `@host`). */
export function encodeAlive2(entry: EntryInit): Buffer {
  return frame16(encodeEntry([ALIVE2_REQ], entry))
}

/** Parses the body of an ALIVE2_REQ or of a PORT2_RESP entry, starting at `at` (after the tag). */
export function decodeEntry(b: Buffer, at: number): NodeEntry | undefined {
  if (b.length < at + 10) return undefined
  const nlen = b.readUInt16BE(at + 8)
  if (b.length < at + 12 + nlen) return undefined
  const elen = b.readUInt16BE(at + 10 + nlen)
  if (b.length < at + 12 + nlen + elen) return undefined
  return {
    port: b.readUInt16BE(at),
    type: b[at + 2]!,
    protocol: b[at + 3]!,
    highest: b.readUInt16BE(at + 4),
    lowest: b.readUInt16BE(at + 6),
    name: b.toString('utf8', at + 10, at + 10 + nlen),
    extra: Buffer.from(b.subarray(at + 12 + nlen, at + 12 + nlen + elen)),
  }
}

/** PORT_PLEASE2_REQ for an alive name. */
export function encodePortPlease(alive: string): Buffer {
  return frame16(Buffer.concat([Buffer.from([PORT_PLEASE2_REQ]), Buffer.from(alive, 'utf8')]))
}

/** Parses PORT2_RESP: the entry, `null` when EPMD does not know the name, undefined if incomplete. */
export function decodePort2(b: Buffer): NodeEntry | null | undefined {
  if (b.length < 2) return undefined
  if (b[0] !== PORT2_RESP) throw new Error(`expected PORT2_RESP (119), got ${b[0]}`)
  if (b[1] !== 0) return null
  return decodeEntry(b, 2)
}

/** Parses a NAMES response: `EPMDPortNo:32` then `name N at port P\n` lines. */
export function decodeNames(b: Buffer): { name: string; port: number }[] {
  const out: { name: string; port: number }[] = []
  for (const line of b.toString('utf8', 4).split('\n')) {
    const m = /^name (.+) at port (\d+)$/.exec(line)
    if (m !== null) out.push({ name: m[1]!, port: Number(m[2]) })
  }
  return out
}

/** Sends one request and collects the whole response (EPMD closes the socket after it). */
function request(addr: EpmdAddress, req: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const sock = net.connect({ host: addr.host, port: addr.port })
    sock.setTimeout(TIMEOUT_MS, () => sock.destroy(new Error('epmd timeout')))
    sock.on('connect', () => sock.write(req))
    sock.on('data', (c) => chunks.push(c))
    sock.on('error', reject)
    sock.on('close', () => resolve(Buffer.concat(chunks)))
  })
}

/**
 * Asks EPMD on `addr` where node `alive` listens. Resolves `null` when it is not registered;
 * rejects when EPMD cannot be reached.
 *
 * @example
 * const entry = await portPlease({ host: '127.0.0.1', port: 4369 }, 'ref') // { port: 9100, … }
 */
export async function portPlease(addr: EpmdAddress, alive: string): Promise<NodeEntry | null> {
  const r = decodePort2(await request(addr, encodePortPlease(alive)))
  if (r === undefined) throw new Error('truncated PORT2_RESP from epmd')
  return r
}

/**
 * The nodes registered in EPMD on `addr`.
 *
 * @example
 * await names({ host: '127.0.0.1', port: 4369 }) // [{ name: 'ref', port: 9100 }]
 */
export async function names(addr: EpmdAddress): Promise<{ name: string; port: number }[]> {
  return decodeNames(await request(addr, frame16(Buffer.from([NAMES_REQ]))))
}

/** A live registration: closing `socket` unregisters the node. */
export interface Registration {
  readonly creation: number
  readonly socket: net.Socket
}

/**
 * Registers a node (ALIVE2) and keeps the socket open, since EPMD unregisters a node when its
 * socket closes. Rejects with `'duplicate_name'` when the name is taken, or with the socket error
 * (ECONNREFUSED when no EPMD listens).
 *
 * @example
 * const { creation, socket } = await register(addr, { name: 'ts', port: 40123, type: 77, … })
 */
export function register(addr: EpmdAddress, entry: Omit<NodeEntry, 'extra'>): Promise<Registration> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0)
    let done = false
    const sock = net.connect({ host: addr.host, port: addr.port })
    const fail = (e: unknown) => {
      if (done) return
      done = true
      sock.destroy()
      reject(e)
    }
    sock.setTimeout(TIMEOUT_MS, () => fail(new Error('epmd timeout')))
    sock.on('connect', () => sock.write(encodeAlive2(entry)))
    sock.on('error', fail)
    sock.on('close', () => fail(new Error('epmd closed the connection')))
    sock.on('data', (c) => {
      if (done) return
      buf = Buffer.concat([buf, c])
      const tag = buf[0]
      const need = tag === ALIVE2_X_RESP ? 6 : tag === ALIVE2_RESP ? 4 : 1
      if (buf.length < need) return
      if (tag !== ALIVE2_X_RESP && tag !== ALIVE2_RESP) return fail(new Error(`bad ALIVE2 response ${tag}`))
      if (buf[1] !== 0) return fail(new Error('duplicate_name'))
      done = true
      sock.setTimeout(0)
      sock.removeAllListeners('data')
      sock.removeAllListeners('error')
      sock.removeAllListeners('close')
      // Why keep an error listener: an EPMD that goes away must not crash the node.
      sock.on('error', () => {})
      const creation = tag === ALIVE2_X_RESP ? buf.readUInt32BE(2) : buf.readUInt16BE(2)
      resolve({ creation, socket: sock })
    })
  })
}
