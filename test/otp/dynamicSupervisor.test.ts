/**
 * DynamicSupervisor (semantics.md §11): the behavioural cases of Elixir 1.14's
 * dynamic_supervisor_test.exs, and D1–D5.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DynamicSupervisor, exit, P, type Pid, Process, Supervisor } from '../../src/index.ts'
import { state as loggerState } from '../../src/internal/logger.ts'
import type { ChildSpec, ChildSpecOverrides } from '../../src/Supervisor.ts'
import { assertReceive, captureLog, refuteReceive, run } from '../../src/testing/index.ts'
import { linked, quietly } from './helpers.ts'
import {
  assertDynamicCounts,
  gate,
  killAndWait,
  sleepForever,
  startDyn,
  started,
  viaRegistry,
} from './supervisorHelpers.ts'

// Supervisor reports are `sasl`-domain events, off by default as in Elixir; these tests
// check them, so they turn them on (like ExUnit tests setting handle_sasl_reports).
loggerState.handleSaslReports = true

const { self, send } = Process

/**
 * The start function of Elixir's `current_module_worker`: what it returns depends on its
 * arguments, and on what it stored before in the (supervisor's) process dictionary.
 */
function startWorker(kind: string, arg?: unknown): unknown {
  switch (kind) {
    case 'ok3':
      return ['ok', Process.spawnLink(sleepForever), 'extra']
    case 'ok2':
      return ['ok', Process.spawnLink(sleepForever)]
    case 'error':
      return ['error', 'found']
    case 'ignore':
      return 'ignore'
    case 'non_local':
      if (arg === 'throw') throw 'oops'
      if (arg === 'error') throw new Error('oops')
      return exit('oops')
    case 'try_again':
      if (Process.get('try_again') === true) {
        Process.put('try_again', false)
        send(arg as Pid, ['try_again', false])
        return ['error', 'try_again']
      }
      Process.put('try_again', true)
      send(arg as Pid, ['try_again', true])
      return startWorker('ok2')
    case 'restart':
      if (Process.get(`restart:${arg}`) === true) return startWorker(arg as string)
      Process.put(`restart:${arg}`, true)
      return startWorker('ok2')
    default:
      return kind
  }
}

function currentModuleWorker(args: unknown[], opts: ChildSpecOverrides = {}): ChildSpec {
  return Supervisor.childSpec({ id: 'DynamicSupervisorTest', start: [startWorker, args] }, opts)
}

function sleepyWorker(opts: ChildSpecOverrides = {}): ChildSpec {
  return Supervisor.childSpec({ id: 'Task', start: () => ['ok', Process.spawnLink(sleepForever)] }, opts)
}

function* startOk(sup: Pid | string, child: Supervisor.Child): Generator<unknown, Pid, unknown> {
  const r = yield* DynamicSupervisor.startChild(sup, child)
  assert.equal(r[0], 'ok', String(r))
  return (r as readonly ['ok', Pid])[1]
}

