import { ExitError, ProcessTerminated } from './errors.ts'
import { inspect } from './format.ts'
import { type From, type Name, registerName, reply, unregisterName } from './gen.ts'
import { reportTermination } from './genServerReport.ts'
import { log } from './logger.ts'
import { exitWith, initAck, type StartCtx } from './procLib.ts'
import { asyncStorage, currentProc, type Proc, REACTOR_START, type Reactor } from './runtime/proc.ts'
import { ReceiveOp } from './runtime/receive.ts'
import { isGenerator, TailCall } from './runtime/scheduler.ts'
import { crashReason } from './runtime/signals.ts'
import type { Pid } from './term/pid.ts'

/**
 * The GenServer loop (OTP's `gen_server`): receive, dispatch to the callback module, act on what
 * it returned. Only the loop and dispatch live here; starting is procLib's, calls are gen's.
 *
 * Callbacks may be plain functions (the fast path), async functions (the process parks until
 * the promise settles; messages keep queueing), or generator functions (`yield*` inside them).
 */

export interface Module {
  readonly name?: string
  init(arg: any): unknown
  handleCall?(request: any, from: From, state: any): unknown
  handleCast?(request: any, state: any): unknown
  handleInfo?(msg: any, state: any): unknown
  handleContinue?(cont: any, state: any): unknown
  terminate?(reason: unknown, state: any): unknown
  formatStatus?(status: Status): Status
}

/** What `formatStatus` sees and returns (OTP 25's `format_status/1` map). */
export interface Status {
  readonly state: unknown
  readonly message?: unknown
  readonly reason?: unknown
}

const NONE = Symbol('none')
const TIMEOUT = Symbol('timeout')
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor

export function moduleName(mod: Module): string {
  if (typeof mod.name === 'string' && mod.name !== '') return mod.name
  const ctor = (mod as object).constructor
  return ctor !== Object && typeof ctor?.name === 'string' ? ctor.name : 'GenServer'
}

/** Calls a callback; async callbacks run inside the process's async context so `await` keeps it. */
function invoke(p: Proc, mod: Module, fn: Function, args: unknown[]): unknown {
  if (fn instanceof AsyncFunction) return asyncStorage().run(p, () => fn.apply(mod, args))
  return fn.apply(mod, args)
}

/** `invoke` for two-argument callbacks without an arguments array (cast and info are hot). */
function invoke2(p: Proc, mod: Module, fn: Function, isAsync: boolean, a: unknown, b: unknown): unknown {
  if (isAsync) return asyncStorage().run(p, () => fn.call(mod, a, b))
  return fn.call(mod, a, b)
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return x !== null && typeof x === 'object' && typeof (x as PromiseLike<unknown>).then === 'function'
}

/** Resolves an async or generator callback result inside the loop (slow path only). */
function* settle(r: unknown): Generator<unknown, unknown, unknown> {
  if (isGenerator(r)) return yield* r
  return yield r
}

function abnormal(reason: unknown): boolean {
  return !(
    reason === 'normal' ||
    reason === 'shutdown' ||
    (Array.isArray(reason) && reason.length === 2 && reason[0] === 'shutdown')
  )
}

/** Parses an `init` result; throws ExitError for `stop`/bad returns after acking. */
type Timeout = number // -1 = infinity

interface Next {
  timeout: Timeout
  cont: unknown
}

function parseExtra(extra: unknown, next: Next): boolean {
  if (extra === undefined || extra === 'infinity' || extra === Number.POSITIVE_INFINITY) return true
  if (extra === 'hibernate') return true
  if (typeof extra === 'number' && Number.isInteger(extra) && extra >= 0) {
    next.timeout = extra
    return true
  }
  if (Array.isArray(extra) && extra.length === 2 && extra[0] === 'continue') {
    next.cont = extra[1]
    return true
  }
  return false
}

/**
 * The server process body: register, `init`, ack, then loop. `ctx` is the start handshake;
 * `name` the registration (released before acking a failed start, so a restart can take it).
 */
