/**
 * Distribution: a Beamish node speaks the Erlang distribution protocol (version 6, OTP 25+),
 * so it joins a cluster of Elixir/Erlang nodes and other Beamish nodes — no bridge.
 *
 * Once a node is started, pids, `[name, node]` pairs and aliases of other nodes work wherever a
 * local one does: `Process.send`, `link`, `monitor`, `exit`, `GenServer.call`… Connections are
 * made on demand, exactly like the BEAM's (a send to a node we are not connected to dials it).
 * Terms cross the wire with the mapping in the README ("The term model"): JS strings are
 * binaries, `Atom.of('x')` is an atom, arrays are tuples.
 *
 * Visibility: a node is **visible** by default (it appears in `Node.list()` on the BEAM, and
 * BEAM peers appear in ours). The `rex` and `global` traffic BEAM nodes send to a visible peer is
 * answered or safely ignored. Pass `hidden: true` to connect like a hidden node (`erl -hidden`).
 *
 * Security: the cookie is the only authentication, as on the BEAM; everything binds to loopback
 * unless `host` says otherwise. A peer that knows the cookie can message any registered process
 * here, but cannot run code (`spawn_request` is refused with `notsup`).
 *
 * @example
 * ```ts
 * import { GenServer, Node } from 'beamish'
 * await Node.start({ sname: 'ts', cookie: 'secret' })      // ts@localhost
 * await Node.connect('ex@localhost')                        // true
 * await GenServer.call(['echo', 'ex@localhost'], 'hi')      // a GenServer on an Elixir node
 * ```
 *
 * @module
 */
import { hostname } from 'node:os'
import { cookieProblem, resolveCookie } from './internal/dist/cookie.ts'
import { validNodeName } from './internal/dist/handshake.ts'
import * as dist from './internal/dist/node.ts'
import { monitorNode, monitorNodes as subscribe } from './internal/dist/nodeMonitors.ts'
import { badArg, createError } from './internal/errors.ts'
import { inspect } from './internal/format.ts'
import { Op } from './internal/runtime/op.ts'
import { self as selfProc } from './internal/runtime/proc.ts'
import { localNode } from './internal/term/nodeRef.ts'
import { run } from './Process.ts'

export interface StartOptions {
  /** A long name, `'ts@127.0.0.1'` (`--name`); without `@host` the host is `127.0.0.1`. */
  readonly name?: string
  /** A short name, `'ts'` → `'ts@localhost'` (`--sname`); `'ts@myhost'` is kept as is. */
  readonly sname?: string
  /** The cookie; default `BEAMISH_COOKIE`, else `~/.erlang.cookie` (created if missing), like `erl`. */
  readonly cookie?: string
  /** Connect as a hidden node (not in peers' `Node.list()`). Default false. */
  readonly hidden?: boolean
  /** The interface to listen on (and to run an embedded EPMD on). Default `'127.0.0.1'`. */
  readonly host?: string
  /** The distribution port. Default 0: any free port (EPMD tells peers which). */
  readonly port?: number
  /** EPMD's port. Default `ERL_EPMD_PORT`, else 4369. */
  readonly epmdPort?: number
  /** OTP's `net_ticktime` in seconds (default 60): a silent peer is dropped after 45–60 s. */
  readonly netTickTime?: number
}

const OPTIONS = ['name', 'sname', 'cookie', 'hidden', 'host', 'port', 'epmdPort', 'netTickTime']

function invalidOption(what: string, got: unknown, caller: Function): never {
  throw badArg(what, got, caller, 'ERR_BEAMISH_INVALID_OPTION')
}

function checkPort(v: unknown, what: string, min: number): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= 65535) return v
  return invalidOption(`${what} to be an integer from ${min} to 65535`, v, start)
}

function nodeName(opts: StartOptions): string {
  if ((opts.name === undefined) === (opts.sname === undefined)) {
    throw createError(
      'ERR_BEAMISH_INVALID_NODE_NAME',
      `expected exactly one of the name (long) and sname (short) options, got: ${inspect(opts)}`,
      start,
    )
  }
  const long = opts.name !== undefined
  const raw = long ? opts.name : opts.sname
  if (typeof raw !== 'string' || raw.length === 0) {
    throw badArg(
      `a node name string for ${long ? 'name' : 'sname'}`,
      raw,
      start,
      'ERR_BEAMISH_INVALID_NODE_NAME',
    )
  }
  const full = raw.includes('@') ? raw : `${raw}@${long ? '127.0.0.1' : 'localhost'}`
  const host = full.slice(full.indexOf('@') + 1)
  if (!validNodeName(full) || (!long && host.includes('.') && !/^[\d.]+$/.test(host))) {
    throw createError(
      'ERR_BEAMISH_INVALID_NODE_NAME',
      `expected a node name like ${long ? '"ts@127.0.0.1"' : '"ts" or "ts@localhost"'} (a short name's host has no dots), got: ${inspect(raw)}`,
      start,
    )
  }
  return full
}