describe('starting a DynamicSupervisor', () => {
  it('can be supervised directly, as [DynamicSupervisor, options]', () =>
    run(function* () {
      const r = yield* Supervisor.startLink([[DynamicSupervisor, { name: 'dyn_sup_spec_test' }]], {
        strategy: 'one_for_one',
      })
      assert.equal(r[0], 'ok')
      assert.deepEqual(yield* DynamicSupervisor.whichChildren('dyn_sup_spec_test'), [])
    }))

  it('several can be supervised and are identified by their names in the default childSpec', () =>
    run(function* () {
      const via = viaRegistry()
      const [, supsup] = (yield* Supervisor.startLink(
        [
          [DynamicSupervisor, { name: 'simple_name' }],
          [DynamicSupervisor, { name: { via, key: 'via_name' } }],
        ],
        { strategy: 'one_for_one' },
      )) as readonly ['ok', Pid]
      const [tag, noName] = (yield* Supervisor.startChild(supsup, [
        DynamicSupervisor,
        { strategy: 'one_for_one' },
      ])) as readonly ['ok', Pid]
      assert.equal(tag, 'ok')
      assert.deepEqual(yield* DynamicSupervisor.whichChildren('simple_name'), [])
      assert.deepEqual(yield* DynamicSupervisor.whichChildren({ via, key: 'via_name' }), [])
      assert.deepEqual(yield* DynamicSupervisor.whichChildren(noName), [])
      assert.deepEqual(
        (yield* Supervisor.whichChildren(supsup)).map(([id]) => id),
        ['DynamicSupervisor', 'via_name', 'simple_name'],
      )
      assert.deepEqual(
        yield* Supervisor.startChild(supsup, [DynamicSupervisor, { strategy: 'one_for_one' }]),
        ['error', ['already_started', noName]],
      )
    }))

  it('define generates a childSpec that starts the module as a supervisor', () => {
    const Simple = DynamicSupervisor.define({ name: 'Simple', init: (arg: unknown) => arg })
    assert.deepEqual(Simple.childSpec(['hello']), {
      id: 'Simple',
      start: [DynamicSupervisor.startLink, [Simple, ['hello']]],
      type: 'supervisor',
    })
    assert.deepEqual(DynamicSupervisor.childSpec({ name: 'x' }), {
      id: 'x',
      start: [DynamicSupervisor.startLink, [{ name: 'x' }]],
      type: 'supervisor',
    })
  })

  it('D1: init defaults to one_for_one, 3 restarts in 5 seconds, infinity children and no extra arguments', () => {
    assert.deepEqual(DynamicSupervisor.init({}), [
      'ok',
      { strategy: 'one_for_one', intensity: 3, period: 5, maxChildren: 'infinity', extraArguments: [] },
    ])
    assert.throws(
      () => DynamicSupervisor.init({ bogus: 1 } as never),
      /unknown DynamicSupervisor option "bogus"/,
    )
    assert.throws(
      () => DynamicSupervisor.init({ strategy: 'one_for_all' as never }),
      /expected the strategy option to be 'one_for_one'/,
    )
    assert.throws(() => DynamicSupervisor.startLink({ maxChildren: -1 }), /expected the maxChildren option/)
  })

  it('a module init with bad flags fails with supervisor_data; a bad return with bad_return; ignore with ignore', () =>
    run(function* () {
      Process.trapExit(true)
      const Simple = { name: 'Simple', init: (arg: unknown) => arg }
      const cases: [unknown, unknown][] = [
        [{ strategy: 'unknown' }, ['invalid_strategy', 'unknown']],
        [{ intensity: -1 }, ['invalid_intensity', -1]],
        [{ period: 0 }, ['invalid_period', 0]],
        [{ maxChildren: -1 }, ['invalid_max_children', -1]],
        [{ extraArguments: -1 }, ['invalid_extra_arguments', -1]],
        [{ autoShutdown: 'any_significant' }, ['invalid_auto_shutdown', 'any_significant']],
      ]
      for (const [flags, reason] of cases) {
        assert.deepEqual(yield* DynamicSupervisor.startLink(Simple, ['ok', flags]), [
          'error',
          ['supervisor_data', reason],
        ])
        yield* assertReceive(['EXIT', P._, ['supervisor_data', reason]])
      }
      assert.deepEqual(yield* DynamicSupervisor.startLink(Simple, 'unknown'), [
        'error',
        ['bad_return', ['Simple', 'init', 'unknown']],
      ])
      yield* assertReceive(['EXIT', P._, P._])
      assert.equal(yield* DynamicSupervisor.startLink(Simple, 'ignore'), 'ignore')
    }))

  it('a registered module-based one is linked, named, has the supervisor initial call, and stops', () =>
    run(function* () {
      const Simple = DynamicSupervisor.define({ name: 'Simple', init: () => DynamicSupervisor.init() })
      const [, pid] = (yield* DynamicSupervisor.startLink(Simple, undefined, {
        name: 'DynamicSupervisorTest',
      })) as readonly ['ok', Pid]
      assert.ok(linked(pid))
      assert.equal(Process.whereis('DynamicSupervisorTest'), pid)
      assert.equal(Process.info(pid)!.initialCall, 'Simple.init/1')
      assert.equal(yield* DynamicSupervisor.stop('DynamicSupervisorTest'), 'ok')
    }))

  it('startLink with options has the same initial call as a regular supervisor', () =>
    run(function* () {
      const [, s] = (yield* Supervisor.startLink([], { strategy: 'one_for_one' })) as readonly ['ok', Pid]
      const d = yield* startDyn()
      assert.equal(Process.info(s)!.initialCall, 'Supervisor.Default.init/1')
      assert.equal(Process.info(d)!.initialCall, 'Supervisor.Default.init/1')
    }))
})

