import { isMatching, P } from 'ts-pattern'
import { Atom } from '../term/atom.ts'
import { Pid } from '../term/pid.ts'
import { Ref } from '../term/ref.ts'

/** A compiled pattern: true when the message matches. */
export type Matcher = (msg: unknown) => boolean

const MATCHER = Symbol.for('@ts-pattern/matcher')
const ANY: Matcher = () => true
// Why read once: ts-pattern's `P` is a null-prototype object literal, which V8 keeps in
// dictionary mode, so every `P.x` is a hash lookup; compile runs on every receive.
const P_WILDCARD: unknown = P._
const P_ANY: unknown = P.any
const P_NUMBER: unknown = P.number
const P_STRING: unknown = P.string

/**
 * Compiled ts-pattern matchers by identity. The common type patterns get native checks instead
 * of a trip through `isMatching` (the same tests ts-pattern makes).
 */
const IS_NUMBER: Matcher = (m) => typeof m === 'number'
const IS_STRING: Matcher = (m) => typeof m === 'string'
const matchers = new WeakMap<object, Matcher>([
  [P.number, IS_NUMBER],
  [P.string, IS_STRING],
  [P.boolean, (m) => typeof m === 'boolean'],
  [P.bigint, (m) => typeof m === 'bigint'],
  [P.symbol, (m) => typeof m === 'symbol'],
  [P.nullish, (m) => m === null || m === undefined],
  [P.nonNullable, (m) => m !== null && m !== undefined],
])

/**
 * Turns a receive pattern into a matcher function once per receive, so scanning a deep mailbox
 * costs one call per message and clause.
 *
 * Patterns are ts-pattern patterns (`P.string`, `P.when(…)`, `P.union(…)`, `P._`…) plus plain
 * literals and structures: a primitive matches by `===`, an array matches a tuple of the same
 * length element by element, a plain object matches an object having those keys, a `Pid`/`Ref`
 * matches an equal pid/ref (a pinned value), and a function is a guard on the whole message.
 */
export function compile(pattern: unknown): Matcher {
  if (pattern === P_WILDCARD || pattern === P_ANY) return ANY
  // The commonest type patterns by identity, before the checks below.
  if (pattern === P_NUMBER) return IS_NUMBER
  if (pattern === P_STRING) return IS_STRING
  switch (typeof pattern) {
    case 'function':
      return guard(pattern as Matcher)
    case 'object':
      break
    case 'number':
      if (Number.isNaN(pattern)) return (m) => Number.isNaN(m)
      return (m) => m === pattern
    default:
      return (m) => m === pattern
  }
  if (pattern === null) return (m) => m === null
  if (pattern instanceof Pid) return (m) => Pid.same(m, pattern)
  if (pattern instanceof Ref) return (m) => Ref.same(m, pattern)
  if (pattern instanceof Atom) return (m) => m === pattern
  if ((pattern as Record<symbol, unknown>)[MATCHER] !== undefined) {
    // Why cached by identity: ts-pattern's matchers are objects that code reuses (P.number is
    // one object; a hoisted P.instanceOf(Pid) too), and a receive in a loop would otherwise
    // build the same guard closure on every message.
    let m = matchers.get(pattern as object)
    if (m === undefined) {
      m = guard((v) => isMatching(pattern as never, v))
      matchers.set(pattern as object, m)
    }
    return m
  }
  if (Array.isArray(pattern)) return cachedTuple(pattern)
  const proto = Object.getPrototypeOf(pattern)
  if (proto === Object.prototype || proto === null) return compileObject(pattern as Record<string, unknown>)
  // Maps, Sets and Dates are data: let ts-pattern compare them structurally. Any other class
  // instance (a socket, a user's handle) is a reference and matches itself only; a structural
  // walk could follow it into a whole object graph.
  if (pattern instanceof Map || pattern instanceof Set || pattern instanceof Date) {
    return guard((m) => isMatching(pattern as never, m))
  }
  return (m) => m === pattern
}