function config(opts: StartOptions): dist.NodeConfig {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    invalidOption('start options to be an object', opts, start)
  }
  for (const k of Object.keys(opts)) {
    if (!OPTIONS.includes(k)) {
      throw createError(
        'ERR_BEAMISH_INVALID_OPTION',
        `unknown option ${JSON.stringify(k)} for Node.start. The valid options are:\n\n${OPTIONS.map((o) => `  * ${o}`).join('\n')}\n`,
        start,
      )
    }
  }
  const name = nodeName(opts)
  if (opts.cookie !== undefined && typeof opts.cookie !== 'string')
    invalidOption('the cookie to be a string', opts.cookie, start)
  const cookie = resolveCookie(opts.cookie)
  const problem = cookieProblem(cookie)
  if (problem !== undefined)
    throw createError('ERR_BEAMISH_INVALID_OPTION', `invalid cookie: ${problem}`, start)
  if (opts.hidden !== undefined && typeof opts.hidden !== 'boolean')
    invalidOption('hidden to be a boolean', opts.hidden, start)
  if (opts.host !== undefined && (typeof opts.host !== 'string' || opts.host === '')) {
    invalidOption('host to be an interface address such as "127.0.0.1"', opts.host, start)
  }
  const envPort = process.env.ERL_EPMD_PORT
  const tick = opts.netTickTime ?? 60
  if (typeof tick !== 'number' || !(tick > 0) || !Number.isFinite(tick)) {
    invalidOption('netTickTime to be a positive number of seconds', tick, start)
  }
  return {
    name,
    cookie,
    hidden: opts.hidden === true,
    host: opts.host ?? '127.0.0.1',
    port: opts.port === undefined ? 0 : checkPort(opts.port, 'port', 0),
    epmdPort:
      opts.epmdPort !== undefined
        ? checkPort(opts.epmdPort, 'epmdPort', 1)
        : envPort !== undefined && envPort !== ''
          ? checkPort(Number(envPort), 'ERL_EPMD_PORT', 1)
          : 4369,
    netTickTime: tick,
  }
}

function promiseOp<T>(make: () => Promise<T>): Op<T> {
  return new Op(function* () {
    return (yield make()) as T
  })
}

/**
 * Turns this runtime into a distributed node: listens (loopback by default), registers in EPMD
 * (starting an embedded EPMD when none listens, so no Erlang install is needed), and from then on
 * local pids carry the node's name. Resolves `['ok', nodeName]`, or `['error', reason]`
 * (`'duplicate_name'` when the name is taken, `'already_started'`, a socket error such as
 * `'eaddrinuse'`). Bad options throw `ERR_BEAMISH_INVALID_OPTION` / `ERR_BEAMISH_INVALID_NODE_NAME`.
 *
 * @example
 * ```ts
 * const [ok, name] = await Node.start({ sname: 'ts', cookie: 'secret' }) // ['ok', 'ts@localhost']
 * ```
 */
export function start(opts: StartOptions): Op<['ok', string] | ['error', unknown]> {
  const cfg = config(opts)
  return promiseOp(() => dist.start(cfg))
}

/**
 * Stops distribution: every connection goes down (linked processes get `noconnection`, monitors
 * `DOWN … noconnection`), the node leaves EPMD, and the node name is `nonode@nohost` again.
 *
 * @example
 * ```ts
 * await Node.stop() // 'ok'
 * ```
 */
export function stop(): Op<'ok' | ['error', 'not_found']> {
  return promiseOp(() => dist.stop())
}

/**
 * This node's name (`'nonode@nohost'` when not started), Elixir's `Node.self()`.
 *
 * @example
 * ```ts
 * Node.self() // 'ts@localhost'
 * ```
 */
export function self(): string {
  return localNode.name
}

/**
 * True when distribution is started.
 *
 * @example
 * ```ts
 * if (!Node.alive()) await Node.start({ sname: 'ts' })
 * ```
 */
export function alive(): boolean {
  return dist.running !== null
}

export type ListKind = 'visible' | 'hidden' | 'connected' | 'this' | 'known'

/**
 * Connected nodes (Elixir's `Node.list/1`): `'visible'` (default), `'hidden'`, `'connected'`
 * (both), `'this'` (this node), or several kinds in an array.
 *
 * @example
 * ```ts
 * Node.list()                       // ['ex@myhost']
 * Node.list(['visible', 'hidden'])  // every connected node
 * ```
 */
export function list(kind: ListKind | readonly ListKind[] = 'visible'): string[] {
  const kinds = typeof kind === 'string' ? [kind] : kind
  if (
    !Array.isArray(kinds) ||
    kinds.some((k) => !['visible', 'hidden', 'connected', 'this', 'known'].includes(k))
  ) {
    throw badArg('"visible", "hidden", "connected", "this", "known" or an array of them', kind, list)
  }
  const out = new Set<string>()
  for (const k of kinds) {
    if (k === 'this' || k === 'known') {
      if (alive()) out.add(localNode.name)
      if (k === 'this') continue
    }
    const which = k === 'visible' ? 'visible' : k === 'hidden' ? 'hidden' : 'all'
    for (const n of dist.connected(which)) out.add(n)
  }
  return [...out]
}

