import { badArg, createError, ExitError, ProcessTerminated } from '../errors.ts'
import { localNode } from '../term/nodeRef.ts'
import { Pid } from '../term/pid.ts'
import { REF_W2, Ref } from '../term/ref.ts'
import { reportCrash } from './crash.ts'
import { names, release } from './names.ts'
import { DEAD, DOOMED, EXITING, Monitor, type Proc, type ProcExt, RUNNING, table } from './proc.ts'
import { transport } from './remote.ts'
import { deliver, timers } from './scheduler.ts'

/**
 * Exit signals, links, monitors and aliases, with exactly the BEAM's semantics (semantics.md
 * §1, §4–§6, §8). Everything here runs synchronously on the scheduler thread; the "signal in
 * flight" of the BEAM is the gap until the receiver next runs.
 */

// ------------------------------------------------------------------ termination

const dying: Proc[] = []
let reaping = false

/**
 * Terminates `p` with `reason`. Why a work list: a process's death sends exit signals that may
 * kill its links, whose deaths kill theirs; handling them in a loop instead of by recursion
 * keeps a 100,000-long link chain from overflowing the stack, and keeps per-pair signal order.
 */
export function terminate(p: Proc, reason: unknown): void {
  if (p.status >= EXITING) return // P7: the first exit wins
  p.status = EXITING
  p.exitReason = reason
  if (reaping) {
    dying.push(p)
    return
  }
  reaping = true
  try {
    finish(p)
    for (let i = 0; i < dying.length; i++) finish(dying[i]!)
  } finally {
    // Why only when used: most processes die alone, and resetting an array's length is a call.
    if (dying.length !== 0) dying.length = 0
    reaping = false
  }
}

function finish(p: Proc): void {
  const reason = p.exitReason
  const w = p.waiter
  p.waiter = null
  if (w !== null && w.timer !== null) timers.cancel(w.timer)
  p.gen = null
  p.resumeValue = undefined
  p.mailbox = null
  // (The record is the pid, which may be kept long after: so is not what it ran, a closure perhaps.)
  p.initialCall = ''
  const x = p.ext
  // P5: directly visible resources (the name) go before any EXIT/DOWN is sent.
  if (x !== null && x.name !== null) release(x.name, p)
  table.delete(p.pid.id)
  p.pid.proc = null
  p.status = DEAD
  if (x !== null) {
    if (x.aliases !== null) for (const a of x.aliases) aliases.delete(a)
    for (let m = x.monitors; m !== null; m = m.wNext) {
      const t = m.target.proc as Proc | null
      if (t !== null && t.ext !== null) unlinkTarget(t.ext, m)
      m.ref.mon = null
      if (m.alias !== null) aliases.delete(m.ref)
    }
    x.monitors = null
    if (x.links !== null) {
      const links = x.links
      x.links = null
      for (const q of links) {
        q.ext!.links!.delete(p)
        exitSignal(q, p.pid, reason, true)
      }
    }
    let m = x.monitoredBy
    x.monitoredBy = null
    while (m !== null) {
      const next = m.tNext
      const watcher = m.watcher
      unlinkWatcher(watcher.ext!, m)
      m.ref.mon = null
      if (m.alias !== null) aliases.delete(m.ref)
      if (watcher.status < EXITING) deliver(watcher, ['DOWN', m.ref, 'process', m.object, reason])
      m = next
    }
    // Remote links and monitors (both directions) live in the transport.
    if (x.remote !== null) transport?.exited(p, reason)
    if (x.resources !== null) {
      const rs = x.resources
      x.resources = null
      for (const r of rs) r.ownerExited(reason)
    }
    if (x.crash !== undefined) reportCrash(p, x.crash)
    // The record is the pid, which may be kept long after: keep nothing big alive with it.
    x.crash = undefined
    x.dict = null
    x.onReturn = null
    const cb = x.onExit
    if (cb !== null) {
      x.onExit = null
      cb(reason)
    }
  }
  p.op = null
  // An async body blocked in `await receive(…)` unwinds instead of waiting forever.
  const aw = w === null ? null : w.aw
  if (aw !== null && aw.reject !== null) {
    const reject = aw.reject
    aw.resolve = aw.reject = null
    reject(new ProcessTerminated(reason))
  }
}

/**
 * The exit reason for an exception that escaped a process body: `exit(reason)` gives exactly
 * `reason` (P2); an Error gives `[error, stack]` like Elixir's `{exception, stacktrace}` (P3); any
 * other thrown value gives `[['nocatch', value], stack]`.
 */
export function crashReason(e: unknown, p: Proc): unknown {
  if (e instanceof ExitError) return e.reason
  if (e instanceof ProcessTerminated) return p.exitReason ?? e.reason
  if (e instanceof Error) {
    p.x().crash = e
    return [e, e.stack ?? '']
  }
  const stack = new Error().stack ?? ''
  p.x().crash = ['nocatch', e]
  return [['nocatch', e], stack]
}

/**
 * Delivers an exit signal to `target` (semantics §5.1, all rows). `viaLink` marks signals from a
 * terminated linked process; otherwise it is `exit(target, reason)` sent by `from`.
 */
