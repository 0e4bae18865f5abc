/**
 * GenServer: a process that keeps state and serves requests, with OTP 25 / Elixir 1.14
 * semantics.
 *
 * A server is a *callback module*: an object with `init` and any of `handleCall`, `handleCast`,
 * `handleInfo`, `handleContinue`, `terminate`, `formatStatus`. Callbacks return OTP's tuples as
 * arrays (`['reply', reply, newState]`, `['noreply', newState]`, `['stop', reason, newState]`);
 * the helpers {@link ok}, {@link reply} and {@link noreply} build the common ones. Callbacks may be plain,
 * `async` (the server waits for the promise; messages queue meanwhile) or generator functions.
 *
 * ## Example
 *
 * ```ts
 * import { GenServer } from 'beamish'
 *
 * const Stack = GenServer.define({
 *   name: 'Stack',
 *   init: (items: string[]) => GenServer.ok(items),
 *   handleCall: (req: 'pop', _from, [head, ...rest]: string[]) => GenServer.reply(head, rest),
 *   handleCast: ([, item]: ['push', string], items: string[]) => GenServer.noreply([item, ...items]),
 * })
 *
 * const [, pid] = await GenServer.start(Stack, ['hello'])
 * await GenServer.call(pid, 'pop')           // 'hello'
 * GenServer.cast(pid, ['push', 'world'])
 * await GenServer.call(pid, 'pop')           // 'world'
 * ```
 *
 * Inside a generator process use `yield*` instead of `await`; from plain async code (a test, an
 * HTTP handler) `await` works and fails with the same reasons.
 *
 * ## Client and server
 *
 * `call(server, request, timeout = 5000)` sends `['$gen_call', [from, tag], request]` and waits
 * for the reply. It fails by throwing an `ExitError` whose reason is
 * `[reason, ['GenServer', 'call', [server, request, timeout]]]`, where reason is `'timeout'`,
 * `'noproc'`, `'calling_self'`, `['nodedown', node]`, or the reason the server died with. A
 * timed-out call leaves the server running and its late reply is dropped. `cast` never fails.
 *
 * ## Names
 *
 * `name: 'kv'` registers locally; `name: { via: registry, key }` goes through a `via` module
 * (a {@link Registry}). Calls accept a pid, a name, `[name, node]` or `{ via, key }`.
 *
 * ## When (not) to use a GenServer
 *
 * Use one to own state that several processes share, or to serialise access to a resource.
 * Don't use one just to organise code: if you don't need a process, you don't need a process.
 *
 * @module
 */
import { badArg, createError } from './internal/errors.ts'
import * as gen from './internal/gen.ts'
import type { From, Name, ServerRef } from './internal/gen.ts'
import { type Module, moduleName, serverMain, type Status } from './internal/genServer.ts'
import { start as procStart, type StartResult } from './internal/procLib.ts'
import { Op } from './internal/runtime/op.ts'
import type { Receive } from './internal/runtime/receive.ts'
import type { Pid } from './internal/term/pid.ts'

export type { From, Name, ServerRef, StartResult, Status }
export type { Module as Callbacks }

// ------------------------------------------------------------------ types

/** An `init` result. */
export type InitResult<S> =
  | readonly ['ok', S]
  | readonly ['ok', S, Extra]
  | 'ignore'
  | readonly ['stop', unknown]

/** The optional last element of a callback result: idle timeout, hibernate, or continue. */
export type Extra = number | 'infinity' | 'hibernate' | readonly ['continue', unknown]

/** A `handleCall` result. */
export type CallResult<R, S> =
  | readonly ['reply', R, S]
  | readonly ['reply', R, S, Extra]
  | readonly ['noreply', S]
  | readonly ['noreply', S, Extra]
  | readonly ['stop', unknown, R, S]
  | readonly ['stop', unknown, S]

/** A `handleCast` / `handleInfo` / `handleContinue` result. */
export type NoReplyResult<S> = readonly ['noreply', S] | readonly ['noreply', S, Extra] | readonly ['stop', unknown, S]

type Awaitable<T> = T | PromiseLike<T> | Generator<unknown, T, any>
type Unwrap<T> = T extends PromiseLike<infer U> ? U : T extends Generator<unknown, infer U, any> ? U : T

/** The request type a module's `handleCall` accepts. */
export type CallOf<M> = M extends { handleCall(req: infer C, ...rest: any[]): any } ? C : unknown
/** The reply type a module's `handleCall` produces. */
export type ReplyOf<M> = M extends { handleCall(...a: any[]): infer R }
  ? Unwrap<R> extends infer X
    ? X extends readonly ['reply', infer Y, ...any[]]
      ? Y
      : X extends readonly ['stop', unknown, infer Y, unknown]
        ? Y
        : never
    : never
  : unknown
/** The message type a module's `handleCast` accepts. */
export type CastOf<M> = M extends { handleCast(msg: infer C, ...rest: any[]): any } ? C : unknown
/** The argument a module's `init` takes. */
export type ArgOf<M> = M extends { init(arg: infer A): any } ? A : unknown

