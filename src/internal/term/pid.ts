import { localNode, type NodeRef } from './nodeRef.ts'

/**
 * A process identifier. Prints as `#PID<0.N.S>` like Elixir; carries its node (and creation)
 * so that distribution can send it over the wire unchanged.
 *
 * Pids compare by value with {@link Pid.equals}; the runtime also guarantees one `Pid` object per
 * local process, and distribution interns remote pids, so `===` works for pids you received.
 * A local process's pid is its runtime record (a subclass), whose other fields are internal.
 */
export class Pid {
  // `declare`d and set in the constructor: a local process record extends Pid, and base-class
  // field initializers would run as a separate, slower step on every spawn.
  declare readonly node: NodeRef
  declare readonly id: number
  declare readonly serial: number
  /**
   * @internal The live process behind a local pid (the pid object itself: a local process's
   * record *is* its pid), or `null` once it has exited (and for remote pids). Why a direct
   * pointer: it makes `send` a field read instead of a table lookup.
   */
  declare proc: unknown

  constructor(node: NodeRef, id: number, serial: number, proc: unknown = null) {
    this.node = node
    this.id = id
    this.serial = serial
    this.proc = proc
  }

  /** `x` is a pid naming the same process as `pid` (what a pinned pid in a pattern accepts). */
  static same(x: unknown, pid: Pid): boolean {
    return x === pid || (x instanceof Pid && Pid.equals(x, pid))
  }

  /** True when both name the same process (same node, creation, id and serial). */
  static equals(a: Pid, b: Pid): boolean {
    return a === b || (a.id === b.id && a.serial === b.serial && a.node === b.node)
  }

  get isLocal(): boolean {
    return this.node === localNode
  }

  toString(): string {
    return `#PID<${this.node.index}.${this.id}.${this.serial}>`
  }

  toJSON(): string {
    return this.toString()
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString()
  }
}

export function isPid(x: unknown): x is Pid {
  return x instanceof Pid
}
