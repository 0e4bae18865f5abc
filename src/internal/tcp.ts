import type * as net from 'node:net'
import { badArg, createError } from './errors.ts'
import { EXITING, type Proc, self } from './runtime/proc.ts'
import { deliver } from './runtime/scheduler.ts'
import { localNode } from './term/nodeRef.ts'
import type { Pid } from './term/pid.ts'

/**
 * gen_tcp on Node's `net`: sockets owned by a controlling process, passive (`recv`) and active
 * (`['tcp', socket, data]` messages) modes, and backpressure both ways.
 *
 * Why sockets are paused by default: incoming bytes are read from the OS only as fast as the
 * owner consumes them (`recv`, or one message per `active: 'once'`), so a slow reader never makes
 * us buffer without bound; `send` waits for 'drain' when the kernel buffer is full, so a slow
 * peer slows its writer instead of growing memory.
 */

export type Active = boolean | 'once'
export type Mode = 'binary' | 'string'
export type Data = Buffer | string

export interface SocketOptions {
  readonly active?: Active
  readonly mode?: Mode
  /** 0 = raw bytes; 'line' = one message/recv per newline-terminated line. */
  readonly packet?: 0 | 'line'
}

let nextPortId = 1
/** Bytes held for a passive socket before reading from the OS pauses. */
const PASSIVE_HIGH_WATER = 64 * 1024

abstract class Handle {
  readonly id = nextPortId++
  owner: Proc
  closed = false
  constructor(owner: Proc) {
    this.owner = owner
    ;(owner.x().resources ??= new Set()).add(this)
  }
  setOwner(p: Proc): void {
    this.owner.ext?.resources?.delete(this)
    this.owner = p
    ;(p.x().resources ??= new Set()).add(this)
  }
  ownerExited(): void {
    this.close()
  }
  abstract close(): void
  toString(): string {
    return `#Port<${localNode.index}.${this.id}>`
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString()
  }
}

/** A connected TCP socket. Opaque: use the `Tcp` functions. */
export class Socket extends Handle {
  readonly raw: net.Socket
  active: Active
  readonly mode: Mode
  readonly packet: 0 | 'line'
  /** Received data not yet consumed (passive mode, or a partial line). */
  private buf: Buffer[] = []
  private bufBytes = 0
  private eof = false
  private error: string | null = null
  private waiter: { length: number; resolve: (r: unknown) => void; timer: NodeJS.Timeout | null } | null =
    null

  constructor(raw: net.Socket, owner: Proc, opts: SocketOptions) {
    super(owner)
    this.raw = raw
    this.active = opts.active ?? false
    this.mode = opts.mode ?? 'binary'
    this.packet = opts.packet ?? 0
    raw.setNoDelay(true)
    raw.on('data', (chunk: Buffer) => this.onData(chunk))
    raw.on('end', () => this.onEnd())
    raw.on('error', (e: NodeJS.ErrnoException) => {
      this.error = (e.code ?? 'einval').toLowerCase()
    })
    raw.on('close', () => this.onEnd())
    this.flow()
  }

  private convert(b: Buffer): Data {
    return this.mode === 'string' ? b.toString('utf8') : b
  }

  /** Resumes reading from the OS only when someone is ready for the data. */
  private flow(): void {
    if (this.closed) return
    const wantsData = this.active !== false || (this.waiter !== null && this.bufBytes < PASSIVE_HIGH_WATER)
    if (wantsData) this.raw.resume()
    else this.raw.pause()
  }

  private onData(chunk: Buffer): void {
    this.buf.push(chunk)
    this.bufBytes += chunk.length
    this.pump()
  }

  /** Hands buffered data to the owner (active) or to a pending recv (passive). */
  private pump(): void {
    for (;;) {
      const piece = this.take(this.active !== false ? 0 : (this.waiter?.length ?? -1))
      if (piece === null) break
      if (this.active !== false) {
        if (this.owner.status < EXITING) deliver(this.owner, ['tcp', this, this.convert(piece)])
        if (this.active === 'once') {
          this.active = false
          break
        }
      } else {
        const w = this.waiter!
        this.waiter = null
        if (w.timer !== null) clearTimeout(w.timer)
        w.resolve(['ok', this.convert(piece)])
        break
      }
    }
    if (this.eof && this.bufBytes === 0) this.finishClosed()
    this.flow()
  }

