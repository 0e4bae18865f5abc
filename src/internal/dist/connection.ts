import type * as net from 'node:net'
import { DIST_HEADER, VERSION } from '../etf/tags.ts'
import type { Proc } from '../runtime/proc.ts'
import type { NodeRef } from '../term/nodeRef.ts'
import type { Pid } from '../term/pid.ts'
import type { Ref } from '../term/ref.ts'
import type { Negotiated } from './flags.ts'
import { type Frame, FrameReader, MAX_MESSAGE, PASS_THROUGH } from './framing.ts'
import { pooled, release } from './pool.ts'

/**
 * One connection to one peer node (distribution.md §4): the write queue, the frame reader, tick
 * bookkeeping, and the per-connection state of remote links and monitors.
 *
 * Per-pair order (semantics O2): there is exactly one connection per node pair, every signal to
 * the peer goes through the writer in call order, and what is sent while the connection is
 * still being set up waits in `pending`, in order.
 *
 * Performance: frames are written into a slab and handed to the socket once per scheduler turn
 * (a microtask), so a burst of small messages costs one write, not one syscall each; payload
 * parts of 16 KiB and more are handed to the socket by reference (no copy); incoming frames are
 * decoded in place, and a large frame's buffer backs its large binaries (no copy out).
 */

export const PENDING = 0
export const UP = 1
export const CLOSED = 2

/** A remote link's record on our side (semantics L-f). */
export interface LinkRec {
  active: boolean
  unlinkId: bigint
}

/** A monitor held by a local process on a remote target. */
export interface OutMon {
  readonly ref: Ref
  readonly key: string
  readonly watcher: Proc
  /** The remote pid, or the name (then monitored by name on the peer). */
  readonly target: Pid | string
  readonly object: unknown
  readonly alias: 'demonitor' | 'reply_demonitor' | null
}

/** A monitor a remote process holds on a local process. */
export interface InMon {
  readonly ref: Ref
  readonly key: string
  readonly watcher: Pid
  readonly target: Proc
  /** The name it was made by (MONITOR_P_EXIT then names the atom), or null. */
  readonly name: string | null
}

/** Everything one local process has on this connection. */
export interface ProcState {
  links: Map<string, LinkRec> | null
  linkPids: Map<string, Pid> | null
  out: Map<string, OutMon> | null
  in: Map<string, InMon> | null
}

const SLAB = 64 * 1024
/** The longest frame a peer may send: the largest message plus room for its framing. */
const MAX_FRAME = MAX_MESSAGE + 64
/** Payload bytes from this size on are handed to the socket by reference, not copied. */
const BIG = 16 * 1024
/**
 * First size of an unfinished frame's buffer; it doubles as bytes arrive, up to the frame's size.
 * Why not the declared size at once: four bytes from the peer would then allocate up to 64 MiB.
 */
const PARTIAL_START = 64 * 1024

/** Writes a chunk; a pooled snapshot goes back to its pool once the socket is done with it. */
function write(s: net.Socket, chunk: Buffer): void {
  if (pooled(chunk)) s.write(chunk, (err) => err == null && release(chunk))
  else s.write(chunk)
}

/** Copies `src[from…]` to `dst[at…]`: a plain loop for the small ones (cheaper than the native call). */
function put(src: Buffer, dst: Buffer, at: number, from: number): number {
  const n = src.length - from
  if (n > 64) return src.copy(dst, at, from)
  for (let i = 0; i < n; i++) dst[at + i] = src[from + i]!
  return n
}

export interface ConnectionHooks {
  frame(c: Connection, f: Frame): void
  closed(c: Connection, reason: string): void
}

export class Connection {
  /** The peer's node name. */
  readonly node: string
  state = PENDING
  socket: net.Socket | null = null
  /** The peer's identity (name + creation) once up. */
  peer: NodeRef | null = null
  f: Negotiated | null = null
  /** Visible from our side: both nodes published. */
  visible = false
  /** Work to run, in order, once the connection is up (dropped if it never comes up). */
  pending: (() => void)[] = []
  /** Resolvers of `Node.connect` waiting for this connection. */
  waiters: ((up: boolean) => void)[] = []
  /** The outgoing dial, while one runs (cancelled when a simultaneous accept wins). */
  dial: { cancel(): void } | null = null

  // remote state
  readonly procs = new Map<Proc, ProcState>()
  readonly outMons = new Map<string, OutMon>()
  readonly inMons = new Map<string, InMon>()
  /** Local processes that asked `Node.monitor(node)`, with how many times. */
  readonly nodeMonitors = new Map<Proc, number>()
  nextUnlinkId = 1n

  /** The last SEND_SENDER control message written, by sender and receiver (see wire.sendMsg). */
  lastFrom: Pid | null = null
  lastTo: Pid | null = null
  lastCtrl: Buffer | null = null