/**
 * A user guard (or a ts-pattern pattern, which may hold `P.when` guards) made total: an exception
 * means "no match", as in an Erlang guard. Why: guards also run in the *sender* (a message is
 * matched against a waiting receive on delivery) and in the scheduler's scan, so an escaping
 * error would crash the wrong process or the scheduler itself.
 */
function guard(fn: Matcher): Matcher {
  return (m) => {
    try {
      return fn(m)
    } catch {
      return false
    }
  }
}

// Why pids and refs are ts-pattern matchers too: inside `P.union(…)`, `P.array(…)` and the like,
// ts-pattern compares objects key by key, and a live pid's `proc` (or a ref's `owner`) leads into
// the process record and back, without end. As matchers they match equal pids/refs, as they do
// at the top level of a receive pattern.
Object.defineProperty(Pid.prototype, MATCHER, {
  value(this: Pid) {
    return { match: (m: unknown) => ({ matched: Pid.same(m, this) }) }
  },
})
Object.defineProperty(Ref.prototype, MATCHER, {
  value(this: Ref) {
    return { match: (m: unknown) => ({ matched: Ref.same(m, this) }) }
  },
})

/**
 * A tuple matcher whose first element is the literal `tag`: the mailbox scan tests the tag
 * inline and calls the matcher only for messages that have it (most skipped messages do not).
 */
export interface TaggedMatcher extends Matcher {
  tag0?: unknown
}

function tagged(m: TaggedMatcher, tag: unknown): Matcher {
  m.tag0 = tag
  return m
}

/** A primitive (not NaN): matched with `===`. */
export function isLiteral(x: unknown): boolean {
  const t = typeof x
  return (
    x === null ||
    t === 'string' ||
    t === 'boolean' ||
    t === 'undefined' ||
    t === 'bigint' ||
    (t === 'number' && !Number.isNaN(x))
  )
}

/**
 * Compiled tuple patterns whose elements are all immutable (literals, ts-pattern matchers, pids,
 * atoms; not refs, which are fresh for each request), keyed by their literal first element and
 * checked element by element. Why: a receive written inline in a loop
 * (`receive(['up', P.number, P.pid])`) builds a new array every time, and compiling it (closures
 * per element) cost more than the rest of the receive. A hit also gives the same matcher back, so
 * the process's pooled receive op serves it again.
 *
 * A tag whose pattern changes from one receive to the next (`receive(['reply', id])` with a new
 * id each time) is marked volatile and compiled as before, without snapshots: caching it cost
 * 60 ns per receive (161 vs 225 ns for a send-and-receive-it loop). Bounded: cleared when full.
 */
const tupleCache = new Map<unknown, TupleEntry>()
interface TupleEntry {
  /** The pattern's elements when compiled; null: the tag is volatile. */
  readonly items: readonly unknown[] | null
  readonly m: Matcher | null
}
const VOLATILE: TupleEntry = { items: null, m: null }

function cachedTuple(pattern: readonly unknown[]): Matcher {
  const n = pattern.length
  const tag = pattern[0]
  if (n === 0 || !isLiteral(tag)) return compileTuple(pattern)
  const e = tupleCache.get(tag)
  if (e !== undefined) {
    if (e.items === null) return compileTuple(pattern)
    if (sameAfterFirst(e.items, pattern, n)) return e.m!
  }
  const m = compileTuple(pattern)
  if (tupleCache.size >= 256) tupleCache.clear()
  if (e !== undefined) tupleCache.set(tag, VOLATILE)
  else if (pattern.every(isImmutable)) tupleCache.set(tag, { items: pattern.slice(), m })
  return m
}

/**
 * Whether `items` (whose first element is already known to equal `known`'s) holds the same `n`
 * values as `known`, by identity: how the compiled-pattern caches here and in receiveBuild.ts
 * check a hit.
 */
export function sameAfterFirst(known: readonly unknown[], items: ArrayLike<unknown>, n: number): boolean {
  if (known.length !== n) return false
  for (let i = 1; i < n; i++) if (known[i] !== items[i]) return false
  return true
}

