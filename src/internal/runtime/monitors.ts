import { badArg } from '../errors.ts'
import { localNode } from '../term/nodeRef.ts'
import { Pid } from '../term/pid.ts'
import { REF_W2, Ref } from '../term/ref.ts'
import { copyReason } from './copy.ts'
import { names } from './names.ts'
import { EXITING, Monitor, type Proc, type ProcExt, table } from './proc.ts'
import { transport } from './remote.ts'
import { deliver } from './scheduler.ts'

/**
 * Refs, aliases and monitors (semantics.md §6, §8): the records a monitor keeps in its watcher
 * and its target, and what a process's end does to them (signals.ts calls `dropHeld` and
 * `fireMonitors` from its termination, in the BEAM's order).
 */

let refCounter = 0

/** A fresh local reference; remembers the maker's mailbox position for the ref-receive optimisation. */
export function makeRef(owner: Proc | null): Ref {
  const n = ++refCounter
  return new Ref(localNode, null, owner === null ? -1 : owner.appended, owner, n)
}

/**
 * Active aliases (§8). The owner sits on the ref itself (`ref.aliasOf`), so marking a call's
 * monitor ref as an alias costs a field write, not a Map entry. While distribution runs there is
 * also an index by ref counter: an ALIAS_SEND from another node carries the alias as id words,
 * and the decoder must map those back to the very `Ref` object.
 */
class AliasTable {
  private byCounter: Map<number, Ref> | null = null

  get(ref: Ref): Proc | undefined {
    return (ref.aliasOf as Proc | null) ?? undefined
  }

  set(ref: Ref, p: Proc): this {
    ref.aliasOf = p
    this.byCounter?.set(counterOfRef(ref), ref)
    return this
  }

  delete(ref: Ref): boolean {
    if (ref.aliasOf === null) return false
    ref.aliasOf = null
    this.byCounter?.delete(counterOfRef(ref))
    return true
  }

  /** Turns the index on (distribution started) or off. */
  indexed(on: boolean): void {
    if (!on) this.byCounter = null
    else if (this.byCounter === null) {
      const index = new Map<number, Ref>()
      for (const p of table.values()) {
        const x = p.ext
        if (x === null) continue
        if (x.aliases !== null) for (const ref of x.aliases) index.set(counterOfRef(ref), ref)
        for (let m = x.monitors; m !== null; m = m.wNext)
          if (m.ref.aliasOf !== null) index.set(counterOfRef(m.ref), m.ref)
      }
      this.byCounter = index
    }
  }

  /** The active alias with these id words (as decoded from the wire), if any. */
  find(ids: readonly number[]): Ref | undefined {
    if (ids.length !== 3 || ids[2] !== REF_W2 || this.byCounter === null) return undefined
    return this.byCounter.get(counterOf(ids))
  }
}

function counterOf(ids: readonly number[]): number {
  return ids[0]! + ids[1]! * 0x100000000
}

/** The counter of a local ref (without building its id words). */
function counterOfRef(ref: Ref): number {
  return ref.n >= 0 ? ref.n : counterOf(ref.ids)
}

/** Active aliases → their owner (§8). Monitor refs made with `{alias}` are here too. */
export const aliases = new AliasTable()

export function alias(p: Proc): Ref {
  const ref = makeRef(p)
  aliases.set(ref, p)
  ;(p.x().aliases ??= new Set()).add(ref)
  return ref
}

export function unalias(p: Proc, ref: Ref): boolean {
  if (aliases.get(ref) !== p) return false
  aliases.delete(ref)
  p.ext?.aliases?.delete(ref)
  const m = ref.mon as Monitor | null
  if (m !== null && m.watcher === p) m.alias = null
  return true
}

/** Delivers to an alias; inactive aliases drop the message before any mailbox (AL1). */
export function sendAlias(ref: Ref, msg: unknown): void {
  const p = ref.aliasOf as Proc | null
  if (p === null) return
  const m = ref.mon as Monitor | null
  if (m !== null && m.alias === 'reply_demonitor') demonitor(p, ref, false, false)
  deliver(p, msg)
}

// ------------------------------------------------------------------ monitor lists

// Each Monitor sits in two intrusive lists (see Monitor in proc.ts): the watcher's (`wPrev`/`wNext`
// from `monitors`) and the target's (`tPrev`/`tNext` from `monitoredBy`). Why a pair of helpers
// per list and not one taking the field names: computed keys (`m[next]`) defeat V8's property
// caches: a monitor's link and unlink (on every GenServer call) measured ~8× slower so, in a
// micro-benchmark of the two shapes.

