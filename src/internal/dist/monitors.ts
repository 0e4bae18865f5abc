import { names } from '../runtime/names.ts'
import type { Monitor, Proc } from '../runtime/proc.ts'
import type { RemoteTarget } from '../runtime/remote.ts'
import { deliver } from '../runtime/scheduler.ts'
import { aliases } from '../runtime/signals.ts'
import { Pid } from '../term/pid.ts'
import type { Ref } from '../term/ref.ts'
import { type Connection, type InMon, type OutMon, type ProcState, UP } from './connection.ts'
import * as wire from './wire.ts'

/**
 * Remote monitors, per connection, in both directions (semantics §6, distribution.md §5).
 *
 * - Out: a local process monitors a remote pid or `[name, node]`. MONITOR_P goes out when the
 *   peer has DIST_MONITOR; without it the monitor only watches the connection (M-k). It ends
 *   with the peer's MONITOR_P_EXIT, our demonitor, the watcher's death (DEMONITOR_P), or the
 *   connection's loss (`DOWN … noconnection`, M-c).
 * - In: a remote process monitors a local pid or name; it ends with the target's death
 *   (MONITOR_P_EXIT naming the pid, or the name when made by name), DEMONITOR_P, or the loss.
 */

export function refKey(ref: Ref): string {
  return ref.ids.join('.')
}

/** Removes a monitor alias once its monitor is gone (an explicit alias stays). */
function dropAlias(m: OutMon): void {
  if (m.alias !== null && aliases.get(m.ref) === m.watcher && m.watcher.ext?.aliases?.has(m.ref) !== true) {
    aliases.delete(m.ref)
  }
}

function forget(c: Connection, m: OutMon): void {
  c.outMons.delete(m.key)
  const s = c.procs.get(m.watcher)
  if (s !== undefined) {
    s.out?.delete(m.key)
    c.release(m.watcher, s)
  }
}

/** `monitor(remote)` from local `p`. `target` is a remote pid or `[name, node]`. */
export function localMonitor(
  c: Connection,
  p: Proc,
  ref: Ref,
  target: RemoteTarget,
  object: unknown,
  alias: Monitor['alias'],
): void {
  const key = refKey(ref)
  const m: OutMon = {
    ref,
    key,
    watcher: p,
    target: target instanceof Pid ? target : target[0],
    object,
    alias,
  }
  const s = c.stateOf(p)
  ;(s.out ??= new Map()).set(key, m)
  c.outMons.set(key, m)
  wire.monitorP(c, p.pid, m.target, ref)
}

/** `demonitor(ref)` for a remote monitor; false when `ref` is not one of `p`'s here. */
export function localDemonitor(c: Connection, p: Proc, ref: Ref): boolean {
  const m = c.outMons.get(refKey(ref))
  if (m === undefined || m.watcher !== p) return false
  forget(c, m)
  wire.demonitorP(c, p.pid, m.target, ref)
  return true
}

/** If `ref` is a `reply_demonitor` alias of a remote monitor, the first reply ends both. */
export function replyDemonitor(c: Connection, ref: Ref): void {
  const m = c.outMons.get(refKey(ref))
  if (m === undefined || m.alias !== 'reply_demonitor') return
  forget(c, m)
  dropAlias(m)
  wire.demonitorP(c, m.watcher.pid, m.target, ref)
}

/** MONITOR_P_EXIT: the remote target is gone; one DOWN, with what the monitor named. */
export function recvMonitorExit(c: Connection, ref: Ref, reason: unknown): void {
  const m = c.outMons.get(refKey(ref))
  if (m === undefined) return
  forget(c, m)
  dropAlias(m)
  if (m.watcher.alive) deliver(m.watcher, ['DOWN', m.ref, 'process', m.object, reason])
}

/** MONITOR_P from remote `from` on a local pid or name; a missing target gets `noproc` at once. */
export function recvMonitor(c: Connection, from: Pid, target: Pid | string, ref: Ref): void {
  const p = target instanceof Pid ? (target.proc as Proc | null) : (names.get(target) ?? null)
  if (p === null || !p.alive) {
    wire.monitorExit(c, target, from, ref, 'noproc')
    return
  }
  const key = refKey(ref)
  const m: InMon = { ref, key, watcher: from, target: p, name: typeof target === 'string' ? target : null }
  const s = c.stateOf(p)
  ;(s.in ??= new Map()).set(key, m)
  c.inMons.set(key, m)
}

export function recvDemonitor(c: Connection, ref: Ref): void {
  const key = refKey(ref)
  const m = c.inMons.get(key)
  if (m === undefined) return
  c.inMons.delete(key)
  const s = c.procs.get(m.target)
  if (s !== undefined) {
    s.in?.delete(key)
    c.release(m.target, s)
  }
}

/** Local `p` died: tell remote watchers (MONITOR_P_EXIT), drop the monitors it held. */
export function procExited(c: Connection, p: Proc, s: ProcState, reason: unknown): void {
  if (s.in !== null) {
    for (const m of s.in.values()) {
      c.inMons.delete(m.key)
      wire.monitorExit(c, m.name ?? p.pid, m.watcher, m.ref, reason)
    }
    s.in = null
  }
  if (s.out !== null) {
    for (const m of s.out.values()) {
      c.outMons.delete(m.key)
      dropAlias(m)
      if (c.state === UP || c.pending.length > 0) wire.demonitorP(c, p.pid, m.target, m.ref)
    }
    s.out = null
  }
}

/** The connection is gone: `DOWN … noconnection` for every monitor held over it (M-c). */
export function connectionLost(p: Proc, s: ProcState): void {
  if (s.out !== null) {
    const out = s.out
    s.out = null
    for (const m of out.values()) {
      dropAlias(m)
      if (p.alive) deliver(p, ['DOWN', m.ref, 'process', m.object, 'noconnection'])
    }
  }
  s.in = null
}