function checkNode(node: unknown, caller: Function): string {
  if (typeof node === 'string' && validNodeName(node)) return node
  throw badArg('a node name such as "ex@localhost"', node, caller, 'ERR_BEAMISH_INVALID_NODE_NAME')
}

/**
 * Connects to `node` (EPMD lookup + handshake). Resolves true once connected (or if already),
 * false when it cannot be reached or refuses us (a wrong cookie, say), `'ignored'` when this
 * node is not started.
 *
 * @example
 * ```ts
 * yield* Node.connect('ex@localhost') // true
 * ```
 */
export function connect(node: string): Op<boolean | 'ignored'> {
  const n = checkNode(node, connect)
  return promiseOp(async () => (alive() ? dist.connect(n) : 'ignored'))
}

/**
 * Drops the connection to `node` (both sides see it go down). True if there was one, false if
 * not, `'ignored'` when this node is not started.
 *
 * @example
 * ```ts
 * Node.disconnect('ex@localhost') // true
 * ```
 */
export function disconnect(node: string): boolean | 'ignored' {
  const n = checkNode(node, disconnect)
  return alive() ? dist.disconnect(n) : 'ignored'
}

/**
 * `net_adm:ping/1`: `'pong'` if `node` can be connected to, else `'pang'`.
 *
 * @example
 * ```ts
 * await Node.ping('ex@localhost') // 'pong'
 * ```
 */
export function ping(node: string): Op<'pong' | 'pang'> {
  const n = checkNode(node, ping)
  return promiseOp(async () => ((await dist.connect(n)) ? 'pong' : 'pang'))
}

/**
 * Monitors the connection to `node` for the calling process (Elixir's `Node.monitor/2`): when it
 * goes down, or at once if it cannot be made, the caller gets `['nodedown', node]`, once per
 * call with `true`. `false` removes one such monitor.
 *
 * @example
 * ```ts
 * Node.monitor('ex@localhost')
 * yield* Process.receive(['nodedown', 'ex@localhost'])
 * ```
 */
export function monitor(node: string, flag = true): true {
  const n = checkNode(node, monitor)
  if (typeof flag !== 'boolean') throw badArg('a boolean flag', flag, monitor)
  const p = selfProc(monitor)
  if (n === localNode.name && alive()) return true
  monitorNode(p, n, dist.connFor(n, flag), flag)
  return true
}

export interface MonitorNodesOptions {
  /** Which connections to report (default `'visible'`); given, messages get a third element `{ nodeType }`. */
  readonly nodeType?: 'visible' | 'hidden' | 'all'
}

/**
 * Subscribes the caller to `['nodeup', node]` / `['nodedown', node]` for every connection
 * (Erlang's `net_kernel:monitor_nodes/2`); `false` unsubscribes.
 *
 * @example
 * ```ts
 * Node.monitorNodes(true, { nodeType: 'all' })
 * const [, node, { nodeType }] = yield* Process.receive(['nodeup', P.string, P._])
 * ```
 */
export function monitorNodes(flag: boolean, opts?: MonitorNodesOptions): 'ok' {
  if (typeof flag !== 'boolean') throw badArg('a boolean flag', flag, monitorNodes)
  const type = opts?.nodeType
  if (type !== undefined && type !== 'visible' && type !== 'hidden' && type !== 'all') {
    throw badArg(
      'nodeType to be "visible", "hidden" or "all"',
      type,
      monitorNodes,
      'ERR_BEAMISH_INVALID_OPTION',
    )
  }
  subscribe(selfProc(monitorNodes), flag, type ?? 'visible', type !== undefined)
  return 'ok'
}

/**
 * This node's cookie, or undefined when not started (Elixir's `Node.get_cookie/0`).
 *
 * @example
 * ```ts
 * Node.getCookie() // 'secret'
 * ```
 */
export function getCookie(): string | undefined {
  return dist.running?.cfg.cookie
}

/**
 * The machine's short host name: what `erl -sname x` / `iex --sname x` put after the `@`.
 *
 * @example
 * ```ts
 * await Node.connect(`ex@${Node.shortHostname()}`) // an `iex --sname ex` on this machine
 * ```
 */
export function shortHostname(): string {
  return hostname().split('.')[0]!
}
// The CLI (`npx beamish app.ts`) must start *the app's* copy of Beamish when the app was loaded
// from another path (src/ through tsx, say); it finds that copy here.
;(globalThis as Record<symbol, unknown>)[Symbol.for('beamish.Node')] ??= { start, stop, self, run }
