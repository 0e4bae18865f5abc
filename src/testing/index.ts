/**
 * ExUnit-style helpers for testing processes: `assertReceive`, `refuteReceive`, `captureLog`,
 * and `run`, which runs a test body as a process and rethrows its assertion errors as is.
 *
 * @example
 * ```ts
 * import { it } from 'node:test'
 * import { Process, P } from 'beamish'
 * import { assertReceive, run } from 'beamish/testing'
 *
 * it('echoes', () => run(function* () {
 *   Process.send(Process.self(), ['hello', 1])
 *   const [, n] = yield* assertReceive(['hello', P.number])
 * }))
 * ```
 *
 * @module
 */
import { AssertionError } from 'node:assert'
import { ExitError } from '../internal/errors.ts'
import { inspect } from '../internal/format.ts'
import { formatEvent, type Handler, type LogEvent, state } from '../internal/logger.ts'
import { self as selfProc } from '../internal/runtime/proc.ts'
import { After, Clause, type Receive, type ResultOf } from '../internal/runtime/receive.ts'
import { makeReceive } from '../internal/runtime/receiveBuild.ts'
import * as Process from '../Process.ts'

function mailboxText(): string {
  const mb = selfProc().mailbox
  const msgs = mb === null ? [] : mb.toArray()
  if (msgs.length === 0) return 'The process mailbox is empty.'
  const shown = msgs.slice(0, 10).map((m) => `  ${inspect(m)}`)
  return `Showing ${shown.length} of ${msgs.length} messages in the mailbox:\n${shown.join('\n')}`
}

function describe(pattern: unknown): string {
  return typeof pattern === 'function' ? `a message passing ${pattern.name || 'the guard'}` : inspect(pattern)
}

/**
 * Waits up to `timeout` ms (default 100, like ExUnit) for a message matching `pattern` and
 * returns it; fails with an AssertionError listing the mailbox otherwise.
 *
 * @example
 * ```ts
 * const [, ref, , , reason] = yield* assertReceive(['DOWN', ref, 'process', pid, P._], 500)
 * ```
 */
export function assertReceive<const Pat>(pattern: Pat, timeout = 100): Receive<ResultOf<Pat>> {
  return makeReceive(
    [
      new Clause(pattern, null),
      new After(timeout, () => {
        throw new AssertionError({
          message: `Assertion failed, no message matching ${describe(pattern)} after ${timeout}ms.\n${mailboxText()}`,
        })
      }),
    ],
    assertReceive,
  ) as unknown as Receive<ResultOf<Pat>>
}

/**
 * Fails if a message matching `pattern` arrives within `timeout` ms (default 100); the message
 * is consumed either way.
 *
 * @example
 * ```ts
 * yield* refuteReceive(['EXIT', P._, P._], 50)
 * ```
 */
export function refuteReceive<const Pat>(pattern: Pat, timeout = 100): Receive<undefined> {
  return makeReceive(
    [
      new Clause(pattern, (m: unknown) => {
        throw new AssertionError({
          message: `Unexpectedly received a message matching ${describe(pattern)}: ${inspect(m)}`,
        })
      }),
      new After(timeout, () => undefined),
    ],
    refuteReceive,
  ) as unknown as Receive<undefined>
}

/**
 * Runs `body` as a process (like `Process.run`) and, when the process crashed with an Error
 * (an assertion, say), rejects with that Error itself so test runners show it plainly.
 *
 * @example
 * ```ts
 * it('works', () => run(function* () { … }))
 * ```
 */
export function run<T>(body: () => Generator<unknown, T, any> | PromiseLike<T> | T): Promise<T> {
  return Process.run(body).catch((e: unknown) => {
    if (e instanceof ExitError && Array.isArray(e.reason) && e.reason[0] instanceof Error) throw e.reason[0]
    throw e
  })
}

/**
 * The console is muted while any captureLog runs (ExUnit mutes it likewise): `running` counts
 * them, and the console handler they replaced waits in `savedConsole`.
 */
let running = 0
let nextCapture = 0
let savedConsole: Handler | undefined
const mutedConsole: Handler = () => {}

function muteConsole(): void {
  savedConsole = state.handlers.get('console')
  if (savedConsole !== undefined) state.handlers.set('console', mutedConsole)
}

function unmuteConsole(): void {
  // Put back the console handler where it was, unless it was replaced or removed meanwhile.
  if (savedConsole !== undefined && state.handlers.get('console') === mutedConsole) {
    state.handlers.set('console', savedConsole)
  }
  savedConsole = undefined
}

/**
 * Captures everything logged while `body` runs (until its promise settles) and returns it as
 * text, as ExUnit's `capture_log`: each event in the console format with its leading and
 * trailing newline (`"\n12:00:00.000 [info] one\n\n12:00:00.001 [error] two\n"`), `''` for
 * none. The console handler is muted meanwhile, so what is captured is not also printed; other
 * handlers go on receiving events. Captures may overlap (concurrent tests): each gets every
 * event logged while it runs, and the console comes back when the last one ends.
 *
 * @example
 * ```ts
 * const log = await captureLog(() => run(function* () { … a process crashes … }))
 * assert.match(log, /raised an exception/)
 * ```
 */
export async function captureLog(body: () => unknown): Promise<string> {
  const events: LogEvent[] = []
  // Each capture is a handler of its own, so overlapping captures each get every event.
  const id = `beamish/testing:captureLog#${++nextCapture}`
  state.handlers.set(id, (e) => {
    events.push(e)
  })
  if (running++ === 0) muteConsole()
  try {
    await body()
    // Let crash reports of processes that die as the body ends be captured too.
    await new Promise((r) => setImmediate(r))
  } finally {
    state.handlers.delete(id)
    if (--running === 0) unmuteConsole()
  }
  let text = ''
  for (const e of events) text += `\n${formatEvent(e)}\n`
  return text
}
