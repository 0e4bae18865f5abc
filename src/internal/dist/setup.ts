import * as net from 'node:net'
import { type EpmdAddress, portPlease } from './epmdClient.ts'
import { Handshake, type PeerInfo, type Status } from './handshake.ts'

/**
 * Connection setup over sockets: dialing (EPMD lookup, TCP connect, handshake as initiator) and
 * accepting (handshake as acceptor). Every step is bounded by the setup time (OTP's
 * `net_setuptime`, 7 s); until the handshake says `up`, the socket's bytes go to the handshake
 * state machine only.
 */

export const SETUP_MS = 7000

export interface Identity {
  readonly name: string
  readonly flags: bigint
  readonly creation: number
  readonly cookie: string
}

export interface Established {
  readonly socket: net.Socket
  readonly peer: PeerInfo
  /** Bytes that came right after the handshake (the first frames). */
  readonly rest: Buffer
}

/** The failure of a setup: `reason` is stable text (`'nok'`, `'invalid challenge reply'`…). */
export class SetupError extends Error {
  readonly reason: string
  readonly peer: string | undefined
  constructor(reason: string, peer?: string) {
    super(reason)
    this.name = 'SetupError'
    this.reason = reason
    this.peer = peer
  }
}

/** Where `host` is: `localhost` is pinned to 127.0.0.1 so it matches loopback-only listeners. */
export function resolveHost(host: string): string {
  return host === 'localhost' ? '127.0.0.1' : host
}

/** Runs a handshake over `sock` until it is up or fails. */
function drive(sock: net.Socket, hs: Handshake, signal: { cancelled: boolean }): Promise<Established> {
  return new Promise((resolve, reject) => {
    let done = false
    const finish = (err: SetupError | null, rest?: Buffer) => {
      if (done) return
      done = true
      clearTimeout(timer)
      sock.removeListener('data', onData)
      sock.removeListener('close', onClose)
      sock.removeListener('error', onError)
      if (err !== null) {
        sock.on('error', () => {})
        sock.end()
        sock.destroy()
        reject(err)
      } else {
        // Paused until the connection takes it over: no byte may be lost in between.
        sock.pause()
        sock.on('error', () => {})
        resolve({ socket: sock, peer: peerOf(), rest: rest! })
      }
    }
    let peer: PeerInfo | undefined
    const peerOf = () => peer!
    const write = () => {
      for (const b of hs.takeOutput()) sock.write(b)
    }
    const onData = (chunk: Buffer) => {
      if (signal.cancelled) return finish(new SetupError('cancelled', hs.peerName))
      const step = hs.feed(chunk)
      write()
      if (step.kind === 'up') {
        peer = step.peer
        finish(null, step.rest)
      } else if (step.kind === 'failed') finish(new SetupError(step.reason, step.peer))
    }
    const onClose = () => finish(new SetupError('connection closed during the handshake', hs.peerName))
    const onError = (e: NodeJS.ErrnoException) => finish(new SetupError(e.code ?? e.message, hs.peerName))
    const timer = setTimeout(() => finish(new SetupError('setup timeout', hs.peerName)), SETUP_MS)
    sock.on('data', onData)
    sock.on('close', onClose)
    sock.on('error', onError)
    write()
  })
}

/** A dial that can be cancelled (a simultaneous connect from the peer won). */
export interface Dial {
  readonly result: Promise<Established>
  cancel(): void
}

/**
 * Dials `node` (`alive@host`): asks EPMD on its host for the port, connects, runs the handshake
 * as initiator.
 *
 * @example
 * const d = dial(me, 'ex@localhost', 4369); const { socket, peer } = await d.result
 */
export function dial(me: Identity, node: string, epmdPort: number): Dial {
  const signal = { cancelled: false }
  let sock: net.Socket | null = null
  const result = (async () => {
    const at = node.indexOf('@')
    const alive = node.slice(0, at)
    const host = resolveHost(node.slice(at + 1))
    const epmd: EpmdAddress = { host, port: epmdPort }
    let entry: Awaited<ReturnType<typeof portPlease>>
    try {
      // Bounded like every other step: the lookup's own deadline is the setup time.
      entry = await portPlease(epmd, alive, SETUP_MS)
    } catch (e) {
      throw new SetupError(`epmd on ${host} unreachable (${(e as NodeJS.ErrnoException).code ?? e})`, node)
    }
    if (entry === null) throw new SetupError('not registered in epmd', node)
    if (entry.highest < 6) throw new SetupError('the node does not speak distribution version 6', node)
    if (signal.cancelled) throw new SetupError('cancelled', node)
    const s = net.connect({ host, port: entry.port })
    sock = s
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        s.destroy()
        reject(new SetupError('connect timeout', node))
      }, SETUP_MS)
      s.once('connect', () => {
        clearTimeout(t)
        resolve()
      })
      s.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(t)
        reject(new SetupError(e.code ?? e.message, node))
      })
    })
    if (signal.cancelled) {
      s.destroy()
      throw new SetupError('cancelled', node)
    }
    const hs = new Handshake({ role: 'initiator', ...me, peer: node })
    return drive(s, hs, signal)
  })()
  return {
    result,
    cancel() {
      signal.cancelled = true
      sock?.destroy()
    },
  }
}

/**
 * Runs the acceptor side on an incoming socket. `decide` gives the status for an authenticated
 * name candidate (before the challenge: the name is not trusted yet and creates nothing).
 */
export function accept(
  me: Identity,
  sock: net.Socket,
  decide: (peer: PeerInfo) => Status,
): Promise<Established> {
  const hs = new Handshake({ role: 'acceptor', ...me, decide })
  return drive(sock, hs, { cancelled: false })
}
