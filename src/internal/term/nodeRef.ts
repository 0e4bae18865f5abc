/**
 * The identity of a node as pids, refs and ports carry it: its name and its creation (an
 * incarnation number, so a restarted node's old pids are not mistaken for new ones).
 *
 * Why one shared object per node instead of a name string in every pid: the local node's name
 * changes when distribution starts (`nonode@nohost` → `ts@host`), and every local pid made before
 * must then report the new name, exactly as on the BEAM. Remote node refs are interned per
 * (name, creation) so that pids from the wire compare with `===`; an identity nothing refers to
 * any more is released, and one seen again later gets a new `index`.
 */
export class NodeRef {
  /** Atom text of the node name, e.g. `"nonode@nohost"` or `"ts@localhost"`. */
  name: string
  /** Incarnation of the node (32-bit). 0 for a node that is not distributed. */
  creation: number
  /**
   * The small number the BEAM prints as the first field of a pid (`#PID<X.N.S>`): 0 for the
   * local node, a per-node index for remote nodes.
   */
  readonly index: number

  constructor(name: string, creation: number, index: number) {
    this.name = name
    this.creation = creation
    this.index = index
  }

  get isLocal(): boolean {
    return this.index === 0
  }
}

/** The local node. Its name and creation are set by distribution (`Node.start`). */
export const localNode: NodeRef = new NodeRef('nonode@nohost', 0, 0)

/**
 * New node identities one source of terms (one peer's connection) has brought in and that are
 * still alive: the decoder refuses more than `max` (see its `nodeBudget` option).
 */
export interface NodeBudget {
  live: number
  readonly max: number
}

/**
 * Remote node identities by `creation/name`, held weakly. Why: a peer can name any number of
 * nodes in the pids it sends; the table must hold only identities something still refers to
 * (a pid, a ref, a connection), as the BEAM frees an unused node entry, so that what one peer
 * once sent does not use up the room (the decoder's `maxNodes`) others need.
 */
const remoteNodes = new Map<string, WeakRef<NodeRef>>()
let nextIndex = 1

/** What to undo when an identity is released: its table slot, and what its budget paid. */
interface Held {
  readonly key: string
  readonly budget: NodeBudget | undefined
}

// Why check deref() before deleting: the slot may already hold a newer identity for the key.
const registry = new FinalizationRegistry<Held>(({ key, budget }) => {
  if (remoteNodes.get(key)?.deref() === undefined) remoteNodes.delete(key)
  if (budget !== undefined) budget.live--
})

/**
 * The interned `NodeRef` for a node name and creation. The local node's own name resolves to
 * {@link localNode} when the creation matches. A new identity is charged to `budget` (if given)
 * until it is released.
 */
export function nodeRef(name: string, creation: number, budget?: NodeBudget): NodeRef {
  if (name === localNode.name && creation === localNode.creation) return localNode
  const key = `${creation}/${name}`
  let ref = remoteNodes.get(key)?.deref()
  if (ref === undefined) {
    ref = new NodeRef(name, creation, nextIndex++)
    remoteNodes.set(key, new WeakRef(ref))
    if (budget !== undefined) budget.live++
    registry.register(ref, { key, budget })
  }
  return ref
}

/** The interned `NodeRef` if it already exists, without creating it (for table limits). */
export function findNodeRef(name: string, creation: number): NodeRef | undefined {
  if (name === localNode.name && creation === localNode.creation) return localNode
  return remoteNodes.get(`${creation}/${name}`)?.deref()
}

/**
 * How many remote node identities are interned (for limits and tests). It counts identities no
 * longer referred to until the garbage collector has reclaimed them.
 */
export function remoteNodeCount(): number {
  return remoteNodes.size
}
