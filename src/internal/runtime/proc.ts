import { AsyncLocalStorage } from 'node:async_hooks'
import { createError, ProcessTerminated } from '../errors.ts'
import { localNode } from '../term/nodeRef.ts'
import { Pid } from '../term/pid.ts'
import type { Ref } from '../term/ref.ts'
import type { Deque } from './deque.ts'
import type { ReceiveOp } from './receive.ts'

/** Process life cycle. `waiting` = blocked in receive; `parked` = waiting on a promise. */
export const RUNNABLE = 0
export const RUNNING = 1
export const WAITING = 2
export const PARKED = 3
/**
 * Running, with an exit signal "in flight": an exit signal from another process reached it while
 * its code was running (its own `exit(other, …)` killed a linked process, whose EXIT came back).
 * It runs on until it next yields and then terminates with `exitReason`, so what it sends
 * meanwhile still arrives before its EXIT/DOWN (O3), as on the BEAM. Still alive.
 */
export const DOOMED = 4
export const EXITING = 5
export const DEAD = 6
export type Status = 0 | 1 | 2 | 3 | 4 | 5 | 6

/** How the scheduler resumes a process next. */
export const RESUME_NEXT = 0
export const RESUME_THROW = 1
/** A message was matched on arrival; its clause's handler still has to run in the process. */
export const RESUME_MATCHED = 2
/** The pending receive timed out; its `after` clause still has to run. */
export const RESUME_TIMEOUT = 3
export type ResumeMode = 0 | 1 | 2 | 3

/** A generator body (the fast path). */
export const KIND_GEN = 0
/** An async body, or a plain function that returned a promise. */
export const KIND_ASYNC = 1
/** Not started yet: `resumeValue` holds the body to call in the first step. */
export const KIND_START = 2
/**
 * Driven by a {@link Reactor} instead of a generator: each message is a method call. Why: a
 * server loop (GenServer and everything built on it) handles most messages with plain
 * callbacks, and a call costs less than resuming and suspending a generator.
 */
export const KIND_REACTOR = 3

/**
 * A process body as an object: `react` is called with each message the process receives (and
 * with {@link REACTOR_START} when the process becomes a reactor) and returns what the process
 * does next: a `ReceiveOp` to wait in (whose message is the next `react` input), a generator to
 * run as the body until it hands back (`yield new TailCall(reactor)`) or ends, or a promise to
 * wait for (its value is the next input). Throwing ends the process like a throwing body.
 */
export interface Reactor {
  react(input: unknown): unknown
}

/** The first input of a reactor. */
export const REACTOR_START: unique symbol = Symbol('beamish.reactorStart')

/**
 * A local monitor. Why intrusive lists instead of Maps: each record sits in two doubly linked
 * lists (the watcher's and the target's), so adding and removing one is a few pointer writes
 * with no hashing; the ref points at its record for `demonitor`.
 */
export class Monitor {
  readonly ref: Ref
  /** The watcher (who gets the DOWN). */
  readonly watcher: Proc
  /** The watched process's pid. */
  readonly target: Pid
  /** What the DOWN message names: the pid, or `[name, node]` for a monitor by name (M-b). */
  readonly object: unknown
  /** The monitor ref is also an alias (`monitor(…, {alias})`). */
  alias: 'demonitor' | 'reply_demonitor' | null
  /** Links in the watcher's list (monitors it holds). */
  wPrev: Monitor | null = null
  wNext: Monitor | null = null
  /** Links in the target's list (monitors on it). */
  tPrev: Monitor | null = null
  tNext: Monitor | null = null

  constructor(ref: Ref, watcher: Proc, target: Pid, object: unknown, alias: Monitor['alias']) {
    this.ref = ref
    this.watcher = watcher
    this.target = target
    this.object = object
    this.alias = alias
  }
}

/**
 * Rarely used per-process state, allocated on first use. Why split from {@link Proc}: a million
 * idle processes must stay small (target ≤ 700 B each), and most never link, trap or register.
 */
