/**
 * Task (semantics.md §12, T1–T7 and T9; T8 is Task.Supervisor's), and the behavioural cases of
 * Elixir 1.14's task_test.exs. asyncStream is in taskStream.test.ts.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BeamishError } from '../../src/Errors.ts'
import { exit, P, Pid, Process, Supervisor, Task } from '../../src/index.ts'
import { inspect } from '../../src/internal/format.ts'
import { assertReceive, captureLog, refuteReceive, run } from '../../src/testing/index.ts'
import { catchExit, linked, quietly } from './helpers.ts'
import {
  assertAsyncTask,
  awaitCrashes,
  bareTask,
  dummyTask,
  release,
  repliesDoneAndExitsNormal,
  taskOfAnotherProcess,
  waitAndSend,
  waitsForTrue,
} from './taskHelpers.ts'

const { receive, self, send } = Process

function isNotOwner(task: Task.Task) {
  const message = `task ${inspect(task)} must be queried from the owner but was queried from ${self()}`
  return (e: unknown) =>
    e instanceof BeamishError && e.code === 'ERR_BEAMISH_NOT_OWNER' && e.message === message
}

/** A test that `use` throws Elixir's not-the-owner error when given a task of another process. */
function ownerOnly(use: (task: Task.Task) => unknown) {
  return () =>
    run(function* () {
      const task = yield* taskOfAnotherProcess()
      assert.throws(() => use(task), isNotOwner(task))
    })
}

/** A task record with no process whose reply `'result'` and an abnormal DOWN are already queued. */
function repliedTask(): Task.Task {
  const task = bareTask()
  send(self(), [task.ref, 'result'])
  send(self(), ['DOWN', task.ref, 'process', self(), 'abnormal'])
  return task
}

/** A task record for the calling process itself, with a noconnection DOWN for it already queued. */
function noconnectionTask(): Task.Task {
  const ref = Process.makeRef()
  const task = Object.freeze({ ref, pid: self(), owner: self() })
  send(self(), ['DOWN', ref, 'process', self(), 'noconnection'])
  return task
}

/**
 * Checks that the owner no longer watches `task`, which waits for `'go'`: no monitor is left, and
 * once let go the task ends normal without its reply or an old DOWN reaching the mailbox.
 */
function* assertUnwatchedTillDone(task: Task.Task): Generator<unknown, void, unknown> {
  assert.equal(Process.info(self())!.monitors.length, 0)
  const ref = Process.monitor(task.pid!)
  send(task.pid!, 'go')
  yield* assertReceive(['DOWN', ref, 'process', task.pid, 'normal'])
  assert.deepEqual(Process.flush(), [])
}

