import { ExitError } from './errors.ts'
import { downReason } from './runtime/monitors.ts'
import type { Proc } from './runtime/proc.ts'
import { self } from './runtime/proc.ts'
import { isRefPair, ReceiveOp } from './runtime/receive.ts'
import * as sig from './runtime/signals.ts'
import type { TaskStruct } from './task.ts'
import type { Pid } from './term/pid.ts'
import type { Ref } from './term/ref.ts'

/**
 * Waiting for tasks (Elixir's `Task.await/yield/ignore/shutdown/await_many/yield_many`). Every
 * wait looks for exactly two messages per task: the reply `[ref, result]` and the monitor's
 * `['DOWN', ref, 'process', object, reason]`. Removing the monitor always flushes its DOWN and
 * deactivates its alias, so the owner's mailbox ends up clean and late replies are dropped.
 */

/** What `yield`, `ignore` and `shutdown` return: a reply, an exit reason, or nothing yet. */
export type YieldResult<R> = readonly ['ok', R] | readonly ['exit', unknown] | null

function isReply(ref: Ref): (m: unknown) => boolean {
  return (m) => isRefPair(m, ref)
}

/** The mailbox position from which a message about `ref` can be (see refMark in match.ts). */
function markOf(ref: Ref, p: Proc): number {
  return ref.owner === p ? ref.mark : -1
}

const NONE = Symbol('none')

/** `receive … after 0`: removes and returns the oldest message `match` accepts, or NONE. */
export function takeNow(p: Proc, match: (m: unknown) => boolean): unknown {
  const mb = p.mailbox
  if (mb === null) return NONE
  for (let i = 0; i < mb.length; i++) if (match(mb.at(i))) return mb.removeAt(i)
  return NONE
}

function deadline(timeout: number): number {
  return timeout < 0 ? -1 : performance.now() + timeout
}

function left(until: number): number {
  return until < 0 ? -1 : Math.max(0, Math.ceil(until - performance.now()))
}

// ------------------------------------------------------------------ one task

/** `Task.await` (T2). */
export function* awaitTask(
  task: TaskStruct,
  timeout: number,
  timeoutArg: unknown,
): Generator<unknown, unknown, unknown> {
  const p = self(awaitTask)
  const ref = task.ref
  const m = (yield new ReceiveOp([isReply(ref), sig.isDownOf(ref)], null, timeout, null, markOf(ref, p))) as
    | unknown[]
    | undefined
  if (m === undefined) {
    sig.demonitor(p, ref, true, false)
    throw new ExitError(['timeout', ['Task', 'await', [task, timeoutArg]]])
  }
  if (m.length === 2) {
    sig.demonitor(p, ref, true, false)
    return m[1]
  }
  throw new ExitError([downReason(m[4], m[3]), ['Task', 'await', [task, timeoutArg]]])
}

/** `Task.yield` (T3): on timeout the monitor stays, so the task can be yielded to again. */
export function* yieldTask(
  task: TaskStruct,
  timeout: number,
  timeoutArg: unknown,
): Generator<unknown, YieldResult<unknown>, unknown> {
  const p = self(yieldTask)
  const ref = task.ref
  const m = (yield new ReceiveOp([isReply(ref), sig.isDownOf(ref)], null, timeout, null, markOf(ref, p))) as
    | unknown[]
    | undefined
  if (m === undefined) return null
  if (m.length === 2) {
    sig.demonitor(p, ref, true, false)
    return ['ok', m[1]]
  }
  if (m[4] === 'noconnection')
    throw new ExitError([downReason(m[4], m[3]), ['Task', 'yield', [task, timeoutArg]]])
  return ['exit', m[4]]
}

function unlinkTask(p: Proc, task: TaskStruct): void {
  if (task.pid !== null) sig.unlink(p, task.pid)
}

/** `Task.ignore` (T5): unlinks and demonitors at once; reports a result already in the mailbox. */
export function ignoreTask(p: Proc, task: TaskStruct): YieldResult<unknown> {
  const ref = task.ref
  const reply = isReply(ref)
  const down = sig.isDownOf(ref)
  const m = takeNow(p, (x) => reply(x) || down(x))
  if (m === NONE) {
    unlinkTask(p, task)
    sig.demonitor(p, ref, true, false)
    return null
  }
  const msg = m as unknown[]
  if (msg.length === 2) {
    unlinkTask(p, task)
    sig.demonitor(p, ref, true, false)
    return ['ok', msg[1]]
  }
  if (msg[4] === 'noconnection') throw new ExitError([downReason(msg[4], msg[3]), ['Task', 'ignore', [task]]])
  unlinkTask(p, task)
  return ['exit', msg[4]]
}

type ShutdownType = 'shutdown' | 'brutal_kill' | 'timeout_kill'
type Down = readonly ['down', unknown, unknown]

function flushReply(p: Proc, ref: Ref): YieldResult<unknown> {
  const m = takeNow(p, isReply(ref))
  return m === NONE ? null : ['ok', (m as unknown[])[1]]
}

/** The task was already gone when we looked: its own DOWN (if still queued) says how it ended. */
function flushNoproc(p: Proc, ref: Ref, object: unknown, type: ShutdownType): Down | null {
  const m = takeNow(p, sig.isDownOf(ref))
  if (m === NONE) {
    sig.demonitor(p, ref, true, false)
    return ['down', object, 'noproc']
  }
  const reason = (m as unknown[])[4]
  if (reason === 'shutdown' && type !== 'brutal_kill') return null
  if (reason === 'killed' && type === 'brutal_kill') return null
  return ['down', object, reason]
}

/**
 * `Task.shutdown` (T4): unlink, monitor afresh, send `shutdown` (or `kill`), and wait; a task
 * still alive after `timeout` is killed. A reply that arrived meanwhile wins over the exit.
 */
