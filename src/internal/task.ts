import { badArg, createError, ExitError, ProcessTerminated } from './errors.ts'
import { formatReason, inspect } from './format.ts'
import { log } from './logger.ts'
import { blocks, settle, startIn } from './runtime/callbacks.ts'
import { copyArgs, copyMessage } from './runtime/copy.ts'
import { currentProc, type Proc, self } from './runtime/proc.ts'
import * as sig from './runtime/signals.ts'
import { sendTo, spawnProc } from './runtime/spawn.ts'
import { Pid } from './term/pid.ts'
import { Ref } from './term/ref.ts'

/**
 * Task processes (Elixir's `Task` + `Task.Supervised`): how a task is spawned, what it records
 * about its lineage, how it runs the user's function, replies, and reports a crash.
 */

declare const resultBrand: unique symbol

/**
 * A task started with `Task.async` (Elixir's `%Task{}`): a frozen plain object, so it is sent
 * between processes by reference and keeps its identity in `yieldMany` results.
 */
export interface TaskStruct<R = unknown> {
  /** The task process (`null` for a task that has none, as Elixir allows). */
  readonly pid: Pid | null
  /** The monitor reference; also the alias the reply is sent to, and the reply's tag. */
  readonly ref: Ref
  /** The only process allowed to await, yield, ignore or shut the task down. */
  readonly owner: Pid | null
  /** The function the task runs, as `name/arity` (Elixir's `mfa`). */
  readonly mfa?: string
  /** Type-level only: what the task returns. */
  readonly [resultBrand]?: R
}

/** What a task runs: a function, or `[fn, args]` (Elixir's `{module, fun, args}`). */
export type Work = Function | readonly [Function, readonly unknown[]]

/**
 * The function and arguments of a task's work. The arguments are copied here, in the caller, as
 * `spawn(M, F, A)` copies `A` (primitives, pids and functions cost nothing).
 */
export function checkWork(work: unknown, caller: Function): [Function, readonly unknown[]] {
  if (typeof work === 'function') return [work, []]
  if (Array.isArray(work) && work.length === 2 && typeof work[0] === 'function' && Array.isArray(work[1])) {
    return [work[0], copyArgs(work[1] as readonly unknown[])]
  }
  throw createError(
    'ERR_BEAMISH_BADARG',
    `expected the task's work to be one of the following:\n\n  * a function (plain, async or generator)\n  * [fn, args], run as fn(...args)\n\nGot: ${inspect(work)}`,
    caller,
  )
}

/** Where a task sends its reply: filled in by the owner right after the spawn, before the task runs. */
export interface ReplyCell {
  ref: Ref | null
}

/**
 * The task process body. It runs the work, sends `[ref, result]` to the owner's alias, and ends
 * `normal`. A failure is reported the way Elixir reports a task crash and ends the process with
 * the same reason a plain process would get.
 */
export function* taskMain(
  fn: Function,
  args: readonly unknown[],
  owner: Pid | null,
  reply: ReplyCell | null,
): Generator<unknown, void, unknown> {
  const p = currentProc()!
  let result: unknown
  try {
    result = startIn(p, fn, undefined, args)
    if (blocks(result)) result = yield* settle(result)
  } catch (e) {
    if (e instanceof ProcessTerminated) throw e
    const reason = sig.crashReason(e, p)
    if (p.ext !== null) p.ext.crash = undefined
    if (sig.abnormal(reason)) reportCrash(p, owner, fn, args, reason)
    throw new ExitError(reason)
  }
  const ref = reply?.ref
  if (ref != null) sig.sendAlias(ref, copyMessage([ref, result]))
}

/**
 * `Task #PID<0.9.0> started from #PID<0.8.0> terminating` + the reason + the function and its
 * arguments, as Elixir's Task.Supervised logs it.
 */
function reportCrash(
  p: Proc,
  owner: Pid | null,
  fn: Function,
  args: readonly unknown[],
  reason: unknown,
): void {
  const lines = [
    owner === null ? `Task ${p.pid} terminating` : `Task ${p.pid} started from ${owner} terminating`,
    formatReason(reason, 'stop'),
    `Function: ${fn.name || 'anonymous'}/${args.length === 0 ? fn.length : args.length}`,
    `    Args: ${inspect(args)}`,
  ]
  log(
    'error',
    lines.join('\n'),
    { pid: p.pid, label: 'task_terminate' },
    { label: 'task_terminate', owner, reason },
  )
}