describe('startChild (D2, D3)', () => {
  it('accepts a spec, a module or [module, arg]', () =>
    run(function* () {
      const sup = yield* startDyn()
      const Sleepy = {
        name: 'Sleepy',
        init: () => ['ok', null],
        childSpec: () => sleepyWorker({ restart: 'temporary' }),
      }
      yield* startOk(sup, sleepyWorker())
      yield* startOk(sup, Sleepy)
      yield* startOk(sup, [Sleepy, 1])
      yield* assertDynamicCounts(sup, { specs: 3, active: 3, supervisors: 0, workers: 3 })
    }))

  it('D3: extraArguments are prepended to the start arguments', () =>
    run(function* () {
      const me = self()
      const notify = () => send(me, 'from_child')
      const sup = yield* startDyn({ extraArguments: [notify] })
      const start = (fn: () => void, tag: string) => {
        fn()
        return ['ok', Process.spawnLink(sleepForever), tag]
      }
      assert.deepEqual(
        (yield* DynamicSupervisor.startChild(sup, {
          id: 'Task',
          restart: 'temporary',
          start: [start, ['x']],
        }))[2],
        'x',
      )
      yield* assertReceive('from_child')
    }))

  it('D2: an invalid spec is rejected before the supervisor is asked', () =>
    run(function* () {
      const invalid: [unknown, unknown][] = [
        [{}, ['invalid_child_spec', {}]],
        [{ id: 1, start: ['Task', 'foo', 'bar'] }, ['invalid_mfa', ['Task', 'foo', 'bar']]],
        [{ id: 1, start: () => 'ignore', shutdown: -1 }, ['invalid_shutdown', -1]],
        [{ id: 1, start: () => 'ignore', restart: 'sometimes' }, ['invalid_restart_type', 'sometimes']],
        [{ id: 1, start: () => 'ignore', type: 'boss' }, ['invalid_child_type', 'boss']],
        [{ id: 1, start: () => 'ignore', significant: true }, ['invalid_significant', true]],
      ]
      for (const [spec, reason] of invalid) {
        assert.deepEqual(yield* DynamicSupervisor.startChild('not_used', spec as never), ['error', reason])
      }
      assert.throws(
        () => DynamicSupervisor.startChild('not_used', 42 as never),
        /supervisors expect each child/,
      )
    }))

  it('D2: returns what the start returned: ok with or without info, ignore, or an error', () =>
    run(function* () {
      const sup = yield* startDyn()
      const r3 = yield* DynamicSupervisor.startChild(sup, currentModuleWorker(['ok3']))
      assert.deepEqual([r3[0], r3[2]], ['ok', 'extra'])
      assert.equal((yield* DynamicSupervisor.startChild(sup, currentModuleWorker(['ok2'])))[0], 'ok')
      assert.equal(yield* DynamicSupervisor.startChild(sup, currentModuleWorker(['ignore'])), 'ignore')
      assert.deepEqual(yield* DynamicSupervisor.startChild(sup, currentModuleWorker(['error'])), [
        'error',
        'found',
      ])
      assert.deepEqual(yield* DynamicSupervisor.startChild(sup, currentModuleWorker(['unknown'])), [
        'error',
        'unknown',
      ])
      yield* assertDynamicCounts(sup, { specs: 2, active: 2, supervisors: 0, workers: 2 })
    }))

  it('D2: a start that throws, raises or exits gives its reason in Elixir shape', () =>
    run(function* () {
      const sup = yield* startDyn()
      const thrown = (yield* DynamicSupervisor.startChild(
        sup,
        currentModuleWorker(['non_local', 'throw']),
      )) as unknown as ['error', [['nocatch', unknown], string]]
      assert.deepEqual(
        [thrown[0], thrown[1][0], typeof thrown[1][1]],
        ['error', ['nocatch', 'oops'], 'string'],
      )
      const raised = (yield* DynamicSupervisor.startChild(
        sup,
        currentModuleWorker(['non_local', 'error']),
      )) as unknown as ['error', [Error, string]]
      assert.ok(raised[1][0] instanceof Error)
      assert.deepEqual(yield* DynamicSupervisor.startChild(sup, currentModuleWorker(['non_local', 'exit'])), [
        'error',
        'oops',
      ])
    }))

  it('D2: returns max_children at the limit', () =>
    run(function* () {
      const sup = yield* startDyn({ maxChildren: 0 })
      assert.deepEqual(yield* DynamicSupervisor.startChild(sup, currentModuleWorker(['ok2'])), [
        'error',
        'max_children',
      ])
    }))

  it('accepts shutdown 1, rejects 0 (Elixir 1.14 wants an integer above 0, unlike a static Supervisor)', () =>
    run(function* () {
      Process.trapExit(true)
      const sup = yield* startDyn()
      const start = (): readonly ['ok', Pid] => ['ok', Process.spawnLink(sleepForever)]
      assert.deepEqual(yield* DynamicSupervisor.startChild(sup, { id: 0, start, shutdown: 0 }), [
        'error',
        ['invalid_shutdown', 0],
      ])
      const pid = yield* startOk(sup, { id: 1, start, shutdown: 1 })
      yield* killAndWait(pid, 'shutdown')
    }))
})

