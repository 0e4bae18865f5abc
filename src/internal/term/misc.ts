import type { NodeRef } from './nodeRef.ts'

/**
 * An Erlang list. Beamish keeps JS arrays for tuples (`['EXIT', pid, reason]`), so a list that
 * must cross the wire as a list is a `List`. `tail` is `null` for a proper list and any other
 * term for an improper one (`[1 | 2]`).
 */
export class List<T = unknown> {
  readonly items: readonly T[]
  readonly tail: unknown
  constructor(items: readonly T[], tail: unknown = null) {
    this.items = items
    this.tail = tail
  }
  static of<T>(...items: T[]): List<T> {
    return new List(items)
  }
  get isProper(): boolean {
    return this.tail === null
  }
  get length(): number {
    return this.items.length
  }
  [Symbol.iterator](): Iterator<T> {
    return this.items[Symbol.iterator]()
  }
  toArray(): T[] {
    return [...this.items]
  }
}

/**
 * A float whose value is a whole number (`2.0`), kept apart from the integer `2` so that it
 * round-trips to the BEAM as a float. Other floats are plain JS numbers.
 */
export class Float {
  readonly value: number
  constructor(value: number) {
    this.value = value
  }
  valueOf(): number {
    return this.value
  }
  toString(): string {
    return Object.is(this.value, -0) ? '-0.0' : `${this.value}.0`
  }
}

/** A bitstring whose length is not a whole number of bytes: `bits` (1..8) used in the last byte. */
export class BitBinary {
  readonly bytes: Uint8Array
  readonly bits: number
  constructor(bytes: Uint8Array, bits: number) {
    this.bytes = bytes
    this.bits = bits
  }
}

/** A port identifier from a BEAM node. Opaque here: it can be stored, compared and sent back. */
export class Port {
  readonly node: NodeRef
  readonly id: bigint
  constructor(node: NodeRef, id: bigint) {
    this.node = node
    this.id = id
  }
  toString(): string {
    return `#Port<${this.node.index}.${this.id}>`
  }
}

/** An external fun `&Mod.fun/arity` from the BEAM. */
export class ExportFun {
  readonly module: unknown
  readonly fun: unknown
  readonly arity: number
  constructor(module: unknown, fun: unknown, arity: number) {
    this.module = module
    this.fun = fun
    this.arity = arity
  }
}

/**
 * A closure from BEAM code. JavaScript cannot run it; Beamish keeps its exact bytes so it can be
 * stored, compared and sent back unchanged.
 */
export class OpaqueFun {
  readonly bytes: Uint8Array
  constructor(bytes: Uint8Array) {
    this.bytes = bytes
  }
}
