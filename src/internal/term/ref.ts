import { localNode, type NodeRef } from './nodeRef.ts'

/**
 * A unique reference (`make_ref()`), also used for monitors and process aliases. Prints as
 * `#Reference<0.A.B.C>`. Carries its node and up to five 32-bit id words, as the External Term
 * Format does.
 */
/** The third id word of every ref this node makes (random per run, like the BEAM's). */
export const REF_W2 = (Math.random() * 0x3ffff) | 0

export class Ref {
  readonly node: NodeRef
  private _ids: readonly number[] | null
  /**
   * @internal The counter of a ref made on this node (its id words derive from it), or -1.
   * Why keep it: most refs (one per GenServer.call) never leave the node, so their id array is
   * only built if something asks for it.
   */
  readonly n: number
  /**
   * @internal For local refs: the owner's mailbox append-count when the ref was made. A receive
   * whose every clause names this ref can skip every message older than that (BEAM's
   * ref-marker optimisation), so a call reply is found in O(1) in a busy mailbox.
   */
  mark: number
  /** @internal The process that made the ref (local refs only). */
  owner: unknown
  /**
   * @internal The local monitor this ref names, if any. Why on the ref: `demonitor(ref)` and
   * the DOWN bookkeeping then need no table lookup (a GenServer.call makes and removes one
   * monitor per call).
   */
  mon: unknown = null
  /** @internal The owner while the ref is an active alias (local refs only), else null. */
  aliasOf: unknown = null

  constructor(node: NodeRef, ids: readonly number[] | null, mark = -1, owner: unknown = null, n = -1) {
    this.node = node
    this._ids = ids
    this.n = n
    this.mark = mark
    this.owner = owner
  }

  /** Id words, least significant first (as in NEWER_REFERENCE_EXT). */
  get ids(): readonly number[] {
    return (this._ids ??= [this.n >>> 0, Math.floor(this.n / 0x100000000), REF_W2])
  }

  /** A stable string key for maps: equal refs give equal keys. */
  get key(): string {
    return `${this.node.index}.${this.ids.join('.')}`
  }

  /** `x` is a ref naming the same reference as `ref` (what a pinned ref in a pattern accepts). */
  static same(x: unknown, ref: Ref): boolean {
    return x === ref || (x instanceof Ref && Ref.equals(x, ref))
  }

  static equals(a: Ref, b: Ref): boolean {
    if (a === b) return true
    if (a.n >= 0 && b.n >= 0) return a.n === b.n && a.node === b.node
    if (a.node !== b.node || a.ids.length !== b.ids.length) return false
    for (let i = 0; i < a.ids.length; i++) if (a.ids[i] !== b.ids[i]) return false
    return true
  }

  get isLocal(): boolean {
    return this.node === localNode
  }

  toString(): string {
    return `#Reference<${this.node.index}.${[...this.ids].reverse().join('.')}>`
  }

  toJSON(): string {
    return this.toString()
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString()
  }
}

export function isRef(x: unknown): x is Ref {
  return x instanceof Ref
}
