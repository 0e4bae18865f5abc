/**
 * Task.Supervisor (semantics.md §12 T8, with T1–T6 and T9 for supervised tasks): the behavioural
 * cases of Elixir 1.14's task/supervisor_test.exs, plus the JS-facing extras (options, streams
 * that are not linked, an owner that dies before its task starts).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BeamishError } from '../../src/Errors.ts'
import { DynamicSupervisor, exit, P, Pid, Process, Registry, Supervisor, Task } from '../../src/index.ts'
import { startReply } from '../../src/internal/taskSupervisor.ts'
import { assertReceive, refuteReceive, run } from '../../src/testing/index.ts'
import { catchExit, linked, quietly, uniqueName } from './helpers.ts'
import {
  assertAsyncTask,
  awaitCrashes,
  blockOn,
  conducted,
  conductor,
  release,
  repliesDoneAndExitsNormal,
  waitAndSend,
  waitsForTrue,
} from './taskHelpers.ts'

const { receive, self, send } = Process

/** Starts a task supervisor linked to the test process (Elixir's `setup`). */
function* startSup(opts: Task.Supervisor.Options = {}): Generator<unknown, Pid, unknown> {
  const r = yield* Task.Supervisor.startLink(opts)
  assert.equal(r[0], 'ok', `task supervisor did not start: ${String(r)}`)
  return (r as readonly ['ok', Pid])[1]
}

function isMaxChildren(e: unknown): boolean {
  return (
    e instanceof BeamishError &&
    e.code === 'ERR_BEAMISH_MAX_CHILDREN' &&
    /^reached the maximum number of tasks for this task supervisor/.test(e.message)
  )
}

/** Runs `op` and returns what it threw (it must throw). */
function* thrown(op: Iterable<unknown>): Generator<unknown, unknown, unknown> {
  try {
    yield* op as Generator<unknown, unknown, unknown>
  } catch (e) {
    return e
  }
  return assert.fail('expected the operation to throw')
}

/** Sends `to` what the calling task records: `[tag, $callers, ancestors, ...extra]`. */
function reportCallers(to: Pid, tag: 'outer' | 'inner', ...extra: unknown[]): void {
  send(to, [tag, Process.get('$callers'), Process.info(self())!.ancestors, ...extra])
}

/**
 * Checks the reports of an outer task under `sup`, started by the test process, and of the inner
 * task it started (which adds its parent, the outer task, to its report).
 */
function* assertNestedCallers(sup: Pid): Generator<unknown, void, unknown> {
  const grandparent = self()
  const [, callers, ancestors] = yield* assertReceive(['outer', P._, P._])
  assert.deepEqual([callers, ancestors], [[grandparent], [sup, grandparent]])
  const [, innerCallers, innerAncestors, parent] = yield* assertReceive(['inner', P._, P._, P._])
  assert.deepEqual(
    [innerCallers, innerAncestors],
    [
      [parent, grandparent],
      [sup, grandparent],
    ],
  )
}

const ok = <T>(...xs: T[]) => xs.map((x) => ['ok', x] as const)
const exits = (...xs: unknown[]) => xs.map((x) => ['exit', x] as const)