  // ticks
  gotData = true
  wrote = false
  missedTicks = 0

  private readonly hooks: ConnectionHooks
  private reader: FrameReader = new FrameReader()
  private slab: Buffer = Buffer.allocUnsafe(SLAB)
  private slabStart = 0
  private slabPos = 0
  private chunks: Buffer[] = []
  private flushQueued = false
  /** The unfinished frame, length prefix included: `partialFill` of its `partialSize` bytes so far. */
  private partial: Buffer | null = null
  private partialFill = 0
  /** The unfinished frame's size with its prefix, once the prefix is complete (else 4). */
  private partialSize = 0
  /** Something other than a tick was queued since the last flush. */
  private dataQueued = false

  constructor(node: string, hooks: ConnectionHooks) {
    this.node = node
    this.hooks = hooks
  }

  /** The state of `p` on this connection, created on demand. */
  stateOf(p: Proc): ProcState {
    let s = this.procs.get(p)
    if (s === undefined) {
      s = { links: null, linkPids: null, out: null, in: null }
      this.procs.set(p, s)
      const x = p.x()
      ;((x.remote ??= new Set()) as Set<Connection>).add(this)
    }
    return s
  }

  /** Forgets `p`'s state here once it holds nothing. */
  release(p: Proc, s: ProcState): void {
    if ((s.links?.size ?? 0) + (s.out?.size ?? 0) + (s.in?.size ?? 0) > 0) return
    this.procs.delete(p)
    const set = p.ext?.remote as Set<Connection> | null | undefined
    if (set?.delete(this) === true && set.size === 0) p.ext!.remote = null
  }

  /** Attaches the authenticated socket; runs the pending work in order. */
  attach(socket: net.Socket, peer: NodeRef, f: Negotiated, visible: boolean, rest: Buffer): void {
    this.socket = socket
    this.peer = peer
    this.f = f
    this.visible = visible
    this.state = UP
    this.dial = null
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', () => {})
    socket.on('close', () => this.hooks.closed(this, 'connection_closed'))
    socket.resume()
    const work = this.pending
    this.pending = []
    for (const fn of work) fn()
    if (rest.length > 0) this.onData(rest)
    for (const w of this.waiters.splice(0)) w(true)
  }

  // ------------------------------------------------------------------ writing

  /**
   * Queues one message: control term bytes and optional payload, as `encode` made them (each
   * term starting with the version byte 131). A payload may come in parts (large binaries are
   * passed by reference, see wire.ts), the first part starting with 131.
   *
   * Why large messages are not fragmented on the way out: a peer never has to fragment what it
   * sends (distribution.md §4.3), and this single thread writes a message's fragments back to
   * back anyway, so fragmenting would only add copies on both sides.
   */
  write(ctrl: Buffer, payload: Buffer | readonly Buffer[] | null): void {
    const header = this.f!.header
    this.dataQueued = true
    // Header framing drops the version bytes: `131, 68, 0, Control, Payload`.
    const skip = header ? 1 : 0
    let pl = 0
    if (payload !== null) {
      if (Buffer.isBuffer(payload)) pl = payload.length - skip
      else for (let i = 0; i < payload.length; i++) pl += payload[i]!.length - (i === 0 ? skip : 0)
    }
    const cl = ctrl.length - skip
    const lead = header ? 3 : 1
    const inline = payload === null || (Buffer.isBuffer(payload) && pl < BIG)
    const b = this.reserve(4 + lead + cl + (inline ? pl : 0))
    let p = this.slabPos
    b.writeUInt32BE(lead + cl + pl, p)
    if (header) {
      b[p + 4] = VERSION
      b[p + 5] = DIST_HEADER
      b[p + 6] = 0
    } else b[p + 4] = PASS_THROUGH
    p += 4 + lead
    p += put(ctrl, b, p, skip)
    if (inline) {
      if (payload !== null) p += put(payload as Buffer, b, p, skip)
      this.slabPos = p
    } else {
      this.slabPos = p
      if (Buffer.isBuffer(payload)) this.chunk(payload.subarray(skip))
      else {
        const parts = payload as readonly Buffer[]
        for (let i = 0; i < parts.length; i++) {
          const part = i === 0 ? parts[i]!.subarray(skip) : parts[i]!
          if (part.length < BIG) {
            const bb = this.reserve(part.length)
            this.slabPos += part.copy(bb, this.slabPos)
          } else this.chunk(part)
        }
      }
    }
    this.schedule()
  }

  /** Four zero bytes: "I am alive" (sent when nothing else went out during a tick interval). */
  tick(): void {
    const b = this.reserve(4)
    b.writeUInt32BE(0, this.slabPos)
    this.slabPos += 4
    this.schedule()
  }

