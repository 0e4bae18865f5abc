/**
 * Agents: a process that holds one piece of state, read and changed with functions. Elixir
 * 1.14's `Agent` on OTP 25 semantics: an Agent is a GenServer whose state is a term (A1).
 *
 * ## Example
 *
 * ```ts
 * import { Agent, Process } from 'beamish'
 *
 * await Process.run(function* () {
 *   const [, counter] = yield* Agent.startLink(() => 0, { name: 'counter' })
 *   yield* Agent.update(counter, (n) => n + 1)
 *   yield* Agent.get(counter, (n) => n)            // 1
 *   yield* Agent.getAndUpdate('counter', (n) => [n, n * 10])   // 1; the state is now 10
 * })
 * ```
 *
 * From an async process or plain async code, `await` the same calls.
 *
 * ## Client and server
 *
 * Every function you pass runs **inside the agent process** (A2), one at a time, in the order
 * the requests arrive. So keep them short: while one runs, every other client waits. Do the
 * expensive part in the client and send the agent only the final write:
 *
 * ```ts
 * // good: the agent only stores the result
 * const report = buildReport(data)
 * yield* Agent.update(reports, (all) => ({ ...all, [id]: report }))
 * ```
 *
 * Each function also has a `[fn, args]` form, called as `fn(state, ...args)` (Elixir's
 * `(module, fun, args)` form). Functions may be plain, `async` or generator functions; the agent
 * waits for them. `get`/`update`/`getAndUpdate` are calls (default timeout 5000 ms) and fail
 * like `GenServer.call`, with `[reason, ['GenServer', 'call', [agent, request, timeout]]]`
 * (`'noproc'`, `'timeout'`, or the reason the agent died with). A function that throws crashes
 * the agent, and the caller exits with the same reason (A3). `cast` is fire and forget.
 *
 * ## How to supervise
 *
 * `Agent.childSpec(fn, opts)` starts the agent with `startLink`, restarted `'permanent'` with a
 * 5000 ms shutdown, the defaults (A4). Names work as for GenServer: a string, or
 * `Registry.via(registry, key)`.
 *
 * ## When (not) to use an agent
 *
 * Use an agent for simple shared state (a cache, a counter, configuration). When the state
 * has its own behaviour (timers, messages, several kinds of request), write a GenServer; when
 * you only need to run something concurrently, use a Task.
 *
 * @module
 */

import * as GenServer from './GenServer.ts'
import { type AgentFun, AgentServer, checkFun } from './internal/agentServer.ts'
import type { ServerRef } from './internal/gen.ts'
import * as gen from './internal/gen.ts'
import type { StartResult } from './internal/procLib.ts'
import type { Receive } from './internal/runtime/receive.ts'
import { applyOverrides, type ChildSpec, type ChildSpecOverrides } from './internal/supervisor/spec.ts'
import type { Pid } from './internal/term/pid.ts'

export type { AgentFun, ChildSpec, ChildSpecOverrides, ServerRef }

declare const stateBrand: unique symbol
/** An agent's pid, remembering its state type so functions are typed. A plain `Pid` at run time. */
export type Agent<S = unknown> = Pid & { readonly [stateBrand]?: S }

/** Anything that names an agent: its pid, a registered name, `[name, node]` or `{ via, key }`. */
export type AgentRef<S = unknown> = Agent<S> | ServerRef

/** A value, or a promise or generator that produces it (what async and generator functions return). */
type Eventually<T> = T | PromiseLike<T> | Generator<unknown, T, any>

type Unwrap<T> = T extends PromiseLike<infer U> ? U : T extends Generator<unknown, infer U, any> ? U : T

/** The start options (those of `GenServer.start`). */
export type StartOptions = GenServer.StartOptions

/** A function of the state: `(state) => R`, or `[(state, ...args) => R, args]`. */
export type StateFun<S, R> =
  | ((state: S) => R)
  | readonly [(state: S, ...args: any[]) => R, readonly unknown[]]

/** The initial state: `() => S`, or `[(...args) => S, args]`. */
export type InitFun<S> = (() => S) | readonly [(...args: any[]) => S, readonly unknown[]]

// ------------------------------------------------------------------ starting

/**
 * Starts an agent linked to the caller; its state is what `fn` returns, computed inside the
 * new process before `startLink` returns (A1). Returns `['ok', pid]`, `['error', reason]`
 * (`['already_started', pid]` for a taken name; `[error, stack]` if `fn` threw) or `'ignore'`.
 * Options are GenServer's: `name`, `timeout`, `label`.
 *
 * @example
 * ```ts
 * const [, agent] = yield* Agent.startLink(() => new Map<string, number>())
 * const [, named] = yield* Agent.startLink([(a: number, b: number) => a + b, [1, 2]], { name: 'sum' })
 * ```
 */