describe('Task.Supervisor: starting and supervising', () => {
  it('T8: can be supervised directly, as [Task.Supervisor, { name }]', () =>
    run(function* () {
      const name = uniqueName('tsup')
      const r = yield* Supervisor.startLink([[Task.Supervisor, { name }]], { strategy: 'one_for_one' })
      assert.equal(r[0], 'ok')
      assert.ok(Process.whereis(name) instanceof Pid)
      const [[id, , type]] = (yield* Supervisor.whichChildren((r as readonly ['ok', Pid])[1])) as [
        [unknown, unknown, unknown, unknown],
      ]
      assert.deepEqual([id, type], [name, 'supervisor'])
    }))

  it('T8: several can be supervised, identified by their names; unnamed ones share the id Task.Supervisor', () =>
    run(function* () {
      const reg = uniqueName('tsup-reg')
      yield* Registry.startLink({ keys: 'unique', name: reg })
      const simple = uniqueName('simple')
      const via = Registry.via(reg, 'via_name')
      const r = yield* Supervisor.startLink(
        [
          [Task.Supervisor, { name: simple }],
          [Task.Supervisor, { name: via }],
        ],
        { strategy: 'one_for_one' },
      )
      const supsup = (r as readonly ['ok', Pid])[1]
      const started = yield* Supervisor.startChild(supsup, [Task.Supervisor, {}])
      assert.equal(started[0], 'ok')
      const unnamed = started[1] as Pid
      assert.deepEqual(yield* Task.Supervisor.children(simple), [])
      assert.deepEqual(yield* Task.Supervisor.children(via), [])
      assert.deepEqual(yield* Task.Supervisor.children(unnamed), [])
      assert.deepEqual(yield* Supervisor.startChild(supsup, [Task.Supervisor, {}]), [
        'error',
        ['already_started', unnamed],
      ])
      // Stopped before the registry its via name lives in.
      yield* Supervisor.stop(supsup)
    }))

  it('T8: counts and returns children, also through Supervisor and DynamicSupervisor', () =>
    run(function* () {
      const sup = yield* startSup()
      const none = { active: 0, specs: 0, supervisors: 0, workers: 0 }
      assert.deepEqual(yield* Task.Supervisor.children(sup), [])
      assert.deepEqual(yield* Supervisor.countChildren(sup), none)
      assert.deepEqual(yield* DynamicSupervisor.countChildren(sup), none)
      const task = yield* Task.Supervisor.async(sup, () => receive('go'))
      assert.deepEqual(yield* DynamicSupervisor.whichChildren(sup), [
        ['undefined', task.pid, 'worker', ['Task.Supervised']],
      ])
      send(task.pid!, 'go')
      yield* Task.await(task)
    }))

  it('T8: the supervisor runs as Task.Supervisor.init/1, a child of its starter', () =>
    run(function* () {
      const sup = yield* startSup()
      const info = Process.info(sup)!
      assert.equal(info.initialCall, 'Task.Supervisor.init/1')
      assert.equal(info.ancestors[0], self())
    }))

  it('bad options throw at once with ERR_BEAMISH_INVALID_OPTION', () =>
    run(function* () {
      const sup = yield* startSup()
      const invalid = (e: unknown) => e instanceof BeamishError && e.code === 'ERR_BEAMISH_INVALID_OPTION'
      assert.throws(() => Task.Supervisor.startLink({ strategy: 'one_for_one' } as never), invalid)
      assert.throws(() => Task.Supervisor.startLink({ maxChildren: -1 }), invalid)
      assert.throws(
        () => Task.Supervisor.startChild(sup, () => 1, { restart: 'sometimes' as never }),
        (e: unknown) =>
          invalid(e) &&
          (e as Error).message ===
            "expected the restart option to be one of the following:\n\n  * 'temporary'\n  * 'transient'\n  * 'permanent'\n\nGot: \"sometimes\"",
      )
      assert.throws(() => Task.Supervisor.async(sup, () => 1, { shutdown: -5 }), invalid)
      assert.throws(() => Task.Supervisor.async(sup, () => 1, { restart: 'permanent' } as never), invalid)
      assert.throws(
        () => Task.Supervisor.async(sup, 42 as never),
        (e: unknown) => e instanceof BeamishError && e.code === 'ERR_BEAMISH_BADARG',
      )
    }))
})

/**
 * The cases that Task.Supervisor.async and asyncNolink share word for word: whether the task is
 * linked to the caller is checked by each one's own tests.
 */
