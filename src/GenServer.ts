/**
 * GenServer: a process that keeps state and serves requests, with OTP 25 / Elixir 1.14
 * semantics.
 *
 * A server is a *callback module*: an object with `init` and any of `handleCall`, `handleCast`,
 * `handleInfo`, `handleContinue`, `terminate`, `formatStatus`. Callbacks return OTP's tuples as
 * arrays (`['reply', reply, newState]`, `['noreply', newState]`, `['stop', reason, newState]`);
 * the helpers {@link ok}, {@link reply} and {@link noreply} build the common ones. Callbacks may be plain,
 * `async` (the server waits for the promise; messages queue meanwhile) or generator functions;
 * an async or generator `terminate` runs to its end before the server exits.
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
 * const started = await GenServer.start(Stack, ['hello'])
 * if (started === 'ignore' || started[0] !== 'ok') throw new Error('Stack did not start')
 * const pid = started[1]                     // typed: GenServer.Server<typeof Stack>
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
import { badArg, createError, ExitError } from './internal/errors.ts'
import { inspect } from './internal/format.ts'
import type { From, Name, ServerRef, ViaModule } from './internal/gen.ts'
import * as gen from './internal/gen.ts'
import { type Module, moduleName, type Status, serverMain } from './internal/genServer.ts'
import { start as procStart, type StartResult } from './internal/procLib.ts'
import { isCallbackModule } from './internal/runtime/callbacks.ts'
import { copyMessage } from './internal/runtime/copy.ts'
import { Op } from './internal/runtime/op.ts'
import { currentProc } from './internal/runtime/proc.ts'
import type { Receive } from './internal/runtime/receive.ts'
import { applyOverrides, type ChildSpec, type ChildSpecOverrides } from './internal/supervisor/spec.ts'
import type { Pid } from './internal/term/pid.ts'

export type { From, Module as Callbacks, Name, ServerRef, StartResult, Status, ViaModule }

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
export type NoReplyResult<S> =
  | readonly ['noreply', S]
  | readonly ['noreply', S, Extra]
  | readonly ['stop', unknown, S]

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
  return extra === undefined
    ? (['reply', replyValue, state] as const)
    : (['reply', replyValue, state, extra] as const)
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
  if (!isCallbackModule(module)) {
    throw badArg('a GenServer callback module: an object with an init function', module, define)
  }
  return module
}

// ------------------------------------------------------------------ starting

export interface StartOptions {
  /** Register the server: a string (local), `{ via, key }`, or `{ global }`; `undefined`/`null`: no name. */
  readonly name?: Name | null | undefined
  /** Milliseconds `init` may take before the start fails with `'timeout'` (default Infinity). */
  readonly timeout?: number | undefined
  /** A label for `Process.info` and reports. */
  readonly label?: unknown
}

const START_KEYS = new Set(['name', 'timeout', 'label', 'debug', 'spawnOpt', 'hibernateAfter'])

function startOp<M extends Module>(
  mod: M,
  arg: unknown,
  opts: StartOptions | undefined,
  link: boolean,
  caller: Function,
) {
  if (!isCallbackModule(mod)) {
    throw badArg('a GenServer callback module (an object with an init function)', mod, caller)
  }
  const o = opts ?? {}
  if (typeof o !== 'object')
    throw badArg('start options to be an object', o, caller, 'ERR_BEAMISH_INVALID_OPTION')
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
  if (name !== undefined && typeof name === 'object' && 'global' in name && gen.globalNames === null) {
    throw createError(
      'ERR_BEAMISH_INVALID_NAME',
      `global names need distribution (Node.start) first. Got: ${inspect(name)}`,
      caller,
    )
  }
  if (link && currentProc() === null) {
    throw createError(
      'ERR_BEAMISH_NOT_IN_PROCESS',
      'startLink must be called from inside a process (the link needs an owner); use start from plain async code',
      caller,
    )
  }
  const timeout = o.timeout === undefined ? -1 : gen.checkCallTimeout(o.timeout, caller)
  const initialCall = `${moduleName(mod)}.init/1`
  const startOpts = { link, timeout, initialCall, ...(o.label === undefined ? {} : { label: o.label }) }
  // The init argument is copied into the server now, as a message would be (OTP's start copies
  // Args into the new process); a primitive or a function costs nothing.
  const args = [mod, copyMessage(arg), name]
  // Without a name there is nothing to look up first: the op is the start itself (one generator
  // layer less under a supervisor, which starts every child through here).
  if (name === undefined) return new Op(() => procStart<Server<M>>(serverMain as never, args, startOpts))
  return new Op<StartResult<Server<M>>>(function* () {
    // OTP's gen:start looks the name up in the caller first: a taken name fails without spawning
    // anything, and a via module may refuse the name here, in the caller (RG5: a duplicate
    // Registry raises).
    const holder = gen.whereis(name)
    if (holder !== undefined) return ['error', ['already_started', holder]] as const
    return yield* procStart<Server<M>>(serverMain as never, args, startOpts)
  })
}