  /** Takes one deliverable piece: a line, `length` bytes, or whatever is there (length 0). */
  private take(length: number): Buffer | null {
    if (length < 0 || this.bufBytes === 0) return null
    const all = this.buf.length === 1 ? this.buf[0]! : Buffer.concat(this.buf, this.bufBytes)
    let n: number
    if (this.packet === 'line') {
      const nl = all.indexOf(10)
      if (nl < 0) {
        if (!this.eof) {
          this.buf = [all]
          return null
        }
        n = all.length
      } else n = nl + 1
    } else if (length === 0) n = all.length
    else {
      if (all.length < length && !this.eof) {
        this.buf = [all]
        return null
      }
      n = Math.min(length, all.length)
    }
    const piece = all.subarray(0, n)
    const rest = all.subarray(n)
    this.buf = rest.length > 0 ? [rest] : []
    this.bufBytes = rest.length
    return piece
  }

  private onEnd(): void {
    if (this.eof) return
    this.eof = true
    this.pump()
  }

  private closedSent = false
  private finishClosed(): void {
    if (this.closedSent) return
    this.closedSent = true
    if (this.waiter !== null) {
      const w = this.waiter
      this.waiter = null
      if (w.timer !== null) clearTimeout(w.timer)
      w.resolve(['error', 'closed'])
    }
    if (!this.closed && this.active !== false && this.owner.status < EXITING) {
      deliver(this.owner, this.error === null ? ['tcp_closed', this] : ['tcp_error', this, this.error])
    }
    this.close()
  }

  recv(length: number, timeout: number): Promise<unknown> {
    if (this.closed || (this.eof && this.bufBytes === 0)) return Promise.resolve(['error', 'closed'])
    if (this.active !== false) return Promise.resolve(['error', 'einval'])
    if (this.waiter !== null) return Promise.resolve(['error', 'ealready'])
    return new Promise((resolve) => {
      const timer =
        timeout < 0
          ? null
          : setTimeout(() => {
              if (this.waiter?.resolve === resolve) {
                this.waiter = null
                this.flow()
                resolve(['error', 'timeout'])
              }
            }, timeout)
      this.waiter = { length, resolve, timer }
      this.pump()
    })
  }

  send(data: Uint8Array | string): Promise<unknown> {
    if (this.closed || this.raw.destroyed || this.raw.writableEnded)
      return Promise.resolve(['error', 'closed'])
    return new Promise((resolve) => {
      const ok = this.raw.write(data)
      if (ok) resolve('ok')
      else {
        // Why wait for drain: the kernel buffer is full; returning now would let a fast
        // writer queue unbounded data in user space.
        const onDrain = () => {
          this.raw.off('close', onClose)
          resolve('ok')
        }
        const onClose = () => {
          this.raw.off('drain', onDrain)
          resolve(['error', 'closed'])
        }
        this.raw.once('drain', onDrain)
        this.raw.once('close', onClose)
      }
    })
  }

  setActive(active: Active): void {
    this.active = active
    this.pump()
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.owner.ext?.resources?.delete(this)
    if (this.waiter !== null) {
      const w = this.waiter
      this.waiter = null
      if (w.timer !== null) clearTimeout(w.timer)
      w.resolve(['error', 'closed'])
    }
    this.raw.destroy()
  }

  get peer(): { address: string; port: number } | undefined {
    return this.raw.remoteAddress === undefined
      ? undefined
      : { address: this.raw.remoteAddress, port: this.raw.remotePort! }
  }
}

/** A listening socket. Connections wait, paused, until `accept` takes them. */
export class ListenSocket extends Handle {
  readonly server: net.Server
  readonly opts: SocketOptions
  private pending: net.Socket[] = []
  private acceptors: Acceptor[] = []

  constructor(server: net.Server, owner: Proc, opts: SocketOptions) {
    super(owner)
    this.server = server
    this.opts = opts
    server.on('connection', (raw) => {
      raw.pause()
      const a = this.acceptors.shift()
      if (a !== undefined) this.hand(a, raw)
      else this.pending.push(raw)
    })
  }

