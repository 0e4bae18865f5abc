/**
 * TCP sockets owned by processes, like Erlang's `gen_tcp` (OTP 25, default inet backend).
 *
 * A socket belongs to its *controlling process* (the one that connected or accepted it). In
 * passive mode (`active: false`, the default) any process may read with {@link recv} (as with
 * `:gen_tcp`); in active mode data arrives as messages to the owner: `['tcp', socket, data]`,
 * then `['tcp_closed', socket]` (or `['tcp_error', socket, reason]` followed by `tcp_closed`).
 * `active: 'once'` delivers one message and switches back to passive: re-arm it with
 * {@link setActive} — that is the flow-controlled way to use messages. When the owner exits, its
 * sockets are closed (hand one over with {@link controllingProcess} to make it outlive its
 * acceptor; its pending `tcp…` messages go with it).
 *
 * As gen_tcp does:
 * - The peer closing, or resetting the connection (gen_tcp's default `show_econnreset: false`),
 *   is a close: `['error', 'closed']` from {@link recv}, `tcp_closed` in active mode. A close seen
 *   while the socket is passive is kept: the next `recv` gets `['error', 'closed']` (after the
 *   data still buffered), or the owner gets `tcp_closed` once it makes the socket active again.
 * - `recv(socket, n)` returns exactly `n` bytes or an error: a peer that closes before `n` bytes
 *   came gives `['error', 'closed']` (the short tail is dropped), and so does a last line without
 *   its newline (`packet: 'line'`). A line longer than 64 KiB comes in 64 KiB pieces (the last
 *   one ends with the newline).
 * - `mode: 'string'` decodes UTF-8 across reads: a character split between two reads is
 *   delivered whole, with the piece that completes it.
 * - {@link close} (and an owner's exit) ends the connection gracefully: the data {@link send}
 *   accepted is still delivered, then the peer sees the close.
 *
 * Backpressure holds both ways: bytes are read from the OS only as fast as the owner takes them
 * (passive or `'once'`; `active: true` reads as fast as data comes, as in gen_tcp), and
 * {@link send} waits while the peer is not reading. Errors are OTP's: `['error', 'eaddrinuse']`,
 * `['error', 'econnrefused']`, `['error', 'nxdomain']`, `['error', 'closed']`, `['error', 'timeout']`.
 * Timeouts may be up to 2^32-1 ms, or `Infinity`.
 *
 * Not supported (yet): iolists in {@link send} (send one string or byte array), `shutdown`
 * (half-close), `peername` / `sockname`, `{active, N}`, packet types other than 0 and `'line'`,
 * binding a connecting socket's local address (gen_tcp's `{ip, A}` on connect), and most
 * `inet:setopts` options (only `active`, through {@link setActive}).
 *
 * @example
 * ```ts
 * import { Process, Tcp } from 'beamish'
 * // an echo server: one process accepts, one process per connection
 * Process.spawn(function* () {
 *   const l = yield* Tcp.listen(4040, { packet: 'line', mode: 'string' })
 *   if (l[0] !== 'ok') return console.log('cannot listen:', l[1]) // 'eaddrinuse'…
 *   for (;;) {
 *     const a = yield* Tcp.accept(l[1])
 *     if (a[0] !== 'ok') return
 *     const sock = a[1]
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
import { badArg, createError } from './internal/errors.ts'
import { Op } from './internal/runtime/op.ts'
import { type Proc, self } from './internal/runtime/proc.ts'
import type { Receive } from './internal/runtime/receive.ts'
import { checkTimeout } from './internal/runtime/receive.ts'
import { timers } from './internal/runtime/scheduler.ts'
import { type Active, type Data, Socket, type SocketOptions } from './internal/tcp.ts'
import { ListenSocket } from './internal/tcpListen.ts'
import { checkSocketOptions, errnoAtom } from './internal/tcpOptions.ts'
import { Pid } from './internal/term/pid.ts'

export type { Active, Data, SocketOptions }
export { ListenSocket, Socket }

export interface ListenOptions extends SocketOptions {
  /** Interface to bind (default `'127.0.0.1'`: loopback only): a non-empty string. */
  readonly host?: string
  /** The accept queue's length (default 511): a non-negative integer. */
  readonly backlog?: number
}

