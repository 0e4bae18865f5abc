import { createError } from '../errors.ts'
import { Atom } from '../term/atom.ts'
import { BitBinary, List } from '../term/misc.ts'
import { Pid } from '../term/pid.ts'
import { Ref } from '../term/ref.ts'
import { Proc } from './proc.ts'

/**
 * Message isolation, as the BEAM copies every message between processes (the README's "The
 * term model" states these rules for users; keep the two in step).
 *
 * Copied (deeply): arrays, plain objects (prototype `Object.prototype` or `null`), `Map`, `Set`,
 * `Date` (exactly these classes, not subclasses), typed arrays (`Buffer` included), `DataView`,
 * `ArrayBuffer`, `List` and `BitBinary`. Only own enumerable string keys of a plain object are
 * copied (a getter is read, symbol keys and non-enumerable properties are dropped); an array's
 * holes and extra properties are not kept (a hole arrives as `undefined`).
 *
 * Shared by reference: frozen arrays (other than pairs and triples) and frozen plain objects,
 * with everything inside them; functions; every other class instance — pids, refs, atoms, the
 * other term classes (`Float`, `Port`, …), errors, sockets, subclasses of Map/Set/Date, your
 * own classes: treated as immutable values or as handles, like the BEAM's literals and refc
 * binaries. Primitives cost nothing. Arrays of two or three elements (most messages:
 * `[tag, value]`, `[ref, reply]`) are always copied, frozen or not: asking V8 whether an array
 * is frozen costs more (~13 ns, a runtime call) than copying such a pair.
 *
 * Rejected with ERR_BEAMISH_UNCOPYABLE_MESSAGE: a structure with a cycle through copied
 * containers, or nested deeper than MAX_DEPTH (or than the stack allows). Why no Set of visited
 * objects: it would cost every message an allocation and a lookup per container; a cycle
 * instead runs into the depth limit (or a stack overflow, caught once around the whole copy).
 */
export function copyMessage(m: unknown): unknown {
  if (typeof m !== 'object' || m === null) return m
  try {
    return copy(m, 0)
  } catch (e) {
    throw uncopyable(e)
  }
}

/**
 * An exit reason as each receiver of an EXIT or DOWN gets it: copied when it is an object
 * (primitive reasons like `'normal'` cost nothing), and shared when it cannot be copied — a
 * process's death must never fail because of its reason.
 */
export function copyReason(reason: unknown): unknown {
  if (typeof reason !== 'object' || reason === null) return reason
  try {
    return copy(reason, 0)
  } catch {
    return reason
  }
}

/**
 * Arguments handed to a new process (spawn args, a task's `[fn, args]`): each object copied,
 * as `spawn(M, F, A)` copies `A`. The array is returned as it is when nothing needed a copy
 * (primitives, pids, functions), so spawning with such arguments allocates nothing more.
 */
export function copyArgs<A extends readonly unknown[]>(args: A): A {
  let out: unknown[] | null = null
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (typeof a !== 'object' || a === null) continue
    const c = copyMessage(a)
    if (c !== a) (out ??= args.slice())[i] = c
  }
  return (out ?? args) as A
}

/**
 * Why 1,000 and not more: copying recurses, and Node's default stack (~1 MB) runs out between
 * 2,000 and 9,000 levels depending on the container and on whether the code is optimised yet;
 * a limit the stack always reaches keeps the failure the same from run to run.
 */
const MAX_DEPTH = 1000

/** The coded error for a copy that failed: too deep, a cycle, or the stack ran out first. */
function uncopyable(e: unknown): unknown {
  if ((e as { code?: unknown } | null)?.code === 'ERR_BEAMISH_UNCOPYABLE_MESSAGE') return e
  // The stack ran out before MAX_DEPTH (a deep caller, big frames): the same failure.
  if (!(e instanceof RangeError) || !e.message.includes('call stack')) return e
  return tooDeep()
}

function tooDeep(): Error {
  return createError(
    'ERR_BEAMISH_UNCOPYABLE_MESSAGE',
    `cannot copy a value nested deeper than ${MAX_DEPTH} levels (or than the stack allows), or containing a cycle; freeze shared structures with Object.freeze to send them by reference`,
    copyMessage,
  )
}

const PID_PROTO: object = Pid.prototype
// A local pid is its process record (a Pid subclass).
const PROC_PROTO: object = Proc.prototype
const REF_PROTO: object = Ref.prototype
const ATOM_PROTO: object = Atom.prototype
const MAP_PROTO: object = Map.prototype
const SET_PROTO: object = Set.prototype
const DATE_PROTO: object = Date.prototype
const LIST_PROTO: object = List.prototype
const BIT_BINARY_PROTO: object = BitBinary.prototype

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
  if (depth > MAX_DEPTH) throw tooDeep()
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
  // The handles found in most messages, answered before the checks below.
  if (isHandle(proto)) return v
  if (proto === Object.prototype || proto === null) {
    if (Object.isFrozen(v)) return v
    const out: Record<string, unknown> = proto === null ? Object.create(null) : {}
    for (const k of Object.keys(v)) {
      const e = elem((v as Record<string, unknown>)[k], depth)
      // An own "__proto__" key (JSON.parse makes them): assigning it would set the prototype.
      if (k === '__proto__')
        Object.defineProperty(out, k, { value: e, writable: true, enumerable: true, configurable: true })
      else out[k] = e
    }
    return out
  }
  return copyOther(v, proto, depth)
}

/** The rarer containers; their subclasses and every other class are shared. */
function copyOther(v: object, proto: unknown, depth: number): unknown {
  if (proto === MAP_PROTO) {
    const out = new Map()
    for (const [k, e] of v as Map<unknown, unknown>) out.set(elem(k, depth), elem(e, depth))
    return out
  }
  if (proto === SET_PROTO) {
    const out = new Set()
    for (const e of v as Set<unknown>) out.add(elem(e, depth))
    return out
  }
  if (ArrayBuffer.isView(v)) {
    if (v instanceof DataView) return new DataView(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength))
    return copyBytes(v as Uint8Array)
  }
  if (proto === DATE_PROTO) return new Date((v as Date).getTime())
  if (proto === LIST_PROTO) {
    const l = v as List
    const items = l.items
    const n = items.length
    const out = new Array(n)
    for (let i = 0; i < n; i++) out[i] = elem(items[i], depth)
    return new List(out, elem(l.tail, depth))
  }
  if (proto === BIT_BINARY_PROTO) {
    const b = v as BitBinary
    return new BitBinary(copyBytes(b.bytes) as Uint8Array, b.bits)
  }
  if (v instanceof ArrayBuffer) return v.slice(0)
  return v
}

/** A typed array's copy, of its own class (`Buffer#slice` would share the memory). */
function copyBytes(a: Uint8Array): unknown {
  return Buffer.isBuffer(a) ? Buffer.from(a) : a.slice()
}
