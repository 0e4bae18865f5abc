import { createError } from '../errors.ts'
import { Atom } from '../term/atom.ts'
import { Pid } from '../term/pid.ts'
import { Ref } from '../term/ref.ts'
import { Proc } from './proc.ts'

/**
 * Message isolation, as the BEAM copies every message between processes.
 *
 * Plain data (arrays, plain objects, Map, Set, Date, byte arrays) is deep-copied on send, so a
 * sender that mutates an object afterwards never changes what the receiver got. Frozen objects
 * (`Object.freeze`), functions, and class instances (pids, refs, atoms, sockets, your own
 * classes) are shared by reference: they are treated as immutable or as handles, like the BEAM's
 * literals and refc binaries. Primitives cost nothing. Arrays of two or three elements (most
 * messages: `[tag, value]`, `[ref, reply]`) are always copied, frozen or not: asking V8 whether
 * an array is frozen costs more (~13 ns, a runtime call) than copying such a pair.
 */
export function copyMessage(m: unknown): unknown {
  if (typeof m !== 'object' || m === null) return m
  return copy(m, 0)
}

const MAX_DEPTH = 10_000
const PID_PROTO: object = Pid.prototype
// A local pid is its process record (a Pid subclass).
const PROC_PROTO: object = Proc.prototype
const REF_PROTO: object = Ref.prototype
const ATOM_PROTO: object = Atom.prototype

/** Pids, refs and atoms: handles, shared by reference. */
function isHandle(proto: unknown): boolean {
  return proto === PROC_PROTO || proto === REF_PROTO || proto === PID_PROTO || proto === ATOM_PROTO
}

/**
 * A value inside a copied structure: primitives and handles as they are, anything else copied.
 * Small enough to inline, so a pair of primitives or a `[ref, reply]` costs no call per element.
 */
function elem(e: unknown, depth: number): unknown {
  if (typeof e !== 'object' || e === null || isHandle(Object.getPrototypeOf(e))) return e
  return copy(e, depth + 1)
}

function copy(v: object, depth: number): unknown {
  if (depth > MAX_DEPTH) {
    throw createError(
      'ERR_BEAMISH_UNCOPYABLE_MESSAGE',
      `cannot send a message nested deeper than ${MAX_DEPTH} levels (or containing a cycle); freeze shared structures with Object.freeze to send them by reference`,
    )
  }
  if (Array.isArray(v)) {
    const n = v.length
    if (n === 2) return [elem(v[0], depth), elem(v[1], depth)]
    if (n === 3) return [elem(v[0], depth), elem(v[1], depth), elem(v[2], depth)]
    if (Object.isFrozen(v)) return v
    const out = new Array(n)
    for (let i = 0; i < n; i++) out[i] = elem(v[i], depth)
    return out
  }
  const proto = Object.getPrototypeOf(v)
  // The handles found in most messages, answered before the instanceof chain below.
  if (isHandle(proto)) return v
  if (proto === Object.prototype || proto === null) {
    if (Object.isFrozen(v)) return v
    const out: Record<string, unknown> = proto === null ? Object.create(null) : {}
    for (const k of Object.keys(v)) out[k] = elem((v as Record<string, unknown>)[k], depth)
    return out
  }
  if (v instanceof Map) {
    const out = new Map()
    for (const [k, e] of v) out.set(elem(k, depth), elem(e, depth))
    return out
  }
  if (v instanceof Set) {
    const out = new Set()
    for (const e of v) out.add(elem(e, depth))
    return out
  }
  if (v instanceof Uint8Array) return Buffer.isBuffer(v) ? Buffer.from(v) : v.slice()
  if (v instanceof Date) return new Date(v.getTime())
  return v
}
