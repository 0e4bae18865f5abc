import { inspect } from './format.ts'

/** Every stable error code Beamish throws. Documented in docs/errors.md. */
export type ErrorCode =
  | 'ERR_BEAMISH_BADARG'
  | 'ERR_BEAMISH_INVALID_TIMEOUT'
  | 'ERR_BEAMISH_INVALID_NAME'
  | 'ERR_BEAMISH_INVALID_OPTION'
  | 'ERR_BEAMISH_NAME_TAKEN'
  | 'ERR_BEAMISH_ALREADY_REGISTERED'
  | 'ERR_BEAMISH_NOT_REGISTERED'
  | 'ERR_BEAMISH_NOPROC'
  | 'ERR_BEAMISH_NOT_IN_PROCESS'
  | 'ERR_BEAMISH_NOT_OWNER'
  | 'ERR_BEAMISH_UNCOPYABLE_MESSAGE'
  | 'ERR_BEAMISH_BAD_YIELD'
  | 'ERR_BEAMISH_EXIT'
  | 'ERR_BEAMISH_INVALID_NODE_NAME'
  | 'ERR_BEAMISH_INVALID_CHILD_SPEC'
  | 'ERR_BEAMISH_UNKNOWN_REGISTRY'
  | 'ERR_BEAMISH_MAX_CHILDREN'

/**
 * A synchronous error at the API boundary (bad argument, taken name, …). `code` is stable;
 * the message says what was expected and what was got, Elixir style.
 */
export class BeamishError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, message: string) {
    super(message)
    this.name = 'BeamishError'
    this.code = code
  }
}

/** Builds a {@link BeamishError} whose stack starts at the caller of the API function. */
export function createError(code: ErrorCode, message: string, caller?: Function): BeamishError {
  const err = new BeamishError(code, message)
  if (caller !== undefined) Error.captureStackTrace(err, caller)
  return err
}

/** `"<what> expected, got: <value>"` with the value inspected. */
export function badArg(
  what: string,
  got: unknown,
  caller?: Function,
  code: ErrorCode = 'ERR_BEAMISH_BADARG',
) {
  return createError(code, `expected ${what}, got: ${inspect(got)}`, caller)
}

/**
 * The exception `exit(reason)` throws (Erlang's `exit/1`, class `exit`). Uncaught in a process,
 * the process terminates with exactly `reason`, without a stack (semantics P2). Also what a failed
 * `GenServer.call` throws, with the reason shaped `[reason, ['GenServer', 'call', [server, request, timeout]]]`.
 */
export class ExitError extends Error {
  readonly code = 'ERR_BEAMISH_EXIT' as const
  readonly reason: unknown
  constructor(reason: unknown) {
    super(`exited: ${inspect(reason)}`)
    this.name = 'ExitError'
    this.reason = reason
  }
}

/**
 * Thrown into a process's own code when the process has been terminated while it was running
 * (for example by `exit(self(), 'kill')`), so that the rest of its code unwinds. Catching it
 * changes nothing: the process is already dead.
 */
export class ProcessTerminated extends Error {
  readonly code = 'ERR_BEAMISH_EXIT' as const
  readonly reason: unknown
  constructor(reason: unknown) {
    super(`process terminated: ${inspect(reason)}`)
    this.name = 'ProcessTerminated'
    this.reason = reason
  }
}

/** `valid` as Elixir lists options in its errors: one `  * v` line each. */
export function bullets(valid: readonly string[]): string {
  return valid.map((v) => `  * ${v}`).join('\n')
}

/** Throws Elixir's unknown-option error for a key of `o` not in `valid`. */
export function checkKeys(o: object, valid: readonly string[], what: string, caller: Function): void {
  for (const k of Object.keys(o)) {
    if (!valid.includes(k)) {
      throw createError(
        'ERR_BEAMISH_INVALID_OPTION',
        `unknown ${what} option ${JSON.stringify(k)}. The valid options are:\n\n${bullets(valid)}\n\nGot: ${JSON.stringify(k)}`,
        caller,
      )
    }
  }
}

/** `expected the <what>\n\nGot: <got>`: Elixir's text for an option with a bad value. */
export function badOption(what: string, got: unknown, caller: Function) {
  return createError('ERR_BEAMISH_INVALID_OPTION', `expected the ${what}\n\nGot: ${inspect(got)}`, caller)
}

/** The error for an option whose value is not one of `valid`. */
export function oneOf(option: string, valid: readonly string[], got: unknown, caller: Function) {
  return badOption(`${option} option to be one of the following:\n\n${bullets(valid)}`, got, caller)
}