export function startLink<S>(fn: InitFun<S>, opts?: StartOptions): Receive<StartResult<Agent<Unwrap<S>>>> {
  return GenServer.startLink(AgentServer, checkFun(fn, startLink), opts) as Receive<
    StartResult<Agent<Unwrap<S>>>
  >
}

/**
 * Like {@link startLink} without the link. Usable from outside any process.
 *
 * @example
 * ```ts
 * const [, agent] = await Agent.start(() => [] as string[])
 * ```
 */
export function start<S>(fn: InitFun<S>, opts?: StartOptions): Receive<StartResult<Agent<Unwrap<S>>>> {
  return GenServer.start(AgentServer, checkFun(fn, start), opts) as Receive<StartResult<Agent<Unwrap<S>>>>
}

/**
 * A child specification that starts the agent with `startLink(fn, opts)`:
 * `{ id: 'Agent', start: [Agent.startLink, [fn, opts]] }`, so `restart` and `shutdown` are the
 * defaults (`'permanent'`, 5000; A4). `overrides` replace fields (Elixir's `use Agent, …`).
 *
 * @example
 * ```ts
 * yield* Supervisor.startLink([Agent.childSpec(() => ({}), { name: 'config' })], { strategy: 'one_for_one' })
 * ```
 */
export function childSpec<S>(fn: InitFun<S>, opts?: StartOptions, overrides?: ChildSpecOverrides): ChildSpec {
  checkFun(fn, childSpec)
  const spec: ChildSpec = { id: 'Agent', start: [startLink, opts === undefined ? [fn] : [fn, opts]] }
  return applyOverrides(spec, overrides, childSpec)
}

// ------------------------------------------------------------------ client API

/** A call carrying an agent function: agent, function and timeout checked in that order. */
function agentCall<R>(
  agent: unknown,
  tag: string,
  fn: unknown,
  timeout: number,
  caller: Function,
): Receive<R> {
  const a = gen.checkServer(agent, caller)
  const req = [tag, checkFun(fn, caller)] as const
  return gen.call<R>(a, req, gen.checkCallTimeout(timeout, caller), 'GenServer', timeout)
}

/**
 * Returns `fn(state)`, computed in the agent (A2). Default timeout 5000 ms.
 *
 * @example
 * ```ts
 * const n = yield* Agent.get(counter, (n) => n)
 * const v = await Agent.get('cache', [(m: Map<string, number>, k: string) => m.get(k), ['a']])
 * ```
 */
export function get<S, R>(
  agent: AgentRef<S>,
  fn: StateFun<S, R>,
  timeout: number = 5000,
): Receive<Unwrap<R>> {
  return agentCall(agent, 'get', fn, timeout, get)
}

/**
 * Replaces the state with `fn(state)`, computed in the agent, and returns `'ok'` once done.
 * Default timeout 5000 ms.
 *
 * @example
 * ```ts
 * yield* Agent.update(counter, (n) => n + 1)
 * ```
 */
export function update<S>(
  agent: AgentRef<S>,
  fn: StateFun<S, Eventually<S>>,
  timeout: number = 5000,
): Receive<'ok'> {
  return agentCall(agent, 'update', fn, timeout, update)
}

/**
 * Gets and updates in one step: `fn(state)` returns `[reply, newState]`; the caller gets
 * `reply`. Any other return value stops the agent with `['bad_return_value', value]`.
 *
 * @example
 * ```ts
 * const next = yield* Agent.getAndUpdate(ids, (n) => [n, n + 1])
 * ```
 */
export function getAndUpdate<S, R>(
  agent: AgentRef<S>,
  fn: StateFun<S, Eventually<readonly [R, S]>>,
  timeout: number = 5000,
): Receive<R> {
  return agentCall(agent, 'get_and_update', fn, timeout, getAndUpdate)
}

/**
 * Updates the state with `fn(state)` asynchronously and returns `'ok'` at once, even if the
 * agent does not exist.
 *
 * @example
 * ```ts
 * Agent.cast(counter, (n) => n + 1)
 * ```
 */
export function cast<S>(agent: AgentRef<S>, fn: StateFun<S, Eventually<S>>): 'ok' {
  const a = gen.checkServer(agent, cast)
  gen.cast(a, ['cast', checkFun(fn, cast)])
  return 'ok'
}

/**
 * Stops the agent with `reason` (default `'normal'`) and waits up to `timeout` (default
 * `Infinity`) for it to be gone. Exits like `GenServer.stop` (`noproc`, `timeout`, …).
 *
 * @example
 * ```ts
 * yield* Agent.stop(counter)
 * ```
 */
export function stop(
  agent: AgentRef,
  reason: unknown = 'normal',
  timeout: number = Number.POSITIVE_INFINITY,
): Receive<'ok'> {
  return gen.stop(agent, reason, timeout, stop)
}