export class ProcExt {
  links: Set<Proc> | null = null
  /** Head of the list of monitors this process holds. */
  monitors: Monitor | null = null
  /** Head of the list of monitors on this process. */
  monitoredBy: Monitor | null = null
  /** Active aliases (refs) owned by this process. */
  aliases: Set<Ref> | null = null
  /** Registered name. */
  name: string | null = null
  label: unknown = undefined
  initialCall: string | null = null
  ancestors: Pid[] | null = null
  dict: Map<unknown, unknown> | null = null
  /** Error that ended the process (for crash reports). */
  crash: unknown = undefined
  /** Resources owned by the process (sockets…), released when it exits, like the BEAM's ports. */
  resources: Set<{ ownerExited(reason: unknown): void }> | null = null
  /** Called with the value a generator body returns (Process.run's result). */
  onReturn: ((value: unknown) => void) | null = null
  /** Called once when the process has exited (used by behaviours and tests). */
  onExit: ((reason: unknown) => void) | null = null
  /**
   * State the distribution transport keeps for this process (remote links and monitors), or
   * null. Non-null tells the core to call the transport when the process exits or demonitors.
   */
  remote: object | null = null
  /** The process's last GenServer call op, reused by its next call once finished (see gen.ts). */
  call: object | null = null
}

/**
 * A local process: its runtime record *is* its pid. Why one object: a million processes pay
 * for every object and header (one allocation and ~32 bytes less per process than a separate
 * pid), and `send` reaches the process from the pid with no indirection.
 */
export class Proc extends Pid {
  // Field order is layout: after the pid's four fields, the ones every message hop reads or
  // writes come first, so that they share the object's first two cache lines (a
  // 10,000-process ring touches a cold process record on every hop). `declare`d and set in the
  // constructor, for the reason given on Pid.
  declare status: Status
  declare kind: 0 | 1 | 2 | 3
  /** The generator being driven (KIND_GEN), or the reactor (KIND_REACTOR). */
  declare gen: Generator<unknown, unknown, unknown> | Reactor | null
  declare mailbox: Deque<unknown> | null
  /** Messages ever appended (for ref marks); counts messages handed straight to a waiter too. */
  declare appended: number
  /** The receive this process is blocked in (generator yield or awaited op). */
  declare waiter: ReceiveOp<unknown> | null
  /**
   * The process's last simple receive, reused by the next identical one (`receive()`,
   * `receive(P.number)`, `receive(P.number, 'stop')`…; see receiveBuild.ts `pooled`). Why pooled:
   * these are the receives of rings, ping-pong and server loops, and a process only ever waits
   * in one receive at a time, so one op per process saves an allocation per message.
   */
  declare op: ReceiveOp<unknown> | null
  declare resumeMode: ResumeMode
  /**
   * What the process resumes with: the message or value (RESUME_NEXT), the error
   * (RESUME_THROW), the receive whose handler or `after` must run first (RESUME_MATCHED /
   * RESUME_TIMEOUT); while PARKED, the promise it waits for; before it starts (KIND_START), its body.
   */
  declare resumeValue: unknown
  declare reductions: number
  declare ext: ProcExt | null
  declare trapExit: boolean
  declare parent: Pid | null
  /**
   * The initial call: the function the process was spawned with, named (`name/arity`, see
   * `initialCallOf` below) only when asked or once the process outlives its first run. Why
   * not named at spawn: reading a function's name and arity costs ~30 ns, a tenth of a whole
   * short-lived process (skynet: 1,118 vs 1,008 ms). Why not kept as a function for good: a
   * closure holds the spawner's variables, and a million long-lived processes would pay for that.
   * Cleared when the process exits (its pid may outlive it).
   */
  declare initialCall: string | Function
  declare exitReason: unknown

  constructor(id: number, serial: number, parent: Pid | null) {
    super(localNode, id, serial, null)
    this.proc = this
    this.status = RUNNABLE
    this.kind = KIND_GEN
    this.gen = null
    this.mailbox = null
    this.appended = 0
    this.waiter = null
    this.op = null
    this.resumeMode = RESUME_NEXT
    this.resumeValue = undefined
    this.reductions = 0
    this.ext = null
    this.trapExit = false
    this.parent = parent
    this.initialCall = ''
    this.exitReason = undefined
  }

  /** The process's pid: the record itself (see {@link Pid}). */
  get pid(): Pid {
    return this
  }

  x(): ProcExt {
    return (this.ext ??= new ProcExt())
  }

  get alive(): boolean {
    return this.status < EXITING
  }
}

// Interned per named function, so a million processes spawned from one function share one
// string; anonymous closures (a fresh one per spawn) share one string per arity.
const callNames = new WeakMap<Function, string>()
const ANONYMOUS = Array.from({ length: 8 }, (_, i) => `anonymous/${i}`)
function callName(f: Function): string {
  if (f.name === '' && f.length < 8) return ANONYMOUS[f.length]!
  let n = callNames.get(f)
  if (n === undefined) {
    n = `${f.name || 'anonymous'}/${f.length}`
    callNames.set(f, n)
  }
  return n
}

