import type * as net from 'node:net'
import { StringDecoder } from 'node:string_decoder'
import type { Proc } from './runtime/proc.ts'
import { deliver, timers } from './runtime/scheduler.ts'
import type { TimerEntry } from './runtime/timers.ts'
import { errnoAtom } from './tcpOptions.ts'
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
 *
 * What follows gen_tcp (OTP 25, checked on a BEAM) and why it is not the obvious Node code:
 * - the end of the stream (FIN, or a reset: gen_tcp's default `show_econnreset` is false, so a
 *   reset is a close) is kept until someone can be told: the next `recv` (`closed`) or the owner
 *   once the socket is active again (`tcp_closed`). Other errors are `tcp_error` then `tcp_closed`.
 * - data that cannot make a whole piece at the end (fewer than `recv(n)`'s n bytes, a last line
 *   without its newline) is dropped: `recv` gives `['error', 'closed']`.
 * - closing (by the program or because the owner exited) ends the connection gracefully: data
 *   `send` accepted still reaches the peer, as the BEAM flushes a port's queue on close.
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
/**
 * The longest piece a `packet: 'line'` socket delivers: a longer line comes in pieces of this
 * size (the last one ends with the newline), as gen_tcp cuts lines at its buffer size.
 */
const LINE_CAP = PASSIVE_HIGH_WATER
/**
 * How long a closing socket may make no progress sending what it still holds before it is
 * dropped (prim_inet:close waits for the queue the same way, checking every `?INET_CLOSE_TIMEOUT`, 5 s).
 */
const CLOSE_STALL_MS = 5_000

/** What a process owns here (a socket, a listener, a wait in `accept`): released at its exit. */
export interface Resource {
  ownerExited(): void
}

/**
 * Makes `r` a resource of `p`, released when `p` exits, like a port linked to its owner; an
 * owner that has already exited (a `listen`, `connect` or `accept` that completed after its
 * process died) releases it at once.
 */
export function own(p: Proc, r: Resource): void {
  if (p.alive) (p.x().resources ??= new Set()).add(r)
  else r.ownerExited()
}

/** Takes `r` off `p`'s resources (it was closed, or handed over). */
export function disown(p: Proc, r: Resource): void {
  p.ext?.resources?.delete(r)
}

/**
 * A socket or a listener. Each subclass's constructor calls `own(owner, this)` once the handle
 * can be closed: not here, where its fields are not set yet.
 */
