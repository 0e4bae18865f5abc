import type { Proc } from '../runtime/proc.ts'
import { deliver } from '../runtime/scheduler.ts'
import type { Connection } from './connection.ts'

/**
 * Node monitoring: `Node.monitor(node)` (Erlang's `monitor_node/2`: one `['nodedown', node]` per
 * call when that connection goes, or at once if it cannot be made) and `Node.monitorNodes`
 * (`net_kernel:monitor_nodes/2`: `['nodeup', node]` / `['nodedown', node]` for every node).
 */

export type NodeType = 'visible' | 'hidden' | 'all'

interface Subscription {
  readonly type: NodeType
  /** Add `{ nodeType }` as a third element (Erlang's `{node_type, T}` info list). */
  readonly info: boolean
  count: number
}

const subscribers = new Map<Proc, Subscription>()

function matches(sub: Subscription, visible: boolean): boolean {
  return sub.type === 'all' || (sub.type === 'visible') === visible
}

function notify(c: Connection, what: 'nodeup' | 'nodedown'): void {
  for (const [p, sub] of subscribers) {
    if (!p.alive) {
      subscribers.delete(p)
      continue
    }
    if (!matches(sub, c.visible)) continue
    const msg = sub.info ? [what, c.node, { nodeType: c.visible ? 'visible' : 'hidden' }] : [what, c.node]
    for (let i = 0; i < sub.count; i++) deliver(p, msg)
  }
}

export function notifyUp(c: Connection): void {
  notify(c, 'nodeup')
}

/** The connection is gone (or never came up: then only `monitor_node` watchers hear of it). */
export function notifyDown(c: Connection, wasUp: boolean): void {
  for (const [p, n] of c.nodeMonitors) {
    if (!p.alive) continue
    for (let i = 0; i < n; i++) deliver(p, ['nodedown', c.node])
  }
  c.nodeMonitors.clear()
  if (wasUp) notify(c, 'nodedown')
}

/**
 * `monitor_node(node, flag)` for `p`, given the connection (undefined: it cannot be made, so the
 * `nodedown` comes at once).
 */
export function monitorNode(p: Proc, node: string, c: Connection | undefined, flag: boolean): void {
  if (!flag) {
    const n = c?.nodeMonitors.get(p)
    if (c === undefined || n === undefined) return
    if (n <= 1) c.nodeMonitors.delete(p)
    else c.nodeMonitors.set(p, n - 1)
    return
  }
  if (c === undefined) {
    deliver(p, ['nodedown', node])
    return
  }
  for (const q of c.nodeMonitors.keys()) if (!q.alive) c.nodeMonitors.delete(q)
  c.nodeMonitors.set(p, (c.nodeMonitors.get(p) ?? 0) + 1)
}

/** `monitor_nodes(flag, opts)` for `p`: each call with true adds one subscription. */
export function monitorNodes(p: Proc, flag: boolean, type: NodeType, info: boolean): void {
  const sub = subscribers.get(p)
  if (!flag) {
    if (sub === undefined) return
    if (sub.count <= 1) subscribers.delete(p)
    else sub.count--
    return
  }
  if (sub !== undefined && sub.type === type && sub.info === info) sub.count++
  else subscribers.set(p, { type, info, count: 1 })
}
