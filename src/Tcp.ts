/**
 * TCP sockets owned by processes, like Erlang's `gen_tcp`.
 *
 * A socket belongs to its *controlling process* (the one that connected or accepted it). In
 * passive mode (`active: false`, the default) any process may read with {@link recv} (as with
 * `:gen_tcp`); in active mode data arrives as messages to the owner: `['tcp', socket, data]`,
 * then `['tcp_closed', socket]` (or `['tcp_error', socket, reason]`). `active: 'once'` delivers
 * one message and switches back to passive: re-arm it with {@link setActive} — that is the
 * flow-controlled way to use messages. When the owner exits, its sockets are closed (hand one
 * over with {@link controllingProcess} to make it outlive its acceptor).
 *
 * Backpressure holds both ways: bytes are read from the OS only as fast as the owner takes them,
 * and {@link send} waits while the peer is not reading. Errors are OTP's: `['error', 'eaddrinuse']`,
 * `['error', 'econnrefused']`, `['error', 'closed']`, `['error', 'timeout']`.
 *
 * @example
 * ```ts
 * import { Process, Tcp } from 'beamish'
 * // an echo server: one process accepts, one process per connection
 * Process.spawn(function* () {
 *   const [, listener] = yield* Tcp.listen(4040, { packet: 'line', mode: 'string' })
 *   for (;;) {
 *     const [, sock] = yield* Tcp.accept(listener)
 *     const worker = Process.spawn(function* () {
 *       for (;;) {
 *         const r = yield* Tcp.recv(sock)
 *         if (r[0] === 'error') return
 *         yield* Tcp.send(sock, r[1])
 *       }
 *     })
 *     Tcp.controllingProcess(sock, worker)
 *   }
 * })
 * ```
 *
 * @module
 */
import * as net from 'node:net'
import { badArg } from './internal/errors.ts'
import { Op } from './internal/runtime/op.ts'
import type { Proc } from './internal/runtime/proc.ts'
import type { Receive } from './internal/runtime/receive.ts'
import { checkTimeout } from './internal/runtime/receive.ts'
import {
  type Active,
  checkSocketOptions,
  type Data,
  errnoAtom,
  ListenSocket,
  owner,
  Socket,
  type SocketOptions,
} from './internal/tcp.ts'
import { Pid } from './internal/term/pid.ts'

export type { Active, Data, SocketOptions }
export { ListenSocket, Socket }

export interface ListenOptions extends SocketOptions {
  /** Interface to bind (default `'127.0.0.1'`: loopback only). */
  readonly host?: string
  readonly backlog?: number
}

export interface ConnectOptions extends SocketOptions {}

function checkPort(port: unknown, caller: Function): number {
  if (typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535) return port
  throw badArg('a port number from 0 to 65535 (0 = any free port)', port, caller)
}

function checkSocket(s: unknown, caller: Function): Socket {
  if (s instanceof Socket) return s
  throw badArg('a socket from Tcp.connect or Tcp.accept', s, caller)
}

/**
 * Listens on `port` (0 picks a free one; read it with {@link port}). Resolves `['ok', listener]`
 * or `['error', reason]` (`'eaddrinuse'`, `'eacces'`…). The listener belongs to the caller.
 *
 * @example
 * ```ts
 * const [, listener] = yield* Tcp.listen(0)
 * console.log(Tcp.port(listener))
 * ```
 */
export function listen(
  port: number,
  opts?: ListenOptions,
): Receive<readonly ['ok', ListenSocket] | readonly ['error', string]> {
  const p = checkPort(port, listen)
  const o = checkSocketOptions(opts, listen) as ListenOptions
  return new Op(function* () {
    const proc = owner(listen)
    const r = yield new Promise((resolve) => {
      const server = net.createServer({ pauseOnConnect: true })
      server.once('error', (e) => resolve(['error', errnoAtom(e)]))
      server.listen({ port: p, host: o.host ?? '127.0.0.1', backlog: o.backlog ?? 511 }, () => {
        server.removeAllListeners('error')
        // The owner died while we listened: the socket would be its, so it closes with it.
        if (!proc.alive) {
          server.close()
          resolve(['error', 'closed'])
        } else resolve(['ok', new ListenSocket(server, proc, o)])
      })
    })
    return r as readonly ['ok', ListenSocket] | readonly ['error', string]
  })
}

/**
 * Waits for a connection (`timeout` ms, default Infinity). The new socket belongs to the caller
 * and inherits the listener's options.
 *
 * @example
 * ```ts
 * const [, socket] = yield* Tcp.accept(listener)
 * ```
 */
export function accept(
  listener: ListenSocket,
  timeout: number = Number.POSITIVE_INFINITY,
): Receive<readonly ['ok', Socket] | readonly ['error', string]> {
  if (!(listener instanceof ListenSocket))
    throw badArg('a listening socket from Tcp.listen', listener, accept)
  const t = checkTimeout(timeout, accept)
  return new Op(function* () {
    return (yield listener.accept(owner(accept), t)) as readonly ['ok', Socket] | readonly ['error', string]
  })
}

