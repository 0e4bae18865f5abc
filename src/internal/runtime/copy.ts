import { createError } from '../errors.ts'

/**
 * Message isolation, as the BEAM copies every message between processes.
 *
 * Plain data (arrays, plain objects, Map, Set, Date, byte arrays) is deep-copied on send, so a
 * sender that mutates an object afterwards never changes what the receiver got. Frozen objects
 * (`Object.freeze`), functions, and class instances (pids, refs, atoms, sockets, your own
 * classes) are shared by reference: they are treated as immutable or as handles, like the BEAM's
 * literals and refc binaries. Primitives cost nothing.
 */
export function copyMessage(m: unknown): unknown {
  if (typeof m !== 'object' || m === null) return m
  return copy(m, 0)
}

const MAX_DEPTH = 10_000

function copy(v: unknown, depth: number): unknown {
  if (typeof v !== 'object' || v === null) return v
  if (depth > MAX_DEPTH) {
    throw createError(
      'ERR_BEAMISH_UNCOPYABLE_MESSAGE',
      `cannot send a message nested deeper than ${MAX_DEPTH} levels (or containing a cycle); freeze shared structures with Object.freeze to send them by reference`,
    )
  }
  if (Array.isArray(v)) {
    if (Object.isFrozen(v)) return v
    const n = v.length
    const out = new Array(n)
    for (let i = 0; i < n; i++) {
      const e = v[i]
      out[i] = typeof e !== 'object' || e === null ? e : copy(e, depth + 1)
    }
    return out
  }
  const proto = Object.getPrototypeOf(v)
  if (proto === Object.prototype || proto === null) {
    if (Object.isFrozen(v)) return v
    const out: Record<string, unknown> = proto === null ? Object.create(null) : {}
    for (const k of Object.keys(v)) {
      const e = (v as Record<string, unknown>)[k]
      out[k] = typeof e !== 'object' || e === null ? e : copy(e, depth + 1)
    }
    return out
  }
  if (v instanceof Map) {
    const out = new Map()
    for (const [k, e] of v) out.set(copy(k, depth + 1), copy(e, depth + 1))
    return out
  }
  if (v instanceof Set) {
    const out = new Set()
    for (const e of v) out.add(copy(e, depth + 1))
    return out
  }
  if (v instanceof Uint8Array) return Buffer.isBuffer(v) ? Buffer.from(v) : v.slice()
  if (v instanceof Date) return new Date(v.getTime())
  return v
}
