import { EventEmitter } from 'node:events'
import type * as net from 'node:net'
import { createServer } from 'node:net'
import { Worker } from 'node:worker_threads'
import type { Node } from '../../src/index.ts'
import { Connection } from '../../src/internal/dist/connection.ts'
import { type Negotiated, negotiate, ourFlags } from '../../src/internal/dist/flags.ts'
import { type Frame, FrameReader, payloadOf } from '../../src/internal/dist/framing.ts'
import { Handshake, type HandshakeOptions } from '../../src/internal/dist/handshake.ts'
import { nodeRef } from '../../src/internal/term/nodeRef.ts'
import { Pid } from '../../src/internal/term/pid.ts'

/** A free TCP port on loopback (for an isolated EPMD per test file). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

export interface Peer {
  readonly name: string
  readonly worker: Worker
  /** Makes the peer dial `node` now; resolves with its Node.connect result. */
  dial(node: string): Promise<unknown>
  /** Ends the worker thread: its sockets close, as when a node's OS process dies. */
  kill(): Promise<void>
}

const BOOT = new URL('./fixtures/worker.mjs', import.meta.url)
const REF_NODE = new URL('./fixtures/refNode.ts', import.meta.url).href

/**
 * Starts a Beamish reference node (fixtures/refNode.ts) in a worker thread: a second node with
 * its own runtime, in this same OS process.
 */
export function startPeer(opts: Node.StartOptions): Promise<Peer> {
  const worker = new Worker(BOOT, { workerData: { entry: REF_NODE, refNode: opts } })
  return new Promise((resolve, reject) => {
    worker.once('error', reject)
    worker.once('message', (m: [string, string]) => {
      if (m[0] !== 'ready') {
        void worker.terminate()
        reject(new Error(m[1]))
        return
      }
      resolve({
        name: m[1],
        worker,
        dial(node) {
          return new Promise((res) => {
            const onMsg = (r: unknown[]) => {
              if (r[0] !== 'connected') return
              worker.off('message', onMsg)
              res(r[1])
            }
            worker.on('message', onMsg)
            worker.postMessage(['connect', node])
          })
        },
        kill: async () => {
          await worker.terminate()
        },
      })
    })
  })
}

// ------------------------------------------------------------------ a connection without a network

/**
 * A fresh acceptor handshake to feed single frames to: b@localhost, our flags, creation 1,
 * cookie x, unless `opts` says otherwise.
 */
export function acceptor(opts: Partial<HandshakeOptions> = {}): Handshake {
  return new Handshake({
    role: 'acceptor',
    name: 'b@localhost',
    flags: ourFlags(false),
    creation: 1,
    cookie: 'x',
    ...opts,
  })
}

/** Just enough of a net.Socket for a Connection: it records what is written. */
export class FakeSocket extends EventEmitter {
  readonly written: Buffer[] = []
  destroyed = false
  write(b: Buffer): boolean {
    this.written.push(Buffer.from(b))
    return true
  }
  cork(): void {}
  uncork(): void {}
  setNoDelay(): this {
    return this
  }
  resume(): this {
    return this
  }
  destroy(): this {
    this.destroyed = true
    return this
  }
}

export interface TestConn {
  readonly conn: Connection
  readonly socket: FakeSocket
  /** Frames the connection received that reached the dispatcher. */
  readonly received: Frame[]
  readonly closed: string[]
  /** Everything written so far, decoded: [ctrl, payload] (payload undefined when absent). */
  sent(): Promise<[unknown, unknown][]>
  /** Feeds raw bytes as if they came from the peer. */
  feed(bytes: Buffer): void
}

/**
 * A Connection to `peer@localhost`, already up, over a fake socket. `peerFlags` defaults to what
 * an OTP 25 node advertises (0xD07DF7FBD).
 */
export function testConn(peerFlags = 0xd07df7fbdn, hidden = false): TestConn {
  const received: Frame[] = []
  const closed: string[] = []
  const conn = new Connection('peer@localhost', {
    frame: (_c, f) => received.push(f),
    closed: (_c, reason) => closed.push(reason),
  })
  const socket = new FakeSocket()
  const f: Negotiated = negotiate(ourFlags(hidden), peerFlags)
  conn.attach(
    socket as unknown as net.Socket,
    nodeRef('peer@localhost', 7),
    f,
    !hidden && f.published,
    Buffer.alloc(0),
  )
  return {
    conn,
    socket,
    received,
    closed,
    async sent() {
      await new Promise((r) => setImmediate(r))
      const all = Buffer.concat(socket.written)
      socket.written.length = 0
      const reader = new FrameReader()
      const out: [unknown, unknown][] = []
      for (let p = 0; p < all.length; ) {
        const len = all.readUInt32BE(p)
        p += 4
        if (len === 0) continue
        const frame = reader.read(all.subarray(p, p + len))!
        p += len
        out.push([frame.ctrl, frame.payloadAt < frame.buf.length ? payloadOf(frame) : undefined])
      }
      return out
    },
    feed(bytes: Buffer) {
      socket.emit('data', bytes)
    },
  }
}

/** Pids as comparable text (`<node.id.serial>`): a decoded local pid is not the live Pid object. */
export function norm(x: unknown): unknown {
  if (x instanceof Pid) return `<${x.node.name}.${x.id}.${x.serial}>`
  if (Array.isArray(x)) return x.map(norm)
  return x
}