/**
 * Starts a server linked to the caller and waits until its `init` has returned (G-s1). Returns
 * `['ok', pid]`, `'ignore'`, or `['error', reason]` (`['already_started', pid]` for a taken
 * name). If `init` fails, the linked caller gets the exit signal too (as on the BEAM). `arg` is
 * copied into the server as a message is (the README's term model). Must be called from
 * inside a process (the link needs an owner): outside one it throws `ERR_BEAMISH_NOT_IN_PROCESS`;
 * use {@link start} from plain async code.
 *
 * @example
 * ```ts
 * const started = yield* GenServer.startLink(Counter, 0, { name: 'counter' })
 * if (started !== 'ignore' && started[0] === 'ok') yield* GenServer.call(started[1], 'get')
 * ```
 */
export function startLink<M extends Module>(
  module: M,
  arg: ArgOf<M>,
  opts?: StartOptions,
): Receive<StartResult<Server<M>>> {
  return startOp(module, arg, opts, true, startLink)
}

/**
 * Like {@link startLink} without the link. Usable from outside any process.
 *
 * @example
 * ```ts
 * const started = await GenServer.start(Counter, 0)
 * if (started !== 'ignore' && started[0] === 'ok') await GenServer.call(started[1], 'get')
 * ```
 */
export function start<M extends Module>(
  module: M,
  arg: ArgOf<M>,
  opts?: StartOptions,
): Receive<StartResult<Server<M>>> {
  return startOp(module, arg, opts, false, start)
}

/**
 * The child specification that starts `module` under a supervisor with
 * `GenServer.startLink(module, arg)`: `{ id: <module name>, start: [GenServer.startLink, [module, arg]] }`,
 * with `overrides` applied (what Elixir's `use GenServer` generates as `child_spec/1`). Give a
 * module a `childSpec(arg)` built on it to customise how supervisors start it; an unknown
 * override key throws `ERR_BEAMISH_INVALID_CHILD_SPEC`.
 *
 * @example
 * ```ts
 * const Stack = GenServer.define({
 *   name: 'Stack',
 *   init: (items: string[]) => GenServer.ok(items),
 *   childSpec(items: string[]) {
 *     return GenServer.childSpec(this, items, { restart: 'transient' })
 *   },
 * })
 * yield* Supervisor.startLink([[Stack, ['hello']]], { strategy: 'one_for_one' })
 * ```
 */
export function childSpec<M extends Module>(
  module: M,
  arg: ArgOf<M>,
  overrides?: ChildSpecOverrides,
): ChildSpec {
  if (!isCallbackModule(module)) {
    throw badArg('a GenServer callback module (an object with an init function)', module, childSpec)
  }
  const spec: ChildSpec = { id: moduleName(module), start: [startLink, [module, arg]] }
  return applyOverrides(spec, overrides, childSpec)
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
export function call<M>(
  server: Server<M> | ServerRef,
  request: CallOf<M>,
  timeout: number = 5000,
): Receive<ReplyOf<M>> {
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
  if (!Array.isArray(from) || from.length !== 2)
    throw badArg('a From ([pid, tag]) as given to handleCall', from, replyTo)
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
export function stop(
  server: ServerRef,
  reason: unknown = 'normal',
  timeout: number = Number.POSITIVE_INFINITY,
): Receive<'ok'> {
  return gen.stop(server, reason, timeout, stop)
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
 * The server's current state (`:sys.get_state/1`), for debugging. Fails like `:sys`, with an
 * `ExitError` whose reason is `[reason, ['sys', 'getState', [server, timeout]]]`.
 *
 * @example
 * ```ts
 * yield* GenServer.getState(counter) // 3
 * ```
 */
export function getState<S = unknown>(server: ServerRef, timeout = 5000): Receive<S> {
  const s = gen.checkServer(server, getState)
  const t = gen.checkCallTimeout(timeout, getState)
  return new Op(
    () => sysCall(s, 'getState', t, 'getState', [server, timeout]) as Generator<unknown, S, unknown>,
  )
}

/**
 * Replaces the server's state with `fn(state)` (`:sys.replace_state/2`), for debugging, and
 * returns the new state. `fn` runs in the server; if it throws, the state stays as it was and
 * the caller throws what `fn` threw.
 *
 * @example
 * ```ts
 * yield* GenServer.replaceState(counter, (n: number) => n * 10)
 * ```
 */
export function replaceState<S>(server: ServerRef, fn: (state: S) => S, timeout = 5000): Receive<S> {
  const s = gen.checkServer(server, replaceState)
  const t = gen.checkCallTimeout(timeout, replaceState)
  return new Op(
    () =>
      sysCall(s, ['replaceState', fn], t, 'replaceState', [server, fn, timeout]) as Generator<
        unknown,
        S,
        unknown
      >,
  )
}

/**
 * A `sys` request. Fails like `:sys` does: exits `[reason, ['sys', fn, args]]`, and rethrows
 * what a `replaceState` function threw in the server (`callback_failed`).
 */
function* sysCall(
  server: ServerRef,
  req: unknown,
  timeout: number,
  fn: string,
  args: unknown[],
): Generator<unknown, unknown, unknown> {
  let r: unknown
  try {
    r = yield* gen.doCall(server, req, timeout, 'sys', timeout, 'system')
  } catch (e) {
    if (e instanceof ExitError && Array.isArray(e.reason))
      throw new ExitError([e.reason[0], ['sys', fn, args]])
    throw e
  }
  if (
    Array.isArray(r) &&
    r.length === 2 &&
    r[0] === 'error' &&
    Array.isArray(r[1]) &&
    r[1][0] === 'callback_failed'
  )
    throw r[1][2]
  return r
}