export function mfaOf(fn: Function, args: readonly unknown[]): string {
  return `${fn.name || 'anonymous'}/${args.length}`
}

/**
 * Spawns a task process for `owner`, linked or not, recording its lineage: `$callers` in the
 * process dictionary (the owner first, T9) and the owner as its parent in `$ancestors`.
 */
export function spawnTask(
  owner: Proc,
  fn: Function,
  args: readonly unknown[],
  link: boolean,
  reply: ReplyCell | null,
  caller: Function,
): Proc {
  const proc = spawnProc(taskMain, [fn, args, owner.pid, reply], link ? { link: true } : {}, caller)
  const x = proc.x()
  x.initialCall = mfaOf(fn, args)
  x.ancestors = [owner.pid, ...(owner.ext?.ancestors ?? [])]
  x.dict = new Map<unknown, unknown>([['$callers', callersOf(owner)]])
  return proc
}

/**
 * `Task.async`: a linked task, monitored with an alias (T1). Why an alias: once the owner stops
 * waiting (a timeout, `ignore`, `shutdown`), demonitoring also deactivates the alias, so a late
 * reply is dropped before it reaches the owner's mailbox.
 */
export function asyncTask<R>(
  owner: Proc,
  fn: Function,
  args: readonly unknown[],
  link: boolean,
  caller: Function,
): TaskStruct<R> {
  const cell: ReplyCell = { ref: null }
  const proc = spawnTask(owner, fn, args, link, cell, caller)
  const ref = sig.monitor(owner, proc.pid, 'demonitor', caller)
  cell.ref = ref
  return Object.freeze({ pid: proc.pid, ref, owner: owner.pid, mfa: mfaOf(fn, args) })
}

/**
 * `Task.completed`: a task with no process whose reply is already in the owner's mailbox, so
 * awaiting it returns `result` at once (Elixir sends `{ref, result}` to itself the same way).
 * Why the ref is made before the send: the reply lies after its mark, so the await finds it in
 * O(1) however deep the mailbox.
 */
export function completedTask<R>(owner: Proc, result: R, caller: Function): TaskStruct<R> {
  const ref = sig.makeRef(owner)
  sendTo(owner.pid, [ref, result], caller)
  return Object.freeze({ pid: null, ref, owner: owner.pid, mfa: 'Task.completed/1' })
}

/** `Task.start` / `Task.startLink`: fire and forget (T7). */
export function startTask(
  fn: Function,
  args: readonly unknown[],
  link: boolean,
  caller: Function,
): readonly ['ok', Pid] {
  const owner = link ? self(caller) : currentProc()
  if (owner === null) {
    // Started from outside any process: nobody to record as caller or to reply to.
    const proc = spawnProc(taskMain, [fn, args, null, null], {}, caller)
    proc.x().initialCall = mfaOf(fn, args)
    return ['ok', proc.pid]
  }
  return ['ok', spawnTask(owner, fn, args, link, null, caller).pid]
}

// ------------------------------------------------------------------ validation

export function checkTask(task: unknown, caller: Function): TaskStruct {
  if (
    typeof task === 'object' &&
    task !== null &&
    (task as TaskStruct).ref instanceof Ref &&
    ((task as TaskStruct).pid === null || (task as TaskStruct).pid instanceof Pid) &&
    ((task as TaskStruct).owner === null || (task as TaskStruct).owner instanceof Pid)
  ) {
    return task as TaskStruct
  }
  throw badArg('a task: { pid, ref, owner } as returned by Task.async', task, caller)
}

/** T2: only the owner may query a task; anyone else gets Elixir's error, synchronously. */
export function checkOwner(task: TaskStruct, p: Proc, caller: Function): void {
  if (task.owner !== p.pid) {
    throw createError(
      'ERR_BEAMISH_NOT_OWNER',
      `task ${inspect(task)} must be queried from the owner but was queried from ${p.pid}`,
      caller,
    )
  }
}

/** A process's callers for a task it starts (T9): itself, then its own `$callers`. */
export function callersOf(p: Proc): Pid[] {
  const callers = p.ext?.dict?.get('$callers')
  return [p.pid, ...(Array.isArray(callers) ? (callers as Pid[]) : [])]
}

export function checkTasks(tasks: unknown, p: Proc, caller: Function): TaskStruct[] {
  if (!Array.isArray(tasks)) throw badArg('an array of tasks', tasks, caller)
  const out = tasks.map((t) => checkTask(t, caller))
  for (const t of out) checkOwner(t, p, caller)
  return out
}