/**
 * Connects to `host:port`. Resolves `['ok', socket]` (owned by the caller) or `['error', reason]`
 * (`'econnrefused'`, `'timeout'`…).
 *
 * @example
 * ```ts
 * const [, sock] = yield* Tcp.connect('127.0.0.1', 4040, { active: true })
 * ```
 */
export function connect(
  host: string,
  port: number,
  opts?: ConnectOptions,
  timeout: number = Number.POSITIVE_INFINITY,
): Receive<readonly ['ok', Socket] | readonly ['error', string]> {
  if (typeof host !== 'string' || host === '') throw badArg('a host name or address', host, connect)
  const p = checkPort(port, connect)
  const o = checkSocketOptions(opts, connect)
  const t = checkTimeout(timeout, connect)
  return new Op(function* () {
    const proc = owner(connect)
    const r = yield new Promise((resolve) => {
      const raw = net.connect({ host, port: p })
      raw.pause()
      const timer =
        t < 0
          ? null
          : setTimeout(() => {
              raw.destroy()
              resolve(['error', 'timeout'])
            }, t)
      raw.once('error', (e) => {
        if (timer !== null) clearTimeout(timer)
        resolve(['error', errnoAtom(e)])
      })
      raw.once('connect', () => {
        if (timer !== null) clearTimeout(timer)
        raw.removeAllListeners('error')
        if (!proc.alive) {
          raw.destroy()
          resolve(['error', 'closed'])
        } else resolve(['ok', new Socket(raw, proc, o)])
      })
    })
    return r as readonly ['ok', Socket] | readonly ['error', string]
  })
}

/**
 * Sends data; waits while the peer is not reading (backpressure). Resolves `'ok'` or
 * `['error', 'closed']`.
 *
 * @example
 * ```ts
 * yield* Tcp.send(sock, 'hello\n')
 * ```
 */
export function send(socket: Socket, data: Uint8Array | string): Receive<'ok' | readonly ['error', string]> {
  const s = checkSocket(socket, send)
  if (typeof data !== 'string' && !(data instanceof Uint8Array))
    throw badArg('a string or bytes to send', data, send)
  return new Op(function* () {
    return (yield s.send(data)) as 'ok' | readonly ['error', string]
  })
}

/**
 * Reads from a passive socket: `length` bytes (0 = whatever is available; with `packet: 'line'`,
 * one line), waiting up to `timeout` ms. Resolves `['ok', data]` or `['error', 'closed' | 'timeout']`.
 *
 * @example
 * ```ts
 * const r = yield* Tcp.recv(sock, 0, 5000)
 * if (r[0] === 'ok') console.log(r[1])
 * ```
 */
export function recv(
  socket: Socket,
  length = 0,
  timeout: number = Number.POSITIVE_INFINITY,
): Receive<readonly ['ok', Data] | readonly ['error', string]> {
  const s = checkSocket(socket, recv)
  if (!Number.isInteger(length) || length < 0)
    throw badArg('a length: a non-negative integer (0 = any)', length, recv)
  const t = checkTimeout(timeout, recv)
  return new Op(function* () {
    return (yield s.recv(length, t)) as readonly ['ok', Data] | readonly ['error', string]
  })
}

/**
 * Closes a socket or a listener. Idempotent.
 *
 * @example
 * ```ts
 * Tcp.close(sock)
 * ```
 */
export function close(socket: Socket | ListenSocket): 'ok' {
  if (!(socket instanceof Socket) && !(socket instanceof ListenSocket))
    throw badArg('a socket', socket, close)
  socket.close()
  return 'ok'
}

/**
 * Makes `pid` the socket's owner (it gets the active-mode messages, and the socket closes when
 * it exits). Only the current owner may do this: otherwise `['error', 'not_owner']`.
 *
 * @example
 * ```ts
 * Tcp.controllingProcess(sock, worker)
 * ```
 */
export function controllingProcess(
  socket: Socket | ListenSocket,
  pid: Pid,
): 'ok' | readonly ['error', string] {
  if (!(socket instanceof Socket) && !(socket instanceof ListenSocket))
    throw badArg('a socket', socket, controllingProcess)
  if (!(pid instanceof Pid)) throw badArg('a pid', pid, controllingProcess)
  const me = owner(controllingProcess)
  if (socket.owner !== me) return ['error', 'not_owner']
  const target = pid.proc as Proc | null
  if (target === null || !target.alive) return ['error', 'badarg']
  if (socket.closed) return ['error', 'closed']
  socket.setOwner(target)
  return 'ok'
}

/**
 * Switches a socket between passive (`false`) and active (`true` / `'once'`) mode.
 *
 * @example
 * ```ts
 * Tcp.setActive(sock, 'once')  // deliver the next chunk as a message
 * ```
 */
export function setActive(socket: Socket, active: Active): 'ok' {
  const s = checkSocket(socket, setActive)
  if (active !== true && active !== false && active !== 'once')
    throw badArg("true, false or 'once'", active, setActive)
  s.setActive(active)
  return 'ok'
}

/**
 * The port a listener is bound to.
 *
 * @example
 * ```ts
 * Tcp.port(listener) // 40123
 * ```
 */
export function port(listener: ListenSocket): number {
  if (!(listener instanceof ListenSocket)) throw badArg('a listening socket', listener, port)
  return listener.port
}
