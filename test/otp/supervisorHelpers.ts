/**
 * Children shared by the Supervisor and DynamicSupervisor tests: a GenServer worker that
 * reports its start and terminate to the test process, and a "gate" process that holds its
 * shutdown until the test says go.
 */
import assert from 'node:assert/strict'
import { DynamicSupervisor, exit, GenServer, P, type Pid, Process, Supervisor } from '../../src/index.ts'
import type { ChildSpec, Counts } from '../../src/Supervisor.ts'
import { assertReceive } from '../../src/testing/index.ts'

const { self, send } = Process

export interface WorkerArg {
  readonly id: string
  readonly parent: Pid
  readonly trap?: boolean
}

/** Sends `['started', id, pid]` from init and `['terminated', id, reason]` from terminate. */
export const Worker = GenServer.define({
  name: 'Worker',
  init(a: WorkerArg) {
    if (a.trap === true) Process.trapExit(true)
    send(a.parent, ['started', a.id, self()])
    return GenServer.ok(a)
  },
  handleCall(req: 'ping', _from: GenServer.From, s: WorkerArg) {
    return GenServer.reply(req === 'ping' ? 'pong' : req, s)
  },
  handleCast(req: readonly ['exit', unknown], s: WorkerArg) {
    return ['stop', req[1], s] as const
  },
  terminate(reason: unknown, s: WorkerArg) {
    send(s.parent, ['terminated', s.id, reason])
  },
})

type WorkerOpts = Omit<ChildSpec, 'id' | 'start'> & { readonly trap?: boolean; readonly name?: string }

/** A worker child spec reporting to the calling (test) process. */
export function worker(id: string, opts: WorkerOpts = {}): ChildSpec {
  const { trap, name, ...spec } = opts
  const arg: WorkerArg = { id, parent: self(), ...(trap === undefined ? {} : { trap }) }
  return { id, start: () => GenServer.startLink(Worker, arg, name === undefined ? {} : { name }), ...spec }
}

/**
 * A child that traps exits, reports `['got_exit', id, reason]` when a signal arrives, then waits
 * for `'go'` before exiting with `exitWith` (default: the reason it got).
 */
export function gate(id: string, exitWith?: unknown, spec: Omit<ChildSpec, 'id' | 'start'> = {}): ChildSpec {
  const parent = self()
  return {
    id,
    start: () => [
      'ok',
      Process.spawnLink(function* () {
        Process.trapExit(true)
        send(parent, ['started', id, self()])
        const [, , reason] = yield* Process.receive(['EXIT', P._, P._])
        send(parent, ['got_exit', id, reason])
        yield* Process.receive('go')
        exit(exitWith === undefined ? reason : exitWith)
      }),
    ],
    ...spec,
  }
}

/** Waits for child `id` to report its start; returns its pid. */
export function* started(id: string, timeout = 500): Generator<unknown, Pid, unknown> {
  const [, , pid] = yield* assertReceive(['started', id, P.instanceOf(Process.Pid)], timeout)
  return pid
}

/**
 * Ends `pid` with `reason` and waits until it is gone: through `Process.exit`, or, for
 * `'normal'` (which an exit signal from another process cannot do), by asking the Worker to stop.
 */
export function* killAndWait(pid: Pid, reason: unknown = 'kill'): Generator<unknown, void, unknown> {
  const ref = Process.monitor(pid)
  if (reason === 'normal') GenServer.cast(pid, ['exit', 'normal'])
  else Process.exit(pid, reason)
  yield* assertReceive(['DOWN', ref, 'process', pid, P._], 1000)
}

/** The next DOWN in the mailbox, whichever it is: `[pid, reason]`. */
export function* nextDown(timeout = 1000): Generator<unknown, [Pid, unknown], unknown> {
  const [, , , pid, reason] = yield* assertReceive(
    ['DOWN', P._, 'process', P.instanceOf(Process.Pid), P._],
    timeout,
  )
  return [pid, reason]
}

/** The next `['started', id, pid]` in the mailbox, whichever child it is: the id. */
export function* nextStarted(timeout = 1000): Generator<unknown, string, unknown> {
  const [, id] = yield* assertReceive(['started', P.string, P._], timeout)
  return id
}

/** A minimal `via` registry for name tests. */
export function viaRegistry() {
  const reg = new Map<unknown, Pid>()
  return {
    registerName(key: unknown, pid: Pid) {
      if (reg.has(key)) return false
      reg.set(key, pid)
      return true
    },
    unregisterName(key: unknown) {
      reg.delete(key)
    },
    whereisName(key: unknown) {
      return reg.get(key)
    },
  }
}

/** Starts a supervisor linked to the test process; fails the test unless it started. */
export function* startSup(
  children: readonly Supervisor.Child[],
  opts: Supervisor.Options,
): Generator<unknown, Pid, unknown> {
  const r = yield* Supervisor.startLink(children, opts)
  assert.equal(r[0], 'ok', `supervisor did not start: ${String(r)}`)
  return (r as readonly ['ok', Pid])[1]
}

/** Asserts what `Supervisor.countChildren(sup)` returns. */
export function* assertCounts(sup: Pid, counts: Counts): Generator<unknown, void, unknown> {
  assert.deepEqual(yield* Supervisor.countChildren(sup), counts)
}

/** Asserts what `DynamicSupervisor.countChildren(sup)` returns. */
export function* assertDynamicCounts(sup: Pid, counts: Counts): Generator<unknown, void, unknown> {
  assert.deepEqual(yield* DynamicSupervisor.countChildren(sup), counts)
}

/** Starts a DynamicSupervisor linked to the caller, asserting `['ok', pid]`. */
export function* startDyn(opts: DynamicSupervisor.Options = {}): Generator<unknown, Pid, unknown> {
  const r = yield* DynamicSupervisor.startLink(opts)
  assert.equal(r[0], 'ok')
  return (r as readonly ['ok', Pid])[1]
}

/** A process body that waits forever (a child that only has to exist). */
export function* sleepForever(): Generator<unknown, void, unknown> {
  yield* Process.sleep(Number.POSITIVE_INFINITY)
}
