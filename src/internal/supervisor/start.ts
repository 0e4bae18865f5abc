import { ExitError, ProcessTerminated } from '../errors.ts'
import { settle, startIn } from '../runtime/callbacks.ts'
import { currentProc, type Proc } from '../runtime/proc.ts'
import { Pid } from '../term/pid.ts'
import type { ChildModule, ChildRec } from './childSpec.ts'
import { reportProgress, type SupName } from './report.ts'
import type { OnStart } from './spec.ts'

/**
 * Calling user code from inside the supervisor: its own module's `init` (`callInit`), and a
 * child's start function, reading what it returned the way `supervisor:do_start_child_i/3`
 * (static) or DynamicSupervisor's `start_child/3` do.
 */

/**
 * A supervisor's first step, in its own process: trap exits (a child's end must arrive as a
 * message, not kill it), then call its module's `init(arg)`, which may be plain, async or a
 * generator, and resolve the result. Returns the process and that result.
 */
export function* callInit(mod: ChildModule, arg: unknown): Generator<unknown, [Proc, unknown], unknown> {
  const p = currentProc()!
  p.trapExit = true
  return [p, yield* settle(startIn(p, mod.init, mod, [arg]))]
}

/**
 * Runs `child`'s start (with `extra` prepended to MFA arguments, D3) and normalises the result
 * to `['ok', pid]`, `['ok', pid, info]`, `'ignore'` or `['error', reason]`. A child a static
 * supervisor (`sup`) started gets its progress report here, a dynamic one's none. Why here and
 * not in each caller: every caller would wrap this generator in one of its own, and a
 * supervisor's restart already runs several `yield*` layers deep (each resumed on every step).
 *
 * A start that throws: a DynamicSupervisor reports Elixir's reasons (`exit` → the reason, an
 * Error → `[error, stack]`, a thrown value → `[['nocatch', v], stack]`, D2); a static supervisor
 * keeps OTP's `catch apply(…)` (`['EXIT', reason]`, `['EXIT', [error, stack]]`, or the thrown value
 * itself taken as the return value).
 */
export function* callStart(
  p: Proc,
  child: ChildRec,
  extra: readonly unknown[],
  dynamic: boolean,
  sup: SupName,
): Generator<unknown, OnStart, unknown> {
  let r: unknown
  try {
    const start = child.start
    let fn: Function
    let args: readonly unknown[]
    if (typeof start === 'function') {
      fn = start
      args = []
    } else {
      fn = start[0]
      args = extra.length === 0 ? start[1] : [...extra, ...start[1]]
    }
    // Why async starts run in the process's async context: an `await GenServer.startLink(…)`
    // inside must link the child to the supervisor, not to a detached helper process.
    r = yield* settle(startIn(p, fn, undefined, args))
  } catch (e) {
    if (e instanceof ProcessTerminated) throw e
    if (dynamic) return ['error', thrownReason(e)]
    if (e instanceof ExitError) r = ['EXIT', e.reason]
    else if (e instanceof Error) r = ['EXIT', [e, e.stack ?? '']]
    else r = e
  }
  if (Array.isArray(r)) {
    if (r[0] === 'ok' && r[1] instanceof Pid && (r.length === 2 || r.length === 3)) {
      // Elixir's DynamicSupervisor starts its children without a progress report.
      if (!dynamic) reportProgress(child, r[1], sup, p.pid)
      return r as unknown as OnStart
    }
    if (r[0] === 'error' && r.length === 2) return r as unknown as OnStart
  }
  if (r === 'ignore') return 'ignore'
  return ['error', r]
}

/** Elixir's `exit_reason/3` for a start that threw. */
function thrownReason(e: unknown): unknown {
  if (e instanceof ExitError) return e.reason
  if (e instanceof Error) return [e, e.stack ?? '']
  return [['nocatch', e], new Error().stack ?? '']
}
