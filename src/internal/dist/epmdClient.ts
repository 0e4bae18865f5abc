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

/** The longest an EPMD request may take in all (not an idle time: a trickle of bytes ends too). */
const TIMEOUT_MS = 5000
/**
 * The largest reply read. A PORT2_RESP is at most ~128 KiB (two 16-bit lengths) and a NAMES list
 * of the 1024 nodes an EPMD keeps is far smaller: more is garbage or an attack, not a reply.
 */
const MAX_REPLY = 1024 * 1024

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

/**
 * Sends one request and collects the reply until `parse` can read it: `closed` tells that EPMD
 * has closed the socket (a NAMES reply ends only then; a PORT2_RESP is read as soon as it is
 * complete, whatever follows). Bounded: the whole request must finish within `timeoutMs`, and
 * the reply must stay within MAX_REPLY, else it rejects.
 */
function request<T>(
  addr: EpmdAddress,
  req: Buffer,
  timeoutMs: number,
  parse: (reply: Buffer, closed: boolean) => T | undefined,
): Promise<T> {
  return new Promise((resolve, reject) => {
    // One buffer that doubles as bytes come: parsing after every chunk then costs no re-copying.
    let buf = Buffer.allocUnsafe(0)
    let size = 0
    let settled = false
    const sock = net.connect({ host: addr.host, port: addr.port })
    const finish = (err: Error | null, value?: T) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      sock.destroy()
      if (err !== null) reject(err)
      else resolve(value as T)
    }
    const attempt = (closed: boolean) => {
      if (settled) return
      try {
        const r = parse(buf.subarray(0, size), closed)
        if (r !== undefined) finish(null, r)
        else if (closed) finish(new Error('truncated reply from epmd'))
      } catch (e) {
        finish(e as Error)
      }
    }
    const timer = setTimeout(() => finish(new Error('epmd timeout')), timeoutMs)
    sock.on('connect', () => sock.write(req))
    sock.on('data', (c: Buffer) => {
      if (size + c.length > MAX_REPLY) return finish(new Error(`epmd reply over ${MAX_REPLY} bytes`))
      if (size + c.length > buf.length) {
        const grown = Buffer.allocUnsafe(Math.min(MAX_REPLY, Math.max(2 * buf.length, size + c.length, 256)))
        buf.copy(grown, 0, 0, size)
        buf = grown
      }
      size += c.copy(buf, size)
      attempt(false)
    })
    sock.on('error', (e) => finish(e))
    sock.on('close', () => attempt(true))
  })
}

/**
 * Asks EPMD on `addr` where node `alive` listens. Resolves `null` when it is not registered;
 * rejects when EPMD cannot be reached or does not answer within `timeoutMs` (default 5 s).
 *
 * @example
 * const entry = await portPlease({ host: '127.0.0.1', port: 4369 }, 'ref') // { port: 9100, … }
 */
export function portPlease(
  addr: EpmdAddress,
  alive: string,
  timeoutMs = TIMEOUT_MS,
): Promise<NodeEntry | null> {
  // Parsed as bytes arrive: the answer is complete once decodePort2 can read it, whatever follows.
  return request(addr, encodePortPlease(alive), timeoutMs, (b) => decodePort2(b))
}

/**
 * The nodes registered in EPMD on `addr`.
 *
 * @example
 * await names({ host: '127.0.0.1', port: 4369 }) // [{ name: 'ref', port: 9100 }]
 */
export function names(addr: EpmdAddress): Promise<{ name: string; port: number }[]> {
  // A NAMES reply has no length: it ends when EPMD closes the socket.
  return request(addr, frame16(Buffer.from([NAMES_REQ])), TIMEOUT_MS, (b, closed) =>
    closed ? decodeNames(b) : undefined,
  )
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
      clearTimeout(timer)
      sock.destroy()
      reject(e)
    }
    // A deadline for the answer, not an idle time: a trickle of bytes must not keep it waiting.
    const timer = setTimeout(() => fail(new Error('epmd timeout')), TIMEOUT_MS)
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
      clearTimeout(timer)
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
