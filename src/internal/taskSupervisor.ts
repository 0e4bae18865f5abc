import { createError, ExitError } from './errors.ts'
import { call, type ServerRef } from './gen.ts'
import { currentProc, type Proc, self } from './runtime/proc.ts'
import { ReceiveOp } from './runtime/receive.ts'
import * as sig from './runtime/signals.ts'
import { sendTo, spawnProc } from './runtime/spawn.ts'
import type { ChildSpec, Restart, Shutdown } from './supervisor/spec.ts'
import { callersOf, mfaOf, type TaskStruct, taskMain } from './task.ts'
import type { StreamStarter } from './taskStream.ts'
import { Pid } from './term/pid.ts'
import { Ref } from './term/ref.ts'

/**
 * Task.Supervisor's tasks (Elixir's `Task.Supervisor` + `Task.Supervised`). A task supervisor is
 * a DynamicSupervisor; each task is a child started by one of the two start functions below,
 * which run inside the supervisor, so the task is linked to it and has it as its parent.
 *
 * - fire and forget (`startChild`): the task gets its work and callers in the start arguments,
 *   so a `'permanent'` or `'transient'` task restarts with the same work;
 * - awaitable (`async`, `asyncNolink`, the streams): the task starts idle and waits for its
 *   instructions from the caller, who first links to it (`async`) and monitors it with an alias.
 *   Why not pass the reply ref in the start arguments: the monitor is the caller's, and can only
 *   be made once the caller knows the pid; the task must not reply before that.
 */

/** Every task's `modules` (what `whichChildren` shows): Elixir's `[Task.Supervised]`. */
const MODULES: readonly string[] = Object.freeze(['Task.Supervised'])

/** How long an idle task waits for its instructions (Elixir's `@ref_timeout`). */
const REF_TIMEOUT = 5000

/** Spawns a task linked to the calling supervisor, recording it as the task's parent (T9). */
function spawnUnder(body: Function, args: readonly unknown[], caller: Function): Proc {
  const sup = self(caller)
  const proc = spawnProc(body, args, { link: true }, caller)
  proc.x().ancestors = [sup.pid, ...(sup.ext?.ancestors ?? [])]
  return proc
}

/**
 * The start function of a fire-and-forget task (Elixir's `Task.Supervised.start_link/3`): runs
 * `fn(...args)` for `owner`, with `callers` as its `$callers`.
 */
export function startNoreply(
  owner: Pid,
  callers: readonly Pid[],
  fn: Function,
  args: readonly unknown[],
): readonly ['ok', Pid] {
  const proc = spawnUnder(taskMain, [fn, args, owner, null], startNoreply)
  const x = proc.x()
  x.initialCall = mfaOf(fn, args)
  x.dict = new Map<unknown, unknown>([['$callers', [...callers]]])
  return ['ok', proc.pid]
}

/**
 * The start function of an awaitable task (Elixir's `Task.Supervised.start_link/2` with
 * `:monitor`): the task waits for `[owner, ref, callers, fn, args]` from `owner`.
 */
export function startReply(owner: Pid): readonly ['ok', Pid] {
  const proc = spawnUnder(idleTask, [owner], startReply)
  return ['ok', proc.pid]
}

/**
 * An awaitable task before it has work. Why it monitors the owner: an owner that dies before
 * sending the instructions would leave it waiting forever; it then exits `['shutdown', reason]`
 * (quietly: a shutdown reason), as Elixir's does. Why mark -1: the instructions may already be
 * queued when the task first runs.
 */
function* idleTask(owner: Pid): Generator<unknown, void, unknown> {
  const p = currentProc()!
  const mref = sig.monitor(p, owner, null, idleTask)
  const got = (yield new ReceiveOp(
    [
      (m) => Array.isArray(m) && m.length === 5 && Pid.same(m[0], owner) && m[1] instanceof Ref,
      sig.isDownOf(mref),
    ],
    null,
    REF_TIMEOUT,
    null,
    -1,
  )) as unknown[] | undefined
  if (got === undefined) throw new ExitError('timeout')
  if (got[0] === 'DOWN') throw new ExitError(['shutdown', got[4]])
  sig.demonitor(p, mref, true, false)
  const [, ref, callers, fn, args] = got as [Pid, Ref, Pid[], Function, unknown[]]
  const x = p.x()
  x.initialCall = mfaOf(fn, args)
  ;(x.dict ??= new Map()).set('$callers', callers)
  yield* taskMain(fn, args, owner, { ref })
}

// ------------------------------------------------------------------ the caller's side

function taskSpec(start: ChildSpec['start'], restart: Restart, shutdown: Shutdown): ChildSpec {
  return { id: 'Task.Supervised', start, restart, shutdown, modules: MODULES }
}

