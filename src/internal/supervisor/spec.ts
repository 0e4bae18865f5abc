import { createError } from '../errors.ts'
import { inspect } from '../format.ts'
import type { Pid } from '../term/pid.ts'

/**
 * The child specification's types (semantics §10.1) and `child_spec/2`-style overrides. Kept
 * free of any behaviour import so that GenServer (and later Agent, Task) can build specs
 * without depending on the supervisor.
 */

/** When a terminated child is restarted (SU-r1). */
export type Restart = 'permanent' | 'transient' | 'temporary'
/** How a child is shut down (SU-o4): kill at once, milliseconds to wait after `'shutdown'`, or wait forever. */
export type Shutdown = 'brutal_kill' | 'infinity' | number
export type ChildType = 'worker' | 'supervisor'

/** What a start function returns (or an Op/promise of it). */
export type OnStart =
  | readonly ['ok', Pid]
  | readonly ['ok', Pid, unknown]
  | 'ignore'
  | readonly ['error', unknown]

/** A start function of no arguments: returns a start result, an `Op` of one, or a promise of one. */
export type StartFunction = () => unknown
/** The MFA form: `fn(...args)` (a DynamicSupervisor prepends its `extraArguments`). */
export type StartMfa = readonly [(...args: any[]) => unknown, readonly unknown[]]

/** A child specification (Elixir's child spec map; OTP's `child_spec()`). */
export interface ChildSpec {
  /** Names the child inside its supervisor (any value but a pid). Required. */
  readonly id: unknown
  /** Starts the child, which must be linked to the caller (the supervisor). Required. */
  readonly start: StartFunction | StartMfa
  /** Default `'permanent'`. */
  readonly restart?: Restart
  /** Default `5000` for workers and `'infinity'` for supervisors. */
  readonly shutdown?: Shutdown
  /** Default `'worker'`. */
  readonly type?: ChildType
  /** A child whose own termination may stop the supervisor (autoShutdown, §10.7). Default false. */
  readonly significant?: boolean
  /** For release handling only: the modules the child runs, or `'dynamic'`. */
  readonly modules?: readonly string[] | 'dynamic'
}

/** The fields {@link applyOverrides} accepts (Elixir's `child_spec/2` overrides). */
export type ChildSpecOverrides = Partial<ChildSpec>

const OVERRIDE_KEYS = ['id', 'start', 'restart', 'shutdown', 'type', 'modules', 'significant'] as const
const OVERRIDE_SET = new Set<string>(OVERRIDE_KEYS)

/** Copies `spec` with `overrides` applied; an unknown key throws like Elixir's `child_spec/2`. */
export function applyOverrides<S extends object>(
  spec: S,
  overrides: unknown,
  caller: Function,
): S & ChildSpecOverrides {
  if (overrides === undefined) return { ...spec }
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw createError(
      'ERR_BEAMISH_INVALID_CHILD_SPEC',
      `expected the child specification overrides to be an object\n\nGot: ${inspect(overrides)}`,
      caller,
    )
  }
  for (const k of Object.keys(overrides)) {
    if (!OVERRIDE_SET.has(k)) {
      throw createError(
        'ERR_BEAMISH_INVALID_CHILD_SPEC',
        `unknown key ${JSON.stringify(k)} in child specification override. The valid keys are:\n\n${OVERRIDE_KEYS.map((x) => `  * ${x}`).join('\n')}\n\nGot: ${JSON.stringify(k)}`,
        caller,
      )
    }
  }
  return { ...spec, ...(overrides as ChildSpecOverrides) }
}