  private reserve(n: number): Buffer {
    if (this.slabPos + n > this.slab.length) {
      this.seal()
      this.slab = Buffer.allocUnsafe(Math.max(SLAB, n))
      this.slabStart = this.slabPos = 0
    }
    return this.slab
  }

  /** Moves the bytes written into the slab so far to the chunk list (they are never touched again). */
  private seal(): void {
    if (this.slabPos > this.slabStart) {
      this.chunks.push(this.slab.subarray(this.slabStart, this.slabPos))
      this.slabStart = this.slabPos
    }
  }

  private chunk(b: Buffer): void {
    this.seal()
    if (b.length > 0) this.chunks.push(b)
  }

  private schedule(): void {
    if (this.flushQueued) return
    this.flushQueued = true
    queueMicrotask(this.flush)
  }

  private readonly flush = (): void => {
    this.flushQueued = false
    this.seal()
    const chunks = this.chunks
    if (chunks.length === 0) return
    this.chunks = []
    const s = this.socket
    if (s === null || this.state !== UP) return
    if (this.dataQueued) {
      this.wrote = true
      this.dataQueued = false
    }
    if (chunks.length === 1) {
      write(s, chunks[0]!)
      return
    }
    s.cork()
    for (const c of chunks) write(s, c)
    s.uncork()
  }

  // ------------------------------------------------------------------ reading

  private onData(chunk: Buffer): void {
    this.gotData = true
    let pos = 0
    if (this.partial !== null) {
      pos = this.fillPartial(chunk)
      if (pos < 0) return
    }
    const n = chunk.length
    while (this.state === UP && n - pos >= 4) {
      const len = chunk.readUInt32BE(pos)
      if (len === 0) {
        pos += 4
        continue
      }
      if (len > MAX_FRAME) {
        this.hooks.closed(this, `frame of ${len} bytes is too large`)
        return
      }
      if (n - pos - 4 < len) break
      this.frame(chunk.subarray(pos + 4, pos + 4 + len))
      pos += 4 + len
    }
    if (pos < n && this.state === UP) {
      // Keep the unfinished frame; its buffer grows as its bytes arrive (see PARTIAL_START).
      const left = n - pos
      this.partialSize = left >= 4 ? 4 + chunk.readUInt32BE(pos) : 4
      this.partial = Buffer.allocUnsafe(Math.min(this.partialSize, Math.max(PARTIAL_START, left)))
      this.partialFill = chunk.copy(this.partial, 0, pos)
    }
  }

  /** Feeds `chunk` into the unfinished frame; returns where the rest of `chunk` starts, or -1. */
  private fillPartial(chunk: Buffer): number {
    let pos = 0
    if (this.partialSize === 4) {
      const take = Math.min(4 - this.partialFill, chunk.length)
      chunk.copy(this.partial!, this.partialFill, 0, take)
      this.partialFill += take
      pos = take
      if (this.partialFill < 4) return -1
      const len = this.partial!.readUInt32BE(0)
      if (len === 0) {
        this.partial = null
        return pos
      }
      if (len > MAX_FRAME) {
        this.hooks.closed(this, `frame of ${len} bytes is too large`)
        return -1
      }
      this.partialSize = 4 + len
    }
    const take = Math.min(this.partialSize - this.partialFill, chunk.length - pos)
    let partial = this.partial!
    if (this.partialFill + take > partial.length) {
      // Doubling keeps the copies linear in the frame's size; never past the frame's own size.
      const size = Math.min(
        this.partialSize,
        Math.max(2 * partial.length, this.partialFill + take, PARTIAL_START),
      )
      const grown = Buffer.allocUnsafe(size)
      partial.copy(grown, 0, 0, this.partialFill)
      this.partial = partial = grown
    }
    chunk.copy(partial, this.partialFill, pos, pos + take)
    this.partialFill += take
    pos += take
    if (this.partialFill < this.partialSize) return -1
    this.partial = null
    this.frame(partial.subarray(4, this.partialSize), true)
    return pos
  }

  private frame(data: Buffer, owned = false): void {
    let f: Frame | undefined
    try {
      f = this.reader.read(data, owned)
    } catch (e) {
      // Like the BEAM: invalid data on a distribution channel takes the connection down.
      this.hooks.closed(this, `invalid data: ${(e as Error).message}`)
      return
    }
    if (f !== undefined) this.hooks.frame(this, f)
  }

  /** Closes the socket and drops buffered state (the node layer tells local processes). */
  close(): void {
    this.state = CLOSED
    this.chunks = []
    this.partial = null
    this.reader.clear()
    const s = this.socket
    this.socket = null
    if (s !== null) {
      s.removeAllListeners('data')
      s.removeAllListeners('close')
      s.destroy()
    }
    this.dial?.cancel()
    this.dial = null
  }
}