export function exitSignal(target: Proc, from: Pid, reason: unknown, viaLink: boolean): void {
  if (target.status >= EXITING) return
  if (viaLink) {
    if (target.trapExit)
      deliver(target, ['EXIT', from, reason]) // rows 1–4
    else if (reason !== 'normal') killedBy(target, from, reason) // rows 2–4: `kill` stays `kill`
    return // row 1: normal is dropped
  }
  if (reason === 'kill')
    killedBy(target, from, 'killed') // row 10: untrappable
  else if (target.trapExit)
    deliver(target, ['EXIT', from, reason]) // rows 8, 9, 11
  else if (reason === 'normal') {
    if (from === target.pid) terminate(target, 'normal') // row 9: the documented irregularity
  } else killedBy(target, from, reason) // row 11
}

/**
 * Terminates `target` because of an exit signal from `from` (E-g). Why not at once when `target`
 * is the process running right now and the signal is not its own `exit(self(), …)`: that only
 * happens when its own action killed a linked process whose EXIT came straight back. On the BEAM
 * that signal is in flight while the process runs on, so the process is marked DOOMED and
 * terminates when it next yields; what it sends until then arrives before its EXIT/DOWN (O3).
 */
function killedBy(target: Proc, from: Pid, reason: unknown): void {
  if (from !== target.pid) {
    if (target.status === RUNNING) {
      target.status = DOOMED
      target.exitReason = reason
      return
    }
    if (target.status === DOOMED) return // P7: the first exit signal wins
  }
  terminate(target, reason)
}

/** `exit(pid, reason)` from `sender` (or from outside any process when null). */
export function exitPid(sender: Proc | null, pid: Pid, reason: unknown): void {
  const q = pid.proc as Proc | null
  if (q === null) {
    if (!pid.isLocal) transport?.exit(sender, pid, reason)
    return
  }
  // Row 8: without a sending process the signal is never the target's own, so `normal` is
  // dropped by a process that does not trap (rather than taken for exit(self(), normal)).
  if (sender === null && reason === 'normal' && !q.trapExit) return
  exitSignal(q, sender?.pid ?? pid, reason, false)
  // E-e: a process that just terminated itself does not run on.
  if (sender !== null && sender === q && q.status >= EXITING) throw new ProcessTerminated(q.exitReason)
}

// ------------------------------------------------------------------ links

export function link(p: Proc, pid: Pid, caller: Function): void {
  if (pid === p.pid) return // L-a
  const q = pid.proc as Proc | null
  if (q === null || q.status >= EXITING) {
    if (!pid.isLocal) {
      transport?.link(p, pid)
      return
    }
    // L-b: semi-synchronous failure for a dead local process.
    if (p.trapExit) deliver(p, ['EXIT', pid, 'noproc'])
    else throw createError('ERR_BEAMISH_NOPROC', `cannot link to ${pid}: no such process (noproc)`, caller)
    return
  }
  const px = p.x()
  const qx = q.x()
  ;(px.links ??= new Set()).add(q)
  ;(qx.links ??= new Set()).add(p)
}

export function unlink(p: Proc, pid: Pid): void {
  const q = pid.proc as Proc | null
  if (q === null) {
    if (!pid.isLocal) transport?.unlink(p, pid)
    return
  }
  p.ext?.links?.delete(q)
  q.ext?.links?.delete(p)
}

// ------------------------------------------------------------------ refs and aliases

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

/** `monitor(process, target)`: returns the ref; a dead target gives `DOWN … noproc` at once (M-d). */
export function monitor(
  p: Proc,
  target: MonitorTarget,
  aliasMode: Monitor['alias'] | 'explicit_unalias',
  caller: Function,
): Ref {
  let pid: Pid | null = null
  let object: unknown
  if (target instanceof Pid) {
    pid = target
    object = target
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
  } else {
    throw badArg('a pid, a registered name or a [name, node] pair to monitor', target, caller)
  }
  const ref = makeRef(p)
  if (aliasMode === 'explicit_unalias') {
    // M-j: an alias in its own right, active until `unalias`, whatever happens to the monitor.
    aliases.set(ref, p)
    ;(p.x().aliases ??= new Set()).add(ref)
    aliasMode = null
  }
  const remoteNode =
    pid !== null
      ? pid.isLocal
        ? null
        : pid.node.name
      : Array.isArray(target) && target[1] !== localNode.name
        ? target[1]
        : null
  if (remoteNode !== null) {
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
  if (aliasMode !== null) {
    aliases.set(ref, p)
  }
  if (q === null || q.status >= EXITING) {
    // Why keep the alias of a monitor that fired at once: `demonitor`/DOWN delivery removes it, as
    // for any monitor, and a caller using it for a reply must still see the DOWN first.
    if (aliasMode !== null) aliases.delete(ref)
    deliver(p, ['DOWN', ref, 'process', object, 'noproc'])
    return ref
  }
  // M-i: a monitor on yourself is an ordinary record (so `demonitor` and a monitor alias work as
  // for any other), but it never fires: the DOWN would go to a dead watcher.
  const m = new Monitor(ref, p, q.pid, object, aliasMode)
  ref.mon = m
  linkWatcher(p.x(), m)
  linkTarget(q.x(), m)
  return ref
}

/**
 * `monitor` of a live local process other than the caller, whose pid is already resolved: the
 * call path's monitor, without the target resolution.
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