export function* serverMain(ctx: StartCtx, mod: Module, arg: unknown, name: Name | undefined) {
  const p = currentProc()!
  if (name !== undefined) {
    const holder = registerName(name, p.pid)
    if (holder !== undefined) {
      initAck(ctx, ['error', ['already_started', holder]])
      return
    }
  }
  const parent = ctx.parent
  const next: Next = { timeout: -1, cont: NONE }
  let r: unknown
  try {
    r = invoke(p, mod, mod.init, [arg])
    if (!Array.isArray(r) && (isThenable(r) || isGenerator(r))) r = yield* settle(r)
  } catch (e) {
    const reason = crashReason(e, p)
    p.ext!.crash = undefined
    // Why unregister before acking: a supervisor retrying at once must find the name free.
    unregisterName(name, p.pid)
    initAck(ctx, ['error', reason])
    exitWith(reason)
  }
  let state: unknown
  if (Array.isArray(r) && r[0] === 'ok' && (r.length === 2 || (r.length === 3 && parseExtra(r[2], next)))) {
    state = r[1]
  } else if (r === 'ignore') {
    unregisterName(name, p.pid)
    initAck(ctx, 'ignore')
    return
  } else if (Array.isArray(r) && r[0] === 'stop' && r.length === 2) {
    unregisterName(name, p.pid)
    initAck(ctx, ['error', r[1]])
    exitWith(r[1])
  } else {
    const reason = ['bad_return_value', r]
    unregisterName(name, p.pid)
    initAck(ctx, ['error', reason])
    exitWith(reason)
  }
  initAck(ctx, ['ok', p.pid])
  yield new TailCall(new ServerLoop(p, mod, state, parent, name, next))
}

/** What a slow (async or generator) callback's result is applied as, once settled. */
const AS_CALL = 0
const AS_NOREPLY = 1

/**
 * The server loop as a {@link Reactor}: each message is one `react` call, so a server whose
 * callbacks are plain functions never suspends a generator. Why: resuming and suspending the
 * loop's generator was the largest single cost of a `GenServer.call` on the server side. A
 * callback that returns a promise or a generator hands the process to `slow`, a generator that
 * settles it and then hands back (TailCall) to the reactor.
 */
class ServerLoop implements Reactor {
  private state: unknown
  private lastMsg: unknown = NONE
  /** The receive for the next message; one for the server's whole life (no per-receive state). */
  private readonly anyOp = new ReceiveOp(null, null, -1, null, -1)
  // Decided once: `instanceof AsyncFunction` on every message showed up in call profiles.
  private readonly hcAsync: boolean
  private readonly castAsync: boolean
  private readonly infoAsync: boolean

  private readonly p: Proc
  private readonly mod: Module
  private readonly parent: Pid | null
  private readonly name: Name | undefined
  private readonly next: Next

  constructor(p: Proc, mod: Module, state: unknown, parent: Pid | null, name: Name | undefined, next: Next) {
    this.p = p
    this.mod = mod
    this.state = state
    this.parent = parent
    this.name = name
    this.next = next
    this.hcAsync = mod.handleCall instanceof AsyncFunction
    this.castAsync = mod.handleCast instanceof AsyncFunction
    this.infoAsync = mod.handleInfo instanceof AsyncFunction
  }

  react(input: unknown): unknown {
    try {
      if (input !== REACTOR_START) {
        const slow = this.handle(input)
        if (slow !== undefined) return slow
      }
      const next = this.next
      while (next.cont !== NONE) {
        const c = next.cont
        next.cont = NONE
        if (this.mod.handleContinue === undefined) throw new ExitError('undef')
        const r = invoke(this.p, this.mod, this.mod.handleContinue, [c, this.state])
        if (!Array.isArray(r) && (isThenable(r) || isGenerator(r)))
          return this.slow(r, AS_NOREPLY, c, undefined)
        this.state = noreply(r, next, this.state, this.p, this.mod, c, this.name)
      }
      if (next.timeout < 0) return this.anyOp
      const t = next.timeout
      next.timeout = -1
      return new ReceiveOp(null, null, t, timeoutMsg, -1)
    } catch (e) {
      return this.crash(e)
    }
  }

