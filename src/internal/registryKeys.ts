import { Atom } from './term/atom.ts'
import { Float, List } from './term/misc.ts'
import { Pid } from './term/pid.ts'
import { Ref } from './term/ref.ts'

/**
 * Registry keys compare like Elixir terms (`===`): structurally for data (`['user', 42]` finds
 * what `['user', 42]` registered), by identity for handles. Why a map of two maps: primitives,
 * pids and atoms (both interned) are their own Map keys, at no cost; data is encoded once into a
 * canonical string, which goes into a second map so it can never collide with a string key.
 */

let nextId = 0
const ids = new WeakMap<object, number>()
const symbolIds = new Map<symbol, number>()

function idOf(v: object | symbol): number {
  if (typeof v === 'symbol') {
    let n = symbolIds.get(v)
    if (n === undefined) symbolIds.set(v, (n = ++nextId))
    return n
  }
  let n = ids.get(v)
  if (n === undefined) ids.set(v, (n = ++nextId))
  return n
}

/** True when `k` is used as a Map key as it is (compared with SameValueZero / identity). */
function isDirect(k: unknown): boolean {
  if (typeof k !== 'object' || k === null) return true
  if (k instanceof Pid || k instanceof Atom) return true
  return !isData(k)
}

function isData(v: object): boolean {
  if (Array.isArray(v)) return true
  const proto = Object.getPrototypeOf(v)
  return (
    proto === Object.prototype ||
    proto === null ||
    v instanceof Map ||
    v instanceof Set ||
    v instanceof Float ||
    v instanceof Ref ||
    v instanceof List ||
    v instanceof Uint8Array ||
    v instanceof Date
  )
}

/** The canonical text of a term; equal terms (Elixir's `===`) give equal text. */
export function encode(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v)
    case 'number':
      return Object.is(v, -0) ? '0' : String(v)
    case 'bigint':
      return `${v}n`
    case 'boolean':
      return v ? 'true' : 'false'
    case 'undefined':
      return 'u'
    case 'symbol':
    case 'function':
      return `#O${idOf(v)}`
  }
  if (v === null) return 'null'
  const o = v as object
  if (Array.isArray(o)) return `[${o.map(encode).join(',')}]`
  if (o instanceof Pid) return `#P${o.node.index}.${o.id}.${o.serial}`
  if (o instanceof Atom) return `#A${JSON.stringify(o.name)}`
  if (o instanceof Ref) return `#R${o.key}`
  if (o instanceof Float) return `#F${o.value}`
  if (o instanceof List) return `#L[${o.items.map(encode).join(',')}|${encode(o.tail)}]`
  if (o instanceof Uint8Array)
    return `#B${Buffer.from(o.buffer, o.byteOffset, o.byteLength).toString('base64')}`
  if (o instanceof Date) return `#D${o.getTime()}`
  if (o instanceof Map) {
    const parts = [...o].map(([k, x]) => `${encode(k)}=>${encode(x)}`)
    return `#M{${parts.sort().join(',')}}`
  }
  if (o instanceof Set) return `#S{${[...o].map(encode).sort().join(',')}}`
  const proto = Object.getPrototypeOf(o)
  if (proto === Object.prototype || proto === null) {
    // Maps compare regardless of key order, as Elixir maps do.
    const keys = Object.keys(o).sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${encode((o as Record<string, unknown>)[k])}`).join(',')}}`
  }
  return `#O${idOf(o)}`
}

/** A Map keyed by registry keys (see the module comment). */
export class KeyMap<V> {
  private readonly direct = new Map<unknown, V>()
  private encoded: Map<string, V> | null = null

  get size(): number {
    return this.direct.size + (this.encoded?.size ?? 0)
  }

  get(k: unknown): V | undefined {
    return isDirect(k) ? this.direct.get(k) : this.encoded?.get(encode(k))
  }

  set(k: unknown, v: V): void {
    if (isDirect(k)) this.direct.set(k, v)
    else (this.encoded ??= new Map()).set(encode(k), v)
  }

  has(k: unknown): boolean {
    return isDirect(k) ? this.direct.has(k) : (this.encoded?.has(encode(k)) ?? false)
  }

  delete(k: unknown): boolean {
    return isDirect(k) ? this.direct.delete(k) : (this.encoded?.delete(encode(k)) ?? false)
  }

  *values(): IterableIterator<V> {
    yield* this.direct.values()
    if (this.encoded !== null) yield* this.encoded.values()
  }
}

/** FNV-1a over a string, as a non-negative 31-bit integer. */
function fnv(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0) & 0x7fffffff
}

/** The partition a key belongs to (Elixir's `:erlang.phash2(key, partitions)`). */
export function hashKey(k: unknown, partitions: number): number {
  if (partitions === 1) return 0
  if (typeof k === 'number' && Number.isInteger(k)) return Math.abs(k) % partitions
  if (typeof k === 'string') return fnv(k) % partitions
  if (k instanceof Pid) return k.id % partitions
  return fnv(encode(k)) % partitions
}
