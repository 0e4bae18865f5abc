import type * as net from 'node:net'
import type { Proc } from './runtime/proc.ts'
import { timers } from './runtime/scheduler.ts'
import type { TimerEntry } from './runtime/timers.ts'
import { Handle, Socket, type SocketOptions } from './tcp.ts'

/**
 * The listening side of gen_tcp: a listener, the connections waiting for an `accept`, and the
 * processes waiting in one (each a resource of its process, so its death takes it out of the
 * queue). Sockets themselves are tcp.ts's.
 */

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
    if (a.timer !== null) timers.cancel(a.timer)
  }

  /** The bound port; -1 once closed (`Tcp.port` turns that into an error). */
  get port(): number {
    const a = this.closed ? null : (this.server.address() as net.AddressInfo | null)
    return a === null ? -1 : a.port
  }

  private hand(a: Acceptor, raw: net.Socket): void {
    if (a.timer !== null) timers.cancel(a.timer)
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
        // The runtime's timer heap: it clamps and re-arms delays past Node's 2^31-1 ms limit.
        entry.timer = timers.add(timeout, () => {
          entry.timer = null
          this.dropAcceptor(entry)
          proc.ext?.resources?.delete(entry)
          resolve(['error', 'timeout'])
        })
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
      if (a.timer !== null) timers.cancel(a.timer)
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
  timer: TimerEntry | null = null
  constructor(listener: ListenSocket, proc: Proc, resolve: (r: unknown) => void) {
    this.listener = listener
    this.proc = proc
    this.resolve = resolve
  }
  ownerExited(): void {
    this.listener.dropAcceptor(this)
  }
}
