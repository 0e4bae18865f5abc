import { createError } from '../errors.ts'
import { Ref } from '../term/ref.ts'
import { compile, isImmutable, isLiteral, type Matcher, refMark, sameAfterFirst } from './match.ts'
import { current, currentProc, KIND_GEN } from './proc.ts'
import { After, Clause, K_ANY, K_CLAUSES, K_LITERAL, K_MATCH, ReceiveOp } from './receive.ts'

/**
 * Building a receive from its arguments: patterns become a {@link ReceiveOp} of the cheapest
 * kind that does the job, stable clause sets are compiled once, and a process's simple receives
 * reuse its pooled op. The matching itself is the scheduler's (scan.ts, scheduler.ts `deliver`).
 */

/**
 * Compiled multi-clause receives whose patterns are all stable (`receive(P.number, 'stop')`),
 * keyed by their first pattern. Why: such a receive sits in a loop, and compiling its clauses on
 * every message (closures and arrays) cost more than matching them. Bounded: cleared when full.
 */
const clauseCache = new Map<unknown, ClauseEntry>()
interface ClauseEntry {
  readonly items: readonly unknown[]
  readonly ms: Matcher[]
}
let lastEntry: ClauseEntry | null = null

/**
 * The op for a two- or three-pattern receive whose patterns were compiled before, without
 * copying the arguments into an array first; null when not cached.
 */
export function cachedReceive(n: number, a: unknown, b: unknown, c: unknown): ReceiveOp<unknown> | null {
  let e = lastEntry
  // Why a one-entry memo before the Map: the receive in a loop asks for the same clauses every
  // time (and a ring's thousands of processes all ask for one), and comparing three references
  // costs less than hashing the first one.
  if (
    e === null ||
    e.items[0] !== a ||
    e.items.length !== n ||
    e.items[1] !== b ||
    (n === 3 && e.items[2] !== c)
  ) {
    e = clauseCache.get(a) ?? null
    if (e === null || e.items.length !== n || e.items[1] !== b || (n === 3 && e.items[2] !== c)) return null
    lastEntry = e
  }
  return pooled(K_CLAUSES, e.ms) ?? pool(new ReceiveOp(e.ms, null, -1, null, -1))
}

/**
 * The calling process's pooled receive (`Proc.op`) if it can serve this receive: same kind and
 * pattern identity (`m`), and not being awaited. Only `pool` makes pooled ops, always without
 * timeout, scan mark or handlers, so no timer is ever armed on one. Why this is safe: a
 * generator process has at most one receive in flight, and an op is only handed out again for a
 * receive it is indistinguishable from, so code that keeps an op (a receive hoisted out of a
 * loop) and yields it later still gets the same receive.
 */
function pooled(kind: number, m: unknown): ReceiveOp<unknown> | null {
  const op = current === null ? null : current.op
  return op !== null && op.kind === kind && op.m === m && op.aw === null && current!.kind === KIND_GEN
    ? op
    : null
}

/** Makes `op` the calling process's pooled receive (generator processes only; see `pooled`). */
function pool(op: ReceiveOp<unknown>): ReceiveOp<unknown> {
  const p = current
  if (p !== null && p.kind === KIND_GEN) p.op = op
  return op
}

/** `receive()`: any message (no timeout). */
export function anyReceive(): ReceiveOp<unknown> {
  return pooled(K_ANY, null) ?? pool(new ReceiveOp(null, null, -1, null, -1))
}

/** `receive(value)` of one literal (no timeout). */
export function literalReceive(value: unknown): ReceiveOp<unknown> {
  return pooled(K_LITERAL, value) ?? pool(ReceiveOp.literal(value, -1, null))
}

function cachedMatchers(items: readonly unknown[], count: number): Matcher[] | null {
  const e = clauseCache.get(items[0])
  return e !== undefined && sameAfterFirst(e.items, items, count) ? e.ms : null
}

/** The op for a single pattern (no `on`/`after` around it). */
function singleOp(it: unknown, timeout: number, afterFn: (() => unknown) | null): ReceiveOp<unknown> {
  const owner = currentProc()
  const mark = owner === null ? -1 : refMark(it, owner)
  if (Array.isArray(it) && it.length === 2 && it[0] instanceof Ref) {
    return ReceiveOp.refPair(it[0], compile(it[1]), timeout, afterFn, mark)
  }
  const m = compile(it)
  if (timeout === -1 && afterFn === null && mark === -1) {
    return pooled(K_MATCH, m) ?? pool(ReceiveOp.single(m, -1, null, -1))
  }
  return ReceiveOp.single(m, timeout, afterFn, mark)
}

/** The op for `receive(pattern)` with one pattern (no array of items needed). */
export function makeSingle(it: unknown): ReceiveOp<unknown> {
  if (it instanceof Clause || it instanceof After) return makeReceive([it], makeSingle)
  return singleOp(it, -1, null)
}

/** Builds the op for `receive(...items)`. */
export function makeReceive(items: readonly unknown[], caller: Function): ReceiveOp<unknown> {
  const n = items.length
  if (n === 0) return new ReceiveOp(null, null, -1, null, -1)
  const last = items[n - 1]
  let timeout = -1
  let afterFn: (() => unknown) | null = null
  let count = n
  if (last instanceof After) {
    timeout = last.ms
    afterFn = last.handler
    count = n - 1
  }
  // The common shapes first: one literal, or one pattern, no handler.
  if (count === 1) {
    const it = items[0]
    if (isLiteral(it)) return ReceiveOp.literal(it, timeout, afterFn)
    if (!(it instanceof Clause) && !(it instanceof After)) return singleOp(it, timeout, afterFn)
  }
  if (count === 0) {
    // receive(after(ms)): matches nothing, just waits (S5).
    return new ReceiveOp([], [], timeout, afterFn, -1)
  }
  const cached = cachedMatchers(items, count)
  if (cached !== null) return new ReceiveOp(cached, null, timeout, afterFn, -1)
  const matchers: Matcher[] = []
  let handlers: (((m: any) => unknown) | null)[] | null = null
  let mark = Number.POSITIVE_INFINITY
  let stable = true
  const owner = currentProc()
  for (let i = 0; i < count; i++) {
    const it = items[i]
    if (it instanceof After) {
      throw createError('ERR_BEAMISH_BADARG', 'after(…) must be the last argument of receive', caller)
    }
    if (it instanceof Clause) {
      stable = false
      matchers.push(it.match)
      if (it.handler !== null) {
        handlers ??= new Array(i).fill(null)
      }
      handlers?.push(it.handler)
      mark = Math.min(mark, owner === null ? -1 : refMark(it.pattern, owner))
    } else {
      if (stable && !isImmutable(it)) stable = false
      matchers.push(compile(it))
      handlers?.push(null)
      mark = Math.min(mark, owner === null ? -1 : refMark(it, owner))
    }
  }
  if (stable) {
    if (clauseCache.size >= 256) {
      clauseCache.clear()
      lastEntry = null
    }
    clauseCache.set(items[0], { items: items.slice(0, count), ms: matchers })
  }
  return new ReceiveOp(matchers, handlers, timeout, afterFn, mark === Number.POSITIVE_INFINITY ? -1 : mark)
}

const SLEPT = (): 'ok' => 'ok'

/** A receive that matches nothing and just waits `ms` (S5): `Process.sleep`, which gives `'ok'`. */
export function makeSleep(ms: number): ReceiveOp<'ok'> {
  return new ReceiveOp<'ok'>([], [], ms, SLEPT, -1)
}
