import type { P } from 'ts-pattern'
import { badArg, createError } from '../errors.ts'
import { Ref } from '../term/ref.ts'
import { waitAsync } from './awaited.ts'
import type { Deque } from './deque.ts'
import { compile, type Matcher } from './match.ts'
import { current, currentProc, KIND_GEN, type Proc } from './proc.ts'
import { scan, unmatched } from './scan.ts'
import { immediate } from './scheduler.ts'
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

/** The state of an `await`ed receive (absent for generator receives, the fast path). */
export interface AsyncWait {
  resolve: ((v: unknown) => void) | null
  reject: ((e: unknown) => void) | null
  /** Set when the receive is ready to settle: its process and matched message. */
  proc: Proc | null
  msg: unknown
}

/** Receive kinds: any message / one matcher / one literal (`===`) / several clauses. */
export const K_ANY = 0
export const K_MATCH = 1
export const K_LITERAL = 2
export const K_CLAUSES = 3
/** A receive whose matching and results are decided by an object (a GenServer call, say). */
export const K_CUSTOM = 4
/**
 * `receive([ref, pattern])`: a pair tagged with a pinned ref (a reply). Why its own kind: it is
 * the receive after every request a process makes, and storing the ref and the second matcher
 * on the op costs no tuple closure and no compile step per receive.
 */
export const K_REF = 5

/**
 * The matching and results of a K_CUSTOM receive. Why an object and not closures: a call is the
 * hottest blocking operation there is, and one object with methods replaces the per-call
 * closures, arrays and generator the general path needs.
 */
export interface CustomReceive {
  /** 0 or more: the clause that accepts `msg`; -1: no match. */
  matches(msg: unknown): number
  /** The receive's value for a matched message (runs in the receiving process; may throw). */
  matched(clause: number, msg: unknown): unknown
  /** The receive's value on timeout (runs in the receiving process; may throw). */
  expired(): unknown
}

/** A non-null `hs` so that custom receives always take the handler path. */
export const CUSTOM_HANDLERS: (((m: any) => unknown) | null)[] = []

/**
 * A pending receive. It is both a `PromiseLike` (`await receive(…)` in async code) and an
 * iterator (`yield* receive(…)` in a generator process, typed; plain `yield receive(…)` also
 * works, untyped). The scheduler does the matching; this object only carries the clauses.
 *
 * Why so few fields, and the single-clause kinds: a process blocked in `receive` keeps its op
 * alive, and a ring or ping-pong allocates one per hop; one matcher (or one literal, compared
 * with `===` and no closure at all) covers most receives without any arrays. Why the op is its
 * own iterator result (`done`/`value`): `yield*` hands the inner result object straight to the
 * scheduler, so no result object is allocated per receive.
 */
export class ReceiveOp<T = unknown> {
  // Why `declare` and every field set in the constructor: class-field initializers run as a
  // separate step, and for a subclass (a GenServer call is one) they doubled the cost of
  // constructing the op (33 vs 16 ns measured).
  declare kind: 0 | 1 | 2 | 3 | 4 | 5
  /** K_MATCH: the matcher; K_LITERAL: the value; K_CLAUSES: the matchers; K_REF: the ref. */
  declare m: unknown
  /** K_REF: the matcher of the pair's second element. */
  declare m2: Matcher | null
  /** K_CLAUSES: handlers per clause (null entries return the message), or null. */
  declare hs: (((m: any) => unknown) | null)[] | null
  /** Milliseconds, or -1 for infinity. */
  declare timeout: number
  declare afterFn: (() => unknown) | null
  /** Mailbox position to start scanning from (see refMark), or -1. */
  declare mark: number
  /** Iterator state (the op is its own iterator result): yielded to the scheduler yet? done? */
  declare started: boolean
  declare done: boolean
  declare value: unknown
  /** The clause that matched (-1: the after clause). */
  declare matchedClause: number
  /** The timeout armed while this receive waits. */
  declare timer: TimerEntry | null
  declare aw: AsyncWait | null

  constructor(
    matchers: Matcher[] | null,
    handlers: (((m: any) => unknown) | null)[] | null,
    timeout: number,
    afterFn: (() => unknown) | null,
    mark: number,
  ) {
    if (matchers === null) {
      this.kind = K_ANY
      this.m = null
      this.hs = null
    } else if (
      matchers.length === 1 &&
      (handlers === null || handlers[0] === null || handlers[0] === undefined)
    ) {
      this.kind = K_MATCH
      this.m = matchers[0]
      this.hs = null
    } else {
      this.kind = K_CLAUSES
      this.m = matchers
      this.hs = handlers
    }
    this.m2 = null
    this.timeout = timeout
    this.afterFn = afterFn
    this.mark = mark
    this.resetFlight()
  }