function sharedAsyncCases(kind: 'async' | 'asyncNolink') {
  const start = Task.Supervisor[kind]

  it('T8: [fn, args] runs fn(...args), and Task.await returns its result', () =>
    run(function* () {
      const sup = yield* startSup()
      const task = yield* start(sup, [waitAndSend, [self(), 'done']])
      assert.deepEqual(yield* Task.Supervisor.children(sup), [task.pid])
      assert.equal(task.mfa, 'waitAndSend/2')
      yield* release(task.pid!, 'waitAndSend/2')
      assert.equal(yield* Task.await(task), 'done')
    }))

  it('T8: with shutdown brutal_kill, the supervisor kills the task when it stops', () =>
    run(function* () {
      Process.trapExit(true)
      const sup = yield* startSup()
      const task = yield* start(sup, () => receive('never'), { shutdown: 'brutal_kill' })
      Process.exit(sup, 'shutdown')
      yield* assertReceive(['DOWN', P._, 'process', task.pid, 'killed'])
    }))

  it('T8: throws ERR_BEAMISH_MAX_CHILDREN when maxChildren is reached', () =>
    run(function* () {
      const sup = yield* startSup({ maxChildren: 1 })
      yield* start(sup, () => receive('never'))
      assert.ok(isMaxChildren(yield* thrown(start(sup, () => 'ok'))))
    }))
}

describe('Task.Supervisor.async', () => {
  it('T8/T1: spawns a task under the supervisor, linked to the caller and monitored, that replies and exits normal', () =>
    run(function* () {
      const sup = yield* startSup()
      const parent = self()
      const task = yield* Task.Supervisor.async(sup, waitsForTrue(parent))
      assert.deepEqual(yield* Task.Supervisor.children(sup), [task.pid])
      assertAsyncTask(task, parent)
      assert.ok(linked(task.pid!))
      yield* repliesDoneAndExitsNormal(task)
    }))

  sharedAsyncCases('async')

  it('T9: records the callers in $callers and the supervisor in the ancestors, nested tasks too', () =>
    run(function* () {
      const sup = yield* startSup()
      const grandparent = self()
      const outer = yield* Task.Supervisor.async(sup, function* () {
        const parent = self()
        const mine = [Process.get('$callers'), Process.info(parent)!.ancestors]
        const inner = yield* Task.Supervisor.async(sup, () => [
          Process.get('$callers'),
          Process.info(self())!.ancestors,
        ])
        return [mine, yield* Task.await(inner), parent]
      })
      const [mine, nested, parent] = (yield* Task.await(outer)) as [unknown[], unknown[], Pid]
      assert.deepEqual(mine, [[grandparent], [sup, grandparent]])
      assert.deepEqual(nested, [
        [parent, grandparent],
        [sup, grandparent],
      ])
    }))

  it('T2: Task.await demonitors and unaliases on timeout, so a late reply never arrives', () =>
    run(function* () {
      const sup = yield* startSup()
      const task = yield* Task.Supervisor.async(sup, function* () {
        yield* receive('go')
        return 'done'
      })
      assert.deepEqual(yield* catchExit(Task.await(task, 0)), ['timeout', ['Task', 'await', [task, 0]]])
      const newRef = Process.monitor(task.pid!)
      send(task.pid!, 'go')
      yield* assertReceive(['DOWN', newRef, P._, P._, P._])
      yield* refuteReceive([task.ref, P._], 0)
      yield* refuteReceive(['DOWN', task.ref, P._, P._, P._], 0)
    }))

  for (const { how, work, check } of awaitCrashes) {
    it(`T2: Task.await exits ${how}`, () =>
      quietly(function* () {
        Process.trapExit(true)
        const sup = yield* startSup()
        const task = yield* Task.Supervisor.async(sup, work)
        check(yield* catchExit(Task.await(task)), task)
      }))
  }

  it('T8: a crashing async task takes a caller that does not trap exits down with it', () =>
    quietly(function* () {
      const sup = yield* startSup()
      const me = self()
      const [caller, ref] = Process.spawnMonitor(function* () {
        const task = yield* Task.Supervisor.async(sup, () => exit('boom'))
        send(me, ['task', task.pid])
        yield* receive('never')
      })
      yield* assertReceive(['DOWN', ref, 'process', caller, 'boom'])
    }))

  it('T4/T6: Task.shutdown and Task.yieldMany work on supervised tasks', () =>
    run(function* () {
      const sup = yield* startSup()
      const slow = yield* Task.Supervisor.async(sup, () => receive('never'))
      const fast = yield* Task.Supervisor.async(sup, () => 'quick')
      const results = yield* Task.yieldMany([fast, slow], { timeout: 50 })
      assert.deepEqual(results, [
        [fast, ['ok', 'quick']],
        [slow, null],
      ])
      assert.equal(yield* Task.shutdown(slow), null)
      assert.deepEqual(yield* Task.Supervisor.children(sup), [])
    }))
})

