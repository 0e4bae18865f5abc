import { Atom } from './atom.ts'
import { List } from './misc.ts'
import { Pid } from './pid.ts'
import { Ref } from './ref.ts'

/**
 * Whether two terms are the same term (Erlang's `=:=`): primitives by value, tuples (arrays),
 * lists, maps, plain objects, sets and binaries element by element, pids and refs by identity of
 * what they name. Why not `util.isDeepStrictEqual`: a local pid is its process record, whose
 * fields lead into the whole runtime; and a copied message is equal, not identical, to the
 * original (`GenServer.stop`'s reason comes back through a DOWN).
 */
export function sameTerm(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (depth > 1000) return false
  if (a instanceof Pid) return Pid.same(b, a)
  if (a instanceof Ref) return Ref.same(b, a)
  if (b instanceof Pid || b instanceof Ref || a instanceof Atom || b instanceof Atom) return false
  if (Array.isArray(a)) return Array.isArray(b) && sameItems(a, b, depth)
  if (a instanceof List)
    return b instanceof List && sameItems(a.items, b.items, depth) && sameTerm(a.tail, b.tail, depth + 1)
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false
    for (const [k, v] of a) if (!b.has(k) || !sameTerm(v, b.get(k), depth + 1)) return false
    return true
  }
  if (a instanceof Set) {
    if (!(b instanceof Set) || a.size !== b.size) return false
    for (const x of a) if (!b.has(x)) return false
    return true
  }
  if (a instanceof Uint8Array) {
    if (!(b instanceof Uint8Array) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
    return true
  }
  if (Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype)
    return false
  const ka = Object.keys(a)
  if (ka.length !== Object.keys(b).length) return false
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false
    if (!sameTerm((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], depth + 1))
      return false
  }
  return true
}

function sameItems(a: readonly unknown[], b: readonly unknown[], depth: number): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (!sameTerm(a[i], b[i], depth + 1)) return false
  return true
}
