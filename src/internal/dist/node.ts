import type * as net from 'node:net'
import { createServer } from 'node:net'
import { setLocalPidResolver, setLocalRefResolver } from '../etf/index.ts'
import { log } from '../logger.ts'
import { currentProc, table } from '../runtime/proc.ts'
import { setTransport } from '../runtime/remote.ts'
import { aliases } from '../runtime/signals.ts'
import { localNode, nodeRef } from '../term/nodeRef.ts'
import { Pid } from '../term/pid.ts'
import { CLOSED, Connection, PENDING, UP } from './connection.ts'
import { dispatch } from './control.ts'
import type * as epmd from './epmdClient.ts'
import type { EpmdServer } from './epmdServer.ts'
import { negotiate, ourFlags } from './flags.ts'
import type { PeerInfo, Status } from './handshake.ts'
import { validNodeName } from './handshake.ts'
import * as links from './links.ts'
import * as monitors from './monitors.ts'
import { notifyDown, notifyUp } from './nodeMonitors.ts'
import { register, watchRegistration } from './registration.ts'
import { accept, dial, type Established, type Identity, SETUP_MS, type SetupError } from './setup.ts'
import { makeTransport } from './transport.ts'

/**
 * The running node: its listener, its EPMD registration (or embedded EPMD), and the registry of
 * connections, one per peer node. Connections are made on demand (a send, link or monitor to a
 * node we are not connected to dials it, as the BEAM does) or by `Node.connect`.
 */

/** Validated `Node.start` options. */
export interface NodeConfig {
  readonly name: string
  readonly cookie: string
  readonly hidden: boolean
  /** Interface the distribution listener (and an embedded EPMD) binds to. */
  readonly host: string
  readonly port: number
  readonly epmdPort: number
  /** Seconds (OTP's `net_ticktime`): a silent peer is dropped after 3/4 to 1 of it. */
  readonly netTickTime: number
}

export interface Running {
  readonly cfg: NodeConfig
  readonly flags: bigint
  readonly creation: number
  readonly server: net.Server
  readonly port: number
  registration: epmd.Registration | null
  epmdServer: EpmdServer | null
  readonly connections: Map<string, Connection>
  readonly handshakes: Set<net.Socket>
  tickTimer: NodeJS.Timeout | null
  stopping: boolean
}

export let running: Running | null = null
let starting = false

/** At most this many handshakes in progress (a flood of half-open connections is cut off). */
const MAX_HANDSHAKES = 64
/** Stands in for the sender of a message sent from outside any process. */
const NOBODY = new Pid(localNode, 0, 0)

export function senderPid(): Pid {
  return currentProc()?.pid ?? NOBODY
}

function identity(r: Running): Identity {
  return { name: r.cfg.name, flags: r.flags, creation: r.creation, cookie: r.cfg.cookie }
}

function errorCode(e: unknown): string {
  const x = e as NodeJS.ErrnoException
  return typeof x?.code === 'string' ? x.code.toLowerCase() : String((e as Error)?.message ?? e)
}

export async function start(cfg: NodeConfig): Promise<['ok', string] | ['error', unknown]> {
  if (running !== null || starting) return ['error', 'already_started']
  starting = true
  const server = createServer()
  try {
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ host: cfg.host, port: cfg.port }, () => {
        server.removeListener('error', reject)
        resolve((server.address() as net.AddressInfo).port)
      })
    })
    server.on('error', () => {})
    const [registration, epmdServer] = await register(cfg, port)
    const r: Running = {
      cfg,
      flags: ourFlags(cfg.hidden),
      creation: registration.creation,
      server,
      port,
      registration,
      epmdServer,
      connections: new Map(),
      handshakes: new Set(),
      tickTimer: null,
      stopping: false,
    }
    running = r
    localNode.name = cfg.name
    localNode.creation = registration.creation
    setLocalPidResolver((id, serial) => {
      const p = table.get(id)
      return p !== undefined && p.pid.serial === serial ? p.pid : undefined
    })
    setLocalRefResolver((ids) => aliases.find(ids))
    aliases.indexed(true)
    setTransport(makeTransport({ connFor, senderPid }))
    server.on('connection', (sock) => onIncoming(r, sock))
    watchRegistration(r, cfg, port, () => running === r && !r.stopping, registration)
    r.tickTimer = setInterval(() => ticks(r), cfg.netTickTime * 250)
    r.tickTimer.unref()
    return ['ok', cfg.name]
  } catch (e) {
    server.close()
    const code = errorCode(e)
    return ['error', code === 'duplicate_name' ? 'duplicate_name' : code]
  } finally {
    starting = false
  }
}

