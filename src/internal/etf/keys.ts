import { List } from '../term/misc.ts'
import { canonicalKey } from './encode.ts'

/**
 * Keys of decoded terms for finding duplicate map keys that JS `Map` identity cannot see
 * (tuples, lists, maps, pids…): equal terms get equal keys.
 *
 * Most keys are their canonical bytes: one encoding per key, and a term lies inside at most one
 * such key. That stops being linear once a key holds maps: maps nested through keys
 * (`#{#{#{…} => 0} => 0} => 0}`) make each level re-encode everything below it, and maps nested
 * through values inside a key (`#{#{0 => #{0 => …}} => 0}`) make the canonical encoding of each
 * level copy everything below it, so a few MB of input cost seconds. So a key that holds a map
 * (`hasMap`) is keyed by shape instead: a container that holds containers gets a number once,
 * from its children (hash-consing), and is referred to by that number from then on; anything
 * else is encoded where it stands, once inside its parent. Over a whole decode the work stays
 * linear in its size.
 *
 * Only for terms the decoder made: there a given term has one JS form (a binary is a string or a
 * Uint8Array by its bytes, an integer is a number or a bigint by its size, a `List` tail is never
 * itself a `List`), so each choice of form below depends on the term alone, and equal terms are
 * keyed the same way.
 */
export class KeyIds {
  /** The number of each container of containers met as a child, by identity: none is keyed twice. */
  private readonly ofObject = new Map<object, number>()
  /** The number of each distinct shape of such a container. */
  private readonly ofShape = new Map<string, number>()
  private readonly maxDepth: number

  constructor(maxDepth: number) {
    this.maxDepth = maxDepth
  }

  /**
   * The key of an object term: its canonical bytes, or when it holds a map (`hasMap`) and is a
   * container of containers, its shape. Its own shape is not remembered: it is computed again at
   * most once, if its map is part of a larger key; its children's are.
   */
  key(x: object, hasMap: boolean): string {
    return hasMap && nests(x) ? this.shape(x) : canonicalKey(x, this.maxDepth)
  }

  /** The number of a container of containers, made from its shape once. */
  private nested(x: object): number {
    const known = this.ofObject.get(x)
    if (known !== undefined) return known
    const shape = this.shape(x)
    let id = this.ofShape.get(shape)
    if (id === undefined) {
      id = this.ofShape.size
      this.ofShape.set(shape, id)
    }
    this.ofObject.set(x, id)
    return id
  }

  /** A container's kind and its children's parts (see `part`). */
  private shape(x: object): string {
    let shape: string
    if (Array.isArray(x)) {
      shape = TUPLE
      for (let i = 0; i < x.length; i++) shape += this.part(x[i])
    } else if (x instanceof List) {
      shape = LIST
      const items = x.items
      for (let i = 0; i < items.length; i++) shape += this.part(items[i])
      if (x.tail !== null) shape += `|${this.part(x.tail)}`
    } else {
      // A Map: pairs sorted by key, so equal maps list the same pairs in the same order (the
      // keys of one decoded map are distinct terms, so their parts differ).
      const pairs: [string, string][] = []
      for (const [k, v] of x as Map<unknown, unknown>) pairs.push([this.part(k), this.part(v)])
      pairs.sort((a, b) => (a[0] < b[0] ? -1 : 1))
      shape = MAP
      for (const [k, v] of pairs) shape += k + v
    }
    return shape
  }

  /**
   * A child's piece of its parent's shape, unambiguous once concatenated: the number of a
   * container of containers, else the child's text with its length. The texts cannot collide:
   * canonical bytes are Latin-1, the marks are not.
   */
  private part(x: unknown): string {
    let text: string
    if (typeof x === 'number') {
      // Integers and non-integral floats: String() tells them apart (a whole float is a Float).
      text = NUMBER + x
    } else if (typeof x === 'string') {
      text = STRING + x
    } else if (typeof x === 'object' && x !== null && nests(x)) {
      return `#${this.nested(x)};`
    } else {
      text = canonicalKey(x, this.maxDepth)
    }
    return `${text.length}:${text}`
  }
}

// Marks of the kinds of text, outside Latin-1: a shape or a part never equals canonical bytes.
const NUMBER = '\u0100'
const STRING = '\u0101'
const TUPLE = '\u0102'
const LIST = '\u0103'
const MAP = '\u0104'

function isContainer(x: unknown): boolean {
  return typeof x === 'object' && x !== null && (Array.isArray(x) || x instanceof List || x instanceof Map)
}

/** Whether `x` is a container holding another container (depends only on the term, see above). */
function nests(x: object): boolean {
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) if (isContainer(x[i])) return true
    return false
  }
  if (x instanceof List) {
    const items = x.items
    for (let i = 0; i < items.length; i++) if (isContainer(items[i])) return true
    return isContainer(x.tail)
  }
  if (x instanceof Map) {
    for (const [k, v] of x) if (isContainer(k) || isContainer(v)) return true
  }
  return false
}
