import type { Proc } from '../runtime/proc.ts'
import { exitSignal } from '../runtime/signals.ts'
import type { Pid } from '../term/pid.ts'
import { type Connection, type LinkRec, type ProcState, UP } from './connection.ts'
import * as wire from './wire.ts'

/**
 * Remote links, per connection: the new link protocol's state machine (semantics L-f,
 * distribution.md §5.3). Each local process keeps one record per linked remote pid:
 * `{ active, unlinkId }`.
 *
 * - send LINK: create the record, or re-activate it; nothing if it is already active.
 * - send UNLINK_ID(id): only while active; the record turns inactive and remembers id.
 * - recv LINK: create an active record unless *any* record exists.
 * - recv UNLINK_ID(id): delete an active record; always answer UNLINK_ID_ACK first.
 * - recv UNLINK_ID_ACK(id): delete the record if inactive with that id.
 * - recv EXIT: act only on an active record (truth table); the record goes either way.
 */

export function pidKey(pid: Pid): string {
  return `${pid.id}.${pid.serial}`
}

function recs(s: ProcState): { links: Map<string, LinkRec>; pids: Map<string, Pid> } {
  s.links ??= new Map()
  s.linkPids ??= new Map()
  return { links: s.links, pids: s.linkPids }
}

function drop(c: Connection, p: Proc, s: ProcState, k: string): void {
  s.links?.delete(k)
  s.linkPids?.delete(k)
  c.release(p, s)
}

/** `link(remote)` from local `p`. */
export function localLink(c: Connection, p: Proc, remote: Pid): void {
  const s = c.stateOf(p)
  const { links, pids } = recs(s)
  const k = pidKey(remote)
  const rec = links.get(k)
  if (rec?.active === true) return
  if (rec === undefined) {
    links.set(k, { active: true, unlinkId: 0n })
    pids.set(k, remote)
  } else {
    rec.active = true
    rec.unlinkId = 0n
  }
  wire.link(c, p.pid, remote)
}

/** `unlink(remote)` from local `p`: effective at once on our side (L-d). */
export function localUnlink(c: Connection, p: Proc, remote: Pid): void {
  const s = c.procs.get(p)
  const k = pidKey(remote)
  const rec = s?.links?.get(k)
  if (s === undefined || rec === undefined || !rec.active) return
  if (c.state === UP && !c.f!.unlinkId) {
    // Old protocol: no acknowledgement will come, so the record goes now.
    drop(c, p, s, k)
    wire.unlink(c, 0n, p.pid, remote)
    return
  }
  const id = c.nextUnlinkId++
  rec.active = false
  rec.unlinkId = id
  wire.unlink(c, id, p.pid, remote)
}

/** LINK from `from` (remote) to `to` (local). */
export function recvLink(c: Connection, from: Pid, to: Pid): void {
  const p = to.proc as Proc | null
  if (p === null || !p.alive) {
    // L-b: linking to a process that does not exist gives the linker an exit signal `noproc`.
    wire.exitLink(c, to, from, 'noproc')
    return
  }
  const { links, pids } = recs(c.stateOf(p))
  const k = pidKey(from)
  if (links.has(k)) return
  links.set(k, { active: true, unlinkId: 0n })
  pids.set(k, from)
}

/** The old protocol's UNLINK (peer without UNLINK_ID). */
export function recvUnlink(c: Connection, from: Pid, to: Pid): void {
  const p = to.proc as Proc | null
  const s = p === null ? undefined : c.procs.get(p)
  if (p !== null && s !== undefined) drop(c, p, s, pidKey(from))
}

/** UNLINK_ID: drop an active record; the ACK goes out before anything else to that peer. */
export function recvUnlinkId(c: Connection, id: bigint, from: Pid, to: Pid): void {
  const p = to.proc as Proc | null
  const s = p === null ? undefined : c.procs.get(p)
  const k = pidKey(from)
  if (p !== null && s !== undefined && s.links?.get(k)?.active === true) drop(c, p, s, k)
  wire.unlinkAck(c, id, to, from)
}

/** UNLINK_ID_ACK from `from` (who acks) to `to` (who unlinked). */
export function recvUnlinkAck(c: Connection, id: bigint, from: Pid, to: Pid): void {
  const p = to.proc as Proc | null
  const s = p === null ? undefined : c.procs.get(p)
  const k = pidKey(from)
  const rec = s?.links?.get(k)
  if (p !== null && s !== undefined && rec !== undefined && !rec.active && rec.unlinkId === id)
    drop(c, p, s, k)
}

/** An exit signal over a link: acted on only while the link is active. */
export function recvExit(c: Connection, from: Pid, to: Pid, reason: unknown): void {
  const p = to.proc as Proc | null
  const s = p === null ? undefined : c.procs.get(p)
  const k = pidKey(from)
  const rec = s?.links?.get(k)
  if (p === null || s === undefined || rec === undefined) return
  drop(c, p, s, k)
  if (rec.active) exitSignal(p, from, reason, true)
}

/** Local `p` died: every active link gets its exit signal (the reason unchanged, L-c). */
export function procExited(c: Connection, p: Proc, s: ProcState, reason: unknown): void {
  if (s.links === null) return
  for (const [k, rec] of s.links) if (rec.active) wire.exitLink(c, p.pid, s.linkPids!.get(k)!, reason)
  s.links = null
  s.linkPids = null
}

/** The connection is gone: `noconnection` over every active link (truth table row 7). */
export function connectionLost(p: Proc, s: ProcState): void {
  if (s.links === null) return
  const links = s.links
  const pids = s.linkPids!
  s.links = null
  s.linkPids = null
  for (const [k, rec] of links) if (rec.active) exitSignal(p, pids.get(k)!, 'noconnection', true)
}

/** Without UNLINK_ID no ACK will come: records made inactive while connecting go now. */
export function dropInactive(c: Connection): void {
  for (const [p, s] of c.procs) {
    if (s.links === null) continue
    for (const [k, rec] of s.links) if (!rec.active) drop(c, p, s, k)
  }
}

/** The remote pids `p` has active links to on `c`. */
export function activeLinks(c: Connection, p: Proc): Pid[] {
  const s = c.procs.get(p)
  if (s?.links == null) return []
  const out: Pid[] = []
  for (const [k, rec] of s.links) if (rec.active) out.push(s.linkPids!.get(k)!)
  return out
}
