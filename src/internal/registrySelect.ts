import { createError } from './errors.ts'
import { inspect } from './format.ts'
import type { RegistryTable } from './registryServer.ts'
import { compile, type Matcher } from './runtime/match.ts'
import type { Pid } from './term/pid.ts'

/**
 * `Registry.select` / `Registry.countSelect`: Elixir's match specifications over every entry of
 * a registry, in Beamish's pattern vocabulary (the one `Registry.match` uses). Elixir's
 * `{{key, pid, value}, guards, body}` is `[[key, pid, value], guards, body]` here: the head holds
 * three receive patterns (literals, arrays, objects, `P._`, `P.string`, `P.when`, a pid to pin),
 * the guards are functions of the entry that must all return true (a guard that throws is false,
 * as in Erlang), and the body is a function of the entry whose result is collected (a value that
 * is not a function is the result itself, like a constant in an Erlang body). The entry is
 * `[key, pid, value]`; Elixir's `:"$1"` variables are its elements, `:"$_"` the entry itself.
 */

/** An entry as a select spec sees it: `[key, pid, value]` (Elixir's `{key, pid, value}`). */
export type SelectEntry = readonly [key: unknown, pid: Pid, value: unknown]

/** A select guard: true to keep the entry. */
export type SelectGuard = (entry: SelectEntry) => boolean

/** One clause: `[[keyPattern, pidPattern, valuePattern], guards, body]`. */
export type SelectClause<R = unknown> = readonly [
  head: readonly [unknown, unknown, unknown],
  guards: readonly SelectGuard[],
  body: ((entry: SelectEntry) => R) | R,
]

interface Compiled {
  readonly key: Matcher
  readonly pid: Matcher
  readonly value: Matcher
  readonly guards: readonly SelectGuard[]
  readonly body: unknown
}

function invalid(spec: unknown, caller: Function, what: string): Error {
  return createError(
    'ERR_BEAMISH_BADARG',
    `invalid match specification in Registry.${what}: ${inspect(spec)}. Expected an array of [[key, pid, value], guards, body] clauses (patterns, an array of guard functions, a function of [key, pid, value] or a value)`,
    caller,
  )
}

/** Validates and compiles a spec; throws Elixir's "invalid match specification" on a bad one. */
export function compileSpec(spec: unknown, caller: Function, what: string): Compiled[] {
  if (!Array.isArray(spec)) throw invalid(spec, caller, what)
  return spec.map((clause: unknown) => {
    if (!Array.isArray(clause) || clause.length !== 3) throw invalid(spec, caller, what)
    const [head, guards, body] = clause as [unknown, unknown, unknown]
    if (!Array.isArray(head) || head.length !== 3) throw invalid(spec, caller, what)
    if (!Array.isArray(guards) || !guards.every((g) => typeof g === 'function'))
      throw invalid(spec, caller, what)
    return {
      key: compile(head[0]),
      pid: compile(head[1]),
      value: compile(head[2]),
      guards: guards as SelectGuard[],
      body,
    }
  })
}

function guardsHold(guards: readonly SelectGuard[], entry: SelectEntry): boolean {
  for (const g of guards) {
    try {
      if (g(entry) !== true) return false
    } catch {
      return false
    }
  }
  return true
}

/**
 * Calls `each(clause, entry)` for every entry of the registry that a clause accepts (the first
 * such clause, as in an Erlang match spec): partition by partition, a key's duplicate entries in
 * registration order.
 */
function forEachMatch(
  t: RegistryTable,
  spec: readonly Compiled[],
  each: (c: Compiled, e: SelectEntry) => void,
) {
  if (spec.length === 0) return
  const visit = (key: unknown, pid: Pid, value: unknown) => {
    let entry: SelectEntry | null = null
    for (const c of spec) {
      if (!c.key(key) || !c.pid(pid) || !c.value(value)) continue
      entry ??= [key, pid, value]
      if (!guardsHold(c.guards, entry)) continue
      each(c, entry)
      return
    }
  }
  for (const pt of t.partitions) {
    if (t.kind === 'unique') for (const e of pt.unique.values()) visit(e.key, e.pid, e.value)
    else
      for (const b of pt.dup.values())
        for (let e = b.head; e !== null; e = e.next) visit(b.key, e.pid, e.value)
  }
}

function result(c: Compiled, entry: SelectEntry): unknown {
  return typeof c.body === 'function' ? (c.body as (e: SelectEntry) => unknown)(entry) : c.body
}

/** `select`: the body's result for every entry a clause accepts. */
export function select(t: RegistryTable, spec: readonly Compiled[]): unknown[] {
  const out: unknown[] = []
  forEachMatch(t, spec, (c, e) => out.push(result(c, e)))
  return out
}

/** `countSelect`: how many entries a clause accepts with a body that gives `true`. */
export function countSelect(t: RegistryTable, spec: readonly Compiled[]): number {
  let n = 0
  forEachMatch(t, spec, (c, e) => {
    if (result(c, e) === true) n++
  })
  return n
}