  /** The state of one wait in this receive, fresh (also for an op made ready to wait again). */
  protected resetFlight(): void {
    this.started = false
    this.done = false
    this.value = this
    this.matchedClause = 0
    this.timer = null
    this.aw = null
  }

  /** A receive with one pattern and no handler. */
  static single(
    match: Matcher,
    timeout: number,
    afterFn: (() => unknown) | null,
    mark: number,
  ): ReceiveOp<unknown> {
    const op = new ReceiveOp(null, null, timeout, afterFn, mark)
    op.kind = K_MATCH
    op.m = match
    return op
  }

  /** A receive of `[ref, second]` (see K_REF). */
  static refPair(
    ref: Ref,
    second: Matcher,
    timeout: number,
    afterFn: (() => unknown) | null,
    mark: number,
  ): ReceiveOp<unknown> {
    const op = new ReceiveOp(null, null, timeout, afterFn, mark)
    op.kind = K_REF
    op.m = ref
    op.m2 = second
    return op
  }

  /** A receive of one literal value (`receive('stop')`). */
  static literal(value: unknown, timeout: number, afterFn: (() => unknown) | null): ReceiveOp<unknown> {
    const op = new ReceiveOp(null, null, timeout, afterFn, -1)
    op.kind = K_LITERAL
    op.m = value
    return op
  }

  [Symbol.iterator](): Iterator<ReceiveOp<T>, T, unknown> {
    // Why reset: a receive built once (say, hoisted out of a loop) can be `yield*`-ed again.
    this.started = false
    this.done = false
    this.value = this
    return this as unknown as Iterator<ReceiveOp<T>, T, unknown>
  }

  next(v?: unknown): this {
    // Kept tiny so that it inlines into the user's generator: it runs twice per receive.
    if (this.started) {
      this.done = true
      this.value = v
      return this
    }
    this.started = true
    const p = current
    const mb = p === null ? null : p.mailbox
    if (mb !== null && mb.length !== 0) this.takeQueued(p!, mb)
    return this
  }

  /**
   * A matching message already queued: finish the receive right here, inside `yield*`, so the
   * generator never suspends (the BEAM too runs on while reductions last). Bounded by the turn's
   * budget, so a process feeding its own mailbox still yields to the others.
   */
  private takeQueued(p: Proc, mb: Deque<unknown>): void {
    if (p.kind !== KIND_GEN || immediate.left <= 0 || this.aw !== null) return
    const i = scan(p, this as ReceiveOp<unknown>)
    if (i < 0) {
      unmatched.op = this as ReceiveOp<unknown>
      unmatched.p = p
      unmatched.appended = p.appended
      return
    }
    immediate.left--
    p.reductions++
    const msg = mb.take(i)
    this.done = true
    this.value = this.hs === null ? msg : runHandler(this as ReceiveOp<unknown>, this.matchedClause, msg)
  }

  return(v: unknown): { done: true; value: unknown } {
    return { done: true, value: v }
  }

  throw(e: unknown): never {
    throw e
  }

  /** Index of the first clause that accepts `msg`, or -1. */
  accept(msg: unknown): number {
    switch (this.kind) {
      case K_ANY:
        return 0
      case K_LITERAL:
        return msg === this.m ? 0 : -1
      case K_MATCH:
        return (this.m as Matcher)(msg) ? 0 : -1
      case K_CUSTOM:
        return (this.m as CustomReceive).matches(msg)
      case K_REF:
        return isRefPair(msg, this.m as Ref) && this.m2!((msg as unknown[])[1]) ? 0 : -1
      default:
        return matchClauses(this.m as Matcher[], msg)
    }
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

/** The first of `ms` that accepts `msg`, or -1. */
export function matchClauses(ms: Matcher[], msg: unknown): number {
  for (let i = 0; i < ms.length; i++) if (ms[i]!(msg)) return i
  return -1
}

/** `msg` is a pair whose first element is `ref` (or an equal ref). */
export function isRefPair(msg: unknown, ref: Ref): boolean {
  if (!Array.isArray(msg) || msg.length !== 2) return false
  return Ref.same(msg[0], ref)
}

/** Runs the handler of the clause that matched, in the receiving process. */
export function runHandler(op: ReceiveOp<unknown>, clause: number, msg: unknown): unknown {
  const hs = op.hs
  if (hs === null) return msg
  if (op.kind === K_CUSTOM) return (op.m as CustomReceive).matched(clause, msg)
  const h = hs[clause]
  return h === null || h === undefined ? msg : h(msg)
}

export function runAfter(op: ReceiveOp<unknown>): unknown {
  if (op.kind === K_CUSTOM) return (op.m as CustomReceive).expired()
  return op.afterFn === null ? undefined : op.afterFn()
}

export type { Proc }