/** `host` and `backlog` are listen-only: passing them to {@link connect} is an error. */
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
 * Options are checked at the call: an unknown one, a `host` that is not a non-empty string or a
 * `backlog` that is not a non-negative integer throws `ERR_BEAMISH_INVALID_OPTION`.
 *
 * @example
 * ```ts
 * const l = yield* Tcp.listen(0, { host: '127.0.0.1', backlog: 128 })
 * if (l[0] === 'ok') console.log(Tcp.port(l[1])) // e.g. 40123
 * ```
 */
export function listen(
  port: number,
  opts?: ListenOptions,
): Receive<readonly ['ok', ListenSocket] | readonly ['error', string]> {
  const p = checkPort(port, listen)
  const o = checkSocketOptions(opts, listen, 'listen') as ListenOptions
  return new Op(function* () {
    const proc = self(listen)
    const r = yield new Promise((resolve) => {
      const server = net.createServer({ pauseOnConnect: true })
      server.once('error', (e) => resolve(['error', errnoAtom(e)]))
      server.listen({ port: p, host: o.host ?? '127.0.0.1', backlog: o.backlog ?? 511 }, () => {
        server.removeAllListeners('error')
        // An owner that died meanwhile has its listener closed at once, as its exit would have.
        const l = new ListenSocket(server, proc, o)
        resolve(l.closed ? ['error', 'closed'] : ['ok', l])
      })
    })
    return r as readonly ['ok', ListenSocket] | readonly ['error', string]
  })
}

/**
 * Waits for a connection (`timeout` ms up to 2^32-1, default Infinity). The new socket belongs
 * to the caller and inherits the listener's options. Resolves `['ok', socket]` or
 * `['error', 'timeout' | 'closed']`.
 *
 * @example
 * ```ts
 * const a = yield* Tcp.accept(listener, 5000)
 * if (a[0] === 'ok') yield* Tcp.send(a[1], 'welcome\n')
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
    return (yield listener.accept(self(accept), t)) as readonly ['ok', Socket] | readonly ['error', string]
  })
}

/**
 * Connects to `host:port`. Resolves `['ok', socket]` (owned by the caller) or `['error', reason]`
 * (`'econnrefused'`, `'nxdomain'` for a name that does not resolve, `'timeout'`…). `timeout` is in
 * ms (up to 2^32-1, default Infinity). `host` and `backlog` are listen-only options: passing them
 * here throws `ERR_BEAMISH_INVALID_OPTION` (gen_tcp:connect rejects `{backlog, N}` too).
 *
 * @example
 * ```ts
 * const c = yield* Tcp.connect('127.0.0.1', 4040, { active: true }, 5000)
 * if (c[0] === 'ok') yield* Tcp.send(c[1], 'hello\n')
 * else console.log(c[1]) // 'econnrefused', 'nxdomain', 'timeout'…
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
  const o = checkSocketOptions(opts, connect, 'connect')
  const t = checkTimeout(timeout, connect)
  return new Op(function* () {
    const proc = self(connect)
    const r = yield new Promise((resolve) => {
      const raw = net.connect({ host, port: p })
      raw.pause()
      // The runtime's timer heap: it clamps and re-arms delays past Node's 2^31-1 ms limit.
      const timer =
        t < 0
          ? null
          : timers.add(t, () => {
              raw.destroy()
              resolve(['error', 'timeout'])
            })
      raw.once('error', (e) => {
        if (timer !== null) timers.cancel(timer)
        resolve(['error', errnoAtom(e)])
      })
      raw.once('connect', () => {
        if (timer !== null) timers.cancel(timer)
        raw.removeAllListeners('error')
        // An owner that died meanwhile has its socket closed at once, as its exit would have.
        const sock = new Socket(raw, proc, o)
        resolve(sock.closed ? ['error', 'closed'] : ['ok', sock])
      })
    })
    return r as readonly ['ok', Socket] | readonly ['error', string]
  })
}

/**
 * Sends data; waits while the peer is not reading (backpressure). Resolves `'ok'` (the data is
 * queued: it reaches the peer even if the socket is closed right after) or `['error', 'closed']`.
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
 * Reads from a passive socket, waiting up to `timeout` ms (up to 2^32-1, default Infinity).
 * `length` 0 (the default) returns whatever is available; `length` n returns exactly n bytes, or
 * `['error', 'closed']` when the peer closes first (the shorter tail is dropped, as gen_tcp does).
 * With `packet: 'line'` each call returns one line (`length` is ignored), a line longer than
 * 64 KiB in 64 KiB pieces; a last line without its newline is dropped at the close. Resolves
 * `['ok', data]` (a string in `mode: 'string'`) or `['error', reason]`: `'closed'`, `'timeout'`
 * (the data stays buffered for the next call), `'einval'` (the socket is active) or `'ealready'`
 * (another process is already waiting in `recv` on it).
 *
 * @example
 * ```ts
 * const header = yield* Tcp.recv(sock, 4, 5000)
 * if (header[0] === 'ok') console.log(header[1]) // exactly 4 bytes
 * else console.log(header[1]) // 'closed' or 'timeout'
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
 * Closes a socket or a listener. Idempotent. A socket is closed gracefully, as gen_tcp:close
 * does: the data {@link send} already accepted is still delivered, then the peer sees the close
 * (a peer that reads nothing for 5 s gets the connection dropped, as in OTP). A process waiting in
 * {@link recv} or {@link accept} on it gets `['error', 'closed']`.
 *
 * @example
 * ```ts
 * yield* Tcp.send(sock, 'bye\n')
 * Tcp.close(sock) // the peer still reads 'bye\n', then its close
 * ```
 */