export async function stop(): Promise<'ok' | ['error', 'not_found']> {
  const r = running
  if (r === null) return ['error', 'not_found']
  r.stopping = true
  for (const c of [...r.connections.values()]) teardown(r, c, 'shutdown')
  for (const s of r.handshakes) s.destroy()
  if (r.tickTimer !== null) clearInterval(r.tickTimer)
  r.registration?.socket.destroy()
  await new Promise<void>((resolve) => r.server.close(() => resolve()))
  await r.epmdServer?.close()
  setTransport(null)
  setLocalPidResolver(undefined)
  setLocalRefResolver(undefined)
  aliases.indexed(false)
  localNode.name = 'nonode@nohost'
  localNode.creation = 0
  running = null
  return 'ok'
}

// ------------------------------------------------------------------ connections

/** The connection to `node`; with `create`, a new one that dials it (auto-connect). */
export function connFor(node: string, create: boolean): Connection | undefined {
  const r = running
  if (r === null || r.stopping) return undefined
  const c = r.connections.get(node)
  if (c !== undefined || !create) return c
  if (node === r.cfg.name || !validNodeName(node)) return undefined
  const fresh = newConn(r, node)
  startDial(r, fresh)
  return fresh
}

function newConn(r: Running, node: string): Connection {
  const c: Connection = new Connection(node, {
    frame(conn, f) {
      try {
        dispatch(conn, f)
      } catch (e) {
        log(
          'error',
          `** Got invalid data on distribution channel from ${conn.node}: ${(e as Error).message} **`,
        )
        teardown(r, conn, 'invalid data')
      }
    },
    closed(conn, reason) {
      if (reason.startsWith('invalid data: ')) {
        log('error', `** Got invalid data on distribution channel from ${conn.node}: ${reason.slice(14)} **`)
      } else if (reason !== 'connection_closed')
        log('error', `** Connection to ${conn.node} closed: ${reason} **`)
      teardown(r, conn, reason)
    },
  })
  r.connections.set(node, c)
  return c
}

function startDial(r: Running, c: Connection): void {
  const d = dial(identity(r), c.node, r.cfg.epmdPort)
  c.dial = d
  d.result.then(
    (est) => {
      if (c.dial !== d || c.state !== PENDING) {
        est.socket.destroy()
        return
      }
      established(r, c, est)
    },
    (e: SetupError) => {
      if (c.dial !== d) return // cancelled: a simultaneous connection from the peer won
      c.dial = null
      if (e.reason === 'nok') {
        // The peer's own connection attempt wins; it will arrive as an accept.
        expectAccept(r, c)
        return
      }
      if (e.reason === 'connection closed during the handshake' || e.reason === 'invalid challenge ack') {
        log('warning', `Connection attempt to node ${c.node} failed: ${e.reason} (do the cookies match?)`)
      }
      teardown(r, c, e.reason)
    },
  )
}

function established(r: Running, c: Connection, est: Established): void {
  const f = negotiate(r.flags, est.peer.flags)
  c.attach(est.socket, nodeRef(est.peer.name, est.peer.creation), f, !r.cfg.hidden && f.published, est.rest)
  if (!f.unlinkId) links.dropInactive(c)
  if (c.state === UP) notifyUp(c)
}

/** A pending connection whose own dial gave way: the peer's accepted one must come in time. */
function expectAccept(r: Running, c: Connection): void {
  setTimeout(() => {
    if (c.state === PENDING && c.dial === null) teardown(r, c, 'setup timeout')
  }, SETUP_MS).unref()
}

/**
 * The acceptor's status for a peer's name (distribution.md §2, simultaneous connect: the
 * greater name's attempt wins; the other side aborts its own).
 */
function decide(r: Running, peer: PeerInfo): Status {
  if (r.stopping) return 'not_allowed'
  const c = r.connections.get(peer.name)
  if (c === undefined) return 'ok'
  if (c.state === UP) return 'alive'
  if (c.dial === null) return 'ok'
  if (r.cfg.name > peer.name) return 'nok'
  c.dial.cancel()
  c.dial = null
  expectAccept(r, c)
  return 'ok_simultaneous'
}