describe('restarts (D5: §10.2 and §10.4)', () => {
  it('a temporary child is not restarted, whatever the reason', () =>
    quietly(function* () {
      const sup = yield* startDyn()
      for (const reason of ['shutdown', 'whatever']) {
        yield* killAndWait(
          yield* startOk(sup, currentModuleWorker(['ok2'], { restart: 'temporary' })),
          reason,
        )
        yield* assertDynamicCounts(sup, { specs: 0, active: 0, supervisors: 0, workers: 0 })
      }
    }))

  it('a transient child is restarted unless it ends normal, shutdown or [shutdown, term]', () =>
    quietly(function* () {
      const sup = yield* startDyn()
      const child = currentModuleWorker(['ok2'], { restart: 'transient' })
      yield* killAndWait(yield* startOk(sup, child), 'shutdown')
      yield* killAndWait(yield* startOk(sup, child), ['shutdown', 'signal'])
      assert.equal((yield* DynamicSupervisor.countChildren(sup)).active, 0)
      yield* killAndWait(yield* startOk(sup, child), 'whatever')
      yield* assertDynamicCounts(sup, { specs: 1, active: 1, supervisors: 0, workers: 1 })
    }))

  it('a permanent child is restarted whatever the reason', () =>
    quietly(function* () {
      const sup = yield* startDyn({ maxRestarts: 100_000 })
      const child = currentModuleWorker(['ok2'], { restart: 'permanent' })
      const reasons = ['shutdown', ['shutdown', 'signal'], 'whatever']
      for (let i = 0; i < 3; i++) {
        yield* killAndWait(yield* startOk(sup, child), reasons[i])
        assert.equal((yield* DynamicSupervisor.countChildren(sup)).active, i + 1)
      }
    }))

  it('D4: a child is restarted with what its start returns next, showing restarting while it fails', () =>
    quietly(function* () {
      const sup = yield* startDyn({ maxRestarts: 100_000 })
      const mods = ['startWorker']
      const child1 = yield* startOk(sup, currentModuleWorker(['restart', 'ok2']))
      assert.deepEqual(yield* DynamicSupervisor.whichChildren(sup), [['undefined', child1, 'worker', mods]])
      yield* killAndWait(child1, 'shutdown')
      yield* assertDynamicCounts(sup, { specs: 1, active: 1, supervisors: 0, workers: 1 })
      const child2 = yield* startOk(sup, currentModuleWorker(['restart', 'ok3']))
      yield* killAndWait(child2, 'shutdown')
      assert.equal((yield* DynamicSupervisor.countChildren(sup)).active, 2)
      const child3 = yield* startOk(sup, currentModuleWorker(['restart', 'ignore']))
      yield* killAndWait(child3, 'shutdown')
      yield* assertDynamicCounts(sup, { specs: 2, active: 2, supervisors: 0, workers: 2 })
      const child4 = yield* startOk(sup, currentModuleWorker(['restart', 'error']))
      yield* killAndWait(child4, 'shutdown')
      yield* assertDynamicCounts(sup, { specs: 3, active: 2, supervisors: 0, workers: 3 })
      const which = yield* DynamicSupervisor.whichChildren(sup)
      assert.deepEqual(
        which.map(([id, pid]) => [id, pid === 'restarting' ? pid : 'pid']),
        [
          ['undefined', 'pid'],
          ['undefined', 'pid'],
          ['undefined', 'restarting'],
        ],
      )
      yield* DynamicSupervisor.stop(sup)
    }))

  it('D4: children being restarted count towards maxChildren', () =>
    quietly(function* () {
      const opts = { maxChildren: 1, maxRestarts: 100_000 }
      const sup = yield* startDyn(opts)
      yield* killAndWait(yield* startOk(sup, currentModuleWorker(['restart', 'error'])), 'shutdown')
      yield* assertDynamicCounts(sup, { specs: 1, active: 0, supervisors: 0, workers: 1 })
      assert.deepEqual(yield* DynamicSupervisor.startChild(sup, currentModuleWorker(['ok2'])), [
        'error',
        'max_children',
      ])
      // Its child keeps failing to restart: stop it rather than let it retry for the rest of the test.
      yield* DynamicSupervisor.stop(sup)
      const sup2 = yield* startDyn(opts)
      yield* killAndWait(yield* startOk(sup2, currentModuleWorker(['ok2'])), 'shutdown')
      yield* assertDynamicCounts(sup2, { specs: 1, active: 1, supervisors: 0, workers: 1 })
      assert.deepEqual(yield* DynamicSupervisor.startChild(sup2, currentModuleWorker(['ok2'])), [
        'error',
        'max_children',
      ])
    }))

  it('D3: a child restarts with the extra arguments too', () =>
    quietly(function* () {
      const me = self()
      const sup = yield* startDyn({ extraArguments: [me] })
      const start = (parent: Pid) => {
        send(parent, 'from_child')
        return ['ok', Process.spawnLink(sleepForever)]
      }
      const child = yield* startOk(sup, { id: 'Task', restart: 'transient', start: [start, []] })
      yield* assertReceive('from_child')
      yield* killAndWait(child, 'oops')
      yield* assertReceive('from_child')
      yield* assertDynamicCounts(sup, { specs: 1, active: 1, supervisors: 0, workers: 1 })
    }))

  it('SU-i3: a child whose restart fails is tried again', () =>
    quietly(function* () {
      const sup = yield* startDyn({ maxRestarts: 2 })
      const child = yield* startOk(sup, currentModuleWorker(['try_again', self()]))
      yield* assertReceive(['try_again', true], 0)
      yield* killAndWait(child, 'shutdown')
      yield* assertReceive(['try_again', false])
      yield* assertReceive(['try_again', true])
      yield* assertDynamicCounts(sup, { specs: 1, active: 1, supervisors: 0, workers: 1 })
    }))

  it('SU-i2: a child crashing too often stops the supervisor with shutdown', async () => {
    const log = await captureLog(() =>
      run(function* () {
        Process.trapExit(true)
        const sup = yield* startDyn({ maxRestarts: 1 })
        const child = yield* startOk(sup, currentModuleWorker(['restart', 'error']))
        yield* killAndWait(child, 'shutdown')
        yield* assertReceive(['EXIT', sup, 'shutdown'])
      }),
    )
    assert.match(
      log,
      /Child undefined of Supervisor #PID<[\d.]+> \(Supervisor.Default\) caused shutdown\n\*\* \(exit\) "reached_max_restart_intensity"/,
    )
    assert.match(
      log,
      /Child undefined of Supervisor .* failed to start\n\*\* \(exit\) "found"\nStart Call: startWorker\("restart", "error"\)/,
    )
  })

  it('SU-i3: retries of a failing restart count towards the intensity', () =>
    quietly(function* () {
      Process.trapExit(true)
      const sup = yield* startDyn({ maxRestarts: 10 })
      yield* killAndWait(yield* startOk(sup, currentModuleWorker(['restart', 'error'])), 'shutdown')
      yield* assertReceive(['EXIT', sup, 'shutdown'])
    }))
})

