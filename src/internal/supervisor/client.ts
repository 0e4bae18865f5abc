import { badArg, badOption, checkKeys } from '../errors.ts'
import * as gen from '../gen.ts'
import { type Module, moduleName, serverMain } from '../genServer.ts'
import { start as procStart, type StartResult } from '../procLib.ts'
import { Op } from '../runtime/op.ts'
import type { Receive } from '../runtime/receive.ts'
import type { Pid } from '../term/pid.ts'
import type { ChildModule } from './childSpec.ts'

/**
 * The caller's side of Supervisor, DynamicSupervisor and Task.Supervisor: checking their
 * options, starting the supervisor process, and calling it.
 */

/**
 * An options object (`undefined`: none) holding only `keys`. `expected` is the error text for a
 * non-object; `owner` names the options in the unknown-key error.
 */
export function optionsObject(
  o: unknown,
  keys: readonly string[],
  owner: string,
  expected: string,
  caller: Function,
): Record<string, unknown> {
  if (o === undefined) return {}
  if (typeof o !== 'object' || o === null || Array.isArray(o)) {
    throw badArg(expected, o, caller, 'ERR_BEAMISH_INVALID_OPTION')
  }
  checkKeys(o, keys, owner, caller)
  return o as Record<string, unknown>
}

/**
 * `maxRestarts` and `maxSeconds`, checked in that order: OTP's `intensity` and `period`,
 * default 3 restarts in 5 seconds.
 */
export function intensityOptions(
  o: { readonly maxRestarts?: unknown; readonly maxSeconds?: unknown },
  caller: Function,
): { intensity: number; period: number } {
  const r = o.maxRestarts
  if (r !== undefined && !(Number.isInteger(r) && (r as number) >= 0))
    throw badOption('maxRestarts option to be a non-negative integer', r, caller)
  const t = o.maxSeconds
  if (t !== undefined && !(Number.isInteger(t) && (t as number) > 0))
    throw badOption('maxSeconds option to be a positive integer (seconds)', t, caller)
  return { intensity: (r as number | undefined) ?? 3, period: (t as number | undefined) ?? 5 }
}

/**
 * Starts a supervisor process running `server` (the static or the dynamic one) over callback
 * module `mod`, and waits for its `init`: children started, or the start failed.
 */
export function startSupervisor(
  server: Module,
  mod: ChildModule,
  arg: unknown,
  name: gen.Name | undefined,
  link: boolean,
): Op<StartResult<Pid>> {
  const initialCall = `${moduleName(mod as never)}.init/1`
  return new Op(() =>
    procStart<Pid>(serverMain as never, [server, [mod, arg, name], name], {
      link,
      timeout: -1,
      initialCall,
    }),
  )
}

/** A management call; supervisors answer them all, so it waits without a timeout. */
export function supCall<R>(sup: unknown, request: unknown, caller: Function): Receive<R> {
  return gen.call<R>(gen.checkServer(sup, caller), request, -1, 'GenServer', Number.POSITIVE_INFINITY)
}