  /** Dispatches one message; returns the generator to hand over to when a callback blocks. */
  private handle(msg: unknown): Generator<unknown, unknown, unknown> | undefined {
    const { p, mod, name } = this
    this.lastMsg = msg
    if (Array.isArray(msg)) {
      const tag = msg[0]
      if (tag === '$gen_call' && msg.length === 3 && Array.isArray(msg[1])) {
        const hc = mod.handleCall
        if (hc === undefined) {
          throw new Error(
            `attempted to call GenServer ${procLabel(p, name)} but no handleCall callback was provided`,
          )
        }
        const from = msg[1] as unknown as From
        const r = this.hcAsync
          ? invoke(p, mod, hc, [msg[2], from, this.state])
          : hc.call(mod, msg[2], from, this.state)
        if (!Array.isArray(r) && (isThenable(r) || isGenerator(r))) return this.slow(r, AS_CALL, msg[2], from)
        this.state = callResult(p, mod, r, msg[2], from, this.state, this.next, name)
        return undefined
      }
      if (tag === '$gen_cast' && msg.length === 2) {
        if (mod.handleCast === undefined) {
          throw new Error(
            `attempted to cast GenServer ${procLabel(p, name)} but no handleCast callback was provided`,
          )
        }
        const r = invoke2(p, mod, mod.handleCast, this.castAsync, msg[1], this.state)
        if (!Array.isArray(r) && (isThenable(r) || isGenerator(r)))
          return this.slow(r, AS_NOREPLY, msg[1], undefined)
        this.state = noreply(r, this.next, this.state, p, mod, msg[1], name)
        return undefined
      }
      if (tag === 'system' && msg.length === 3 && Array.isArray(msg[1])) {
        this.state = system(p, mod, msg[1] as unknown as From, msg[2], this.state, name)
        return undefined
      }
      if (tag === 'EXIT' && msg.length === 3 && msg[1] === this.parent) {
        // G-t1: a (trapping) server stops when its parent exits, whatever the reason. Like
        // gen_server's decode_msg, the message decides, not the trap flag.
        stopServer(p, mod, msg[2], this.state, msg, name)
      }
    }
    const info = msg === TIMEOUT ? 'timeout' : msg
    if (mod.handleInfo === undefined) {
      log(
        'error',
        `${moduleName(mod)} ${procLabel(p, name)} received unexpected message in handleInfo: ${inspect(info)}`,
        {
          pid: p.pid,
        },
      )
      return undefined
    }
    const r = invoke2(p, mod, mod.handleInfo, this.infoAsync, info, this.state)
    if (!Array.isArray(r) && (isThenable(r) || isGenerator(r)))
      return this.slow(r, AS_NOREPLY, info, undefined)
    this.state = noreply(r, this.next, this.state, p, mod, info, name)
    return undefined
  }

  /** Settles a blocking callback's result in the process, applies it, and hands back. */
  private *slow(
    r: unknown,
    as: number,
    a: unknown,
    from: From | undefined,
  ): Generator<unknown, unknown, unknown> {
    try {
      const settled = yield* settle(r)
      if (as === AS_CALL)
        this.state = callResult(this.p, this.mod, settled, a, from!, this.state, this.next, this.name)
      else this.state = noreply(settled, this.next, this.state, this.p, this.mod, a, this.name)
    } catch (e) {
      return yield* this.crash(e)
    }
    yield new TailCall(this)
  }

  /**
   * A callback threw (or a stop was decided): runs `terminate` and ends the process. Returns
   * the generator to run when `terminate` itself blocks; otherwise throws the exit.
   */
  private crash(e: unknown): Generator<unknown, never, unknown> {
    const { p, mod, name } = this
    // G-t2: a server killed while running its own code (exit(self(), 'kill')) is already dead.
    if (e instanceof StopSignal || e instanceof ProcessTerminated || !p.alive) throw e
    if (e instanceof BlockingTerminate) return e.finish(p, mod, name)
    const reason = crashReason(e, p)
    if (p.ext !== null) p.ext.crash = undefined
    try {
      return stopServer(p, mod, reason, this.state, this.lastMsg, name)
    } catch (e2) {
      if (e2 instanceof BlockingTerminate) return e2.finish(p, mod, name)
      throw e2
    }
  }
}

const timeoutMsg = (): unknown => TIMEOUT

/** Thrown once `terminate` has run: passes the loop's own catch and ends the process with its reason. */
class StopSignal extends ExitError {}

/**
 * Thrown by {@link stopServer} when `terminate` is a generator or async function: the loop
 * (itself a generator) then runs it to completion with `yield*`, as the BEAM's terminate/2 runs
 * to its end before the exit. Why: a behaviour built on GenServer may have to wait in
 * `terminate` (a supervisor waits for each child's DOWN while shutting its children down), and
 * only the loop can block. Plain `terminate`s keep the synchronous path.
 */
class BlockingTerminate {
  readonly gen: Generator<unknown, unknown, unknown> | PromiseLike<unknown>
  readonly reason: unknown
  readonly state: unknown
  readonly lastMsg: unknown
  constructor(
    gen: Generator<unknown, unknown, unknown> | PromiseLike<unknown>,
    reason: unknown,
    state: unknown,
    lastMsg: unknown,
  ) {
    this.gen = gen
    this.reason = reason
    this.state = state
    this.lastMsg = lastMsg
  }

  *finish(p: Proc, mod: Module, name: Name | undefined): Generator<unknown, never, unknown> {
    let finalReason = this.reason
    try {
      yield* settle(this.gen)
    } catch (e) {
      finalReason = crashReason(e, p)
      if (p.ext !== null) p.ext.crash = undefined
    }
    return endStop(p, mod, finalReason, this.state, this.lastMsg, name)
  }
}

