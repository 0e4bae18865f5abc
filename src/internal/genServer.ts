import { ExitError, ProcessTerminated } from './errors.ts'
import { inspect } from './format.ts'
import { type From, type Name, registerName, reply, unregisterName } from './gen.ts'
import {
  BlockingTerminate,
  moduleName,
  procLabel,
  StopSignal,
  stopServer,
  system,
  thrownReturn,
} from './genServerStop.ts'
import { log } from './logger.ts'
import { exitWith, initAck, type StartCtx } from './procLib.ts'
import { AsyncFunction, blocks, callIn, settle, startIn } from './runtime/callbacks.ts'
import { currentProc, type Proc, REACTOR_START, type Reactor } from './runtime/proc.ts'
import { ReceiveOp } from './runtime/receive.ts'
import { TailCall } from './runtime/scheduler.ts'
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

/** No `handleContinue` pending. */
const NO_CONTINUE = Symbol('no continue')

/** Milliseconds; -1 = infinity. */
type Timeout = number

/** What a result's extra element asks for next: the idle timeout, and a `handleContinue` first. */
interface Next {
  timeout: Timeout
  cont: unknown
}

/**
 * Reads a result's extra element (`undefined` when it has none) into `next`, as gen_server does:
 * every result sets the timeout the server waits for its next message with (-1: none, also for
 * `'infinity'`, `'hibernate'` and `['continue', c]`). False when the element is none of those.
 */