function linkWatcher(x: ProcExt, m: Monitor): void {
  const head = x.monitors
  m.wNext = head
  if (head !== null) head.wPrev = m
  x.monitors = m
}

function unlinkWatcher(x: ProcExt, m: Monitor): void {
  if (m.wPrev !== null) m.wPrev.wNext = m.wNext
  else if (x.monitors === m) x.monitors = m.wNext
  if (m.wNext !== null) m.wNext.wPrev = m.wPrev
  m.wPrev = m.wNext = null
}

function linkTarget(x: ProcExt, m: Monitor): void {
  const head = x.monitoredBy
  m.tNext = head
  if (head !== null) head.tPrev = m
  x.monitoredBy = m
}

function unlinkTarget(x: ProcExt, m: Monitor): void {
  if (m.tPrev !== null) m.tPrev.tNext = m.tNext
  else if (x.monitoredBy === m) x.monitoredBy = m.tNext
  if (m.tNext !== null) m.tNext.tPrev = m.tPrev
  m.tPrev = m.tNext = null
}

// ------------------------------------------------------------------ monitors

export type MonitorTarget = Pid | string | readonly [string, string]

/**
 * `erlang:monitor/2`'s argument check, for `Process.monitor`: while this node is not distributed
 * there is no other node to look a name up on, and monitoring `[name, otherNode]` is a badarg
 * (a remote *pid* is not: it gets `DOWN … noconnection`, see `monitor`). Why not in `monitor`
 * itself: a `GenServer.call` to `[name, otherNode]` monitors through it too, and must exit with
 * `['nodedown', node]` there, as OTP's gen does before it ever calls `monitor`.
 */
export function checkMonitorTarget(target: unknown, caller: Function): void {
  if (
    transport === null &&
    Array.isArray(target) &&
    target.length === 2 &&
    typeof target[0] === 'string' &&
    target[1] !== localNode.name
  ) {
    throw badArg(
      'a pid, a registered name or a [name, node] pair of this node (it is not distributed: Node.start it to reach other nodes)',
      target,
      caller,
    )
  }
}

/**
 * `monitor(process, target)`: returns the ref; a dead target gives `DOWN … noproc` at once (M-d),
 * a target on another node without distribution `DOWN … noconnection` (M-c).
 */
export function monitor(
  p: Proc,
  target: MonitorTarget,
  aliasMode: Monitor['alias'] | 'explicit_unalias',
  caller: Function,
): Ref {
  let pid: Pid | null = null
  let object: unknown
  let remote = false
  if (target instanceof Pid) {
    pid = target
    object = target
    remote = !target.isLocal
  } else if (typeof target === 'string') {
    object = [target, localNode.name]
    pid = names.get(target)?.pid ?? null
  } else if (
    Array.isArray(target) &&
    target.length === 2 &&
    typeof target[0] === 'string' &&
    typeof target[1] === 'string'
  ) {
    object = [target[0], target[1]]
    if (target[1] === localNode.name) pid = names.get(target[0])?.pid ?? null
    else remote = true
  } else {
    throw badArg('a pid, a registered name or a [name, node] pair to monitor', target, caller)
  }
  const ref = makeRef(p)
  if (pid !== null && pid.proc === p) {
    // M-i: monitoring yourself (by pid or name) creates nothing, as on the BEAM: no record (`info`
    // lists none, `demonitor(ref, { info: true })` is false), no alias even when one is asked
    // for, never a DOWN. The ref is all there is.
    return ref
  }
  if (aliasMode === 'explicit_unalias') {
    // M-j: an alias in its own right, active until `unalias`, whatever happens to the monitor.
    aliases.set(ref, p)
    ;(p.x().aliases ??= new Set()).add(ref)
    aliasMode = null
  }
  if (remote) {
    if (transport !== null) {
      if (aliasMode !== null) aliases.set(ref, p)
      transport.monitor(p, ref, pid ?? (target as readonly [string, string]), object, aliasMode)
      return ref
    }
    // No distribution layer is watching that node: the connection is down (M-c, noconnection).
    deliver(p, ['DOWN', ref, 'process', object, 'noconnection'])
    return ref
  }
  const q = pid === null ? null : (pid.proc as Proc | null)
  if (q === null || q.status >= EXITING) {
    // M-d: the DOWN is there at once, and with it the monitor is over: a monitor alias
    // (`demonitor`, `reply_demonitor`) is never active.
    deliver(p, ['DOWN', ref, 'process', object, 'noproc'])
    return ref
  }
  if (aliasMode !== null) aliases.set(ref, p)
  const m = new Monitor(ref, p, q.pid, object, aliasMode)
  ref.mon = m
  linkWatcher(p.x(), m)
  linkTarget(q.x(), m)
  return ref
}

