import { badArg, createError, ExitError } from './errors.ts'
import { inspect } from './format.ts'
import { copyMessage } from './runtime/copy.ts'
import { downReason } from './runtime/monitors.ts'
import { claim, names, release } from './runtime/names.ts'
import { Op } from './runtime/op.ts'
import { checkSenderAlive, current, currentProc, EXITING, type Proc, self } from './runtime/proc.ts'
import { CUSTOM_HANDLERS, type CustomReceive, K_CUSTOM, type Receive, ReceiveOp } from './runtime/receive.ts'
import { deliver } from './runtime/scheduler.ts'
import * as sig from './runtime/signals.ts'
import { sendTo } from './runtime/spawn.ts'
import { sameTerm } from './term/equal.ts'
import { List } from './term/misc.ts'
import { localNode } from './term/nodeRef.ts'
import { Pid } from './term/pid.ts'
import { Ref } from './term/ref.ts'

/**
 * The generic machinery every behaviour shares (OTP's `gen`): name registration and lookup
 * (local, `via`, and a hook for global names), `call` = monitor + tagged send + the first of
 * reply / DOWN / timeout, `reply`, and `stop`. Wire shapes are OTP's own, so a BEAM node can
 * call a Beamish server and back without translation:
 *
 *   request `['$gen_call', [callerPid, tag], request]`, tag = the improper list `[alias | mref]`,
 *   reply `[tag, reply]` sent to the alias; cast `['$gen_cast', request]`.
 */

/** A `via` registry (Elixir's `{:via, module, term}`): `Registry` implements it. */
export interface ViaModule {
  registerName(key: unknown, pid: Pid): boolean
  unregisterName(key: unknown): void
  whereisName(key: unknown): Pid | undefined
}

/** A global name registry (`{:global, term}`); installed by distribution. */
export let globalNames: ViaModule | null = null
export function setGlobalNames(g: ViaModule | null): void {
  globalNames = g
}

/** How a server may be named at start. */
export type Name = string | { readonly via: ViaModule; readonly key: unknown } | { readonly global: unknown }

/** What `call`/`cast`/`stop` accept: a pid, a name, or `[name, node]` for a name on another node. */
export type ServerRef = Pid | Name | readonly [string, string]

/** `[callerPid, tag]`: who to `reply` to. */
export type From = readonly [Pid, unknown]

/** Validates the `name` start option with Elixir's error text. */
export function checkName(name: unknown, caller: Function): Name | undefined {
  if (name === undefined || name === null) return undefined
  if (typeof name === 'string' && name.length > 0 && name !== 'undefined') return name
  if (typeof name === 'object' && !Array.isArray(name)) {
    const o = name as Record<string, unknown>
    if ('via' in o && 'key' in o && isVia(o.via)) return name as Name
    if ('global' in o && Object.keys(o).length === 1) return name as Name
  }
  throw createError(
    'ERR_BEAMISH_INVALID_NAME',
    `expected the name option to be one of the following:\n\n  * undefined (no name)\n  * a string (a local name)\n  * { global: term }\n  * { via: module, key: term } (module implements registerName, unregisterName, whereisName)\n\nGot: ${inspect(name)}`,
    caller,
  )
}

export function isVia(v: unknown): v is ViaModule {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as ViaModule).registerName === 'function' &&
    typeof (v as ViaModule).whereisName === 'function' &&
    typeof (v as ViaModule).unregisterName === 'function'
  )
}

/** Registers `pid` under `name`; returns the pid already holding it on a clash, else undefined. */
export function registerName(name: Name, pid: Pid): Pid | undefined {
  if (typeof name === 'string') {
    const holder = names.get(name)
    if (holder !== undefined) return holder.pid
    claim(name, pid.proc as Proc)
    return undefined
  }
  const reg = 'via' in name ? name.via : globalNames
  const key = 'via' in name ? name.key : name.global
  if (reg === null)
    throw createError('ERR_BEAMISH_INVALID_NAME', 'global names need distribution (Node.start) first')
  if (reg.registerName(key, pid)) return undefined
  return reg.whereisName(key) ?? pid
}

/**
 * Releases `name` if `holder` still holds it. Why the check: the server may have given the name
 * up (or its via registry moved it) while running, and its stop must not take it from the new owner.
 */