export function* shutdownTask(
  task: TaskStruct,
  how: number | 'brutal_kill',
  howArg: unknown,
): Generator<unknown, YieldResult<unknown>, unknown> {
  const p = self(shutdownTask)
  const pid = task.pid as Pid
  const ref = task.ref
  // Why unlink first: the exit we are about to cause must not come back over the link.
  sig.unlink(p, pid)
  const mon = sig.monitor(p, pid, null, shutdownTask)
  let type: ShutdownType = how === 'brutal_kill' ? 'brutal_kill' : 'shutdown'
  let wait = how === 'brutal_kill' ? -1 : how
  sig.exitPid(p, pid, how === 'brutal_kill' ? 'kill' : 'shutdown')
  for (;;) {
    const m = (yield new ReceiveOp([sig.isDownOf(mon)], null, wait, null, mon.mark)) as unknown[] | undefined
    if (m === undefined) {
      sig.exitPid(p, pid, 'kill')
      type = 'timeout_kill'
      wait = -1
      continue
    }
    const object = m[3]
    const reason = m[4]
    let result: YieldResult<unknown> | Down
    if (
      (reason === 'shutdown' && type !== 'brutal_kill') ||
      (reason === 'killed' && type === 'brutal_kill')
    ) {
      sig.demonitor(p, ref, true, false)
      result = flushReply(p, ref)
    } else if (reason === 'noproc') {
      const down = flushNoproc(p, ref, object, type)
      result = flushReply(p, ref) ?? down
    } else {
      sig.demonitor(p, ref, true, false)
      result = flushReply(p, ref) ?? ['down', object, reason]
    }
    if (result === null || result[0] !== 'down') return result as YieldResult<unknown>
    if (result[2] === 'noconnection') {
      throw new ExitError([downReason('noconnection', result[1]), ['Task', 'shutdown', [task, howArg]]])
    }
    return ['exit', result[2]]
  }
}

// ------------------------------------------------------------------ many tasks

/** `Task.awaitMany` (T6): replies in input order; the first task exit or the timeout exits the caller. */
export function* awaitMany(
  tasks: readonly TaskStruct[],
  timeout: number,
  timeoutArg: unknown,
): Generator<unknown, unknown[], unknown> {
  const p = self(awaitMany)
  const awaiting = new Set<Ref>()
  for (const t of tasks) awaiting.add(t.ref)
  const replies = new Map<Ref, unknown>()
  const mine = (m: unknown) =>
    Array.isArray(m) &&
    ((m.length === 2 && awaiting.has(m[0])) || (m.length === 5 && m[0] === 'DOWN' && awaiting.has(m[1])))
  const until = deadline(timeout)
  const fail = (reason: unknown): never => {
    for (const r of awaiting) sig.demonitor(p, r, true, false)
    throw new ExitError([reason, ['Task', 'awaitMany', [tasks, timeoutArg]]])
  }
  while (awaiting.size > 0) {
    const m = (yield new ReceiveOp([mine], null, left(until), null, -1)) as unknown[] | undefined
    if (m === undefined) fail('timeout')
    const msg = m as unknown[]
    if (msg.length === 5) fail(downReason(msg[4], msg[3]))
    const ref = msg[0] as Ref
    sig.demonitor(p, ref, true, false)
    awaiting.delete(ref)
    replies.set(ref, msg[1])
  }
  return tasks.map((t) => replies.get(t.ref))
}

export interface YieldManyOptions {
  readonly timeout: number
  readonly timeoutArg: unknown
  readonly limit: number
  readonly onTimeout: 'nothing' | 'ignore' | 'kill_task'
}

/**
 * `Task.yieldMany` (T6): `[task, result]` pairs in input order. It stops at the timeout, or as
 * soon as `limit` tasks have answered; only a timeout applies `onTimeout` to the silent ones.
 */
export function* yieldMany(
  tasks: readonly TaskStruct[],
  o: YieldManyOptions,
): Generator<unknown, [TaskStruct, YieldResult<unknown>][], unknown> {
  const p = self(yieldMany)
  const pending = new Set<Ref>()
  for (const t of tasks) pending.add(t.ref)
  const results = new Map<Ref, YieldResult<unknown>>()
  const mine = (m: unknown) =>
    Array.isArray(m) &&
    ((m.length === 2 && pending.has(m[0])) || (m.length === 5 && m[0] === 'DOWN' && pending.has(m[1])))
  const until = deadline(o.timeout)
  let limit = o.limit
  let timedOut = false
  while (limit > 0 && pending.size > 0) {
    const m = (yield new ReceiveOp([mine], null, left(until), null, -1)) as unknown[] | undefined
    if (m === undefined) {
      timedOut = true
      break
    }
    if (m.length === 2) {
      const ref = m[0] as Ref
      sig.demonitor(p, ref, true, false)
      pending.delete(ref)
      results.set(ref, ['ok', m[1]])
    } else {
      if (m[4] === 'noconnection') {
        throw new ExitError([downReason(m[4], m[3]), ['Task', 'yieldMany', [tasks, o.timeoutArg]]])
      }
      pending.delete(m[1] as Ref)
      results.set(m[1] as Ref, ['exit', m[4]])
    }
    limit--
  }
  const out: [TaskStruct, YieldResult<unknown>][] = []
  for (const t of tasks) {
    let r = results.get(t.ref) ?? null
    if (r === null && timedOut && o.onTimeout !== 'nothing') {
      if (o.onTimeout === 'ignore') r = ignoreTask(p, t)
      else if (t.pid !== null) r = yield* shutdownTask(t, 'brutal_kill', 'brutal_kill')
    }
    out.push([t, r])
  }
  return out
}