function onIncoming(r: Running, sock: net.Socket): void {
  if (r.stopping || r.handshakes.size >= MAX_HANDSHAKES) {
    sock.destroy()
    return
  }
  r.handshakes.add(sock)
  sock.on('error', () => {})
  accept(identity(r), sock, (peer) => decide(r, peer)).then(
    (est) => {
      r.handshakes.delete(sock)
      if (running !== r || r.stopping) {
        sock.destroy()
        return
      }
      let c = r.connections.get(est.peer.name)
      if (c !== undefined && c.state === UP) {
        // The peer said `true` after `alive`: its old incarnation's connection is dead.
        teardown(r, c, 'replaced')
        c = undefined
      }
      if (c === undefined) c = newConn(r, est.peer.name)
      else if (c.dial !== null) {
        c.dial.cancel()
        c.dial = null
      }
      established(r, c, est)
    },
    (e: SetupError) => {
      r.handshakes.delete(sock)
      const who = e.peer ?? sock.remoteAddress ?? 'unknown'
      if (e.reason === 'invalid challenge reply') {
        log('error', `** Connection attempt from node ${who} rejected. Invalid challenge reply. **`, {
          node: who,
        })
      } else if (e.reason.startsWith('it cannot handle')) {
        log('error', `** Connection attempt from node ${who} rejected since ${e.reason}. **`, { node: who })
      }
    },
  )
}

/**
 * Takes a connection down and tells the local side (semantics §5.2 "connection loss"): every
 * process linked over it gets an exit signal `noconnection` (truth table row 7), every monitor a
 * `DOWN … noconnection` (M-c), `Node.monitor` subscribers a `['nodedown', node]`; then all state
 * for the node is dropped.
 */
export function teardown(r: Running, c: Connection, reason: string): void {
  if (c.state === CLOSED) return
  const wasUp = c.state === UP
  c.close()
  if (r.connections.get(c.node) === c) r.connections.delete(c.node)
  c.pending = []
  const entries = [...c.procs]
  c.procs.clear()
  c.outMons.clear()
  c.inMons.clear()
  for (const [p] of entries) {
    const set = p.ext?.remote as Set<Connection> | null | undefined
    set?.delete(c)
    if (set?.size === 0) p.ext!.remote = null
  }
  for (const [p, s] of entries) {
    monitors.connectionLost(p, s)
    links.connectionLost(p, s)
  }
  if (reason === 'net_tick_timeout') {
    log('error', `** Node ${c.node} not responding **\n** Removing (timedout) connection **`, {
      node: c.node,
    })
  }
  notifyDown(c, wasUp)
  for (const w of c.waiters.splice(0)) w(false)
}

function ticks(r: Running): void {
  for (const c of [...r.connections.values()]) {
    if (c.state !== UP) continue
    if (!c.wrote) c.tick()
    c.wrote = false
    if (c.gotData) c.missedTicks = 0
    else if (++c.missedTicks >= 4) {
      teardown(r, c, 'net_tick_timeout')
      continue
    }
    c.gotData = false
  }
}

/** `Node.connect`: true once connected (or already), false when the node cannot be reached. */
export function connect(node: string): Promise<boolean> {
  const r = running
  if (r === null) return Promise.resolve(false)
  if (node === r.cfg.name) return Promise.resolve(true)
  const c = connFor(node, true)
  if (c === undefined) return Promise.resolve(false)
  if (c.state === UP) return Promise.resolve(true)
  return new Promise((resolve) => c.waiters.push(resolve))
}

/** `Node.disconnect`: true when a connection was taken down. */
export function disconnect(node: string): boolean {
  const r = running
  const c = r?.connections.get(node)
  if (r === null || c === undefined) return false
  teardown(r, c, 'disconnect')
  return true
}

/** Connected nodes of a kind. */
export function connected(kind: 'visible' | 'hidden' | 'all'): string[] {
  const out: string[] = []
  if (running === null) return out
  for (const c of running.connections.values()) {
    if (c.state !== UP) continue
    if (kind === 'all' || (kind === 'visible') === c.visible) out.push(c.node)
  }
  return out
}