export function unregisterName(name: Name | undefined, holder: Pid): void {
  if (name === undefined) return
  if (typeof name === 'string') {
    const p = names.get(name)
    if (p !== undefined && p.pid === holder) release(name, p)
    return
  }
  const reg = 'via' in name ? name.via : globalNames
  if (reg === null) return
  const key = 'via' in name ? name.key : name.global
  const pid = reg.whereisName(key)
  if (pid !== undefined && Pid.equals(pid, holder)) reg.unregisterName(key)
}

/** Resolves a server reference to a pid, a remote `[name, node]`, or undefined (noproc). */
export function whereis(server: ServerRef): Pid | readonly [string, string] | undefined {
  if (server instanceof Pid) return server
  if (typeof server === 'string') return names.get(server)?.pid
  if (Array.isArray(server)) {
    const [n, node] = server as readonly [string, string]
    if (node === localNode.name) return names.get(n)?.pid
    return server as readonly [string, string]
  }
  const o = server as Exclude<Name, string>
  if ('via' in o) return o.via.whereisName(o.key)
  return globalNames?.whereisName(o.global)
}

export function checkServer(server: unknown, caller: Function): ServerRef {
  if (
    server instanceof Pid ||
    (typeof server === 'string' && server.length > 0) ||
    (Array.isArray(server) &&
      server.length === 2 &&
      typeof server[0] === 'string' &&
      typeof server[1] === 'string') ||
    (typeof server === 'object' &&
      server !== null &&
      !Array.isArray(server) &&
      (('via' in server && 'key' in server && isVia(server.via)) || 'global' in server))
  ) {
    return server as ServerRef
  }
  throw badArg('a server: a pid, a registered name, [name, node], { via, key } or { global }', server, caller)
}

export function checkCallTimeout(t: unknown, caller: Function): number {
  if (t === Number.POSITIVE_INFINITY || t === 'infinity') return -1
  if (typeof t === 'number' && Number.isInteger(t) && t >= 0) return t
  throw badArg(
    'a timeout: a non-negative integer of milliseconds or Infinity',
    t,
    caller,
    'ERR_BEAMISH_INVALID_TIMEOUT',
  )
}

/** The exception a failed call raises in the caller: `[reason, [mod, fn, args]]`, Elixir's shape. */
export function callExit(reason: unknown, mod: string, fn: string, args: unknown[]): ExitError {
  return new ExitError([reason, [mod, fn, args]])
}

// Why one shared head: every call tag is the improper list `[alias | mref]`, and its head never
// changes, so the tag costs one List per call instead of a List and an array.
const ALIAS_HEAD: readonly unknown[] = Object.freeze(['alias'])

/**
 * `call` as a generator, for the callers that need one (system calls, a call run from outside
 * any process by `Op`); the protocol itself is `Call`'s.
 */
export function* doCall(
  server: ServerRef,
  request: unknown,
  timeout: number,
  mod: string,
  timeoutArg: unknown,
  kind: '$gen_call' | 'system' = '$gen_call',
): Generator<unknown, unknown, unknown> {
  return yield* new Call().start(self(doCall), server, request, timeout, mod, timeoutArg, kind)
}

/**
 * `call(server, request, timeout)`, OTP 25's protocol: the caller monitors the server with an
 * alias, sends `$gen_call` tagged `[alias | mref]` and waits for the reply or the DOWN; on timeout
 * it removes the monitor and alias, so a late reply is dropped before it reaches the mailbox
 * (AL2). The request goes out in `start`; the object is then the K_CUSTOM receive
 * for the reply. Why one object: a generator, closures and arrays per call cost more than the
 * rest of a call. A failure found before sending (noproc, calling_self) becomes a receive with
 * timeout 0 whose expiry throws it, so it surfaces where the call is yielded or awaited.
 */
class Call extends ReceiveOp<unknown> implements CustomReceive {
  // `declare`: set in `start` only (see ReceiveOp on class-field initializers).
  declare private p: Proc
  declare private server: ServerRef
  declare private request: unknown
  declare private mod: string
  declare private timeoutArg: unknown
  declare private dest: Pid | readonly [string, string] | undefined
  declare private mref: Ref | null
  declare private tag: List | null
  declare private failure: unknown
  /**
   * Finished (replied, failed or timed out) and its result handed over: the process may reuse
   * this object for its next call. Why pool calls: a process has at most one call it waits in
   * (a call made while another is still pending gets its own object), and allocating the op
   * was a tenth of the cost of a call.
   */
  declare free: boolean