function parseExtra(extra: unknown, next: Next): boolean {
  if (
    extra === undefined ||
    extra === 'infinity' ||
    extra === Number.POSITIVE_INFINITY ||
    extra === 'hibernate'
  ) {
    next.timeout = -1
    return true
  }
  if (typeof extra === 'number' && Number.isInteger(extra) && extra >= 0) {
    next.timeout = extra
    return true
  }
  if (Array.isArray(extra) && extra.length === 2 && extra[0] === 'continue') {
    next.timeout = -1
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
  const next: Next = { timeout: -1, cont: NO_CONTINUE }
  let r: unknown
  try {
    try {
      r = startIn(p, mod.init, mod, [arg])
      if (blocks(r)) r = yield* settle(r)
    } catch (e) {
      r = thrownReturn(e)
    }
  } catch (e) {
    const reason = crashReason(e, p)
    p.ext!.crash = undefined
    // Why unregister before acking: a supervisor retrying at once must find the name free.
    unregisterName(name, p.pid)
    initAck(ctx, ['error', reason])
    exitWith(reason)
  }
  let state: unknown
  if (Array.isArray(r) && r[0] === 'ok' && (r.length === 2 || r.length === 3) && parseExtra(r[2], next)) {
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

/**
 * The server loop as a {@link Reactor}: each message is one `react` call, so a server whose
 * callbacks are plain functions never suspends a generator. Why: resuming and suspending the
 * loop's generator was the largest single cost of a `GenServer.call` on the server side. A
 * callback that returns a promise or a generator hands the process to `slow`, a generator that
 * settles it and then hands back (TailCall) to the reactor.
 */
class ServerLoop implements Reactor, Next {
  private state: unknown
  /**
   * The message being handled (`['continue', c]` while a `handleContinue` runs), set before any
   * callback runs: the last message a crash report names.
   */
  private lastMsg: unknown
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
  /**
   * What the last callback's result asked for (Next): the timeout to wait for the next message
   * with, and a continue to run first. A system message changes neither: the server goes back
   * to waiting with the same timeout (gen_server's `system_continue`).
   */
  timeout: Timeout
  cont: unknown

  constructor(p: Proc, mod: Module, state: unknown, parent: Pid | null, name: Name | undefined, next: Next) {
    this.p = p
    this.mod = mod
    this.state = state
    this.parent = parent
    this.name = name
    this.timeout = next.timeout
    this.cont = next.cont
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
      while (this.cont !== NO_CONTINUE) {
        const c = this.cont
        this.cont = NO_CONTINUE
        this.lastMsg = ['continue', c]
        const hc = this.mod.handleContinue
        if (hc === undefined) throw new ExitError('undef')
        const r = this.invoke2(hc, hc instanceof AsyncFunction, c, this.state)
        if (blocks(r)) return this.slow(r, undefined)
        this.noreply(r)
      }
      const t = this.timeout
      return t < 0 ? this.anyOp : new ReceiveOp(null, null, t, timeoutMsg, -1)
    } catch (e) {
      return this.crash(e)
    }
  }

  /** Dispatches one message; returns the generator to hand over to when a callback blocks. */
  private handle(msg: unknown): Generator<unknown, unknown, unknown> | undefined {
    const { p, mod, name } = this
    // The whole message, as a crash report names it (`{:"$gen_cast", x}`, a call's client).
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
        const r = this.invoke3(hc, this.hcAsync, msg[2], from, this.state)
        if (blocks(r)) return this.slow(r, from)
        this.callResult(r, from)
        return undefined
      }
      if (tag === '$gen_cast' && msg.length === 2) {
        const hc = mod.handleCast
        if (hc === undefined) {
          throw new Error(
            `attempted to cast GenServer ${procLabel(p, name)} but no handleCast callback was provided`,
          )
        }
        const r = this.invoke2(hc, this.castAsync, msg[1], this.state)
        if (blocks(r)) return this.slow(r, undefined)
        this.noreply(r)
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
    const hi = mod.handleInfo
    if (hi === undefined) {
      log(
        'error',
        `${moduleName(mod)} ${procLabel(p, name)} received unexpected message in handleInfo: ${inspect(msg)}`,
        {
          pid: p.pid,
        },
      )
      // As Elixir's default handleInfo returning `{:noreply, state}`: no timeout.
      this.timeout = -1
      return undefined
    }
    const r = this.invoke2(hi, this.infoAsync, msg, this.state)
    if (blocks(r)) return this.slow(r, undefined)
    this.noreply(r)
    return undefined
  }

  /**
   * Calls a two-argument callback (cast, info, continue) as gen_server does: an async one in the
   * process's async context (callIn), and a thrown value that is no error taken as what it
   * returned (thrownReturn). Why fixed arities and no arguments array: these run per message.
   */
  private invoke2(fn: Function, isAsync: boolean, a: unknown, b: unknown): unknown {
    try {
      return isAsync ? callIn(this.p, fn, this.mod, [a, b]) : fn.call(this.mod, a, b)
    } catch (e) {
      return thrownReturn(e)
    }
  }

  /** {@link invoke2} for `handleCall`. */
  private invoke3(fn: Function, isAsync: boolean, a: unknown, b: unknown, c: unknown): unknown {
    try {
      return isAsync ? callIn(this.p, fn, this.mod, [a, b, c]) : fn.call(this.mod, a, b, c)
    } catch (e) {
      return thrownReturn(e)
    }
  }

  /**
   * Settles a blocking callback's result in the process, applies it (as a call's when there is
   * a caller to reply to), and hands back.
   */
  private *slow(r: unknown, from: From | undefined): Generator<unknown, unknown, unknown> {
    try {
      let settled: unknown
      try {
        settled = yield* settle(r)
      } catch (e) {
        settled = thrownReturn(e)
      }
      if (from !== undefined) this.callResult(settled, from)
      else this.noreply(settled)
    } catch (e) {
      return yield* this.crash(e)
    }
    yield new TailCall(this)
  }

  /** Applies what a `handleCall` returned (already settled); replies as it says. */
  private callResult(r: unknown, from: From): void {
    if (Array.isArray(r)) {
      const tag = r[0]
      if (tag === 'reply' && (r.length === 3 || r.length === 4) && parseExtra(r[3], this)) {
        reply(from, r[1])
        this.state = r[2]
        return
      }
      if (tag === 'noreply' && (r.length === 2 || r.length === 3) && parseExtra(r[2], this)) {
        this.state = r[1]
        return
      }
      // The reply goes out once terminate has run (OTP: `try terminate(…) after reply(…)`).
      if (tag === 'stop' && r.length === 4)
        stopServer(this.p, this.mod, r[1], r[3], this.lastMsg, this.name, [from, r[2]])
      if (tag === 'stop' && r.length === 3) stopServer(this.p, this.mod, r[1], r[2], this.lastMsg, this.name)
    }
    stopServer(this.p, this.mod, ['bad_return_value', r], this.state, this.lastMsg, this.name)
  }

  /** Applies a `noreply`-family result (cast, info, continue); stops on `stop` or a bad return. */
  private noreply(r: unknown): void {
    if (Array.isArray(r)) {
      if (r[0] === 'noreply' && (r.length === 2 || r.length === 3) && parseExtra(r[2], this)) {
        this.state = r[1]
        return
      }
      if (r[0] === 'stop' && r.length === 3) stopServer(this.p, this.mod, r[1], r[2], this.lastMsg, this.name)
    }
    stopServer(this.p, this.mod, ['bad_return_value', r], this.state, this.lastMsg, this.name)
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

/** The idle timeout's message: the string `'timeout'`, as gen_server's is the atom (to handleInfo). */
const timeoutMsg = (): unknown => 'timeout'

export { moduleName } from './genServerStop.ts'