describe('shutdown (D5)', () => {
  function* threeChildren(spec: ChildSpec, reason: unknown) {
    Process.trapExit(true)
    const sup = yield* startDyn()
    const pids = [yield* startOk(sup, spec), yield* startOk(sup, spec), yield* startOk(sup, spec)]
    for (const pid of pids) Process.monitor(pid)
    yield* killAndWait(sup, 'shutdown')
    for (const pid of pids) yield* assertReceive(['DOWN', P._, 'process', pid, reason])
  }

  it('terminates children with brutal_kill', () =>
    run(() => threeChildren(sleepyWorker({ shutdown: 'brutal_kill' }), 'killed')))
  it('terminates children with infinity shutdown', () =>
    run(() => threeChildren(sleepyWorker({ shutdown: 'infinity' }), 'shutdown')))
  it('terminates children with integer shutdown', () =>
    run(() => threeChildren(sleepyWorker({ shutdown: 1000 }), 'shutdown')))

  function trapping(exitWith: unknown, overrides: ChildSpecOverrides): ChildSpec {
    const parent = self()
    const body = function* () {
      Process.trapExit(true)
      send(parent, 'ready')
      yield* Process.receive()
      exit(exitWith)
    }
    return Supervisor.childSpec({ id: 'Task', start: () => ['ok', Process.spawnLink(body)] }, overrides)
  }

  it('terminates children with infinity or integer shutdown that end with [shutdown, term]', async () => {
    const log = await captureLog(() =>
      run(function* () {
        yield* threeChildren(trapping(['shutdown', 'oops'], { shutdown: 'infinity' }), ['shutdown', 'oops'])
        yield* threeChildren(trapping(['shutdown', 'oops'], { shutdown: 1000 }), ['shutdown', 'oops'])
      }),
    )
    assert.doesNotMatch(log, /shut down abnormally/)
  })

  it('terminates permanent children that end normal, and reports it', async () => {
    const log = await captureLog(() =>
      run(() => threeChildren(trapping('normal', { shutdown: 'infinity', restart: 'permanent' }), 'normal')),
    )
    assert.match(log, /Child undefined of Supervisor .* shut down abnormally\n\*\* \(exit\) "normal"/)
  })

  it('kills children still alive after their own timeout', () =>
    quietly(function* () {
      Process.trapExit(true)
      const sup = yield* startDyn()
      const me = self()
      const tmt = function* () {
        Process.trapExit(true)
        send(me, 'ready')
        yield* Process.sleep(Number.POSITIVE_INFINITY)
      }
      const c1 = yield* startOk(sup, sleepyWorker({ shutdown: 1 }))
      const c2 = yield* startOk(sup, {
        id: 'Task',
        start: () => ['ok', Process.spawnLink(tmt)],
        shutdown: 1,
      })
      const c3 = yield* startOk(sup, sleepyWorker({ shutdown: 1 }))
      yield* assertReceive('ready')
      for (const pid of [c1, c2, c3]) Process.monitor(pid)
      yield* killAndWait(sup, 'shutdown')
      yield* assertReceive(['DOWN', P._, 'process', c1, 'shutdown'], 0)
      yield* assertReceive(['DOWN', P._, 'process', c2, 'killed'], 0)
      yield* assertReceive(['DOWN', P._, 'process', c3, 'shutdown'], 0)
    }))

  it('terminates mixed children', () =>
    run(function* () {
      Process.trapExit(true)
      const sup = yield* startDyn()
      const c1 = yield* startOk(sup, sleepyWorker({ shutdown: 'infinity' }))
      const c2 = yield* startOk(sup, sleepyWorker({ shutdown: 'brutal_kill' }))
      for (const pid of [c1, c2]) Process.monitor(pid)
      yield* killAndWait(sup, 'shutdown')
      yield* assertReceive(['DOWN', P._, 'process', c1, 'shutdown'])
      yield* assertReceive(['DOWN', P._, 'process', c2, 'killed'])
    }))

  it('D5: sends every child its exit signal at once, not one after another', () =>
    run(function* () {
      const sup = yield* startDyn()
      const pids = new Map<string, Pid>()
      for (const id of ['a', 'b', 'c']) {
        yield* startOk(sup, gate(id, undefined, { shutdown: 'infinity' }))
        pids.set(id, yield* started(id))
      }
      const me = self()
      Process.spawn(function* () {
        send(me, ['stopped', yield* DynamicSupervisor.stop(sup)])
      })
      // All three are asked before any of them has ended.
      for (const id of ['a', 'b', 'c']) yield* assertReceive(['got_exit', id, 'shutdown'])
      yield* refuteReceive(['stopped', P._], 10)
      for (const pid of pids.values()) send(pid, 'go')
      yield* assertReceive(['stopped', 'ok'])
    }))
})