  constructor() {
    super(null, null, -1, null, -1)
  }

  /** Sends the request and sets the receive up for its reply (also when the object is reused). */
  start(
    p: Proc,
    server: ServerRef,
    request: unknown,
    timeout: number,
    mod: string,
    timeoutArg: unknown,
    kind: '$gen_call' | 'system',
  ): this {
    this.kind = K_CUSTOM
    this.m = this
    this.hs = CUSTOM_HANDLERS
    this.timeout = timeout
    this.resetFlight()
    this.free = false
    this.p = p
    this.server = server
    this.request = request
    this.mod = mod
    this.timeoutArg = timeoutArg
    // The common case first, kept small so that it is inlined into the caller: a live local
    // server (by pid) other than the caller itself (measured: ~3–5 % of a call).
    const q = server instanceof Pid ? (server.proc as Proc | null) : null
    if (q !== null && q.status < EXITING && q !== p) {
      // The copy before the monitor: a request that cannot be copied throws and leaves none.
      const req = copyMessage(request)
      this.dest = server as Pid
      this.failure = undefined
      deliver(q, [kind, [p.pid, this.arm(sig.monitorProc(p, q, 'demonitor'))], req])
      return this
    }
    return this.startOther(p, server, request, kind)
  }

  /** `start` for a name, a remote or dead server, or the caller itself. */
  private startOther(p: Proc, server: ServerRef, request: unknown, kind: '$gen_call' | 'system'): this {
    const dest = whereis(server)
    this.dest = dest
    if (dest === undefined || dest === p.pid) {
      this.failure = dest === undefined ? 'noproc' : 'calling_self'
      this.mref = null
      this.tag = null
      this.mark = -1
      this.timeout = 0
      return this
    }
    // The copy before the monitor, as in `start`.
    const req = copyMessage(request)
    this.failure = undefined
    const q = dest instanceof Pid ? (dest.proc as Proc | null) : null
    // A live local server found by name skips monitor()'s target resolution too.
    const mref =
      q !== null && q.status < EXITING && q !== p
        ? sig.monitorProc(p, q, 'demonitor')
        : sig.monitor(p, dest as Pid | readonly [string, string], 'demonitor', Call)
    const msg = [kind, [p.pid, this.arm(mref)], req]
    if (q !== null) {
      if (q.status < EXITING) deliver(q, msg)
    } else sendTo(dest, msg, Call)
    return this
  }

  /** Sets the receive up for the reply to the request monitored by `mref`; returns its tag. */
  private arm(mref: Ref): List {
    const tag = new List(ALIAS_HEAD, mref)
    this.mref = mref
    this.tag = tag
    this.mark = mref.mark
    return tag
  }

  matches(m: unknown): number {
    if (!Array.isArray(m)) return -1
    if (m.length === 2) {
      const t = m[0]
      return t === this.tag || (t instanceof List && Ref.same(t.tail, this.mref!)) ? 0 : -1
    }
    return m.length === 5 && m[0] === 'DOWN' && m[1] === this.mref ? 1 : -1
  }

  matched(clause: number, m: unknown): unknown {
    const msg = m as unknown[]
    this.free = true
    if (clause === 0) {
      sig.demonitor(this.p, this.mref!, true, false)
      return msg[1]
    }
    throw this.exit(downReason(msg[4], this.dest))
  }

  expired(): unknown {
    this.free = true
    if (this.failure !== undefined) throw this.exit(this.failure)
    sig.demonitor(this.p, this.mref!, true, false)
    // OTP 25's do_call: a reply that reached the mailbox before the alias went away still
    // counts (it came in after the timer fired but before this process ran again).
    const mb = this.p.mailbox
    if (mb !== null) {
      for (let i = 0; i < mb.length; i++) {
        if (this.matches(mb.at(i)) === 0) return (mb.removeAt(i) as unknown[])[1]
      }
    }
    throw this.exit('timeout')
  }

  private exit(reason: unknown): ExitError {
    return callExit(reason, this.mod, 'call', [this.server, this.request, this.timeoutArg])
  }
}