  /** An acceptor died while it waited: it leaves the queue (the next connection is not its). */
  dropAcceptor(a: Acceptor): void {
    const i = this.acceptors.indexOf(a)
    if (i >= 0) this.acceptors.splice(i, 1)
    if (a.timer !== null) clearTimeout(a.timer)
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port
  }

  private hand(a: Acceptor, raw: net.Socket): void {
    if (a.timer !== null) clearTimeout(a.timer)
    a.proc.ext?.resources?.delete(a)
    a.resolve(['ok', new Socket(raw, a.proc, this.opts)])
  }

  accept(proc: Proc, timeout: number): Promise<unknown> {
    if (this.closed) return Promise.resolve(['error', 'closed'])
    const raw = this.pending.shift()
    if (raw !== undefined) return Promise.resolve(['ok', new Socket(raw, proc, this.opts)])
    return new Promise((resolve) => {
      const entry = new Acceptor(this, proc, resolve)
      if (timeout >= 0) {
        entry.timer = setTimeout(() => {
          this.dropAcceptor(entry)
          proc.ext?.resources?.delete(entry)
          resolve(['error', 'timeout'])
        }, timeout)
      }
      this.acceptors.push(entry)
      ;(proc.x().resources ??= new Set()).add(entry)
    })
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.owner.ext?.resources?.delete(this)
    for (const a of this.acceptors.splice(0)) {
      if (a.timer !== null) clearTimeout(a.timer)
      a.proc.ext?.resources?.delete(a)
      a.resolve(['error', 'closed'])
    }
    for (const raw of this.pending.splice(0)) raw.destroy()
    this.server.close()
  }
}

/**
 * A process waiting in `accept`. It is a resource of that process, so its death takes it out
 * of the listener's queue (and stops its timer) before any connection could be handed to it.
 */
class Acceptor {
  readonly listener: ListenSocket
  readonly proc: Proc
  readonly resolve: (r: unknown) => void
  timer: NodeJS.Timeout | null = null
  constructor(listener: ListenSocket, proc: Proc, resolve: (r: unknown) => void) {
    this.listener = listener
    this.proc = proc
    this.resolve = resolve
  }
  ownerExited(): void {
    this.listener.dropAcceptor(this)
  }
}

export function checkSocketOptions(o: unknown, caller: Function): SocketOptions {
  if (o === undefined) return {}
  if (typeof o !== 'object' || o === null)
    throw badArg('socket options to be an object', o, caller, 'ERR_BEAMISH_INVALID_OPTION')
  const opts = o as Record<string, unknown>
  for (const k of Object.keys(opts)) {
    if (!['active', 'mode', 'packet', 'host', 'backlog'].includes(k)) {
      throw createError(
        'ERR_BEAMISH_INVALID_OPTION',
        `unknown socket option ${JSON.stringify(k)}. The valid options are:\n\n  * active (true | false | 'once')\n  * mode ('binary' | 'string')\n  * packet (0 | 'line')\n  * host\n  * backlog\n\nGot: ${JSON.stringify(k)}`,
        caller,
      )
    }
  }
  if (opts.active !== undefined && opts.active !== true && opts.active !== false && opts.active !== 'once') {
    throw badArg("active to be true, false or 'once'", opts.active, caller, 'ERR_BEAMISH_INVALID_OPTION')
  }
  if (opts.mode !== undefined && opts.mode !== 'binary' && opts.mode !== 'string') {
    throw badArg("mode to be 'binary' or 'string'", opts.mode, caller, 'ERR_BEAMISH_INVALID_OPTION')
  }
  if (opts.packet !== undefined && opts.packet !== 0 && opts.packet !== 'line') {
    throw badArg("packet to be 0 or 'line'", opts.packet, caller, 'ERR_BEAMISH_INVALID_OPTION')
  }
  return opts as SocketOptions
}

export function errnoAtom(e: unknown): string {
  return typeof (e as NodeJS.ErrnoException)?.code === 'string'
    ? (e as NodeJS.ErrnoException).code!.toLowerCase()
    : 'einval'
}

export function owner(caller: Function): Proc {
  return self(caller)
}

export type { Pid }