/** What a `handleCall` returned (already settled) → the new state; replies as it says. */
function callResult(
  p: Proc,
  mod: Module,
  r: unknown,
  request: unknown,
  from: From,
  state: unknown,
  next: Next,
  name: Name | undefined,
): unknown {
  if (Array.isArray(r)) {
    const tag = r[0]
    if (tag === 'reply' && (r.length === 3 || (r.length === 4 && parseExtra(r[3], next)))) {
      reply(from, r[1])
      return r[2]
    }
    if (tag === 'noreply' && (r.length === 2 || (r.length === 3 && parseExtra(r[2], next)))) return r[1]
    if (tag === 'stop' && r.length === 4) {
      // The reply goes out before terminate runs, as OTP does.
      reply(from, r[2])
      stopServer(p, mod, r[1], r[3], request, name)
    }
    if (tag === 'stop' && r.length === 3) stopServer(p, mod, r[1], r[2], request, name)
  }
  return stopServer(p, mod, ['bad_return_value', r], state, request, name)
}

/** Applies a `noreply`-family result (cast, info, continue); stops on `stop` or a bad return. */
function noreply(
  r: unknown,
  next: Next,
  state: unknown,
  p: Proc,
  mod: Module,
  msg: unknown,
  name: Name | undefined,
) {
  if (Array.isArray(r)) {
    if (r[0] === 'noreply' && (r.length === 2 || (r.length === 3 && parseExtra(r[2], next)))) return r[1]
    if (r[0] === 'stop' && r.length === 3) stopServer(p, mod, r[1], r[2], msg, name)
  }
  return stopServer(p, mod, ['bad_return_value', r], state, msg, name)
}

/** Runs `terminate`, reports an abnormal stop like Elixir does, and ends the process. */
function stopServer(
  p: Proc,
  mod: Module,
  reason: unknown,
  state: unknown,
  lastMsg: unknown,
  name: Name | undefined,
): never {
  let finalReason = reason
  if (mod.terminate !== undefined) {
    let r: unknown
    try {
      // A generator or async terminate may block: the loop runs it (see BlockingTerminate).
      r = invoke(p, mod, mod.terminate, [reason, state])
    } catch (e) {
      finalReason = crashReason(e, p)
      if (p.ext !== null) p.ext.crash = undefined
    }
    if (isGenerator(r) || isThenable(r)) throw new BlockingTerminate(r, reason, state, lastMsg)
  }
  return endStop(p, mod, finalReason, state, lastMsg, name)
}

/** The end of every stop: release the name, report an abnormal reason, exit. */
function endStop(
  p: Proc,
  mod: Module,
  finalReason: unknown,
  state: unknown,
  lastMsg: unknown,
  name: Name | undefined,
): never {
  unregisterName(name, p.pid)
  if (abnormal(finalReason))
    reportTermination(p, mod, name, finalReason, state, lastMsg === NONE ? undefined : [lastMsg])
  throw new StopSignal(finalReason)
}

/** System messages (OTP's `sys`): state inspection and replacement, and orderly termination. */
function system(
  p: Proc,
  mod: Module,
  from: From,
  req: unknown,
  state: unknown,
  name: Name | undefined,
): unknown {
  if (req === 'getState') {
    reply(from, state)
    return state
  }
  if (Array.isArray(req) && req[0] === 'replaceState' && typeof req[1] === 'function') {
    let s = state
    try {
      s = (req[1] as (s: unknown) => unknown)(state)
      reply(from, s)
    } catch (e) {
      // sys:replace_state's shape; the caller rethrows `e`. Why not crashReason: this process
      // does not crash, and a recorded crash would be reported when it later exits.
      reply(from, ['error', ['callback_failed', ['GenServer', 'replaceState'], e]])
      return state
    }
    return s
  }
  if (req === 'getStatus') {
    const shown = mod.formatStatus ? mod.formatStatus({ state }).state : state
    reply(from, { pid: p.pid, module: moduleName(mod), name: serverLabel(p, mod, name), state: shown })
    return state
  }
  if (Array.isArray(req) && req[0] === 'terminate') stopServer(p, mod, req[1], state, NONE, name)
  reply(from, ['error', ['unknown_system_msg', req]])
  return state
}

/** How Elixir names a server in its messages: its registered name, else its pid. */
function procLabel(p: Proc, name: Name | undefined): string {
  return typeof name === 'string' ? name : String(p.pid)
}

export function serverLabel(p: Proc, mod: Module, name: Name | undefined): string {
  if (typeof name === 'string') return name
  if (name !== undefined) return inspect(name)
  return `${moduleName(mod)} ${p.pid}`
}
