import { isMatching, P } from 'ts-pattern'
import { Atom } from '../term/atom.ts'
import { Pid } from '../term/pid.ts'
import { Ref } from '../term/ref.ts'

/** A compiled pattern: true when the message matches. */
export type Matcher = (msg: unknown) => boolean

const MATCHER = Symbol.for('@ts-pattern/matcher')
const ANY: Matcher = () => true

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
  if (pattern === P._ || pattern === P.any) return ANY
  switch (typeof pattern) {
    case 'function':
      return pattern as Matcher
    case 'object':
      break
    case 'number':
      if (Number.isNaN(pattern)) return (m) => Number.isNaN(m)
      return (m) => m === pattern
    default:
      return (m) => m === pattern
  }
  if (pattern === null) return (m) => m === null
  if (pattern instanceof Pid) return (m) => m instanceof Pid && Pid.equals(m, pattern)
  if (pattern instanceof Ref) return (m) => m instanceof Ref && Ref.equals(m, pattern)
  if (pattern instanceof Atom) return (m) => m === pattern
  if ((pattern as Record<symbol, unknown>)[MATCHER] !== undefined) {
    return (m) => isMatching(pattern as never, m)
  }
  if (Array.isArray(pattern)) return compileTuple(pattern)
  const proto = Object.getPrototypeOf(pattern)
  if (proto === Object.prototype || proto === null) return compileObject(pattern as Record<string, unknown>)
  // Other objects (Map, Date, class instances): let ts-pattern decide structurally.
  return (m) => isMatching(pattern as never, m)
}

function compileTuple(pattern: readonly unknown[]): Matcher {
  const n = pattern.length
  const ms = pattern.map(compile)
  switch (n) {
    case 0:
      return (m) => Array.isArray(m) && m.length === 0
    case 1: {
      const [a] = ms as [Matcher]
      return (m) => Array.isArray(m) && m.length === 1 && a(m[0])
    }
    case 2: {
      const [a, b] = ms as [Matcher, Matcher]
      return (m) => Array.isArray(m) && m.length === 2 && a(m[0]) && b(m[1])
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