describe('Task.Supervisor.asyncNolink', () => {
  it('T8: spawns a task under the supervisor, monitored but not linked', () =>
    run(function* () {
      const sup = yield* startSup()
      const task = yield* Task.Supervisor.asyncNolink(sup, waitsForTrue(self()))
      assert.deepEqual(yield* Task.Supervisor.children(sup), [task.pid])
      assertAsyncTask(task, self())
      assert.ok(!linked(task.pid!))
      yield* repliesDoneAndExitsNormal(task)
    }))

  sharedAsyncCases('asyncNolink')

  it('T8/T3: a crash does not reach the caller; Task.yield returns [exit, reason]', () =>
    quietly(function* () {
      const sup = yield* startSup()
      const task = yield* Task.Supervisor.asyncNolink(sup, () => {
        throw new Error('boom')
      })
      const r = yield* Task.yield(task)
      assert.ok(r !== null && r[0] === 'exit')
      const [err] = r[1] as [Error, string]
      assert.equal(err.message, 'boom')
      assert.ok(Process.alive(self()))
      yield* refuteReceive(['EXIT', P._, P._], 0)
      const other = yield* Task.Supervisor.asyncNolink(sup, () => exit('bye'))
      assert.deepEqual(yield* catchExit(Task.await(other)), ['bye', ['Task', 'await', [other, 5000]]])
    }))

  it('T8: works with await from an async process', () =>
    run(async () => {
      const [, sup] = (await Task.Supervisor.startLink()) as readonly ['ok', Pid]
      const task = await Task.Supervisor.asyncNolink(sup, async () => {
        await Promise.resolve()
        return 'awaited'
      })
      assert.equal(await Task.await(task), 'awaited')
    }))

  it('T8: an idle task whose owner dies before sending the work exits with [shutdown, reason]', () =>
    run(function* () {
      const sup = yield* startSup()
      const owner = Process.spawn(() => receive('never'))
      const r = yield* DynamicSupervisor.startChild(sup, {
        id: 'Task.Supervised',
        start: [startReply, [owner]],
        restart: 'temporary',
      })
      const pid = (r as readonly ['ok', Pid])[1]
      const ref = Process.monitor(pid)
      Process.exit(owner, 'kill')
      yield* assertReceive(['DOWN', ref, 'process', pid, ['shutdown', 'killed']])
    }))
})

