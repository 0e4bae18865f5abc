/**
 * Beamish: Erlang/OTP for TypeScript.
 *
 * @example
 * ```ts
 * import { Process, exit } from 'beamish'
 * ```
 *
 * @module
 */
import { ExitError } from './internal/errors.ts'

export * as Agent from './Agent.ts'
export * as Application from './Application.ts'
export * as DynamicSupervisor from './DynamicSupervisor.ts'
export * as Errors from './Errors.ts'
export * as GenServer from './GenServer.ts'
export { P } from './internal/pattern.ts'
export * as Logger from './Logger.ts'
export * as Node from './Node.ts'
export * as Process from './Process.ts'
export * as Registry from './Registry.ts'
export * as Supervisor from './Supervisor.ts'
export * as Task from './Task.ts'
export * as Tcp from './Tcp.ts'
export * as Term from './Term.ts'
export { Atom, List, Pid, Ref } from './Term.ts'

/**
 * Exits the calling process with `reason` (Elixir's `exit/1`): throws an {@link ExitError}
 * that, uncaught, ends the process with exactly `reason` and no stack. `'normal'` ends it
 * quietly; other reasons reach linked processes and monitors.
 *
 * @example
 * ```ts
 * Process.spawn(function* () { exit('shutdown') })
 * ```
 */
export function exit(reason: unknown): never {
  throw new ExitError(reason)
}

/** The value inside the `['ok', value]` member of a result union. */
export type OkValue<R> = R extends readonly ['ok', infer T, ...unknown[]] ? T : never

/**
 * Elixir's `{:ok, value} = expr`: returns `value` from an `['ok', value]` result; any other
 * result (`['error', reason]`, `'ignore'`…) exits the calling process with
 * `['badmatch', result]`, as a failed match does on the BEAM.
 *
 * @example
 * ```ts
 * const pid = expectOk(yield* GenServer.startLink(Counter, 0))
 * ```
 */
export function expectOk<R>(result: R): OkValue<R> {
  if (Array.isArray(result) && result[0] === 'ok' && result.length >= 2) return result[1] as OkValue<R>
  throw new ExitError(['badmatch', result])
}
