import type * as net from 'node:net'
import type { Proc } from './runtime/proc.ts'
import { timers } from './runtime/scheduler.ts'
import type { TimerEntry } from './runtime/timers.ts'
import { disown, Handle, own, type Resource, Socket, type SocketOptions } from './tcp.ts'

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
      if (a !== undefined) a.settle(['ok', new Socket(raw, a.proc, this.opts)])
      else this.pending.push(raw)
    })
    own(owner, this)
  }

  /** Takes `a` out of the queue, its timer stopped: it died or timed out while it waited. */
  dropAcceptor(a: Acceptor): void {
    const i = this.acceptors.indexOf(a)
    if (i >= 0) this.acceptors.splice(i, 1)
    a.stopTimer()
  }

  /** The bound port; -1 once closed (`Tcp.port` turns that into an error). */
  get port(): number {
    const a = this.closed ? null : (this.server.address() as net.AddressInfo | null)
    return a === null ? -1 : a.port
  }

  accept(proc: Proc, timeout: number): Promise<unknown> {
    if (this.closed) return Promise.resolve(['error', 'closed'])
    const raw = this.pending.shift()
    if (raw !== undefined) return Promise.resolve(['ok', new Socket(raw, proc, this.opts)])
    return new Promise((resolve) => {
      const a = new Acceptor(this, proc, resolve)
      if (timeout >= 0) {
        // The runtime's timer heap: it clamps and re-arms delays past Node's 2^31-1 ms limit.
        a.timer = timers.add(timeout, () => {
          a.timer = null
          this.dropAcceptor(a)
          a.settle(['error', 'timeout'])
        })
      }
      this.acceptors.push(a)
      own(proc, a)
    })
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    disown(this.owner, this)
    for (const a of this.acceptors.splice(0)) a.settle(['error', 'closed'])
    for (const raw of this.pending.splice(0)) raw.destroy()
    this.server.close()
  }
}

/**
 * A process waiting in `accept`. It is a resource of that process, so its death takes it out
 * of the listener's queue (and stops its timer) before any connection could be handed to it.
 */
class Acceptor implements Resource {
  readonly listener: ListenSocket
  readonly proc: Proc
  private readonly resolve: (r: unknown) => void
  timer: TimerEntry | null = null
  constructor(listener: ListenSocket, proc: Proc, resolve: (r: unknown) => void) {
    this.listener = listener
    this.proc = proc
    this.resolve = resolve
  }

  stopTimer(): void {
    if (this.timer !== null) timers.cancel(this.timer)
    this.timer = null
  }

  /** Ends the wait with `r` (out of the queue already): its timer stopped, no longer a resource. */
  settle(r: unknown): void {
    this.stopTimer()
    disown(this.proc, this)
    this.resolve(r)
  }

  ownerExited(): void {
    this.listener.dropAcceptor(this)
  }
}