function supCall(sup: ServerRef, request: unknown): Iterable<unknown> {
  return call(sup, request, -1, 'GenServer', Number.POSITIVE_INFINITY) as Iterable<unknown>
}

/** Elixir's RuntimeError when a task supervisor is full, as a BeamishError. */
export function maxChildrenError(caller: Function) {
  return createError(
    'ERR_BEAMISH_MAX_CHILDREN',
    'reached the maximum number of tasks for this task supervisor. How many tasks may run under it at once is set with the maxChildren option of Task.Supervisor.startLink',
    caller,
  )
}

/** Who, besides the caller, holds the link to an awaitable task. */
export type LinkTo = 'caller' | 'none' | Proc

/**
 * `async` / `asyncNolink` (T8): starts an idle task under `sup`, links it to the caller (or to
 * `linkTo`), monitors it with an alias and sends it its work. Elixir's order: link, monitor, send.
 */
export function* asyncUnder(
  sup: ServerRef,
  fn: Function,
  args: readonly unknown[],
  linkTo: LinkTo,
  shutdown: Shutdown,
  caller: Function,
): Generator<unknown, TaskStruct, unknown> {
  const p = self(caller)
  const r = (yield* supCall(sup, ['start_child', taskSpec([startReply, [p.pid]], 'temporary', shutdown)])) as
    | readonly unknown[]
    | 'ignore'
  if (Array.isArray(r) && r[0] === 'error' && r[1] === 'max_children') throw maxChildrenError(caller)
  if (!Array.isArray(r) || r[0] !== 'ok' || !(r[1] instanceof Pid)) throw new ExitError(['case_clause', r])
  const pid = r[1]
  if (linkTo === 'caller') sig.link(p, pid, caller)
  else if (linkTo !== 'none') sig.link(linkTo, pid, caller)
  const ref = sig.monitor(p, pid, 'demonitor', caller)
  sendTo(pid, [p.pid, ref, callersOf(p), fn, args], caller)
  return Object.freeze({ pid, ref, owner: p.pid, mfa: mfaOf(fn, args) })
}

/** `startChild` (T8): a fire-and-forget task under `sup`, not linked to the caller. */
export function* startChildUnder(
  sup: ServerRef,
  fn: Function,
  args: readonly unknown[],
  restart: Restart,
  shutdown: Shutdown,
  caller: Function,
): Generator<unknown, unknown, unknown> {
  const p = self(caller)
  const spec = taskSpec([startNoreply, [p.pid, callersOf(p), fn, args]], restart, shutdown)
  return yield* supCall(sup, ['start_child', spec])
}

// ------------------------------------------------------------------ streams

/**
 * The tasks of a supervised stream run (`asyncStream` / `asyncStreamNolink`). Linked streams
 * link each task to the consumer, exactly like `Task.asyncStream`. Unlinked ones link each task
 * to a watcher process instead: it traps exits (so a crashing task reaches neither it nor the
 * consumer, which sees `['exit', reason]`), monitors the consumer, and kills the tasks still
 * running if the consumer dies, so a run never leaves tasks behind (Elixir's stream monitor).
 */
export function streamStarter(sup: ServerRef, link: boolean, shutdown: Shutdown): () => StreamStarter {
  return () => {
    let watcher: Proc | null = null
    return {
      *start(p, fn, args, caller) {
        let linkTo: LinkTo = 'caller'
        if (!link) {
          watcher ??= spawnWatcher(p, caller)
          linkTo = watcher
        }
        const t = yield* asyncUnder(sup, fn, args, linkTo, shutdown, caller)
        return [t.pid as Pid, t.ref] as const
      },
      close() {
        if (watcher !== null) sendTo(watcher.pid, 'stop', streamStarter)
        watcher = null
      },
    }
  }
}

function spawnWatcher(owner: Proc, caller: Function): Proc {
  const proc = spawnProc(watch, [owner.pid], { trapExit: true }, caller)
  proc.x().ancestors = [owner.pid, ...(owner.ext?.ancestors ?? [])]
  return proc
}

function* watch(owner: Pid): Generator<unknown, void, unknown> {
  const p = currentProc()!
  const mref = sig.monitor(p, owner, null, watch)
  const any = new ReceiveOp([() => true], null, -1, null, -1)
  const ownerDown = sig.isDownOf(mref)
  for (;;) {
    const m = yield any
    if (m === 'stop') return
    if (ownerDown(m)) {
      for (const q of [...(p.ext?.links ?? [])]) sig.exitPid(p, q.pid, 'kill')
      return
    }
    // Otherwise the EXIT of a task that ended: nothing to do.
  }
}