/** The process's initial call as `name/arity` (named now if it was not yet). */
export function initialCallOf(p: Proc): string {
  const c = p.initialCall
  if (typeof c === 'string') return c
  return (p.initialCall = callName(c))
}

// ---------------------------------------------------------------- process table

/**
 * Live local processes by pid id: a dense array, not a Map. Why: with a million processes a Map
 * costs ~60 bytes per entry plus rehashing churn, an array slot 8 bytes; ids are handed out in
 * order, so the array stays dense, and a slot is cleared (not deleted) when its process exits.
 */
class ProcTable {
  private slots: (Proc | undefined)[] = [undefined]
  size = 0

  get(id: number): Proc | undefined {
    return this.slots[id]
  }
  has(id: number): boolean {
    return this.slots[id] !== undefined
  }
  set(id: number, p: Proc): void {
    const slots = this.slots
    if (id < slots.length) slots[id] = p
    else {
      while (slots.length < id) slots.push(undefined)
      slots.push(p)
    }
    this.size++
  }
  delete(id: number): void {
    if (this.slots[id] !== undefined) {
      this.slots[id] = undefined
      this.size--
    }
  }
  *values(): IterableIterator<Proc> {
    const slots = this.slots
    for (let i = 1; i < slots.length; i++) {
      const p = slots[i]
      if (p !== undefined) yield p
    }
  }
}

export const table = new ProcTable()
let nextId = 1
let serial = 0

// Why ids wrap at 2^22: the table stays at most 4M slots (32 MB) however many processes come
// and go; the serial then goes up, so a pid is never reused while its old holder may still
// be named somewhere (and NEW_PID_EXT's 32-bit ID field holds both, even without V4_NC).
const MAX_ID = 0x3fffff

/** A new local process record (and so a new pid), not yet in the table. */
export function newProc(parent: Pid | null): Proc {
  let id = nextId
  for (;;) {
    if (id > MAX_ID) {
      id = 1
      serial = (serial + 1) >>> 0
    }
    if (!table.has(id)) break
    id++
  }
  nextId = id + 1
  return new Proc(id, serial, parent)
}

// ---------------------------------------------------------------- current process

/** The process whose code is running synchronously right now (set by the scheduler). */
export let current: Proc | null = null

export function setCurrent(p: Proc | null): void {
  current = p
}

/**
 * Async process bodies lose the scheduler's `current` after their first `await`; they run inside
 * this storage instead. Why only them: AsyncLocalStorage slows every promise in the program once
 * it is in use, and generator processes never need it.
 */
let als: AsyncLocalStorage<Proc> | null = null

export function asyncStorage(): AsyncLocalStorage<Proc> {
  return (als ??= new AsyncLocalStorage<Proc>())
}

/**
 * Runs `fn` outside every process's async context. Why: what `fn` schedules (a promise reaction,
 * say) inherits the context it was created in, and the scheduler's own work must not: code run
 * from it would otherwise see whichever process last woke it as `self()`.
 */
export function outsideProcesses(fn: () => void): void {
  if (als !== null && als.getStore() !== undefined) als.exit(fn)
  else fn()
}

/**
 * The calling process, or `null` outside any process. Throws ProcessTerminated in the code of
 * an async process that has died meanwhile (killed while it awaited a promise: JavaScript cannot
 * stop that code, so it stops at its next process operation). Why: on the BEAM a dead process
 * runs nothing, so nothing it "does" afterwards may happen: no links, monitors or children in
 * its name, and no message from it after its DOWN (O3).
 */
export function currentProc(): Proc | null {
  if (current !== null) return current
  if (als === null) return null
  const p = als.getStore()
  if (p === undefined) return null
  if (p.status >= EXITING) throw new ProcessTerminated(p.exitReason)
  return p
}

/**
 * Throws ProcessTerminated when the calling async code belongs to a process that has died:
 * `currentProc`'s check, for operations that need no process (`send` and `cast` work from
 * anywhere) but must not act for a dead one.
 */
export function checkSenderAlive(): void {
  currentProc()
}

/** The calling process; throws ERR_BEAMISH_NOT_IN_PROCESS outside one. */
export function self(caller?: Function): Proc {
  const p = currentProc()
  if (p === null) {
    throw createError(
      'ERR_BEAMISH_NOT_IN_PROCESS',
      'this function must be called from inside a process (spawn one with Process.spawn, or use Process.run to run async code as a process)',
      caller,
    )
  }
  return p
}