/**
 * A pattern element that cannot change behind a cache's back: a literal, a ts-pattern matcher,
 * a pid or an atom (not a ref: refs are fresh for each request and would only churn a cache).
 */
export function isImmutable(x: unknown): boolean {
  return (
    isLiteral(x) ||
    x instanceof Pid ||
    x instanceof Atom ||
    (typeof x === 'object' &&
      x !== null &&
      !Array.isArray(x) &&
      !(x instanceof Ref) &&
      (x as Record<symbol, unknown>)[MATCHER] !== undefined)
  )
}

/**
 * Tuples are the shape of most messages (`['EXIT', pid, reason]`). Why specialised by arity and
 * with literal elements compared inline: a selective receive runs the matcher on every message
 * it skips, so the matcher's own cost is the cost per skipped message.
 */
function compileTuple(pattern: readonly unknown[]): Matcher {
  const n = pattern.length
  if (n === 2) {
    const [x, y] = pattern
    const lx = isLiteral(x)
    const ly = isLiteral(y)
    if (lx && ly) return tagged((m) => Array.isArray(m) && m.length === 2 && m[0] === x && m[1] === y, x)
    if (lx) {
      const b = compile(y)
      return tagged((m) => Array.isArray(m) && m.length === 2 && m[0] === x && b(m[1]), x)
    }
    if (x instanceof Ref) {
      // A pinned ref first (a reply tagged with a fresh ref): compared inline, no extra closure.
      const b = compile(y)
      return (m) => Array.isArray(m) && m.length === 2 && Ref.same(m[0], x) && b(m[1])
    }
    const a = compile(x)
    if (ly) return (m) => Array.isArray(m) && m.length === 2 && m[1] === y && a(m[0])
    const b = compile(y)
    return (m) => Array.isArray(m) && m.length === 2 && a(m[0]) && b(m[1])
  }
  if (n === 3 && isLiteral(pattern[0])) {
    const x = pattern[0]
    const b = compile(pattern[1])
    const c = compile(pattern[2])
    return tagged((m) => Array.isArray(m) && m.length === 3 && m[0] === x && b(m[1]) && c(m[2]), x)
  }
  const ms = pattern.map(compile)
  switch (n) {
    case 0:
      return (m) => Array.isArray(m) && m.length === 0
    case 1: {
      const [a] = ms as [Matcher]
      return (m) => Array.isArray(m) && m.length === 1 && a(m[0])
    }
    case 3: {
      const [a, b, c] = ms as [Matcher, Matcher, Matcher]
      return (m) => Array.isArray(m) && m.length === 3 && a(m[0]) && b(m[1]) && c(m[2])
    }
    default:
      return (m) => {
        if (!Array.isArray(m) || m.length !== n) return false
        for (let i = 0; i < n; i++) if (!ms[i]!(m[i])) return false
        return true
      }
  }
}

function compileObject(pattern: Record<string, unknown>): Matcher {
  const keys = Object.keys(pattern)
  const ms = keys.map((k) => compile(pattern[k]))
  return (m) => {
    if (typeof m !== 'object' || m === null) return false
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!
      if (!(k in m) || !ms[i]!((m as Record<string, unknown>)[k])) return false
    }
    return true
  }
}

/**
 * The earliest mailbox mark of a fresh ref that every clause's pattern pins, or -1. Why: when all
 * clauses need a ref made after message N arrived, messages before N cannot match, so the scan
 * may start there (the BEAM compiler does the same for `make_ref()` + `receive`).
 */
export function refMark(pattern: unknown, owner: unknown, depth = 0): number {
  if (pattern instanceof Ref) return pattern.owner === owner ? pattern.mark : -1
  if (depth < 2 && Array.isArray(pattern)) {
    let best = -1
    for (const p of pattern) {
      const m = refMark(p, owner, depth + 1)
      if (m > best) best = m
    }
    return best
  }
  return -1
}
