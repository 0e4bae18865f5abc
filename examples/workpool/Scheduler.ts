/**
 * Seed 001's `Workpool.Scheduler`: a FIFO scheduler that runs each queued job in its own
 * monitored process. The job's result goes straight to the requester; if the job crashes, the
 * scheduler's monitor gets the `DOWN` and tells the requester
 * `['failure', 'pool worker died: …']`. Monitors, not links: a crashing job never takes the
 * scheduler down.
 *
 * Elixir → TypeScript: `state.processing` (a `HashDict` of worker pid → requester) is a `Map`
 * owned by the loop; `{pid, _ref} = spawn_monitor(fn -> send sender, func.(args) end)` is
 * `Process.spawnMonitor(function* () { Process.send(sender, yield* apply(func, args)) })` —
 * functions travel in messages by reference, like funs on the BEAM.
 *
 * Like the article's `{:queue, func, args, sender}`, the queue clause takes any four-element
 * `queue` tuple: what is not a function fails in the job process, as `func.(args)` does, with
 * Elixir's `BadFunctionError`, so the requester is told (`pool worker died: BadFunctionError:
 * expected a function, got: 'notafun'`; Elixir's raw reason is `{{:badfun, :notafun}, stack}`,
 * which its log prints as `** (BadFunctionError) expected a function, got: :notafun`).
 *
 * A job's error is logged with its JavaScript class: `throw new Error('oops')` (the port of
 * `raise "oops"`) logs `** (Error) oops` where Elixir logs `** (RuntimeError) oops`, and the
 * failure reads `pool worker died: Error: oops`.
 */
import { inspect } from 'node:util'
import { P, Pid, Process } from '../../src/index.ts'

/**
 * A job: any one-argument function, applied to the queued argument. A generator function is a
 * job that works in steps (`yield Process.yield()` between them, see FibonacciWorkPool.ts): it
 * is run to its end, and what it returns is the result.
 */
export type Job = (args: any) => unknown

/** Elixir's `BadFunctionError`: what calling something that is not a function raises. */
export class BadFunctionError extends Error {
  override name = 'BadFunctionError'
  readonly term: unknown
  constructor(term: unknown) {
    super(`expected a function, got: ${inspect(term, { breakLength: Number.POSITIVE_INFINITY })}`)
    this.term = term
  }
}

/** `Workpool.Scheduler.start_link/0`. */
export function startLink(): Pid {
  return Process.spawnLink(() => loop({ processing: new Map() }))
}

/** Who gets a job's result: a pid, or a registered name (Elixir's `send` takes either). */
type Requester = Pid | string

interface State {
  /** Worker pid → requester. */
  readonly processing: Map<Pid, Requester>
}

/** Elixir's `inspect reason` for the failure message: an error reads as `Error: oops`. */
function inspectReason(reason: unknown): string {
  if (Array.isArray(reason) && reason[0] instanceof Error) return `${reason[0].name}: ${reason[0].message}`
  return inspect(reason)
}

function isGenerator(value: unknown): value is Generator<unknown, unknown> {
  return Object.prototype.toString.call(value) === '[object Generator]'
}

/** `func.(args)`, in the job's process. */
function* apply(func: unknown, args: unknown): Generator<unknown, unknown> {
  if (typeof func !== 'function') throw new BadFunctionError(func)
  const result: unknown = (func as Job)(args)
  return isGenerator(result) ? yield* result : result
}

function* loop(state: State): Generator<unknown, never> {
  for (;;) {
    const msg = yield* Process.receive(
      ['queue', P._, P._, P._],
      ['DOWN', P._, 'process', P.instanceOf(Pid), P._],
    )
    if (msg[0] === 'queue') {
      // As in Elixir, a requester that is neither a pid nor a registered name makes `send` fail.
      const [, func, args, sender] = msg as readonly ['queue', unknown, unknown, Requester]
      const [pid] = Process.spawnMonitor(function* () {
        Process.send(sender, yield* apply(func, args))
      })
      state.processing.set(pid, sender)
    } else {
      const [, , , pid, reason] = msg
      if (reason !== 'normal') {
        const sender = state.processing.get(pid)
        if (sender !== undefined)
          Process.send(sender, ['failure', `pool worker died: ${inspectReason(reason)}`])
      }
      state.processing.delete(pid)
    }
  }
}
