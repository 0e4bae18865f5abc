import { ExitError, ProcessTerminated } from '../errors.ts'
import { Op } from '../runtime/op.ts'
import { asyncStorage, type Proc } from '../runtime/proc.ts'
import { ReceiveOp } from '../runtime/receive.ts'
import { isGenerator } from '../runtime/scheduler.ts'
import { Pid } from '../term/pid.ts'
import type { ChildRec } from './childSpec.ts'
import type { OnStart } from './spec.ts'

/**
 * Calling a child's start function from inside the supervisor and reading what it returned,
 * the way `supervisor:do_start_child_i/3` (static) or DynamicSupervisor's `start_child/3` do.
 */

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor

/** Resolves what a start function returned: an Op or generator is run, a promise awaited. */
function* settle(r: unknown): Generator<unknown, unknown, unknown> {
  if (r === null || typeof r !== 'object' || Array.isArray(r)) return r
  if (r instanceof Op || r instanceof ReceiveOp || isGenerator(r))
    return yield* r as Iterable<unknown, unknown, unknown>
  if (typeof (r as PromiseLike<unknown>).then === 'function') return yield r
  return r
}

/**
 * Calls `fn` from inside process `p` and resolves its result (a callback such as a supervisor
 * module's `init`, which may be plain, async or a generator).
 */
export function* callSettled(
  p: Proc,
  fn: Function,
  thisArg: unknown,
  args: readonly unknown[],
): Generator<unknown, unknown, unknown> {
  const r =
    fn instanceof AsyncFunction
      ? asyncStorage().run(p, () => fn.apply(thisArg, args))
      : fn.apply(thisArg, args)
  return yield* settle(r)
}

/**
 * Runs `child`'s start (with `extra` prepended to MFA arguments, D3) and normalises the result
 * to `['ok', pid]`, `['ok', pid, info]`, `'ignore'` or `['error', reason]`.
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
    r = fn instanceof AsyncFunction ? asyncStorage().run(p, () => fn(...args)) : fn(...args)
    r = yield* settle(r)
  } catch (e) {
    if (e instanceof ProcessTerminated) throw e
    if (dynamic) return ['error', thrownReason(e)]
    if (e instanceof ExitError) r = ['EXIT', e.reason]
    else if (e instanceof Error) r = ['EXIT', [e, e.stack ?? '']]
    else r = e
  }
  if (Array.isArray(r)) {
    if (r[0] === 'ok' && r[1] instanceof Pid && (r.length === 2 || r.length === 3))
      return r as unknown as OnStart
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
