import { ExitError } from './errors.ts'
import { inspect } from './format.ts'
import { type From, type Name, reply, unregisterName } from './gen.ts'
import type { Module } from './genServer.ts'
import { reportTermination } from './genServerReport.ts'
import { blocks, settle, startIn } from './runtime/callbacks.ts'
import type { Proc } from './runtime/proc.ts'
import { abnormal, crashReason } from './runtime/signals.ts'

/**
 * The GenServer off the message hot path: how a server stops (`terminate`, the crash report,
 * the exit), system messages, and how a server is named in messages. The loop itself is
 * genServer.ts; calling callbacks (async ones inside the process's async context) is
 * runtime/callbacks.ts.
 */

/** How messages and reports name a callback module: its `name`, its class's name, or GenServer. */
export function moduleName(mod: Module): string {
  if (typeof mod.name === 'string' && mod.name !== '') return mod.name
  const ctor = (mod as object).constructor
  return ctor !== Object && typeof ctor?.name === 'string' ? ctor.name : 'GenServer'
}

/** Thrown once `terminate` has run: passes the loop's own catch and ends the process with its reason. */
export class StopSignal extends ExitError {}

/**
 * Thrown by {@link stopServer} when `terminate` is a generator or async function: the loop then
 * hands the process to `finish`, a generator that runs it to completion, as the BEAM's
 * terminate/2 runs to its end before the exit. Why: a behaviour built on GenServer may have to
 * wait in `terminate` (a supervisor waits for each child's DOWN while shutting its children
 * down). Plain `terminate`s keep the synchronous path.
 */
export class BlockingTerminate {
  readonly gen: Generator<unknown, unknown, unknown> | PromiseLike<unknown>
  readonly reason: unknown
  readonly state: unknown
  readonly lastMsg: unknown
  readonly pending: PendingReply | undefined
  constructor(
    gen: Generator<unknown, unknown, unknown> | PromiseLike<unknown>,
    reason: unknown,
    state: unknown,
    lastMsg: unknown,
    pending: PendingReply | undefined,
  ) {
    this.gen = gen
    this.reason = reason
    this.state = state
    this.lastMsg = lastMsg
    this.pending = pending
  }

  *finish(p: Proc, mod: Module, name: Name | undefined): Generator<unknown, never, unknown> {
    let finalReason = this.reason
    try {
      yield* settle(this.gen)
    } catch (e) {
      finalReason = crashReason(e, p)
      if (p.ext !== null) p.ext.crash = undefined
    }
    return endStop(p, mod, finalReason, this.state, this.lastMsg, name, this.pending)
  }
}

/** The reply of a `['stop', reason, reply, state]`: sent once `terminate` has run. */
export type PendingReply = readonly [From, unknown]

/**
 * Runs `terminate`, reports an abnormal stop like Elixir does, and ends the process. A
 * `pending` reply (from `['stop', reason, reply, state]`) goes out after `terminate` has run,
 * whether it returned or threw, as gen_server sends it: the caller sees what terminate did.
 */
export function stopServer(
  p: Proc,
  mod: Module,
  reason: unknown,
  state: unknown,
  lastMsg: unknown,
  name: Name | undefined,
  pending?: PendingReply,
): never {
  let finalReason = reason
  if (mod.terminate !== undefined) {
    let r: unknown
    try {
      // A generator or async terminate may block: the loop runs it (see BlockingTerminate).
      r = startIn(p, mod.terminate, mod, [reason, state])
    } catch (e) {
      finalReason = crashReason(e, p)
      if (p.ext !== null) p.ext.crash = undefined
    }
    if (blocks(r)) throw new BlockingTerminate(r as PromiseLike<unknown>, reason, state, lastMsg, pending)
  }
  return endStop(p, mod, finalReason, state, lastMsg, name, pending)
}

/**
 * gen_server's `catch throw:R -> R`: a value thrown from a callback that is neither an error nor
 * an exit (`throw ['reply', x, state]`) is the callback's return; anything else is rethrown.
 */
export function thrownReturn(e: unknown): unknown {
  if (e instanceof Error) throw e
  return e
}

/**
 * The end of every stop, once `terminate` has run: send the pending reply, release the name,
 * report an abnormal reason, exit.
 */
function endStop(
  p: Proc,
  mod: Module,
  finalReason: unknown,
  state: unknown,
  lastMsg: unknown,
  name: Name | undefined,
  pending: PendingReply | undefined,
): never {
  if (pending !== undefined) reply(pending[0], pending[1])
  unregisterName(name, p.pid)
  if (abnormal(finalReason)) reportTermination(p, mod, name, finalReason, state, lastMsg)
  throw new StopSignal(finalReason)
}

/** System messages (OTP's `sys`): state inspection and replacement, and orderly termination. */
export function system(
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
  // gen_server's report names `[]` as the last message of a stop request.
  if (Array.isArray(req) && req[0] === 'terminate') stopServer(p, mod, req[1], state, [], name)
  reply(from, ['error', ['unknown_system_msg', req]])
  return state
}

/** How Elixir names a server in its messages: its registered name, else its pid. */
export function procLabel(p: Proc, name: Name | undefined): string {
  return typeof name === 'string' ? name : String(p.pid)
}

/** How `getStatus` names a server: its name (a via or global one inspected), else `Module pid`. */
function serverLabel(p: Proc, mod: Module, name: Name | undefined): string {
  if (typeof name === 'string') return name
  if (name !== undefined) return inspect(name)
  return `${moduleName(mod)} ${p.pid}`
}