export abstract class Handle implements Resource {
  readonly id = nextPortId++
  owner: Proc
  closed = false
  constructor(owner: Proc) {
    this.owner = owner
  }
  setOwner(p: Proc): void {
    disown(this.owner, this)
    this.owner = p
    own(p, this)
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

interface Waiter {
  readonly length: number
  readonly resolve: (r: unknown) => void
  timer: TimerEntry | null
}

/** A connected TCP socket. Opaque: use the `Tcp` functions. */
export class Socket extends Handle {
  readonly raw: net.Socket
  active: Active
  readonly mode: Mode
  readonly packet: 0 | 'line'
  /**
   * Received data not yet consumed (passive mode, or a partial line), as the chunks read. Why
   * chunks and not one buffer: joining on every read made a large `recv(n)` quadratic.
   */
  private buf: Buffer[] = []
  private bufBytes = 0
  /** Leading bytes of `buf` already searched for a newline (packet 'line'). */
  private lineScanned = 0
  /** Mode 'string': holds back a UTF-8 character split across reads. */
  private decoder: StringDecoder | null
  /** The peer closed (or the connection failed): nothing more will be read. */
  private eof = false
  /** The error that ended the connection, when it was not a close (or a reset). */
  private error: string | null = null
  private waiter: Waiter | null = null

  constructor(raw: net.Socket, owner: Proc, opts: SocketOptions) {
    super(owner)
    this.raw = raw
    this.active = opts.active ?? false
    this.mode = opts.mode ?? 'binary'
    this.packet = opts.packet ?? 0
    this.decoder = this.mode === 'string' ? new StringDecoder('utf8') : null
    raw.setNoDelay(true)
    raw.on('data', (chunk: Buffer) => this.onData(chunk))
    raw.on('end', () => this.onEnd())
    raw.on('error', (e) => {
      const code = errnoAtom(e)
      // show_econnreset false (gen_tcp's default): a reset is a close; a failed write (epipe)
      // is a close too, as inet_drv reports every send error.
      if (code !== 'econnreset' && code !== 'epipe') this.error ??= code
    })
    raw.on('close', () => this.onEnd())
    own(owner, this)
    this.flow()
  }

  /** The piece as the owner gets it; null when it holds only part of a character (string mode). */
  private convert(b: Buffer): Data | null {
    if (this.decoder === null) return b
    const s = this.decoder.write(b)
    return s === '' ? null : s
  }

  /** Resumes reading from the OS only when someone is ready for the data. */
  private flow(): void {
    if (this.closed || this.eof) return
    const w = this.waiter
    const wantsData =
      this.active !== false || (w !== null && this.bufBytes < Math.max(PASSIVE_HIGH_WATER, w.length))
    if (wantsData) this.raw.resume()
    else this.raw.pause()
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return
    this.buf.push(chunk)
    this.bufBytes += chunk.length
    this.pump()
  }

  /** Hands buffered data to the owner (active) or to a pending recv (passive). */
  private pump(): void {
    if (this.closed) return
    for (;;) {
      if (this.active !== false) {
        const piece = this.take(0)
        const data = piece === null ? this.tail() : this.convert(piece)
        if (data === null) {
          if (piece === null) break
          continue
        }
        if (this.owner.alive) deliver(this.owner, ['tcp', this, data])
        if (this.active === 'once') {
          this.active = false
          break
        }
      } else if (this.waiter !== null) {
        const w = this.waiter
        const piece = this.take(w.length)
        const data = piece === null ? (w.length === 0 ? this.tail() : null) : this.convert(piece)
        if (data === null) {
          if (piece === null) break
          continue
        }
        this.answer(['ok', data])
        break
      } else break
    }
    // The end is reported once someone can be told (gen_tcp keeps it for a passive socket).
    if (this.eof && (this.active !== false || this.waiter !== null)) this.finishClosed()
    else this.flow()
  }

  /**
   * At the end of the stream, what the string decoder still holds (an incomplete character, as
   * U+FFFD: gen_tcp hands over the bytes), once; null otherwise.
   */
  private tail(): string | null {
    if (!this.eof || this.decoder === null || this.bufBytes !== 0) return null
    const rest = this.decoder.end()
    this.decoder = null
    return rest === '' ? null : rest
  }

  /**
   * Takes one deliverable piece: a line (or `LINE_CAP` bytes of a longer one), exactly `length`
   * bytes, or all there is (length 0); null when there is not enough yet.
   */
  private take(length: number): Buffer | null {
    if (this.bufBytes === 0) return null
    let n: number
    if (this.packet === 'line') {
      const nl = this.newline()
      if (nl >= 0) n = nl + 1
      else if (this.bufBytes >= LINE_CAP) n = LINE_CAP
      else return null
    } else if (length === 0) n = this.bufBytes
    else if (this.bufBytes >= length) n = length
    else return null
    return this.splice(n)
  }

  /** The offset of the first newline in `buf`, or -1; searches each byte once. */
  private newline(): number {
    let off = 0
    for (const c of this.buf) {
      if (off + c.length > this.lineScanned) {
        const i = c.indexOf(10, Math.max(0, this.lineScanned - off))
        if (i >= 0) return off + i
      }
      off += c.length
    }
    this.lineScanned = off
    return -1
  }

  /** Removes and returns the first `n` buffered bytes (joined only when they span chunks). */
  private splice(n: number): Buffer {
    const first = this.buf[0]!
    let piece: Buffer
    if (first.length >= n) {
      piece = first.subarray(0, n)
      if (first.length === n) this.buf.shift()
      else this.buf[0] = first.subarray(n)
    } else {
      let k = 0
      let got = 0
      while (k < this.buf.length && got + this.buf[k]!.length <= n) got += this.buf[k++]!.length
      const parts = this.buf.splice(0, k)
      if (got < n) {
        const c = this.buf[0]!
        parts.push(c.subarray(0, n - got))
        this.buf[0] = c.subarray(n - got)
      }
      piece = Buffer.concat(parts, n)
    }
    this.bufBytes -= n
    this.lineScanned = Math.max(0, this.lineScanned - n)
    return piece
  }

  /** Answers the pending `recv` with `r`, its timer stopped. */
  private answer(r: unknown): void {
    const w = this.waiter!
    this.waiter = null
    if (w.timer !== null) timers.cancel(w.timer)
    w.resolve(r)
  }

  private onEnd(): void {
    if (this.eof) return
    this.eof = true
    this.pump()
  }

  /** Tells the waiting recv or the active owner that the connection ended, and closes. */
  private finishClosed(): void {
    const reason = this.error
    if (this.waiter !== null) this.answer(['error', reason ?? 'closed'])
    else if (this.owner.alive) {
      if (reason !== null) deliver(this.owner, ['tcp_error', this, reason])
      deliver(this.owner, ['tcp_closed', this])
    }
    this.close()
  }

  recv(length: number, timeout: number): Promise<unknown> {
    if (this.closed) return Promise.resolve(['error', 'closed'])
    if (this.active !== false) return Promise.resolve(['error', 'einval'])
    if (this.waiter !== null) return Promise.resolve(['error', 'ealready'])
    return new Promise((resolve) => {
      const w: Waiter = { length, resolve, timer: null }
      if (timeout >= 0) {
        // The runtime's timer heap: it clamps and re-arms delays past Node's 2^31-1 ms limit.
        w.timer = timers.add(timeout, () => {
          if (this.waiter === w) {
            this.waiter = null
            this.flow()
            resolve(['error', 'timeout'])
          }
        })
      }
      this.waiter = w
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

  setActive(active: Active): 'ok' | readonly ['error', 'einval'] {
    if (this.closed) return ['error', 'einval']
    this.active = active
    this.pump()
    return 'ok'
  }

  /**
   * Gives the socket to `p` and moves this socket's `tcp` / `tcp_closed` / `tcp_error` messages,
   * in order, from the old owner's mailbox to `p` (inet's controlling_process does the same).
   */
  override setOwner(p: Proc): void {
    const old = this.owner
    super.setOwner(p)
    const mb = old.mailbox
    if (mb === null || old === p) return
    let found = false
    for (let i = 0; i < mb.length && !found; i++) found = this.isMine(mb.at(i))
    if (!found) return
    // One pass, keeping the order of both the moved and the remaining messages.
    const moved: unknown[] = []
    for (let n = mb.length; n > 0; n--) {
      const m = mb.shift()
      if (this.isMine(m)) moved.push(m)
      else mb.push(m)
    }
    for (const m of moved) deliver(p, m)
  }

  private isMine(m: unknown): boolean {
    return (
      Array.isArray(m) && m[1] === this && (m[0] === 'tcp' || m[0] === 'tcp_closed' || m[0] === 'tcp_error')
    )
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    disown(this.owner, this)
    if (this.waiter !== null) this.answer(['error', 'closed'])
    this.buf = []
    this.bufBytes = 0
    this.decoder = null
    endGracefully(this.raw)
  }

  get peer(): { address: string; port: number } | undefined {
    return this.raw.remoteAddress === undefined
      ? undefined
      : { address: this.raw.remoteAddress, port: this.raw.remotePort! }
  }
}

/**
 * Ends a connection the way the BEAM closes a port: what was written is still sent (FIN after
 * it), then the socket is released. Why not `destroy()`: it drops Node's write queue, so data
 * `send` had answered 'ok' for would never reach the peer. A peer that stops reading for
 * `CLOSE_STALL_MS` gets the connection dropped instead of holding it forever.
 */
function endGracefully(raw: net.Socket): void {
  raw.pause()
  if (raw.destroyed) return
  if (raw.writableFinished) {
    raw.destroy()
    return
  }
  let pending = raw.writableLength
  const timer = setTimeout(function check() {
    const now = raw.writableLength
    if (now > 0 && now < pending) {
      pending = now
      timer.refresh()
    } else raw.destroy()
  }, CLOSE_STALL_MS)
  timer.unref()
  raw.once('finish', () => raw.destroy())
  raw.once('close', () => clearTimeout(timer))
  raw.end()
}

export type { Pid }