declare const serverBrand: unique symbol
/**
 * A pid that remembers which module it runs, so `call`/`cast` check requests and type replies.
 * It is an ordinary `Pid` at run time.
 */
export type Server<M = unknown> = Pid & { readonly [serverBrand]?: M }

// ------------------------------------------------------------------ building results

/**
 * `['ok', state]` (or with an extra: timeout, `'hibernate'`, `['continue', c]`), for `init`.
 *
 * @example
 * ```ts
 * init: (n: number) => GenServer.ok(n)
 * ```
 */
export function ok<S>(state: S): readonly ['ok', S]
export function ok<S>(state: S, extra: Extra): readonly ['ok', S, Extra]
export function ok<S>(state: S, extra?: Extra): readonly ['ok', S] | readonly ['ok', S, Extra] {
  return extra === undefined ? ['ok', state] : ['ok', state, extra]
}

/**
 * `['reply', reply, state]` for `handleCall`.
 *
 * @example
 * ```ts
 * handleCall: (req: 'get', _from, n: number) => GenServer.reply(n, n)
 * ```
 */
export function reply<R, S>(replyValue: R, state: S): readonly ['reply', R, S]
export function reply<R, S>(replyValue: R, state: S, extra: Extra): readonly ['reply', R, S, Extra]
export function reply<R, S>(replyValue: R, state: S, extra?: Extra) {
  return extra === undefined ? (['reply', replyValue, state] as const) : (['reply', replyValue, state, extra] as const)
}

/**
 * `['noreply', state]` for `handleCast`/`handleInfo`/`handleContinue` (and deferred replies).
 *
 * @example
 * ```ts
 * handleCast: (n: number, total: number) => GenServer.noreply(total + n)
 * ```
 */
export function noreply<S>(state: S): readonly ['noreply', S]
export function noreply<S>(state: S, extra: Extra): readonly ['noreply', S, Extra]
export function noreply<S>(state: S, extra?: Extra) {
  return extra === undefined ? (['noreply', state] as const) : (['noreply', state, extra] as const)
}

/**
 * Declares a callback module, keeping its types for `start`/`call`/`cast`. At run time it
 * returns the module itself.
 *
 * @example
 * ```ts
 * const Counter = GenServer.define({
 *   init: (n: number) => GenServer.ok(n),
 *   handleCall: (req: 'get', _from, n: number) => GenServer.reply(n, n),
 *   handleCast: (req: 'inc', n: number) => GenServer.noreply(n + 1),
 * })
 * ```
 */
export function define<M extends Module>(module: M): M {
  if (typeof module !== 'object' || module === null || typeof module.init !== 'function') {
    throw badArg('a GenServer callback module: an object with an init function', module, define)
  }
  return module
}

// ------------------------------------------------------------------ starting

export interface StartOptions {
  /** Register the server: a string (local), `{ via, key }`, or `{ global }`. */
  readonly name?: Name
  /** Milliseconds `init` may take before the start fails with `'timeout'` (default Infinity). */
  readonly timeout?: number
  /** A label for `Process.info` and reports. */
  readonly label?: unknown
}

const START_KEYS = new Set(['name', 'timeout', 'label', 'debug', 'spawnOpt', 'hibernateAfter'])

function startOp<M extends Module>(mod: M, arg: unknown, opts: StartOptions | undefined, link: boolean, caller: Function) {
  if (typeof mod !== 'object' || mod === null || typeof mod.init !== 'function') {
    throw badArg('a GenServer callback module (an object with an init function)', mod, caller)
  }
  const o = opts ?? {}
  if (typeof o !== 'object') throw badArg('start options to be an object', o, caller, 'ERR_BEAMISH_INVALID_OPTION')
  for (const k of Object.keys(o)) {
    if (!START_KEYS.has(k)) {
      throw createError(
        'ERR_BEAMISH_INVALID_OPTION',
        `unknown GenServer start option ${JSON.stringify(k)}. The valid options are:\n\n  * name\n  * timeout\n  * label\n\nGot: ${JSON.stringify(k)}`,
        caller,
      )
    }
  }
  const name = gen.checkName(o.name, caller)
  const timeout = o.timeout === undefined ? -1 : gen.checkCallTimeout(o.timeout, caller)
  const initialCall = `${moduleName(mod)}.init/1`
  return new Op<StartResult<Server<M>>>(() =>
    procStart<Server<M>>(serverMain as never, [mod, arg, name], {
      link,
      timeout,
      initialCall,
      ...(o.label === undefined ? {} : { label: o.label }),
    }),
  )
}

/**
 * Starts a server linked to the caller and waits until its `init` has returned (G-s1). Returns
 * `['ok', pid]`, `'ignore'`, or `['error', reason]` (`['already_started', pid]` for a taken
 * name). If `init` fails, the linked caller gets the exit signal too (as on the BEAM).
 *
 * @example
 * ```ts
 * const [, pid] = yield* GenServer.startLink(Counter, 0, { name: 'counter' })
 * ```
 */