describe('Task.async, start and startLink', () => {
  it('T1: async links and monitors the task, which replies [ref, result] and then exits normal', () =>
    run(function* () {
      const parent = self()
      const task = Task.async(waitsForTrue(parent))
      assertAsyncTask(task, parent)
      assert.ok(linked(task.pid!))
      yield* repliesDoneAndExitsNormal(task)
    }))

  it('T1: async with [fn, args] runs fn(...args), and await returns its result', () =>
    run(function* () {
      const task = Task.async([waitAndSend, [self(), 'done']])
      assert.ok(linked(task.pid!))
      yield* release(task.pid!, 'waitAndSend/2')
      assert.equal(yield* Task.await(task), 'done')
      yield* assertReceive('done')
    }))

  it('T1: the work may be plain, async or a generator function', () =>
    run(function* () {
      const plain = Task.async(() => 1)
      const promised = Task.async(async () => {
        await Promise.resolve()
        return Process.self()
      })
      const generator = Task.async(function* () {
        send(self(), 'to myself')
        return yield* receive('to myself')
      })
      assert.deepEqual(yield* Task.awaitMany([plain, promised, generator]), [1, promised.pid, 'to myself'])
    }))

  it('T9: a task records its callers in $callers, nested tasks included', () =>
    run(function* () {
      const grandparent = self()
      const outer = Task.async(function* () {
        const parent = self()
        assert.deepEqual(Process.get('$callers'), [grandparent])
        return yield* Task.await(Task.async(() => [Process.get('$callers'), parent]))
      })
      const [callers, parent] = (yield* Task.await(outer)) as [unknown, Pid]
      assert.deepEqual(callers, [parent, grandparent])
    }))

  it('T9: a task’s ancestors start with the process that started it', () =>
    run(function* () {
      const task = Task.async(() => Process.info(self())!.ancestors)
      assert.equal((yield* Task.await(task))[0], self())
    }))

  it('T7: start runs a task that is not linked to the caller', () =>
    run(function* () {
      const parent = self()
      const fun = function startedTask() {
        return waitAndSend(parent, 'done')
      }
      const [ok, pid] = Task.start(fun)
      assert.equal(ok, 'ok')
      assert.ok(!linked(pid))
      yield* release(pid, 'startedTask/0')
      yield* assertReceive('done')
    }))

  it('T7: start with [fn, args]', () =>
    run(function* () {
      const [, pid] = Task.start([waitAndSend, [self(), 'done']])
      assert.ok(!linked(pid))
      yield* release(pid, 'waitAndSend/2')
      yield* assertReceive('done')
    }))

  it('T7: startLink runs a linked task, with [fn, args] too', () =>
    run(function* () {
      const parent = self()
      const [, pid] = Task.startLink(() => waitAndSend(parent, 'done'))
      assert.ok(linked(pid))
      yield* assertReceive('ready')
      send(pid, true)
      yield* assertReceive('done')
      const [, pid2] = Task.startLink([waitAndSend, [parent, 'done2']])
      assert.ok(linked(pid2))
      yield* assertReceive('ready')
      send(pid2, true)
      yield* assertReceive('done2')
    }))

  it('T7/T9: startLink records $callers for nested tasks', () =>
    run(function* () {
      const grandparent = self()
      Task.startLink(() => {
        const parent = self()
        assert.deepEqual(Process.get('$callers'), [grandparent])
        Task.startLink(() => {
          send(grandparent, ['callers', Process.get('$callers'), parent])
        })
      })
      const [, callers, parent] = yield* assertReceive(['callers', P._, P._])
      assert.deepEqual(callers, [parent, grandparent])
    }))

  it('T7: start works outside any process', async () => {
    const [ok, pid] = Task.start(() => 'nothing to do')
    assert.equal(ok, 'ok')
    assert.ok(pid instanceof Pid)
  })

  it('T7: childSpec starts a temporary task with startLink; overrides replace fields', () => {
    const fun = () => 'ok'
    assert.deepEqual(Task.childSpec(fun), {
      id: 'Task',
      start: [Task.startLink, [fun]],
      restart: 'temporary',
    })
    assert.deepEqual(Task.childSpec(fun, { id: 'id', restart: 'permanent', shutdown: 'infinity' }), {
      id: 'id',
      start: [Task.startLink, [fun]],
      restart: 'permanent',
      shutdown: 'infinity',
    })
  })

  it('T7: a task can be supervised directly, and as a temporary child it is not restarted', () =>
    quietly(function* () {
      const me = self()
      const r = yield* Supervisor.startLink([Task.childSpec(() => send(me, ['ran', self()]))], {
        strategy: 'one_for_one',
      })
      assert.equal(r[0], 'ok')
      const sup = (r as readonly ['ok', Pid])[1]
      yield* assertReceive(['ran', P._])
      const counts = yield* Supervisor.countChildren(sup)
      assert.equal(counts.active, 0)
      yield* refuteReceive(['ran', P._], 20)
      yield* Supervisor.stop(sup)
    }))

  it('a crashing task is reported like Elixir’s Task.Supervised: who started it, the error, the function', async () => {
    const log = await captureLog(() =>
      run(function* () {
        Process.trapExit(true)
        const task = Task.async(function explode() {
          throw new Error('oops')
        })
        yield* catchExit(Task.await(task))
      }),
    )
    assert.match(log, /Task #PID<[\d.]+> started from #PID<[\d.]+> terminating/)
    assert.match(log, /\*\* \(Error\) oops/)
    assert.match(log, /Function: explode\/0/)
  })

  it('bad arguments throw at once with a stable code', () =>
    run(function* () {
      assert.throws(
        () => Task.async(42 as never),
        (e: unknown) =>
          e instanceof BeamishError &&
          e.code === 'ERR_BEAMISH_BADARG' &&
          /\[fn, args\]/.test(e.message) &&
          /Got: 42/.test(e.message),
      )
      assert.throws(
        () => Task.await({ nope: true } as never),
        (e: unknown) => e instanceof BeamishError && e.code === 'ERR_BEAMISH_BADARG',
      )
      const task = Task.async(() => 1)
      assert.throws(
        () => Task.await(task, -5),
        (e: unknown) => e instanceof BeamishError && e.code === 'ERR_BEAMISH_INVALID_TIMEOUT',
      )
      assert.throws(
        () => Task.yieldMany([task], { onTimeout: 'explode' as never }),
        (e: unknown) =>
          e instanceof BeamishError &&
          e.code === 'ERR_BEAMISH_INVALID_OPTION' &&
          /\* 'kill_task'/.test(e.message),
      )
      yield* Task.await(task)
    }))
})

describe('Task.completed', () => {
  // Elixir 1.10+: Task.completed(:done) |> Task.await() #=> :done; pid is nil, mfa {Task, :completed, 1}.
  it('is a task without a process whose reply is already queued: await gives the result at once', () =>
    run(function* () {
      const task = Task.completed('done')
      assert.equal(task.pid, null)
      assert.equal(task.owner, self())
      assert.equal(task.mfa, 'Task.completed/1')
      assert.ok(Object.isFrozen(task))
      assert.equal(yield* Task.await(task, 0), 'done')
      assert.deepEqual(Process.flush(), [])
      const typed: string = yield* Task.await(Task.completed('typed'))
      assert.equal(typed, 'typed')
    }))

  it('works with yield, ignore, awaitMany and yieldMany, alongside real tasks', () =>
    run(function* () {
      assert.deepEqual(yield* Task.yield(Task.completed(1), 0), ['ok', 1])
      assert.deepEqual(Task.ignore(Task.completed({ a: 2 })), ['ok', { a: 2 }])
      const tasks = [Task.completed('cached'), Task.async(() => 'loaded')]
      assert.deepEqual(yield* Task.awaitMany(tasks), ['cached', 'loaded'])
      const c = Task.completed(3)
      const results = yield* Task.yieldMany([c], 0)
      assert.deepEqual(results, [[c, ['ok', 3]]])
      assert.deepEqual(Process.flush(), [])
    }))

  it('is owned by its caller; shutdown throws, as for any task without a process', () =>
    run(function* () {
      const me = self()
      const task = Task.completed('mine')
      Process.spawn(function* () {
        try {
          yield* Task.await(task)
        } catch (e) {
          send(me, ['other', (e as BeamishError).code])
        }
      })
      yield* assertReceive(['other', 'ERR_BEAMISH_NOT_OWNER'])
      assert.throws(() => Task.shutdown(task), /does not have an associated task process/)
      assert.equal(yield* Task.await(task), 'mine')
    }).then(() => assert.throws(() => Task.completed(1), { code: 'ERR_BEAMISH_NOT_IN_PROCESS' })))
})

describe('Task.await', () => {
  it('T2: exits with timeout, naming the task and the timeout', () =>
    run(function* () {
      const task = bareTask()
      assert.deepEqual(yield* catchExit(Task.await(task, 0)), ['timeout', ['Task', 'await', [task, 0]]])
    }))

  it('T2: exits with normal when the task ended without replying', () =>
    run(function* () {
      const task = Task.async(() => exit('normal'))
      assert.deepEqual(yield* catchExit(Task.await(task)), ['normal', ['Task', 'await', [task, 5000]]])
    }))

  for (const { how, work, check } of awaitCrashes) {
    it(`T2: exits ${how}`, () =>
      quietly(function* () {
        Process.trapExit(true)
        const task = Task.async(work)
        check(yield* catchExit(Task.await(task)), task)
      }))
  }

  it('T2: noconnection becomes [nodedown, node]: the pid’s node, or the node of a named monitor', () =>
    run(function* () {
      const task = noconnectionTask()
      assert.deepEqual(((yield* catchExit(Task.await(task))) as unknown[])[0], ['nodedown', 'nonode@nohost'])
      const ref2 = Process.makeRef()
      const named = Object.freeze({ ref: ref2, pid: null, owner: self() })
      send(self(), ['DOWN', ref2, 'process', ['name', 'node'], 'noconnection'])
      assert.deepEqual(((yield* catchExit(Task.await(named))) as unknown[])[0], ['nodedown', 'node'])
    }))

  it(
    'T2: only the owner may await; anyone else gets Elixir’s error at once',
    ownerOnly((task) => Task.await(task, 1)),
  )

  it('T2: returning the reply flushes the DOWN, leaving the mailbox clean', () =>
    run(function* () {
      const task = Task.async(() => 'value')
      assert.equal(yield* Task.await(task), 'value')
      assert.deepEqual(Process.flush(), [])
    }))

  it('T2: on timeout the monitor and alias are removed, so a late reply never arrives; the task stays linked', () =>
    run(function* () {
      const task = Task.async(function* () {
        yield* receive('go')
        return 'late'
      })
      assert.deepEqual(yield* catchExit(Task.await(task, 0)), ['timeout', ['Task', 'await', [task, 0]]])
      assert.ok(linked(task.pid!))
      yield* assertUnwatchedTillDone(task)
    }))

  it('T2: works with await in an async process, and with an infinite timeout', () =>
    run(async () => {
      const task = Task.async(async () => {
        await Promise.resolve()
        return 'from async'
      })
      assert.equal(await Task.await(task, Number.POSITIVE_INFINITY), 'from async')
      const t2 = Task.async(() => 2)
      assert.deepEqual(await Task.yield(t2), ['ok', 2])
    }))

  it('T2: a crashing task kills an owner that does not trap exits before await returns', () =>
    quietly(function* () {
      const [owner, ref] = Process.spawnMonitor(function* () {
        const task = Task.async(() => exit('boom'))
        yield* Task.await(task)
        send(self(), 'never')
      })
      yield* assertReceive(['DOWN', ref, 'process', owner, 'boom'])
    }))
})

describe('Task.yield', () => {
  it('T3: returns [ok, result] when the reply and a DOWN are queued, and flushes the DOWN', () =>
    run(function* () {
      const task = repliedTask()
      assert.deepEqual(yield* Task.yield(task, 0), ['ok', 'result'])
      yield* refuteReceive(['DOWN', P._, P._, P._, P._], 0)
    }))

  it('T3: returns null on timeout', () =>
    run(function* () {
      assert.equal(yield* Task.yield(bareTask(), 0), null)
    }))

  it('T3: returns [exit, normal] when the task exited normally without replying', () =>
    run(function* () {
      const task = Task.async(() => exit('normal'))
      assert.deepEqual(yield* Task.yield(task), ['exit', 'normal'])
    }))

  it('T3: exits on noconnection', () =>
    run(function* () {
      const task = noconnectionTask()
      assert.deepEqual(yield* catchExit(Task.yield(task)), [
        ['nodedown', 'nonode@nohost'],
        ['Task', 'yield', [task, 5000]],
      ])
    }))

  it(
    'T3: only the owner may yield',
    ownerOnly((task) => Task.yield(task, 1)),
  )

  it('T3: after null the monitor stays, so the task can be yielded to again', () =>
    run(function* () {
      const task = Task.async(function* () {
        yield* receive('go')
        return 'eventually'
      })
      assert.equal(yield* Task.yield(task, 0), null)
      assert.equal(Process.info(self())!.monitors.length, 1)
      send(task.pid!, 'go')
      assert.deepEqual(yield* Task.yield(task), ['ok', 'eventually'])
      assert.equal(Process.info(self())!.monitors.length, 0)
    }))

  it('T3: a task that crashed is reported as [exit, reason] to an owner trapping exits', () =>
    quietly(function* () {
      Process.trapExit(true)
      const task = Task.async(() => exit('crashed'))
      assert.deepEqual(yield* Task.yield(task), ['exit', 'crashed'])
      yield* assertReceive(['EXIT', task.pid, 'crashed'])
    }))
})

describe('Task.ignore', () => {
  it('T5: returns [ok, result] when the reply and a DOWN are queued', () =>
    run(function* () {
      const task = repliedTask()
      assert.deepEqual(Task.ignore(task), ['ok', 'result'])
      yield* refuteReceive(['DOWN', P._, P._, P._, P._], 0)
    }))

  it('T5: returns null for a running task, which keeps running unlinked and unmonitored', () =>
    run(function* () {
      const task = Task.async(function* () {
        yield* receive('go')
        return 'unwanted'
      })
      assert.equal(Task.ignore(task), null)
      assert.ok(!linked(task.pid!))
      yield* assertUnwatchedTillDone(task)
    }))

  it('T5: a task’s crash after ignore no longer reaches the owner', () =>
    quietly(function* () {
      const task = Task.async(function* () {
        yield* receive('crash')
        exit('boom')
      })
      Task.ignore(task)
      const ref = Process.monitor(task.pid!)
      send(task.pid!, 'crash')
      yield* assertReceive(['DOWN', ref, 'process', task.pid, 'boom'])
      assert.ok(Process.alive(self()))
    }))

  it('T5: returns [exit, normal] when the task exited without replying', () =>
    run(function* () {
      const task = Task.async(() => exit('normal'))
      const ref = Process.monitor(task.pid!)
      yield* assertReceive(['DOWN', ref, 'process', task.pid, 'normal'])
      assert.deepEqual(Task.ignore(task), ['exit', 'normal'])
    }))

  it('T5: exits on noconnection', () =>
    run(function* () {
      const task = noconnectionTask()
      const ignoring = (function* () {
        return Task.ignore(task)
      })()
      assert.deepEqual(yield* catchExit(ignoring), [
        ['nodedown', 'nonode@nohost'],
        ['Task', 'ignore', [task]],
      ])
    }))

  it(
    'T5: only the owner may ignore',
    ownerOnly((task) => Task.ignore(task)),
  )
})

/**
 * The first T4 cases, alike with and without brutal_kill (`args` follow the task in the
 * Task.shutdown call): a reply queued with a DOWN wins, and the DOWN is flushed.
 */
function replyBeforeDownCases(...args: [] | ['brutal_kill']) {
  for (const reason of ['abnormal', 'normal', 'shutdown']) {
    it(`T4: returns [ok, result] when the reply and a ${reason} DOWN are queued`, () =>
      run(function* () {
        const task = yield* dummyTask(reason)
        send(self(), [task.ref, 'result'])
        send(self(), ['DOWN', task.ref, 'process', task.pid, reason])
        assert.deepEqual(yield* Task.shutdown(task, ...args), ['ok', 'result'])
        yield* refuteReceive(['DOWN', P._, P._, P._, P._], 0)
      }))
  }
}

describe('Task.shutdown', () => {
  replyBeforeDownCases()

  it('T4: returns null when the task is shut down', () =>
    run(function* () {
      const task = Task.async(() => receive('never'))
      assert.equal(yield* Task.shutdown(task), null)
      assert.ok(!Process.alive(task.pid!))
    }))

  it('T4: returns [exit, reason] for an abnormal or normal DOWN already queued', () =>
    run(function* () {
      for (const reason of ['abnormal', 'normal']) {
        const task = yield* dummyTask(reason)
        send(self(), ['DOWN', task.ref, 'process', task.pid, reason])
        assert.deepEqual(yield* Task.shutdown(task), ['exit', reason])
      }
    }))

  it('T4: returns null for a queued shutdown DOWN, and [exit, killed] for a queued killed DOWN', () =>
    run(function* () {
      const t1 = yield* dummyTask('shutdown')
      send(self(), ['DOWN', t1.ref, 'process', t1.pid, 'shutdown'])
      assert.equal(yield* Task.shutdown(t1), null)
      const t2 = yield* dummyTask('killed')
      send(self(), ['DOWN', t2.ref, 'process', t2.pid, 'killed'])
      assert.deepEqual(yield* Task.shutdown(t2), ['exit', 'killed'])
    }))

  it('T4: exits on a queued noconnection DOWN', () =>
    run(function* () {
      const task = yield* dummyTask('noconnection')
      send(self(), ['DOWN', task.ref, 'process', task.pid, 'noconnection'])
      assert.deepEqual(yield* catchExit(Task.shutdown(task)), [
        ['nodedown', 'nonode@nohost'],
        ['Task', 'shutdown', [task, 5000]],
      ])
    }))

  it('T4: throws for a task without a process', () =>
    run(function* () {
      const task = Object.freeze({ ref: Process.makeRef(), pid: null, owner: null })
      assert.throws(
        () => Task.shutdown(task),
        (e: unknown) =>
          e instanceof BeamishError &&
          e.message === `task ${inspect(task)} does not have an associated task process`,
      )
    }))

  it(
    'T4: only the owner may shut a task down',
    ownerOnly((task) => Task.shutdown(task)),
  )

  it('T4: returns null when brutally killing a task that traps exits, leaving no DOWN behind', () =>
    run(function* () {
      const task = Task.async(function* () {
        Process.trapExit(true)
        send(task.owner!, 'ready')
        yield* receive('never')
      })
      yield* assertReceive('ready')
      assert.equal(yield* Task.shutdown(task, 'brutal_kill'), null)
      yield* refuteReceive(['DOWN', P._, P._, P._, P._], 0)
    }))

  it('T4: returns [exit, noproc] when the task was already collected', () =>
    run(function* () {
      assert.deepEqual(yield* Task.shutdown(yield* dummyTask('noproc')), ['exit', 'noproc'])
    }))

  it('T4: a task that traps exits and outlives the timeout is killed: [exit, killed]', () =>
    run(function* () {
      const me = self()
      const task = Task.async(function* () {
        Process.trapExit(true)
        send(me, 'ready')
        yield* receive('never')
      })
      yield* assertReceive('ready')
      assert.deepEqual(yield* Task.shutdown(task, 1), ['exit', 'killed'])
    }))

  it('T4: the task is unlinked first, so an owner trapping exits gets no EXIT', () =>
    run(function* () {
      Process.trapExit(true)
      const task = Task.async(() => receive('never'))
      assert.equal(yield* Task.shutdown(task), null)
      yield* refuteReceive(['EXIT', P._, P._], 10)
    }))

  it('T4: a task that replied before it was shut down gives [ok, result]', () =>
    run(function* () {
      const me = self()
      const task = Task.async(function* () {
        Process.trapExit(true)
        send(me, 'ready')
        const [, from] = yield* receive(['EXIT', P._, 'shutdown'])
        // It answers on its way out; the reply wins over the exit.
        return from
      })
      yield* assertReceive('ready')
      const r = yield* Task.shutdown(task)
      assert.deepEqual(r, ['ok', self()])
    }))

  describe('with brutal_kill', () => {
    replyBeforeDownCases('brutal_kill')

    it('T4: returns null for a queued killed DOWN', () =>
      run(function* () {
        const task = yield* dummyTask('killed')
        send(self(), ['DOWN', task.ref, 'process', task.pid, 'killed'])
        assert.equal(yield* Task.shutdown(task, 'brutal_kill'), null)
      }))

    it('T4: returns [exit, reason] for a queued abnormal, normal or shutdown DOWN', () =>
      run(function* () {
        for (const reason of ['abnormal', 'normal', 'shutdown']) {
          const task = yield* dummyTask(reason)
          send(self(), ['DOWN', task.ref, 'process', task.pid, reason])
          assert.deepEqual(yield* Task.shutdown(task, 'brutal_kill'), ['exit', reason])
        }
      }))

    it('T4: exits on a queued noconnection DOWN', () =>
      run(function* () {
        const task = yield* dummyTask('noconnection')
        send(self(), ['DOWN', task.ref, 'process', task.pid, 'noconnection'])
        assert.deepEqual(yield* catchExit(Task.shutdown(task, 'brutal_kill')), [
          ['nodedown', 'nonode@nohost'],
          ['Task', 'shutdown', [task, 'brutal_kill']],
        ])
      }))

    it('T4: returns [exit, noproc] when the task was already collected', () =>
      run(function* () {
        assert.deepEqual(yield* Task.shutdown(yield* dummyTask('noproc'), 'brutal_kill'), ['exit', 'noproc'])
      }))
  })
})

describe('Task.awaitMany', () => {
  it('T6: returns the replies in the order of the tasks, whatever order they came in', () =>
    run(function* () {
      const gate = (x: number) =>
        function* () {
          yield* receive('go')
          return x
        }
      const tasks = [Task.async(gate(1)), Task.async(gate(2)), Task.async(gate(3))]
      for (const t of [...tasks].reverse()) send(t.pid!, 'go')
      assert.deepEqual(yield* Task.awaitMany(tasks), [1, 2, 3])
      assert.deepEqual(Process.flush(), [])
    }))

  it('T6: returns an empty list at once for no tasks', () =>
    run(function* () {
      assert.deepEqual(yield* Task.awaitMany([]), [])
    }))

  it('T6: ignores messages that are not about its tasks, and leaves them queued', () =>
    run(function* () {
      const task = bareTask()
      const other = Process.makeRef()
      send(self(), [other, 'not mine'])
      send(self(), ['DOWN', other, 'process', self(), 'normal'])
      send(self(), [task.ref, 'mine'])
      assert.deepEqual(yield* Task.awaitMany([task]), ['mine'])
      assert.deepEqual(Process.flush(), [
        [other, 'not mine'],
        ['DOWN', other, 'process', self(), 'normal'],
      ])
    }))

  it('T6: exits on timeout and demonitors the tasks still pending', () =>
    run(function* () {
      const t1 = Task.async(() => receive('never'))
      const t2 = Task.async(() => 2)
      const tasks = [t1, t2]
      assert.deepEqual(yield* catchExit(Task.awaitMany(tasks, 10)), [
        'timeout',
        ['Task', 'awaitMany', [tasks, 10]],
      ])
      assert.equal(Process.info(self())!.monitors.length, 0)
      Task.ignore(t1)
      Process.exit(t1.pid!, 'kill')
    }))

  it('T6: exits at once, with the task’s reason, when any task exits', () =>
    quietly(function* () {
      Process.trapExit(true)
      const slow = Task.async(() => receive('never'))
      const quits = Task.async(() => exit('normal'))
      const tasks = [slow, quits]
      assert.deepEqual(yield* catchExit(Task.awaitMany(tasks)), [
        'normal',
        ['Task', 'awaitMany', [tasks, 5000]],
      ])
      assert.equal(Process.info(self())!.monitors.length, 0)
      Process.exit(slow.pid!, 'kill')
    }))

  it('T6: exits at once when any task crashes, throws or raises', () =>
    quietly(function* () {
      Process.trapExit(true)
      const cases: [() => unknown, (r: unknown) => boolean][] = [
        [() => exit('unknown'), (r) => r === 'unknown'],
        [
          () => {
            throw 'thrown'
          },
          (r) => Array.isArray(r) && Array.isArray(r[0]) && r[0][0] === 'nocatch' && r[0][1] === 'thrown',
        ],
        [
          () => {
            throw new Error('raised')
          },
          (r) => Array.isArray(r) && r[0] instanceof Error && r[0].message === 'raised',
        ],
      ]
      for (const [work, check] of cases) {
        const tasks = [Task.async(() => receive('never')), Task.async(work)]
        const [reason, where] = (yield* catchExit(Task.awaitMany(tasks))) as [unknown, unknown]
        assert.ok(check(reason), inspect(reason))
        assert.deepEqual(where, ['Task', 'awaitMany', [tasks, 5000]])
        Process.exit(tasks[0]!.pid!, 'kill')
      }
    }))

  it('T6: exits at once on noconnection, naming the node', () =>
    run(function* () {
      const ref = Process.makeRef()
      const task = Object.freeze({ ref, pid: self(), owner: self() })
      send(self(), ['DOWN', ref, 'process', ['name', 'node'], 'noconnection'])
      assert.deepEqual(((yield* catchExit(Task.awaitMany([task]))) as unknown[])[0], ['nodedown', 'node'])
    }))

  it(
    'T6: only the owner may await',
    ownerOnly((task) => Task.awaitMany([task], 1)),
  )
})

describe('Task.yieldMany', () => {
  it('T6: returns [ok, result] when the reply and a DOWN are queued, and flushes the DOWN', () =>
    run(function* () {
      const task = repliedTask()
      assert.deepEqual(yield* Task.yieldMany([task], 0), [[task, ['ok', 'result']]])
      yield* refuteReceive(['DOWN', P._, P._, P._, P._], 0)
    }))

  it('T6: returns null on timeout', () =>
    run(function* () {
      const task = bareTask()
      assert.deepEqual(yield* Task.yieldMany([task], 0), [[task, null]])
    }))

  it('T6: returns [exit, normal] when the task exited normally without replying', () =>
    run(function* () {
      const task = Task.async(() => exit('normal'))
      assert.deepEqual(yield* Task.yieldMany([task]), [[task, ['exit', 'normal']]])
    }))

  it('T6: exits on noconnection', () =>
    run(function* () {
      const task = noconnectionTask()
      assert.deepEqual(((yield* catchExit(Task.yieldMany([task]))) as unknown[])[0], [
        'nodedown',
        'nonode@nohost',
      ])
    }))

  it(
    'T6: only the owner may yield',
    ownerOnly((task) => Task.yieldMany([task], 1)),
  )

  it('T6: returns the results of several tasks in their order', () =>
    run(function* () {
      const [t1, t2, t3] = [bareTask(), bareTask(), bareTask()]
      send(self(), [t1.ref, 'result'])
      send(self(), ['DOWN', t3.ref, 'process', self(), 'normal'])
      assert.deepEqual(yield* Task.yieldMany([t1, t2, t3], 0), [
        [t1, ['ok', 'result']],
        [t2, null],
        [t3, ['exit', 'normal']],
      ])
    }))

  it('T6: waits for every task with an infinite timeout', () =>
    run(function* () {
      const [t1, t2, t3] = [bareTask(), bareTask(), bareTask()]
      send(self(), [t1.ref, 'result'])
      send(self(), [t2.ref, 'result'])
      send(self(), ['DOWN', t3.ref, 'process', self(), 'normal'])
      assert.deepEqual(yield* Task.yieldMany([t1, t2, t3], Number.POSITIVE_INFINITY), [
        [t1, ['ok', 'result']],
        [t2, ['ok', 'result']],
        [t3, ['exit', 'normal']],
      ])
    }))

  it('T6: with a limit it returns as soon as that many tasks answered, without applying onTimeout', () =>
    run(function* () {
      const t1 = Task.async(() => receive('never'))
      const t2 = Task.async(() => 2)
      const r = yield* Task.yieldMany([t1, t2], {
        limit: 1,
        onTimeout: 'kill_task',
        timeout: Number.POSITIVE_INFINITY,
      })
      assert.deepEqual(r, [
        [t1, null],
        [t2, ['ok', 2]],
      ])
      assert.ok(Process.alive(t1.pid!))
      yield* Task.shutdown(t1, 'brutal_kill')
    }))

  it('T6: onTimeout kill_task kills the tasks that did not answer in time', () =>
    run(function* () {
      const t1 = Task.async(() => receive('never'))
      const t2 = Task.async(() => 2)
      const r = yield* Task.yieldMany([t1, t2], { timeout: 10, onTimeout: 'kill_task' })
      assert.deepEqual(r, [
        [t1, null],
        [t2, ['ok', 2]],
      ])
      assert.ok(!Process.alive(t1.pid!))
      assert.deepEqual(Process.flush(), [])
    }))

  it('T6: onTimeout ignore unlinks and demonitors the tasks that did not answer, leaving them running', () =>
    run(function* () {
      const t1 = Task.async(() => receive('never'))
      const r = yield* Task.yieldMany([t1], { timeout: 0, onTimeout: 'ignore' })
      assert.deepEqual(r, [[t1, null]])
      assert.ok(Process.alive(t1.pid!))
      assert.ok(!linked(t1.pid!))
      assert.equal(Process.info(self())!.monitors.length, 0)
      Process.exit(t1.pid!, 'kill')
    }))
})
