import type { P } from 'ts-pattern'
import { badArg, createError } from '../errors.ts'
import { compile, type Matcher, refMark } from './match.ts'
import { currentProc, type Proc } from './proc.ts'
import { waitAsync } from './scheduler.ts'
import type { TimerEntry } from './timers.ts'

/** `on(pattern, handler)`: one receive clause. */
export class Clause<R = unknown> {
  readonly match: Matcher
  readonly pattern: unknown
  readonly handler: ((msg: any) => R) | null
  constructor(pattern: unknown, handler: ((msg: any) => R) | null) {
    this.pattern = pattern
    this.match = compile(pattern)
    this.handler = handler
  }
}

/** `after(ms, handler)`: what a receive returns when nothing matched in time. */
export class After<R = undefined> {
  readonly ms: number
  readonly handler: (() => R) | null
  constructor(ms: number, handler: (() => R) | null) {
    this.ms = ms
    this.handler = handler
  }
}

/** Validates a receive/timer timeout: an integer 0..4294967295 or `Infinity` (S3). */
export function checkTimeout(ms: unknown, caller?: Function): number {
  if (ms === Number.POSITIVE_INFINITY || ms === 'infinity') return -1
  if (typeof ms === 'number' && Number.isInteger(ms) && ms >= 0 && ms <= 4294967295) return ms
  throw badArg(
    'a timeout in milliseconds (an integer from 0 to 4294967295) or Infinity',
    ms,
    caller,
    'ERR_BEAMISH_INVALID_TIMEOUT',
  )
}

/**
 * A pending receive. It is both a `PromiseLike` (`await receive(…)` in async code) and an
 * iterator (`yield* receive(…)` in a generator process, typed; plain `yield receive(…)` also
 * works, untyped). The scheduler does the matching; this object only carries the clauses.
 *
 * Why the op is its own iterator result (`done`/`value` fields): `yield*` hands the inner
 * result object straight to the scheduler, so reusing the op saves an allocation per receive.
 */
export class ReceiveOp<T = unknown> {
  /** `null` = any message. */
  readonly matchers: Matcher[] | null
  readonly handlers: (((m: any) => unknown) | null)[] | null
  /** Milliseconds, or -1 for infinity. */
  readonly timeout: number
  readonly afterFn: (() => unknown) | null
  /** Mailbox position to start scanning from (see refMark), or -1. */
  mark: number
  done = false
  value: unknown
  private started = false
  /** Settles an `await`ed receive; null for generator receives. */
  resolve: ((v: unknown) => void) | null = null
  reject: ((e: unknown) => void) | null = null
  /** For an awaited receive being settled: its process, matched message and clause (-1 = after). */
  proc: Proc | null = null
  msg: unknown = undefined
  matchedClause = 0
  /** The timeout armed while this receive waits. */
  timer: TimerEntry | null = null

  constructor(
    matchers: Matcher[] | null,
    handlers: (((m: any) => unknown) | null)[] | null,
    timeout: number,
    afterFn: (() => unknown) | null,
    mark: number,
  ) {
    this.matchers = matchers
    this.handlers = handlers
    this.timeout = timeout
    this.afterFn = afterFn
    this.mark = mark
    this.value = this
  }

  [Symbol.iterator](): Iterator<ReceiveOp<T>, T, unknown> {
    // Why reset: a receive built once (say, hoisted out of a loop) can be `yield*`-ed again.
    this.started = false
    this.done = false
    this.value = this
    return this as unknown as Iterator<ReceiveOp<T>, T, unknown>
  }

  next(v?: unknown): this {
    if (!this.started) {
      this.started = true
      return this
    }
    this.done = true
    this.value = v
    return this
  }

  return(v: unknown): { done: true; value: unknown } {
    return { done: true, value: v }
  }

  throw(e: unknown): never {
    throw e
  }

  /** Index of the first clause that accepts `msg`, or -1. */
  accept(msg: unknown): number {
    const ms = this.matchers
    if (ms === null) return 0
    for (let i = 0; i < ms.length; i++) if (ms[i]!(msg)) return i
    return -1
  }

  // biome-ignore lint/suspicious/noThenProperty: being awaitable (and yield*-able) is the point of an op
  then<A = T, B = never>(
    onfulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    const p = currentProc()
    const promise =
      p === null
        ? Promise.reject(
            createError(
              'ERR_BEAMISH_NOT_IN_PROCESS',
              'receive must be awaited inside a process (spawn one, or use Process.run)',
            ),
          )
        : new Promise<T>((resolve, reject) =>
            waitAsync(p, this as ReceiveOp<unknown>, resolve as (v: unknown) => void, reject),
          )
    return promise.then(onfulfilled, onrejected)
  }
}

/** The matched-message type of a receive pattern. */
export type PatternType<Pat> = Pat extends (m: any) => m is infer X
  ? X
  : Pat extends (m: any) => boolean
    ? unknown
    : Pat extends P.Pattern<any>
      ? P.infer<Pat>
      : unknown

/** What `receive(...items)` evaluates to. */
export type ResultOf<I> = I extends Clause<infer R> ? R : I extends After<infer R> ? R : PatternType<I>

/** The value `receive` returns, usable with both `yield*` and `await`. */
export interface Receive<T> extends PromiseLike<T> {
  [Symbol.iterator](): Iterator<unknown, T, unknown>
}

const ANY_ITEMS: readonly unknown[] = []

/** Builds the op for `receive(...items)`. */
export function makeReceive(items: readonly unknown[], caller: Function): ReceiveOp<unknown> {
  if (items.length === 0 || items === ANY_ITEMS) return new ReceiveOp(null, null, -1, null, -1)
  let matchers: Matcher[] | null = null
  let handlers: (((m: any) => unknown) | null)[] | null = null
  let timeout = -1
  let afterFn: (() => unknown) | null = null
  let mark = Number.POSITIVE_INFINITY
  const owner = currentProc()
  for (let i = 0; i < items.length; i++) {
    const it = items[i]
    if (it instanceof After) {
      if (i !== items.length - 1) {
        throw createError('ERR_BEAMISH_BADARG', 'after(…) must be the last argument of receive', caller)
      }
      timeout = it.ms
      afterFn = it.handler
      continue
    }
    matchers ??= []
    handlers ??= []
    if (it instanceof Clause) {
      matchers.push(it.match)
      handlers.push(it.handler)
      mark = Math.min(mark, owner === null ? -1 : refMark(it.pattern, owner))
    } else {
      matchers.push(compile(it))
      handlers.push(null)
      mark = Math.min(mark, owner === null ? -1 : refMark(it, owner))
    }
  }
  // `receive(after(ms))`: no clauses, so nothing matches and it just sleeps (S5); `null` matchers
  // would mean "any message".
  if (matchers === null) return new ReceiveOp([], [], timeout, afterFn, -1)
  return new ReceiveOp(matchers, handlers, timeout, afterFn, mark === Number.POSITIVE_INFINITY ? -1 : mark)
}

/** A receive that matches nothing and just waits `ms` (S5): `Process.sleep`. */
export function makeSleep(ms: number): ReceiveOp<undefined> {
  return new ReceiveOp<undefined>([], [], ms, null, -1)
}

/** Runs the handler of the clause that matched, in the receiving process. */
export function runHandler(op: ReceiveOp<unknown>, clause: number, msg: unknown): unknown {
  const h = op.handlers === null ? null : op.handlers[clause]
  return h === null || h === undefined ? msg : h(msg)
}

export function runAfter(op: ReceiveOp<unknown>): unknown {
  return op.afterFn === null ? undefined : op.afterFn()
}

export type { Proc }