/**
 * `monitor` of a live local process other than the caller, whose pid is already resolved: the
 * call path's monitor, without the target resolution. Why it repeats `monitor`'s last lines
 * instead of sharing a helper with it: on every GenServer call, the extra call layer measured
 * slower (~7 ns in a micro-benchmark of monitor and demonitor).
 */
export function monitorProc(p: Proc, q: Proc, aliasMode: Monitor['alias']): Ref {
  const ref = makeRef(p)
  if (aliasMode !== null) aliases.set(ref, p)
  const m = new Monitor(ref, p, q.pid, q.pid, aliasMode)
  ref.mon = m
  linkWatcher(p.x(), m)
  linkTarget(q.x(), m)
  return ref
}

/** Matches the DOWN message of the monitor `ref` (for a receive that waits for it). */
export function isDownOf(ref: Ref): (m: unknown) => boolean {
  return (m) => Array.isArray(m) && m.length === 5 && m[0] === 'DOWN' && Ref.same(m[1], ref)
}

/**
 * The exit reason a DOWN stands for (Elixir's `reason/2`, OTP's call): `noconnection` becomes
 * `['nodedown', node]`, the node of `object` (the monitored pid or `[name, node]`).
 */
export function downReason(reason: unknown, object: unknown): unknown {
  if (reason !== 'noconnection') return reason
  if (object instanceof Pid) return ['nodedown', object.node.name]
  if (Array.isArray(object) && object.length === 2) return ['nodedown', object[1]]
  return ['nodedown', localNode.name]
}

/**
 * `demonitor(ref, [flush?, info?])` (M-g, M-h). Returns what Erlang's `info` option returns:
 * true when the monitor was found and removed; with `flush` and `info`, false exactly when a
 * DOWN had to be flushed.
 */
export function demonitor(p: Proc, ref: Ref, flush: boolean, info: boolean): boolean {
  const m = ref.mon as Monitor | null
  let found = false
  if (m !== null && m.watcher === p) {
    found = true
    ref.mon = null
    unlinkWatcher(p.ext!, m)
    const t = m.target.proc as Proc | null
    if (t !== null && t.ext !== null) unlinkTarget(t.ext, m)
  } else if (p.ext !== null && p.ext.remote !== null && transport !== null) {
    found = transport.demonitor(p, ref)
  }
  if (aliases.get(ref) === p && p.ext?.aliases?.has(ref) !== true) aliases.delete(ref)
  if (flush) {
    const mb = p.mailbox
    if (mb !== null) {
      // A DOWN for this ref cannot be older than the ref: start where the ref was made (the
      // ref-marker optimisation again), so a call's demonitor is O(1) in a deep mailbox.
      let start = 0
      if (ref.owner === p && ref.mark >= 0) start = Math.max(0, mb.length - (p.appended - ref.mark))
      for (let i = start; i < mb.length; i++) {
        const msg = mb.at(i)
        if (Array.isArray(msg) && msg.length === 5 && msg[0] === 'DOWN' && msg[1] === ref) {
          mb.removeAt(i)
          if (info) return false
          break
        }
      }
    }
  }
  return info ? found : true
}

// ------------------------------------------------------------------ a process's end

/** The monitors and aliases a dead process held go away (their DOWNs would have no one to go to). */
export function dropHeld(x: ProcExt): void {
  if (x.aliases !== null) for (const a of x.aliases) aliases.delete(a)
  for (let m = x.monitors; m !== null; m = m.wNext) {
    const t = m.target.proc as Proc | null
    if (t !== null && t.ext !== null) unlinkTarget(t.ext, m)
    m.ref.mon = null
    if (m.alias !== null) aliases.delete(m.ref)
  }
  x.monitors = null
}

/** Every monitor on a dead process fires: its watcher gets the DOWN with `reason`. */
export function fireMonitors(x: ProcExt, reason: unknown): void {
  let m = x.monitoredBy
  x.monitoredBy = null
  while (m !== null) {
    const next = m.tNext
    const watcher = m.watcher
    unlinkWatcher(watcher.ext!, m)
    m.ref.mon = null
    if (m.alias !== null) aliases.delete(m.ref)
    // Each watcher gets its own copy of the reason, as of any message.
    if (watcher.status < EXITING) deliver(watcher, ['DOWN', m.ref, 'process', m.object, copyReason(reason)])
    m = next
  }
}