export function startLink<M extends Module>(module: M, arg: ArgOf<M>, opts?: StartOptions): Receive<StartResult<Server<M>>> {
  return startOp(module, arg, opts, true, startLink)
}

/**
 * Like {@link startLink} without the link. Usable from outside any process.
 *
 * @example
 * ```ts
 * const [, pid] = await GenServer.start(Counter, 0)
 * ```
 */
export function start<M extends Module>(module: M, arg: ArgOf<M>, opts?: StartOptions): Receive<StartResult<Server<M>>> {
  return startOp(module, arg, opts, false, start)
}

// ------------------------------------------------------------------ client API

/**
 * Sends a request and waits for the reply (default timeout 5000 ms; `Infinity` waits forever).
 * Throws an `ExitError` with reason `[why, ['GenServer', 'call', [server, request, timeout]]]` on
 * failure (see the module docs).
 *
 * @example
 * ```ts
 * const n = yield* GenServer.call(counter, 'get')
 * const m = await GenServer.call('counter', 'get', 1000)
 * ```
 */
export function call<M>(server: Server<M> | ServerRef, request: CallOf<M>, timeout: number = 5000): Receive<ReplyOf<M>> {
  const s = gen.checkServer(server, call)
  const t = gen.checkCallTimeout(timeout, call)
  return gen.call<ReplyOf<M>>(s, request, t, 'GenServer', timeout)
}

/**
 * Sends an asynchronous request (`['$gen_cast', request]`); always returns `'ok'`, even when the
 * server does not exist (G-c2).
 *
 * @example
 * ```ts
 * GenServer.cast(counter, 'inc')
 * ```
 */
export function cast<M>(server: Server<M> | ServerRef, request: CastOf<M>): 'ok' {
  gen.cast(gen.checkServer(server, cast), request)
  return 'ok'
}

/**
 * Replies to a caller from anywhere (a deferred reply: `handleCall` returned `noreply` and kept
 * `from`).
 *
 * @example
 * ```ts
 * handleCall: (req, from, s) => { setTimeout(() => GenServer.reply(from, 'later'), 10); return GenServer.noreply(s) }
 * ```
 */
export function replyTo(from: From, replyValue: unknown): 'ok' {
  if (!Array.isArray(from) || from.length !== 2) throw badArg('a From ([pid, tag]) as given to handleCall', from, replyTo)
  gen.reply(from, replyValue)
  return 'ok'
}

/**
 * Stops the server synchronously: it runs `terminate(reason, state)` and exits. Resolves `'ok'`
 * if it exited with `reason`; throws an `ExitError` shaped like a call failure otherwise
 * (`noproc`, `calling_self`, `timeout`, or the actual reason).
 *
 * @example
 * ```ts
 * yield* GenServer.stop(counter)              // reason 'normal', wait forever
 * await GenServer.stop('counter', 'shutdown', 5000)
 * ```
 */
export function stop(server: ServerRef, reason: unknown = 'normal', timeout: number = Number.POSITIVE_INFINITY): Receive<'ok'> {
  const s = gen.checkServer(server, stop)
  const t = gen.checkCallTimeout(timeout, stop)
  return new Op(() => gen.doStop(s, reason, t, 'GenServer', timeout))
}

/**
 * The pid behind a server reference, or `undefined`.
 *
 * @example
 * ```ts
 * GenServer.whereis('counter')
 * ```
 */
export function whereis(server: ServerRef): Pid | readonly [string, string] | undefined {
  return gen.whereis(gen.checkServer(server, whereis))
}

/**
 * The server's current state (`:sys.get_state/1`), for debugging.
 *
 * @example
 * ```ts
 * yield* GenServer.getState(counter) // 3
 * ```
 */
export function getState<S = unknown>(server: ServerRef, timeout = 5000): Receive<S> {
  const s = gen.checkServer(server, getState)
  const t = gen.checkCallTimeout(timeout, getState)
  return new Op(() => sysCall(s, 'getState', t) as Generator<unknown, S, unknown>)
}

/**
 * Replaces the server's state with `fn(state)` (`:sys.replace_state/2`), for debugging.
 *
 * @example
 * ```ts
 * yield* GenServer.replaceState(counter, (n: number) => n * 10)
 * ```
 */
export function replaceState<S>(server: ServerRef, fn: (state: S) => S, timeout = 5000): Receive<S> {
  const s = gen.checkServer(server, replaceState)
  const t = gen.checkCallTimeout(timeout, replaceState)
  return new Op(() => sysCall(s, ['replaceState', fn], t) as Generator<unknown, S, unknown>)
}

function sysCall(server: ServerRef, req: unknown, timeout: number): Generator<unknown, unknown, unknown> {
  return gen.doCall(server, req, timeout, 'sys', timeout, 'system')
}