export function close(socket: Socket | ListenSocket): 'ok' {
  if (!(socket instanceof Socket) && !(socket instanceof ListenSocket))
    throw badArg('a socket', socket, close)
  socket.close()
  return 'ok'
}

/**
 * Makes `pid` the socket's owner: it gets the active-mode messages, and the socket closes when
 * it exits. The socket's `tcp` / `tcp_closed` / `tcp_error` messages already in the caller's
 * mailbox move, in order, to the new owner (as gen_tcp does). Returns `'ok'`, also when `pid`
 * already owns the socket (whoever asks); otherwise `['error', reason]`: `'closed'` (the socket
 * is closed), `'not_owner'` (the caller does not own it), `'badarg'` (`pid` is not a live local
 * process).
 *
 * @example
 * ```ts
 * const worker = Process.spawn(function* () {
 *   const m = yield* Process.receive(['tcp', sock, P._], ['tcp_closed', sock])
 *   console.log(m)
 * })
 * Tcp.controllingProcess(sock, worker) // 'ok'
 * ```
 */
export function controllingProcess(
  socket: Socket | ListenSocket,
  pid: Pid,
): 'ok' | readonly ['error', string] {
  if (!(socket instanceof Socket) && !(socket instanceof ListenSocket))
    throw badArg('a socket', socket, controllingProcess)
  if (!(pid instanceof Pid)) throw badArg('a pid', pid, controllingProcess)
  const me = self(controllingProcess)
  // gen_tcp's order, checked on OTP 25: closed first, then "already the owner", then not_owner.
  if (socket.closed) return ['error', 'closed']
  const target = pid.proc as Proc | null
  if (target !== null && socket.owner === target) return 'ok'
  if (socket.owner !== me) return ['error', 'not_owner']
  if (target === null || !target.alive) return ['error', 'badarg']
  socket.setOwner(target)
  return 'ok'
}

/**
 * Switches a socket between passive (`false`) and active (`true` / `'once'`) mode. Data and a
 * close that came while it was passive are delivered then (`tcp`, then `tcp_closed`). Returns
 * `'ok'`, or `['error', 'einval']` when the socket is closed (inet:setopts does the same).
 *
 * @example
 * ```ts
 * Tcp.setActive(sock, 'once') // deliver the next chunk (or line) as a message
 * const m = yield* Process.receive(['tcp', sock, P._], ['tcp_closed', sock])
 * ```
 */
export function setActive(socket: Socket, active: Active): 'ok' | readonly ['error', 'einval'] {
  const s = checkSocket(socket, setActive)
  if (active !== true && active !== false && active !== 'once')
    throw badArg("true, false or 'once'", active, setActive)
  return s.setActive(active)
}

/**
 * The port a listener is bound to. A closed listener has none: that throws
 * `ERR_BEAMISH_BADARG` (inet:port gives `{error, einval}`).
 *
 * @example
 * ```ts
 * const l = yield* Tcp.listen(0)
 * if (l[0] === 'ok') console.log(Tcp.port(l[1])) // e.g. 40123
 * ```
 */
export function port(listener: ListenSocket): number {
  if (!(listener instanceof ListenSocket)) throw badArg('a listening socket', listener, port)
  const n = listener.port
  if (n < 0)
    throw createError(
      'ERR_BEAMISH_BADARG',
      `expected an open listening socket, got: ${String(listener)}, which is closed (inet:port gives {error, einval})`,
      port,
    )
  return n
}