describe('Task.Supervisor.startChild', () => {
  it('T8: starts a fire-and-forget task under the supervisor, not linked to the caller', () =>
    run(function* () {
      const sup = yield* startSup()
      const r = yield* Task.Supervisor.startChild(sup, waitsForTrue(self()))
      assert.equal(r[0], 'ok')
      const pid = r[1] as Pid
      assert.deepEqual(yield* Task.Supervisor.children(sup), [pid])
      assert.ok(!linked(pid))
      yield* release(pid, 'waitsForTrue/0')
      yield* assertReceive('done')
    }))

  it('T8: [fn, args] runs fn(...args)', () =>
    run(function* () {
      const sup = yield* startSup()
      const [, pid] = (yield* Task.Supervisor.startChild(sup, [waitAndSend, [self(), 'done']])) as readonly [
        'ok',
        Pid,
      ]
      assert.deepEqual(yield* Task.Supervisor.children(sup), [pid])
      assert.ok(!linked(pid))
      yield* release(pid, 'waitAndSend/2')
      yield* assertReceive('done')
    }))

  it('T8: with shutdown brutal_kill, the supervisor kills the task when it stops', () =>
    run(function* () {
      Process.trapExit(true)
      const sup = yield* startSup()
      const [, pid] = (yield* Task.Supervisor.startChild(sup, () => receive('never'), {
        shutdown: 'brutal_kill',
      })) as readonly ['ok', Pid]
      Process.monitor(pid)
      Process.exit(sup, 'shutdown')
      yield* assertReceive(['DOWN', P._, 'process', pid, 'killed'])
    }))

  it('T8/SU-r1: restart permanent restarts the task even after a shutdown exit, with the same work', () =>
    run(function* () {
      const sup = yield* startSup()
      const parent = self()
      const [, pid] = (yield* Task.Supervisor.startChild(sup, () => waitAndSend(parent, 'done'), {
        restart: 'permanent',
      })) as readonly ['ok', Pid]
      yield* assertReceive('ready')
      const ref = Process.monitor(pid)
      Process.exit(pid, 'shutdown')
      yield* assertReceive(['DOWN', ref, 'process', pid, 'shutdown'])
      yield* assertReceive('ready')
      const [again] = yield* Task.Supervisor.children(sup)
      assert.ok(again instanceof Pid && again !== pid)
    }))

  it('T8/SU-r2: restart transient restarts a task that crashed, not one that ended normally', () =>
    quietly(function* () {
      const sup = yield* startSup()
      const parent = self()
      let runs = 0
      yield* Task.Supervisor.startChild(
        sup,
        () => {
          runs++
          send(parent, ['run', runs])
          if (runs === 1) throw new Error('first run fails')
        },
        { restart: 'transient' },
      )
      yield* assertReceive(['run', 1])
      yield* assertReceive(['run', 2])
      yield* refuteReceive(['run', P._], 30)
      assert.deepEqual(yield* Task.Supervisor.children(sup), [])
    }))

  it('T8: the default restart is temporary: a crashed task is gone', () =>
    quietly(function* () {
      const sup = yield* startSup()
      const [, pid] = (yield* Task.Supervisor.startChild(sup, () => exit('boom'))) as readonly ['ok', Pid]
      const ref = Process.monitor(pid)
      yield* assertReceive(['DOWN', ref, 'process', pid, P._])
      assert.deepEqual(yield* Task.Supervisor.children(sup), [])
    }))

  it('T8: returns [error, max_children] when maxChildren is reached', () =>
    run(function* () {
      const sup = yield* startSup({ maxChildren: 1 })
      yield* Task.Supervisor.startChild(sup, () => receive('never'))
      assert.deepEqual(yield* Task.Supervisor.startChild(sup, () => 'ok'), ['error', 'max_children'])
    }))

  it('T9: records the callers in $callers and the supervisor in the ancestors, nested tasks too', () =>
    run(function* () {
      const sup = yield* startSup()
      const grandparent = self()
      yield* Task.Supervisor.startChild(sup, function* () {
        const parent = self()
        reportCallers(grandparent, 'outer')
        yield* Task.Supervisor.startChild(sup, () => reportCallers(grandparent, 'inner', parent))
      })
      yield* assertNestedCallers(sup)
    }))

  it('T8: terminateChild stops a task; a second time gives not_found', () =>
    run(function* () {
      const sup = yield* startSup()
      const [, pid] = (yield* Task.Supervisor.startChild(sup, [waitAndSend, [self(), 'done']])) as readonly [
        'ok',
        Pid,
      ]
      assert.deepEqual(yield* Task.Supervisor.children(sup), [pid])
      assert.equal(yield* Task.Supervisor.terminateChild(sup, pid), 'ok')
      assert.deepEqual(yield* Task.Supervisor.children(sup), [])
      assert.deepEqual(yield* Task.Supervisor.terminateChild(sup, pid), ['error', 'not_found'])
    }))
})

