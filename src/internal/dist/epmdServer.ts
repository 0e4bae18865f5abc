import { randomInt } from 'node:crypto'
import * as net from 'node:net'
import {
  ALIVE2_REQ,
  ALIVE2_X_RESP,
  decodeEntry,
  encodeEntry,
  NAMES_REQ,
  type NodeEntry,
  PORT_PLEASE2_REQ,
  PORT2_RESP,
} from './epmdClient.ts'

/**
 * An embedded EPMD, so that a Beamish node needs no Erlang installation: a node that finds no
 * EPMD listening starts this one in its own process. It speaks the same protocol as `epmd`, so
 * BEAM nodes register with it and look nodes up through it too.
 *
 * Security (reliability.md R15): it binds to loopback by default, accepts registrations only
 * from loopback addresses, bounds request sizes, table size, open sockets, idle time and the
 * time to send a request, and ignores the debug/kill requests.
 */

const MAX_REQUEST = 1024
const MAX_NODES = 1024
const IDLE_MS = 10_000
/** The longest a client may take to send its one request: an idle time alone resets per byte. */
const REQUEST_MS = 10_000
/** Open sockets at most: every registered node's, plus room for lookups under way. */
const MAX_SOCKETS = MAX_NODES + 256
const DUMP_REQ = 100

interface Registered {
  readonly entry: NodeEntry
  readonly creation: number
  readonly socket: net.Socket
}

export interface EpmdServer {
  readonly port: number
  /** Registered names (for tests). */
  names(): string[]
  close(): Promise<void>
}

function isLoopback(addr: string | undefined): boolean {
  return addr !== undefined && (addr.startsWith('127.') || addr === '::1' || addr.startsWith('::ffff:127.'))
}

/**
 * Starts an EPMD on `host:port`. Rejects with the listen error (EADDRINUSE when another EPMD got
 * there first: the caller then uses that one).
 *
 * @example
 * const epmd = await startEpmd('127.0.0.1', 4369)
 */
export function startEpmd(host: string, port: number): Promise<EpmdServer> {
  const nodes = new Map<string, Registered>()
  const sockets = new Set<net.Socket>()
  let lastCreation = 0

  /** Answers one request; true when the socket stays open as a node's registration. */
  function handle(sock: net.Socket, req: Buffer): boolean {
    const tag = req[0]
    if (tag === ALIVE2_REQ) {
      const entry = decodeEntry(req, 1)
      if (
        entry === undefined ||
        !isLoopback(sock.remoteAddress) ||
        entry.name.length === 0 ||
        nodes.has(entry.name) ||
        nodes.size >= MAX_NODES
      ) {
        sock.end(Buffer.from([ALIVE2_X_RESP, 1, 0, 0, 0, 0]))
        return false
      }
      let creation = randomInt(1, 0xffffffff)
      if (creation === lastCreation) creation = (creation % 0xfffffffe) + 1
      lastCreation = creation
      nodes.set(entry.name, { entry, creation, socket: sock })
      // The registration lives as long as this socket: closing it unregisters the node.
      sock.setTimeout(0)
      sock.on('close', () => {
        if (nodes.get(entry.name)?.socket === sock) nodes.delete(entry.name)
      })
      const resp = Buffer.from([ALIVE2_X_RESP, 0, 0, 0, 0, 0])
      resp.writeUInt32BE(creation, 2)
      sock.write(resp)
      return true
    }
    if (tag === PORT_PLEASE2_REQ) {
      const r = nodes.get(req.toString('utf8', 1))
      if (r === undefined) {
        sock.end(Buffer.from([PORT2_RESP, 1]))
        return false
      }
      sock.end(encodeEntry([PORT2_RESP, 0], r.entry))
      return false
    }
    if (tag === NAMES_REQ || tag === DUMP_REQ) {
      const head = Buffer.allocUnsafe(4)
      head.writeUInt32BE(server.address() === null ? port : (server.address() as net.AddressInfo).port, 0)
      let text = ''
      for (const r of nodes.values()) text += `name ${r.entry.name} at port ${r.entry.port}\n`
      sock.end(Buffer.concat([head, Buffer.from(text, 'utf8')]))
      return false
    }
    // KILL_REQ, STOP_REQ and anything unknown: refused (a library EPMD is not remotely killable).
    sock.destroy()
    return false
  }

  const server = net.createServer((sock) => {
    sockets.add(sock)
    // Until the answer is out and the client gone (or, for ALIVE2, the node registered).
    const deadline = setTimeout(() => sock.destroy(), REQUEST_MS).unref()
    sock.on('close', () => {
      sockets.delete(sock)
      clearTimeout(deadline)
    })
    sock.on('error', () => {})
    sock.setTimeout(IDLE_MS, () => sock.destroy())
    let buf = Buffer.alloc(0)
    let handled = false
    sock.on('data', (c) => {
      if (handled) return // after ALIVE2 the client sends nothing more
      buf = buf.length === 0 ? c : Buffer.concat([buf, c])
      if (buf.length < 2) return
      const len = buf.readUInt16BE(0)
      if (len === 0 || len > MAX_REQUEST) {
        sock.destroy()
        return
      }
      if (buf.length < 2 + len) return
      handled = true
      if (handle(sock, buf.subarray(2, 2 + len))) clearTimeout(deadline)
    })
  })

  // Past this many, new connections are refused at once (a flood cannot exhaust descriptors).
  server.maxConnections = MAX_SOCKETS

  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host, port, exclusive: true }, () => {
      server.removeListener('error', reject)
      server.on('error', () => {})
      const actual = (server.address() as net.AddressInfo).port
      resolve({
        port: actual,
        names: () => [...nodes.keys()],
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy()
            server.close(() => done())
          }),
      })
    })
  })
}
