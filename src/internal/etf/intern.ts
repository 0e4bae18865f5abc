import { localNode, type NodeRef } from '../term/nodeRef.ts'
import { Pid } from '../term/pid.ts'
import { Ref } from '../term/ref.ts'

/** Maps a decoded local pid to the live process's `Pid`, or `undefined` when there is none. */
export type LocalPidResolver = (id: number, serial: number) => Pid | undefined
/** Maps the id words of a decoded local ref to the runtime's `Ref`, or `undefined`. */
export type LocalRefResolver = (ids: readonly number[]) => Ref | undefined

let pidResolver: LocalPidResolver | undefined
let refResolver: LocalRefResolver | undefined

/**
 * Installs the hook the decoder uses for pids of the local node, so that a pid coming back over
 * the wire is the very `Pid` object of the live process (with its `proc` pointer). Pass
 * `undefined` to remove it.
 *
 * @example
 * setLocalPidResolver((id, serial) => processTable.get(id)?.pid)
 */
export function setLocalPidResolver(fn: LocalPidResolver | undefined): void {
  pidResolver = fn
}

/**
 * Installs the hook the decoder uses for refs of the local node (monitor refs, aliases).
 *
 * @example
 * setLocalRefResolver((ids) => aliases.get(ids.join('.')))
 */
export function setLocalRefResolver(fn: LocalRefResolver | undefined): void {
  refResolver = fn
}

/**
 * How many remote pids (and, separately, refs) are kept interned at most. Why a bound: a hostile
 * peer can send millions of distinct pids; past the bound new ones are simply not interned
 * (`Pid.equals` still works, only `===` is lost for them).
 */
export const INTERN_LIMIT = 65_536

/**
 * One table per node: the node is matched by identity (NodeRefs are interned), then the pid by a
 * number key (`id * 2^32 + serial` while that is exact), so a lookup builds no string. Weak in
 * the node: a node identity nothing else refers to is released (see nodeRef.ts), and its table
 * goes with it.
 */
type Table<T extends object> = WeakMap<NodeRef, Map<number | string, WeakRef<T>>>
interface Held {
  readonly inner: Map<number | string, WeakRef<object>>
  readonly key: number | string
  readonly kind: 'pids' | 'refs'
}
const pids: Table<Pid> = new WeakMap()
const refs: Table<Ref> = new WeakMap()
const sizes = { pids: 0, refs: 0 }

// Why check deref() before deleting: the slot may already hold a newer live object for the key.
const registry = new FinalizationRegistry<Held>(({ inner, key, kind }) => {
  if (inner.get(key)?.deref() === undefined && inner.delete(key)) sizes[kind]--
})

function lookup<T extends object>(
  table: Table<T>,
  kind: 'pids' | 'refs',
  node: NodeRef,
  key: number | string,
  make: () => T,
): T {
  let inner = table.get(node)
  const slot = inner?.get(key)
  const old = slot?.deref()
  if (old !== undefined) return old
  const fresh = make()
  if (slot === undefined && sizes[kind] >= INTERN_LIMIT) return fresh
  if (inner === undefined) table.set(node, (inner = new Map()))
  if (slot === undefined) sizes[kind]++
  inner.set(key, new WeakRef(fresh))
  registry.register(fresh, { inner: inner as Map<number | string, WeakRef<object>>, key, kind })
  return fresh
}

/**
 * The `Pid` for a decoded pid: the live local one, an interned remote one, or a new one.
 *
 * @example
 * internPid(nodeRef('ref@localhost', 1), 123, 0) === internPid(nodeRef('ref@localhost', 1), 123, 0) // true
 */
export function internPid(node: NodeRef, id: number, serial: number): Pid {
  if (node === localNode) return pidResolver?.(id, serial) ?? new Pid(localNode, id, serial)
  const key = id < 2097152 ? id * 4294967296 + serial : `${id}:${serial}`
  return lookup(pids, 'pids', node, key, () => new Pid(node, id, serial))
}

/**
 * The `Ref` for decoded id words (least significant first), like {@link internPid}.
 *
 * @example
 * internRef(nodeRef('ref@localhost', 1), [1, 2, 3]).toString() // '#Reference<N.3.2.1>'
 */
export function internRef(node: NodeRef, ids: number[]): Ref {
  if (node === localNode) return refResolver?.(ids) ?? new Ref(localNode, ids)
  return lookup(refs, 'refs', node, ids.join(':'), () => new Ref(node, ids))
}

/**
 * Sizes of the intern tables (for tests and diagnostics).
 *
 * @example
 * internedCounts() // { pids: 12, refs: 3 }
 */
export function internedCounts(): { pids: number; refs: number } {
  return { pids: sizes.pids, refs: sizes.refs }
}