export function call<R>(
  server: ServerRef,
  request: unknown,
  timeout: number,
  mod: string,
  timeoutArg: unknown,
): Receive<R> {
  const p = currentProc()
  if (p?.alive) {
    const x = p.x()
    // Two paths on purpose: with one `start` call after `x.call = c = new Call()`, a call
    // measured ~6 % slower (the pooled path no longer had the start to itself).
    const pooled = x.call as Call | null
    if (pooled?.free)
      return pooled.start(p, server, request, timeout, mod, timeoutArg, '$gen_call') as unknown as Receive<R>
    const c = new Call().start(p, server, request, timeout, mod, timeoutArg, '$gen_call')
    x.call = c
    return c as unknown as Receive<R>
  }
  return new Op(() => doCall(server, request, timeout, mod, timeoutArg) as Generator<unknown, R, unknown>)
}

/** `cast`: fire and forget; always succeeds, even for dead or unknown servers (G-c2). */
export function cast(server: ServerRef, request: unknown): void {
  if (current === null) checkSenderAlive()
  try {
    const dest = whereis(server)
    if (dest !== undefined) sendTo(dest, ['$gen_cast', request], cast)
  } catch (e) {
    // Casts never fail (Elixir catches everything): a name that vanished between lookup and
    // send, a via registry that does not exist or cannot name a single process. But a request
    // that cannot be copied is the caller's bug, reported as `send` reports it.
    if ((e as { code?: unknown } | null)?.code === 'ERR_BEAMISH_UNCOPYABLE_MESSAGE') throw e
  }
}

/** Replies to a `From` (deferred replies may come from any process). */
export function reply(from: From, msg: unknown): void {
  const pid = from[0]
  const tag = from[1]
  if (tag instanceof List && tag.items[0] === 'alias' && tag.tail instanceof Ref) {
    const alias = tag.tail
    // Why not sendTo: only the reply is user data to copy; the envelope is ours.
    if (alias.isLocal) sig.sendAlias(alias, [tag, copyMessage(msg)])
    else sendTo(alias, [tag, msg], reply)
  } else sendTo(pid, [tag, msg], reply)
}

/**
 * `stop(server, reason, timeout)` of every GenServer-based behaviour (GenServer, Agent,
 * Supervisor, DynamicSupervisor): arguments checked at once, the stop run when awaited. It
 * fails as `GenServer.stop` does, naming the timeout as given (`Infinity`, not the -1 it waits with).
 */
export function stop(server: unknown, reason: unknown, timeout: number, caller: Function): Receive<'ok'> {
  const s = checkServer(server, caller)
  const t = checkCallTimeout(timeout, caller)
  return new Op(() => doStop(s, reason, t, timeout))
}

/**
 * The stop itself: asks the server to terminate with `reason` (a system message, so it runs
 * `terminate`) and waits for it to be gone. Exits `noproc`, `calling_self`,
 * `timeout`, or the reason it actually died with if different.
 */
function* doStop(
  server: ServerRef,
  reason: unknown,
  timeout: number,
  timeoutArg: unknown,
): Generator<unknown, 'ok', unknown> {
  const mod = 'GenServer'
  const p = self(doStop)
  const args = [server, reason, timeoutArg]
  const dest = whereis(server)
  if (dest === undefined || (dest instanceof Pid && dest.isLocal && dest.proc === null)) {
    throw callExit('noproc', mod, 'stop', args)
  }
  if (dest === p.pid) throw callExit('calling_self', mod, 'stop', args)
  const mref = sig.monitor(p, dest as Pid, null, doStop)
  sendTo(dest, ['system', [p.pid, mref], ['terminate', reason]], doStop)
  const got = yield new ReceiveOp([sig.isDownOf(mref)], null, timeout, null, mref.mark)
  if (got === undefined) {
    sig.demonitor(p, mref, true, false)
    throw callExit('timeout', mod, 'stop', args)
  }
  const actual = (got as unknown[])[4]
  if (actual === 'noproc' || actual === 'noconnection')
    throw callExit(downReason(actual, dest), mod, 'stop', args)
  if (!sameTerm(actual, reason)) throw callExit(actual, mod, 'stop', args)
  return 'ok' as const
}
