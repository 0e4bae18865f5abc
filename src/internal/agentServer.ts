import { createError } from './errors.ts'
import { inspect } from './format.ts'
import type { Module } from './genServer.ts'
import { blocks, callIn, settle } from './runtime/callbacks.ts'
import { currentProc } from './runtime/proc.ts'

/**
 * The Agent server (Elixir's `Agent.Server`): a GenServer whose state is whatever the agent's
 * functions return. Every function runs here, in the agent process (A2). A function may be
 * plain, `async` or a generator function; the agent then waits for it, and messages queue
 * meanwhile, exactly as for an async GenServer callback.
 */

/** An agent function: `fn`, called with the state, or `[fn, args]`, called as `fn(state, ...args)`. */
export type AgentFun = Function | readonly [Function, readonly unknown[]]

export function checkFun(f: unknown, caller: Function): AgentFun {
  if (typeof f === 'function') return f
  if (Array.isArray(f) && f.length === 2 && typeof f[0] === 'function' && Array.isArray(f[1]))
    return f as unknown as AgentFun
  throw createError(
    'ERR_BEAMISH_BADARG',
    `expected an agent function, one of the following:\n\n  * a function, called with the state\n  * [fn, args], called as fn(state, ...args)\n\nGot: ${inspect(f)}`,
    caller,
  )
}

/**
 * Runs an agent function with `extra` (the state, or nothing for the initial one) before its
 * args. The initial one needs nothing more: `init` runs in the agent's async context already
 * (the GenServer loop calls every `init` with `startIn`), and so does what it calls.
 */
function run(f: AgentFun, extra: readonly unknown[]): unknown {
  const p = currentProc()!
  if (typeof f === 'function') return callIn(p, f, undefined, extra)
  return callIn(p, f[0], undefined, [...extra, ...f[1]])
}

/**
 * Applies `then` to a function's result, finished first in the agent when it blocks (a promise,
 * a generator, or an op such as `GenServer.call`, which must run as the agent).
 */
function andThen(r: unknown, then: (v: unknown) => unknown): unknown {
  if (!blocks(r)) return then(r)
  return (function* () {
    return then(yield* settle(r))
  })()
}

export const AgentServer: Module = {
  name: 'Agent',
  init(f: AgentFun) {
    return andThen(run(f, []), (state) => ['ok', state])
  },
  handleCall(req: readonly [string, AgentFun], _from, state) {
    const [tag, f] = req
    if (tag === 'get') return andThen(run(f, [state]), (reply) => ['reply', reply, state])
    if (tag === 'update') return andThen(run(f, [state]), (next) => ['reply', 'ok', next])
    if (tag === 'get_and_update') {
      return andThen(run(f, [state]), (r) =>
        Array.isArray(r) && r.length === 2 ? ['reply', r[0], r[1]] : ['stop', ['bad_return_value', r], state],
      )
    }
    return ['stop', ['bad_call', req], state]
  },
  handleCast(req: readonly [string, AgentFun], state) {
    return andThen(run(req[1], [state]), (next) => ['noreply', next])
  },
}