describe('terminateChild and whichChildren (D4)', () => {
  it('terminates a child with brutal_kill or an integer shutdown, then not_found', () =>
    run(function* () {
      const sup = yield* startDyn()
      for (const [shutdown, reason] of [
        ['brutal_kill', 'killed'],
        [1000, 'shutdown'],
      ] as const) {
        const pid = yield* startOk(sup, sleepyWorker({ shutdown }))
        const ref = Process.monitor(pid)
        assert.equal(yield* DynamicSupervisor.terminateChild(sup, pid), 'ok')
        yield* assertReceive(['DOWN', ref, 'process', pid, reason])
        assert.deepEqual(yield* DynamicSupervisor.terminateChild(sup, pid), ['error', 'not_found'])
        yield* assertDynamicCounts(sup, { specs: 0, active: 0, supervisors: 0, workers: 0 })
      }
      assert.throws(() => DynamicSupervisor.terminateChild(sup, 'id' as never), /the pid of a child/)
    }))

  it('terminates a child that is being restarted', () =>
    quietly(function* () {
      const sup = yield* startDyn({ maxRestarts: 100_000 })
      const pid = yield* startOk(sup, currentModuleWorker(['restart', 'error']))
      yield* killAndWait(pid, 'shutdown')
      assert.equal(yield* DynamicSupervisor.terminateChild(sup, pid), 'ok')
      assert.deepEqual(yield* DynamicSupervisor.terminateChild(sup, pid), ['error', 'not_found'])
      yield* assertDynamicCounts(sup, { specs: 0, active: 0, supervisors: 0, workers: 0 })
    }))

  it('D4: every child is listed with the id undefined, in start order', () =>
    run(function* () {
      const sup = yield* startDyn()
      const a = yield* startOk(sup, sleepyWorker())
      const b = yield* startOk(
        sup,
        Supervisor.childSpec(sleepyWorker(), { type: 'supervisor', modules: ['Sleepy'] }),
      )
      assert.deepEqual(yield* DynamicSupervisor.whichChildren(sup), [
        ['undefined', a, 'worker', []],
        ['undefined', b, 'supervisor', ['Sleepy']],
      ])
      yield* assertDynamicCounts(sup, { specs: 2, active: 2, supervisors: 1, workers: 1 })
    }))
})