/** The async_stream cases of supervisor_test.exs, for both the linked and the unlinked stream. */
for (const kind of ['asyncStream', 'asyncStreamNolink'] as const) {
  const stream = Task.Supervisor[kind]
  const linkedStream = kind === 'asyncStream'

  describe(`Task.Supervisor.${kind}`, () => {
    it('T8: streams an iterable with a function, and with [fn, args]', () =>
      run(function* () {
        const sup = yield* startSup()
        assert.deepEqual(
          yield* stream(sup, [1, 2, 3, 4], (x: number) => x, { maxConcurrency: 4 }).toArray(),
          ok(1, 2, 3, 4),
        )
        const add = (x: number, y: number) => x + y
        assert.deepEqual(yield* stream(sup, [1, 2, 3, 4], [add, [10]]).toArray(), ok(11, 12, 13, 14))
      }))

    it('T8: streams without leaking tasks or messages', () =>
      run(function* () {
        const sup = yield* startSup()
        assert.deepEqual(yield* stream(sup, [1, 2, 3, 4], (x: number) => x).toArray(), ok(1, 2, 3, 4))
        assert.deepEqual(Process.flush(), [])
        assert.deepEqual(yield* Task.Supervisor.children(sup), [])
      }))

    it('T8: keeps input order when the slowest task comes first', () =>
      run(function* () {
        const sup = yield* startSup()
        const c = conductor(self(), 4, 4)
        const r = yield* stream(sup, [4, 3, 2, 1], conducted(c), { maxConcurrency: 4 }).toArray()
        assert.deepEqual(r, ok(4, 3, 2, 1))
        yield* assertReceive(['max waiting', 4])
      }))

    it(`T8: reports task exits as [exit, reason]${linkedStream ? ' (trapping exits)' : ', without trapping exits'}`, () =>
      quietly(function* () {
        if (linkedStream) Process.trapExit(true)
        const sup = yield* startSup()
        assert.deepEqual(
          yield* stream(sup, ['1', '2', '3', '4'], (x: string) => exit(x), { maxConcurrency: 4 }).toArray(),
          exits('1', '2', '3', '4'),
        )
        assert.deepEqual(Process.flush(), [])
      }))

    it('T8: stopping early shuts the unused tasks down, leaking neither links nor messages', () =>
      quietly(function* () {
        const sup = yield* startSup()
        const r = yield* stream(sup, [0, 'infinity', 'infinity', 'infinity'], blockOn, {
          maxConcurrency: 4,
        }).take(1)
        assert.deepEqual(r, ok(0))
        assert.deepEqual(Process.info(self())!.links, [sup])
        assert.deepEqual(Process.flush(), [])
        assert.deepEqual(yield* Task.Supervisor.children(sup), [])
      }))

    it('T8: reaching maxChildren throws ERR_BEAMISH_MAX_CHILDREN after a clean stream shutdown', () =>
      quietly(function* () {
        const unused = yield* startSup()
        const sup = yield* startSup({ maxChildren: 1 })
        const e = yield* thrown(
          stream(sup, ['infinity', 'infinity', 'infinity'], blockOn, { maxConcurrency: 2 }).toArray(),
        )
        assert.ok(isMaxChildren(e), String(e))
        assert.deepEqual(new Set(Process.info(self())!.links), new Set([unused, sup]))
        assert.deepEqual(Process.flush(), [])
        assert.deepEqual(yield* Task.Supervisor.children(sup), [])
      }))

    it('T9: each task records the consumer in $callers and the supervisor in its ancestors', () =>
      run(function* () {
        const sup = yield* startSup()
        const grandparent = self()
        yield* stream(sup, [1], function* () {
          const parent = self()
          reportCallers(grandparent, 'outer')
          yield* stream(sup, [1], () => reportCallers(grandparent, 'inner', parent)).toArray()
        }).toArray()
        yield* assertNestedCallers(sup)
      }))

    it('T8: works with for await in an async process', () =>
      run(async () => {
        const [, sup] = (await Task.Supervisor.startLink()) as readonly ['ok', Pid]
        const out: unknown[] = []
        for await (const r of stream(sup, [1, 2, 3], async (x: number) => x * 2, { maxConcurrency: 2 })) {
          out.push(r)
        }
        assert.deepEqual(out, ok(2, 4, 6))
      }))

    it('T8: can be consumed by another process than the one that built it', () =>
      run(function* () {
        const sup = yield* startSup()
        const parent = self()
        const s = stream(sup, [1, 2, 3], (x: number) => send(parent, x))
        Task.start(function* () {
          yield* s.toArray()
        })
        yield* assertReceive(1)
        yield* assertReceive(2)
        yield* assertReceive(3)
      }))

    it('T8: with a timeout, onTimeout kill_task and zipInputOnExit, the slow input is reported', () =>
      quietly(function* () {
        const sup = yield* startSup()
        const r = yield* stream(sup, [1, 'infinity'], blockOn, {
          zipInputOnExit: true,
          onTimeout: 'kill_task',
          timeout: 50,
          maxConcurrency: 2,
        }).toArray()
        assert.deepEqual(r, [
          ['ok', 1],
          ['exit', ['infinity', 'timeout']],
        ])
      }))

    it('T8: halting on failures with zipInputOnExit gives [exit, [input, reason]]', () =>
      quietly(function* () {
        Process.trapExit(true)
        const sup = yield* startSup()
        const r = yield* stream(sup, [1, 2, 3, 4, 5, 6, 7, 8], (x: number) => exit(x), {
          zipInputOnExit: true,
        }).take(4)
        assert.deepEqual(r, exits([1, 1], [2, 2], [3, 3], [4, 4]))
      }))

    it('T8: a bad shutdown option throws ERR_BEAMISH_INVALID_OPTION', () =>
      run(function* () {
        const sup = yield* startSup()
        assert.throws(
          () => stream(sup, [], () => 'ok', { shutdown: 'unknown' as never }),
          (e: unknown) =>
            e instanceof BeamishError &&
            e.code === 'ERR_BEAMISH_INVALID_OPTION' &&
            /expected the shutdown option to be one of the following:\n\n {2}\* 'brutal_kill'\n {2}\* an integer >= 0 \(milliseconds\)\n\nGot: "unknown"/.test(
              e.message,
            ),
        )
        assert.throws(
          () => stream(sup, [], () => 'ok', { ordred: true } as never),
          (e: unknown) => e instanceof BeamishError && e.code === 'ERR_BEAMISH_INVALID_OPTION',
        )
      }))

    it('T8: a consumer that dies takes the running tasks with it', () =>
      quietly(function* () {
        const sup = yield* startSup()
        const me = self()
        const consumer = Process.spawn(function* () {
          yield* stream(
            sup,
            [1, 2],
            function* () {
              send(me, ['running', self()])
              yield* receive('never')
            },
            { maxConcurrency: 2 },
          ).toArray()
        })
        const [, a] = yield* assertReceive(['running', P.instanceOf(Pid)])
        const [, b] = yield* assertReceive(['running', P.instanceOf(Pid)])
        const refs = [Process.monitor(a), Process.monitor(b)]
        Process.exit(consumer, 'kill')
        for (const ref of refs) yield* assertReceive(['DOWN', ref, 'process', P._, P.union('killed', 'kill')])
        assert.deepEqual(yield* Task.Supervisor.children(sup), [])
      }))
  })
}
