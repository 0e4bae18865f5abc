/**
 * Supervisor (semantics.md §10): the behavioural cases of Elixir 1.14's supervisor_test.exs,
 * and every SU-* id.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { BeamishError } from '../../src/Errors.ts'
import {
  Agent,
  DynamicSupervisor,
  exit,
  GenServer,
  Logger,
  P,
  type Pid,
  Process,
  Registry,
  Supervisor,
  Task,
} from '../../src/index.ts'
import { state as loggerState } from '../../src/internal/logger.ts'
import { type ChildRec, checkChild } from '../../src/internal/supervisor/childSpec.ts'
import { RestartIntensity, setIntensityClock } from '../../src/internal/supervisor/intensity.ts'
import { assertReceive, captureLog, refuteReceive, run } from '../../src/testing/index.ts'
import { quietly } from './helpers.ts'
import {
  assertCounts,
  gate,
  killAndWait,
  nextDown,
  nextStarted,
  started,
  startSup,
  viaRegistry,
  Worker,
  worker,
} from './supervisorHelpers.ts'

// Supervisor reports are `sasl`-domain events, off by default as in Elixir; these tests
// check them, so they turn them on (like ExUnit tests setting handle_sasl_reports).
loggerState.handleSaslReports = true

const { self, send } = Process

const Stack = GenServer.define({
  name: 'Stack',
  init: (items: string[]) => GenServer.ok(items),
  handleCall: (req: 'pop' | 'stop', _from: GenServer.From, items: string[]) =>
    req === 'stop' ? (['stop', 'normal', 'ok', items] as const) : GenServer.reply(items[0], items.slice(1)),
})

describe('child specifications (Elixir child_spec/2, init/2)', () => {
  it('GenServer.childSpec builds the default spec that use GenServer generates, with overrides', () => {
    assert.deepEqual(GenServer.childSpec(Stack, ['hello']), {
      id: 'Stack',
      start: [GenServer.startLink, [Stack, ['hello']]],
    })
    assert.deepEqual(
      GenServer.childSpec(Stack, [], { id: 'id', restart: 'temporary', start: () => 'ignore' }).restart,
      'temporary',
    )
    assert.throws(
      () => GenServer.childSpec(Stack, [], { bogus: 1 } as never),
      /unknown key "bogus" in child specification override/,
    )
  })

  it('Supervisor.define generates a childSpec that starts the module as a supervisor', () => {
    const Sup = Supervisor.define({
      name: 'StackSup',
      init: (items: string[]) => Supervisor.init([[Stack, items]], { strategy: 'one_for_one' }),
    })
    assert.deepEqual(Sup.childSpec(['hello']), {
      id: 'StackSup',
      start: [Supervisor.startLink, [Sup, ['hello']]],
      type: 'supervisor',
    })
    const Custom = Supervisor.define({
      init: () => 'ignore' as const,
      childSpec: () => ({ id: 'custom', start: () => 'ignore' }),
    })
    assert.equal(Custom.childSpec(undefined).id, 'custom')
  })

  it('childSpec accepts a module, [module, arg] or a spec, and applies overrides', () => {
    const Own = {
      name: 'Own',
      init: () => GenServer.ok(0),
      childSpec: (arg: unknown) => ({ id: ['own', arg], start: () => 'ignore' }),
    }
    assert.deepEqual(Supervisor.childSpec(Stack, {}), {
      id: 'Stack',
      start: [GenServer.startLink, [Stack, undefined]],
    })
    assert.deepEqual(Supervisor.childSpec([Stack, ['a']], {}).start, [GenServer.startLink, [Stack, ['a']]])
    assert.deepEqual(Supervisor.childSpec([Own, 7]).id, ['own', 7])
    assert.deepEqual(Supervisor.childSpec({ id: 'Task' } as never, {}), { id: 'Task' })
    const overridden = Supervisor.childSpec(Stack, { id: 'foo', restart: 'permanent', shutdown: 'infinity' })
    assert.deepEqual(
      [overridden.id, overridden.restart, overridden.shutdown],
      ['foo', 'permanent', 'infinity'],
    )
  })

  it('childSpec throws for an unknown override key, and for something that is not a child', () => {
    assert.throws(() => Supervisor.childSpec(Stack, { foo: 1 } as never), {
      code: 'ERR_BEAMISH_INVALID_CHILD_SPEC',
      message: /unknown key "foo"/,
    })
    assert.throws(
      () => Supervisor.childSpec('other' as never),
      (e: Error) => {
        assert.match(
          e.message,
          /^supervisors expect each child to be one of the following:\n\n {2}\* a module/,
        )
        assert.match(e.message, /\n\nGot: "other"$/)
        return true
      },
    )
  })

  it('SU-i1: init defaults to 3 restarts in 5 seconds and requires a strategy', () => {
    const flags = { strategy: 'one_for_one', intensity: 3, period: 5, autoShutdown: 'never' }
    assert.deepEqual(Supervisor.init([Stack], { strategy: 'one_for_one' }), [
      'ok',
      [flags, [Supervisor.childSpec(Stack)]],
    ])
    const [, [f]] = Supervisor.init([], {
      strategy: 'one_for_all',
      maxRestarts: 1,
      maxSeconds: 2,
    }) as readonly ['ok', readonly [Supervisor.Flags, unknown]]
    assert.deepEqual(f, { strategy: 'one_for_all', intensity: 1, period: 2, autoShutdown: 'never' })
    assert.throws(() => Supervisor.init([], {} as never), {
      message: 'expected the strategy option to be given',
    })
    assert.throws(
      () => Supervisor.init([], { strategy: 'simple_one_for_one' as never }),
      /expected the strategy option to be one of the following:\n\n {2}\* 'one_for_one'/,
    )
  })

  it('init throws for an invalid spec, listing what was expected', () => {
    const base = { id: 'a', start: () => 'ignore' }
    assert.throws(
      () => Supervisor.init([{ ...base, restart: 'forever' as never }], { strategy: 'one_for_one' }),
      (e: Error) => {
        assert.match(
          e.message,
          /expected the restart field to be one of the following:\n\n {2}\* 'permanent'\n {2}\* 'transient'\n {2}\* 'temporary'\n\nGot: "forever"/,
        )
        return true
      },
    )
    assert.throws(
      () => Supervisor.init([{ start: () => 'ignore' } as never], { strategy: 'one_for_one' }),
      /to have an id/,
    )
    assert.throws(
      () => Supervisor.init([{ id: 'a' } as never], { strategy: 'one_for_one' }),
      /to have a start field/,
    )
    assert.throws(
      () => Supervisor.init([{ ...base, shutdown: -1 }], { strategy: 'one_for_one' }),
      /'brutal_kill'\n {2}\* an integer >= 0/,
    )
    assert.throws(
      () =>
        Supervisor.init([{ ...base, significant: true, restart: 'transient' }], { strategy: 'one_for_one' }),
      /autoShutdown/,
    )
  })

  it('SU-o5: a supervisor child defaults to shutdown infinity, a worker to 5000', () => {
    const sup = checkChild({ id: 's', start: () => 'ignore', type: 'supervisor' }, 'never') as ChildRec
    const wrk = checkChild({ id: 'w', start: () => 'ignore' }, 'never') as ChildRec
    assert.deepEqual(
      [sup.shutdown, wrk.shutdown, wrk.restart, wrk.type],
      ['infinity', 5000, 'permanent', 'worker'],
    )
  })
})

describe('starting a supervisor', () => {
  it('startLink registers a local name', () =>
    run(function* () {
      const sup = yield* startSup([], { strategy: 'one_for_one', name: 'my_sup' })
      assert.equal(Process.whereis('my_sup'), sup)
      assert.deepEqual(yield* Supervisor.whichChildren('my_sup'), [])
      yield* Supervisor.stop('my_sup')
    }))

  it('startLink registers a via name', () =>
    run(function* () {
      const via = viaRegistry()
      yield* startSup([], { strategy: 'one_for_one', name: { via, key: 'via_sup' } })
      assert.deepEqual(yield* Supervisor.whichChildren({ via, key: 'via_sup' }), [])
    }))

  it('startLink rejects a bad name or option at once', () =>
    run(function* () {
      assert.throws(
        () => Supervisor.startLink([], { strategy: 'one_for_one', name: ['bad'] as never }),
        /expected the name option to be one of the following/,
      )
      assert.throws(
        () => Supervisor.startLink([], { strategy: 'one_for_one', bogus: 1 } as never),
        /unknown supervisor option "bogus"/,
      )
      assert.throws(
        () => Supervisor.startLink('nope' as never, {} as never),
        /a list of children or a supervisor module/,
      )
    }))

  it('SU-r1: a named permanent child is restarted after it stops normally', () =>
    quietly(function* () {
      const child = {
        id: 'Stack',
        start: () => GenServer.startLink(Stack, ['hello'], { name: 'dyn_stack' }),
      }
      const sup = yield* startSup([child], { strategy: 'one_for_one' })
      assert.equal(yield* GenServer.call('dyn_stack', 'pop'), 'hello')
      const old = Process.whereis('dyn_stack')!
      const ref = Process.monitor(old)
      assert.equal(yield* GenServer.call('dyn_stack', 'stop'), 'ok')
      yield* assertReceive(['DOWN', ref, 'process', old, 'normal'])
      const [[, pid]] = (yield* Supervisor.whichChildren(sup)) as [Supervisor.ChildInfo]
      assert.notEqual(pid, old)
      assert.equal(yield* GenServer.call('dyn_stack', 'pop'), 'hello')
      yield* Supervisor.stop(sup)
      assert.equal(Process.whereis('dyn_stack'), undefined)
    }))

  it('startLink with a module runs its init (module-based supervisor)', () =>
    run(function* () {
      const StackSup = Supervisor.define({
        name: 'StackSup',
        init: (items: string[]) =>
          Supervisor.init(
            [{ id: 'Stack', start: () => GenServer.startLink(Stack, items, { name: 'stat_stack' }) }],
            { strategy: 'one_for_one' },
          ),
      })
      const [tag, sup] = (yield* Supervisor.startLink(StackSup, ['hello'], {
        name: 'stack_sup',
      })) as readonly ['ok', Pid]
      assert.equal(tag, 'ok')
      assert.equal(Process.whereis('stack_sup'), sup)
      assert.equal(yield* GenServer.call('stat_stack', 'pop'), 'hello')
      assert.equal(Process.info(sup)!.initialCall, 'StackSup.init/1')
      yield* Supervisor.stop(sup)
    }))

  it('§10.6: a module init that returns ignore makes startLink return ignore, and the supervisor exits normal', () =>
    run(function* () {
      assert.equal(yield* Supervisor.startLink({ init: () => 'ignore' }, undefined), 'ignore')
      yield* refuteReceive(P._, 10)
    }))

  it('§10.6: bad init results fail the start with bad_return, supervisor_data or start_spec, and the caller gets the EXIT', () =>
    run(function* () {
      Process.trapExit(true)
      const Raw = { name: 'Raw', init: (r: unknown) => r }
      const ok = (flags: unknown, specs: unknown[] = []) => ['ok', [flags, specs]]
      const cases: [unknown, unknown][] = [
        ['unknown', ['bad_return', ['Raw', 'init', 'unknown']]],
        [ok({ strategy: 'unknown' }), ['supervisor_data', ['invalid_strategy', 'unknown']]],
        [ok({ intensity: -1 }), ['supervisor_data', ['invalid_intensity', -1]]],
        [ok({ period: 0 }), ['supervisor_data', ['invalid_period', 0]]],
        [ok({ autoShutdown: 'sometimes' }), ['supervisor_data', ['invalid_auto_shutdown', 'sometimes']]],
        [ok({}, [{}]), ['start_spec', 'missing_id']],
        [ok({}, [{ id: 'a' }]), ['start_spec', 'missing_start']],
        [ok({}, [{ id: 'a', start: 'x' }]), ['start_spec', ['invalid_mfa', 'x']]],
        [ok({}, ['junk']), ['start_spec', ['invalid_child_spec', 'junk']]],
        [
          ok({}, [
            { id: 'a', start: () => 'ignore' },
            { id: 'a', start: () => 'ignore' },
          ]),
          ['start_spec', ['duplicate_child_name', 'a']],
        ],
      ]
      for (const [ret, reason] of cases) {
        assert.deepEqual(yield* Supervisor.startLink(Raw, ret), ['error', reason])
        yield* assertReceive(['EXIT', P._, reason])
      }
    }))

  it('a bad child in a module init fails the start with the exception Supervisor.init threw', () =>
    run(function* () {
      Process.trapExit(true)
      const Bad = {
        name: 'Bad',
        init: () =>
          Supervisor.init([{ id: 'a', start: () => 'ignore', restart: 'never' as never }], {
            strategy: 'one_for_one',
          }),
      }
      const r = (yield* Supervisor.startLink(Bad, undefined)) as unknown as [
        'error',
        [Error & { code: string }, string],
      ]
      assert.equal(r[0], 'error')
      assert.equal(r[1][0].code, 'ERR_BEAMISH_INVALID_CHILD_SPEC')
      assert.match(r[1][0].message, /expected the restart field to be one of the following/)
      yield* assertReceive(['EXIT', P._, P._])
    }))

  it('start (unlinked) keeps a top-level supervisor running after the plain async code that started it', async () => {
    const r = await Supervisor.start([{ id: 'Stack', start: () => GenServer.startLink(Stack, ['x']) }], {
      strategy: 'one_for_one',
    })
    const sup = (r as readonly ['ok', Pid])[1]
    assert.deepEqual(await Supervisor.countChildren(sup), { specs: 1, active: 1, supervisors: 0, workers: 1 })
    assert.equal(await Supervisor.stop(sup), 'ok')
    assert.equal(Process.alive(sup), false)
  })

  it('SU-o1: children start left to right, each before the next, and startLink returns after all of them', () =>
    run(function* () {
      const order: string[] = []
      const me = self()
      const child = (id: string) => ({
        id,
        start: function* () {
          order.push(`start ${id}`)
          const r = yield* GenServer.startLink(Worker, { id, parent: me })
          order.push(`done ${id}`)
          return r
        },
      })
      yield* startSup([child('a'), child('b'), child('c')], { strategy: 'one_for_one' })
      assert.deepEqual(order, ['start a', 'done a', 'start b', 'done b', 'start c', 'done c'])
      for (const id of ['a', 'b', 'c']) yield* assertReceive(['started', id, P._], 0)
    }))

  it('SU-o2: a child that fails to start stops the ones started, newest first, and fails the start', async () => {
    const log = await captureLog(() =>
      run(function* () {
        Process.trapExit(true)
        const failing = { id: 'c', start: () => ['error', 'boom'] }
        const r = yield* Supervisor.startLink(
          [worker('a', { trap: true }), worker('b', { trap: true }), failing, worker('d')],
          {
            strategy: 'one_for_one',
          },
        )
        const reason = ['shutdown', ['failed_to_start_child', 'c', 'boom']]
        assert.deepEqual(r, ['error', reason])
        const a = yield* started('a')
        yield* started('b')
        yield* refuteReceive(['started', 'd', P._], 0)
        // Terminated newest first: b's terminate ran before a's.
        assert.deepEqual(yield* assertReceive(['terminated', P.string, P._]), ['terminated', 'b', 'shutdown'])
        assert.deepEqual(yield* assertReceive(['terminated', P.string, P._]), ['terminated', 'a', 'shutdown'])
        assert.equal(Process.alive(a), false)
        yield* assertReceive(['EXIT', P._, reason])
      }),
    )
    assert.match(
      log,
      /\[error\] Child c of Supervisor #PID<[\d.]+> \(Supervisor.Default\) failed to start\n\*\* \(exit\) "boom"\nStart Call: /,
    )
  })
})

describe('restart values (§10.2)', () => {
  it('SU-r1: a permanent child is restarted even after exiting normal, and the restart counts', () =>
    quietly(function* () {
      Process.trapExit(true)
      const sup = yield* startSup([worker('a')], { strategy: 'one_for_one', maxRestarts: 1 })
      const a = yield* started('a')
      GenServer.cast(a, ['exit', 'normal'])
      const a2 = yield* started('a')
      assert.notEqual(a2, a)
      GenServer.cast(a2, ['exit', 'normal'])
      // The second restart within the window exceeds maxRestarts 1.
      yield* assertReceive(['EXIT', sup, 'shutdown'])
    }))

  it('SU-r1, SU-r2: a transient child is not restarted after normal, shutdown or [shutdown, term], and keeps its spec', () =>
    quietly(function* () {
      const ids = ['n', 's', 't', 'x']
      const sup = yield* startSup(
        ids.map((id) => worker(id, { restart: 'transient' })),
        { strategy: 'one_for_one' },
      )
      const pids: Pid[] = []
      for (const id of ids) pids.push(yield* started(id))
      const reasons = ['normal', 'shutdown', ['shutdown', 'x'], 'boom']
      for (let i = 0; i < 4; i++) yield* killAndWait(pids[i]!, reasons[i])
      yield* started('x')
      yield* refuteReceive(['started', P._, P._], 20)
      const which = yield* Supervisor.whichChildren(sup)
      assert.deepEqual(
        which.map(([id, pid]) => [id, typeof pid === 'string' ? pid : 'pid']),
        [
          ['x', 'pid'],
          ['t', 'undefined'],
          ['s', 'undefined'],
          ['n', 'undefined'],
        ],
      )
      yield* assertCounts(sup, { specs: 4, active: 1, supervisors: 0, workers: 4 })
    }))

  it('SU-r1: a temporary child is never restarted and its spec is deleted', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const sup = yield* startSup([worker('t', { restart: 'temporary' })], { strategy: 'one_for_one' })
        yield* killAndWait(yield* started('t'))
        yield* refuteReceive(['started', P._, P._], 20)
        yield* assertCounts(sup, { specs: 0, active: 0, supervisors: 0, workers: 0 })
      }),
    )
    assert.match(log, /Child t of Supervisor .* terminated\n\*\* \(exit\) "killed"\nPid: #PID/)
  })

  it('SU-r1: temporary children are not restarted when one_for_all restarts their siblings', () =>
    quietly(function* () {
      const sup = yield* startSup([worker('t', { restart: 'temporary' }), worker('p')], {
        strategy: 'one_for_all',
      })
      const t = yield* started('t')
      const p = yield* started('p')
      const ref = Process.monitor(t)
      yield* killAndWait(p)
      yield* assertReceive(['DOWN', ref, 'process', t, 'shutdown'])
      yield* started('p')
      yield* refuteReceive(['started', 't', P._], 20)
      assert.deepEqual(
        (yield* Supervisor.whichChildren(sup)).map(([id]) => id),
        ['p'],
      )
    }))

  it('SU-r3: a child whose start returns ignore keeps its spec with pid undefined; a temporary one is dropped', () =>
    run(function* () {
      const sup = yield* startSup(
        [
          { id: 'i', start: () => 'ignore' },
          { id: 't', start: () => 'ignore', restart: 'temporary' },
        ],
        { strategy: 'one_for_one' },
      )
      assert.deepEqual(yield* Supervisor.whichChildren(sup), [['i', 'undefined', 'worker', []]])
      yield* assertCounts(sup, { specs: 1, active: 0, supervisors: 0, workers: 1 })
      assert.deepEqual(yield* Supervisor.startChild(sup, { id: 'j', start: () => 'ignore' }), [
        'ok',
        'undefined',
      ])
      assert.deepEqual(yield* Supervisor.restartChild(sup, 'j'), ['ok', 'undefined'])
      yield* assertCounts(sup, { specs: 2, active: 0, supervisors: 0, workers: 2 })
    }))
})

describe('strategies (§10.3)', () => {
  it('SU-s1: one_for_one restarts only the child that terminated', () =>
    quietly(function* () {
      yield* startSup([worker('a'), worker('b'), worker('c')], { strategy: 'one_for_one' })
      const [a, b, c] = [yield* started('a'), yield* started('b'), yield* started('c')]
      yield* killAndWait(b)
      assert.notEqual(yield* started('b'), b)
      yield* refuteReceive(['started', P._, P._], 20)
      assert.ok(Process.alive(a) && Process.alive(c))
    }))

  it('SU-s2: one_for_all terminates the others newest first, then restarts all in start order', () =>
    quietly(function* () {
      const ids = ['a', 'b', 'c', 'd']
      yield* startSup(
        ids.map((id) => worker(id)),
        { strategy: 'one_for_all' },
      )
      const pids: Pid[] = []
      for (const id of ids) pids.push(yield* started(id))
      for (const pid of pids) Process.monitor(pid)
      Process.exit(pids[1]!, 'kill')
      const downs: [Pid, unknown][] = []
      for (let i = 0; i < 4; i++) downs.push(yield* nextDown())
      assert.deepEqual(downs, [
        [pids[1], 'killed'],
        [pids[3], 'shutdown'],
        [pids[2], 'shutdown'],
        [pids[0], 'shutdown'],
      ])
      const order = []
      for (let i = 0; i < 4; i++) order.push(yield* nextStarted())
      assert.deepEqual(order, ids)
    }))

  it('SU-s3: rest_for_one terminates the children started after it, newest first, and restarts them in order', () =>
    quietly(function* () {
      const ids = ['a', 'b', 'c', 'd']
      yield* startSup(
        ids.map((id) => worker(id)),
        { strategy: 'rest_for_one' },
      )
      const pids: Pid[] = []
      for (const id of ids) pids.push(yield* started(id))
      for (const pid of pids) Process.monitor(pid)
      Process.exit(pids[1]!, 'kill')
      const downs: [Pid, unknown][] = []
      for (let i = 0; i < 3; i++) downs.push(yield* nextDown())
      assert.deepEqual(downs, [
        [pids[1], 'killed'],
        [pids[3], 'shutdown'],
        [pids[2], 'shutdown'],
      ])
      const order = []
      for (let i = 0; i < 3; i++) order.push(yield* nextStarted())
      assert.deepEqual(order, ['b', 'c', 'd'])
      assert.ok(Process.alive(pids[0]!))
    }))
})

describe('restart intensity (§10.4)', () => {
  it('SU-i1: by default 3 restarts within 5 seconds are allowed and the 4th stops the supervisor', () =>
    quietly(function* () {
      Process.trapExit(true)
      const sup = yield* startSup([worker('a')], { strategy: 'one_for_one' })
      let a = yield* started('a')
      for (let i = 0; i < 3; i++) {
        yield* killAndWait(a)
        a = yield* started('a')
      }
      Process.exit(a, 'kill')
      yield* assertReceive(['EXIT', sup, 'shutdown'])
      yield* refuteReceive(['started', P._, P._], 0)
    }))

  it('SU-i2: with maxRestarts 2 the 3rd crash in the window terminates the children and exits shutdown', async () => {
    const log = await captureLog(() =>
      run(function* () {
        Process.trapExit(true)
        const sup = yield* startSup([worker('a'), worker('b', { trap: true })], {
          strategy: 'one_for_one',
          maxRestarts: 2,
        })
        let a = yield* started('a')
        yield* started('b')
        for (let i = 0; i < 2; i++) {
          yield* killAndWait(a)
          a = yield* started('a')
        }
        Process.exit(a, 'kill')
        yield* assertReceive(['terminated', 'b', 'shutdown'])
        yield* assertReceive(['EXIT', sup, 'shutdown'])
      }),
    )
    assert.match(
      log,
      /Child a of Supervisor #PID<[\d.]+> \(Supervisor.Default\) caused shutdown\n\*\* \(exit\) "reached_max_restart_intensity"/,
    )
  })

  it('SU-i2: with maxRestarts 0 the first exit that needs a restart stops the supervisor', () =>
    quietly(function* () {
      Process.trapExit(true)
      const sup = yield* startSup([worker('a')], { strategy: 'one_for_one', maxRestarts: 0 })
      Process.exit(yield* started('a'), 'boom')
      yield* assertReceive(['EXIT', sup, 'shutdown'])
    }))

  it('SU-i3: exits that cause no restart do not count', () =>
    quietly(function* () {
      const sup = yield* startSup(
        [worker('t', { restart: 'temporary' }), worker('r', { restart: 'transient' })],
        {
          strategy: 'one_for_one',
          maxRestarts: 0,
        },
      )
      yield* killAndWait(yield* started('t'), 'boom')
      yield* killAndWait(yield* started('r'), 'normal')
      assert.ok(Process.alive(sup))
      yield* assertCounts(sup, { specs: 1, active: 0, supervisors: 0, workers: 1 })
    }))

  it('SU-i3: a failed restart counts and is retried, showing restarting meanwhile', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const me = self()
        let failing = false
        let attempts = 0
        const child = {
          id: 'flaky',
          start: () => {
            if (!failing) return GenServer.startLink(Worker, { id: 'flaky', parent: me })
            attempts++
            return ['error', 'try_again']
          },
        }
        const sup = yield* startSup([child], { strategy: 'one_for_one', maxRestarts: 1_000_000 })
        const pid = yield* started('flaky')
        failing = true
        Process.exit(pid, 'kill')
        // The EXIT is ahead of this call in the supervisor's mailbox; the retry is behind it.
        assert.deepEqual(yield* Supervisor.whichChildren(sup), [['flaky', 'restarting', 'worker', []]])
        yield* assertCounts(sup, { specs: 1, active: 0, supervisors: 0, workers: 1 })
        assert.deepEqual(yield* Supervisor.restartChild(sup, 'flaky'), ['error', 'restarting'])
        assert.deepEqual(yield* Supervisor.deleteChild(sup, 'flaky'), ['error', 'restarting'])
        assert.ok(attempts >= 1)
        failing = false
        const again = yield* started('flaky')
        assert.deepEqual(yield* Supervisor.whichChildren(sup), [['flaky', again, 'worker', []]])
      }),
    )
    assert.match(log, /Child flaky of Supervisor .* failed to start\n\*\* \(exit\) "try_again"/)
  })

  it('SU-i3: a child that keeps failing to restart reaches the intensity through the retries', () =>
    quietly(function* () {
      Process.trapExit(true)
      const me = self()
      let calls = 0
      const child = {
        id: 'c',
        start: () =>
          calls++ === 0 ? GenServer.startLink(Worker, { id: 'c', parent: me }) : ['error', 'nope'],
      }
      const sup = yield* startSup([child], { strategy: 'one_for_one', maxRestarts: 10 })
      Process.exit(yield* started('c'), 'kill')
      yield* assertReceive(['EXIT', sup, 'shutdown'], 1000)
      // The first start, then 10 failed restarts; the 11th attempt exceeds the intensity.
      assert.equal(calls, 1 + 10)
    }))
})

describe('the intensity window (SU-i2)', () => {
  it('SU-i2: keeps the restarts r with r >= now - period, in whole seconds', () => {
    const i = new RestartIntensity(1, 1)
    assert.equal(i.add(10), true)
    assert.equal(i.add(11), false, 'a restart at 10 is still in the window at 11 (10 >= 11 - 1)')
    const j = new RestartIntensity(1, 1)
    j.add(10)
    assert.equal(j.add(12), true, 'at 12 the restart at 10 has left the window')
    assert.equal(j.size, 1)
  })

  it('SU-i2: the window is between maxSeconds and maxSeconds + 1 seconds long', async () => {
    let now = 0
    setIntensityClock(() => now)
    try {
      await quietly(function* () {
        Process.trapExit(true)
        // A restart reads the clock before its child starts: wait for the child before moving time.
        // 1.05 s apart but in consecutive seconds: both count, and maxRestarts 1 is exceeded.
        const sup = yield* startSup([worker('a')], {
          strategy: 'one_for_one',
          maxRestarts: 1,
          maxSeconds: 1,
        })
        const a = yield* started('a')
        now = 10_900
        Process.exit(a, 'kill')
        const a2 = yield* started('a')
        now = 11_950
        Process.exit(a2, 'kill')
        yield* assertReceive(['EXIT', sup, 'shutdown'])
        // Only 1.001 s apart but two seconds on: the first has left the window.
        const sup2 = yield* startSup([worker('b')], {
          strategy: 'one_for_one',
          maxRestarts: 1,
          maxSeconds: 1,
        })
        const b = yield* started('b')
        now = 20_999
        Process.exit(b, 'kill')
        const b2 = yield* started('b')
        now = 22_000
        Process.exit(b2, 'kill')
        yield* started('b')
        assert.ok(Process.alive(sup2))
      })
    } finally {
      setIntensityClock(null)
    }
  })

  it('SU-i2: agrees with OTP add_restart/3 on any sequence of restart times (property)', () => {
    fc.assert(
      fc.property(
        fc.nat(6),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.nat(3), { maxLength: 60 }),
        (intensity, period, gaps) => {
          const window = new RestartIntensity(intensity, period)
          let otp: number[] = []
          let now = 0
          for (const gap of gaps) {
            now += gap
            // OTP: [Now | takewhile(R >= Now - Period, Restarts)], newest first; give up when longer than intensity.
            otp = [now, ...otp.filter((r) => r >= now - period)]
            if (window.add(now) !== otp.length <= intensity) return false
          }
          return window.size === otp.length
        },
      ),
    )
  })
})

describe('shutdown (§10.5)', () => {
  it('SU-o3: stopping terminates the children in reverse start order, one at a time', () =>
    run(function* () {
      const sup = yield* startSup([gate('a'), gate('b'), gate('c')], { strategy: 'one_for_one' })
      const pids = { a: yield* started('a'), b: yield* started('b'), c: yield* started('c') }
      const me = self()
      Process.spawn(function* () {
        send(me, ['stopped', yield* Supervisor.stop(sup)])
      })
      for (const id of ['c', 'b', 'a'] as const) {
        yield* assertReceive(['got_exit', id, 'shutdown'])
        // The next one is not asked before this one is gone.
        yield* refuteReceive(['got_exit', P._, P._], 10)
        send(pids[id], 'go')
      }
      yield* assertReceive(['stopped', 'ok'])
    }))

  it('SU-o4: brutal_kill kills the child, even one that traps exits, with no error report', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const sup = yield* startSup([gate('g', undefined, { shutdown: 'brutal_kill' })], {
          strategy: 'one_for_one',
        })
        const g = yield* started('g')
        const ref = Process.monitor(g)
        assert.equal(yield* Supervisor.terminateChild(sup, 'g'), 'ok')
        yield* assertReceive(['DOWN', ref, 'process', g, 'killed'], 0)
        yield* refuteReceive(['got_exit', P._, P._], 0)
      }),
    )
    assert.doesNotMatch(log, /shut down abnormally/)
  })

  it('SU-o4: an integer shutdown ends a non-trapping child with shutdown, and kills a trapping one after the timeout', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const sup = yield* startSup([worker('w', { shutdown: 50 }), gate('g', undefined, { shutdown: 30 })], {
          strategy: 'one_for_one',
        })
        const w = yield* started('w')
        const g = yield* started('g')
        const rw = Process.monitor(w)
        const rg = Process.monitor(g)
        assert.equal(yield* Supervisor.terminateChild(sup, 'w'), 'ok')
        yield* assertReceive(['DOWN', rw, 'process', w, 'shutdown'], 0)
        assert.equal(yield* Supervisor.terminateChild(sup, 'g'), 'ok')
        yield* assertReceive(['got_exit', 'g', 'shutdown'], 0)
        yield* assertReceive(['DOWN', rg, 'process', g, 'killed'], 0)
        assert.deepEqual(yield* Supervisor.whichChildren(sup), [
          ['g', 'undefined', 'worker', []],
          ['w', 'undefined', 'worker', []],
        ])
      }),
    )
    assert.match(log, /Child g of Supervisor .* shut down abnormally\n\*\* \(exit\) "killed"\nPid: #PID/)
    assert.doesNotMatch(log, /Child w of .* (shut down|terminated)/)
  })

  it('SU-o4: infinity waits as long as the child takes', () =>
    run(function* () {
      const sup = yield* startSup([gate('g', undefined, { shutdown: 'infinity' })], {
        strategy: 'one_for_one',
      })
      const g = yield* started('g')
      const me = self()
      Process.spawn(function* () {
        send(me, ['terminated', yield* Supervisor.terminateChild(sup, 'g')])
      })
      yield* assertReceive(['got_exit', 'g', 'shutdown'])
      yield* refuteReceive(['terminated', P._], 50)
      send(g, 'go')
      yield* assertReceive(['terminated', 'ok'])
    }))

  it('SU-o4: a child ending with another reason is a shutdown error; a non-permanent one may end normal or [shutdown, term]', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const sup = yield* startSup(
          [
            gate('odd', 'odd_reason'),
            gate('tn', 'normal', { restart: 'transient' }),
            gate('ts', ['shutdown', 'bye'], { restart: 'temporary' }),
            gate('pn', 'normal'),
          ],
          { strategy: 'one_for_one' },
        )
        for (const id of ['odd', 'tn', 'ts', 'pn']) {
          const pid = yield* started(id)
          const me = self()
          Process.spawn(function* () {
            send(me, ['terminated', id, yield* Supervisor.terminateChild(sup, id)])
          })
          yield* assertReceive(['got_exit', id, 'shutdown'])
          send(pid, 'go')
          yield* assertReceive(['terminated', id, 'ok'])
        }
      }),
    )
    assert.match(log, /Child odd of Supervisor .* shut down abnormally\n\*\* \(exit\) "odd_reason"/)
    assert.match(log, /Child pn of Supervisor .* shut down abnormally\n\*\* \(exit\) "normal"/)
    assert.doesNotMatch(log, /Child (tn|ts) of .* shut down/)
  })

  it('SU-o4: a child that died before its shutdown is reported with the reason its EXIT carried, not noproc', async () => {
    const log = await captureLog(() =>
      run(function* () {
        yield* startSup([worker('a'), worker('b')], { strategy: 'one_for_all' })
        const a = yield* started('a')
        const b = yield* started('b')
        // Both die before the supervisor runs: handling a's EXIT, it shuts b down, already dead.
        Process.exit(a, 'kill')
        Process.exit(b, 'boom')
        yield* started('a')
        yield* started('b')
        // b's EXIT was flushed by the shutdown: it causes no second restart.
        yield* refuteReceive(['started', P._, P._], 30)
      }),
    )
    assert.match(log, /Child b of Supervisor .* shut down abnormally\n\*\* \(exit\) "boom"/)
    assert.doesNotMatch(log, /noproc/)
  })
})

describe('management API (§10.6)', () => {
  it('child life-cycle: start, which, count, delete a running child, terminate, restart, delete', () =>
    run(function* () {
      const sup = yield* startSup([], { strategy: 'one_for_one' })
      assert.deepEqual(yield* Supervisor.whichChildren(sup), [])
      yield* assertCounts(sup, { specs: 0, active: 0, supervisors: 0, workers: 0 })
      const [, stack] = (yield* Supervisor.startChild(
        sup,
        Supervisor.childSpec([Stack, ['hello']]),
      )) as readonly ['ok', Pid]
      assert.equal(yield* GenServer.call(stack, 'pop'), 'hello')
      assert.deepEqual(yield* Supervisor.whichChildren(sup), [['Stack', stack, 'worker', ['Stack']]])
      yield* assertCounts(sup, { specs: 1, active: 1, supervisors: 0, workers: 1 })
      assert.deepEqual(yield* Supervisor.deleteChild(sup, 'Stack'), ['error', 'running'])
      assert.deepEqual(yield* Supervisor.restartChild(sup, 'Stack'), ['error', 'running'])
      assert.equal(yield* Supervisor.terminateChild(sup, 'Stack'), 'ok')
      const [, stack2] = (yield* Supervisor.restartChild(sup, 'Stack')) as readonly ['ok', Pid]
      assert.equal(yield* GenServer.call(stack2, 'pop'), 'hello')
      assert.equal(yield* Supervisor.terminateChild(sup, 'Stack'), 'ok')
      assert.equal(yield* Supervisor.deleteChild(sup, 'Stack'), 'ok')
      for (const f of [Supervisor.terminateChild, Supervisor.restartChild, Supervisor.deleteChild]) {
        assert.deepEqual(yield* f(sup, 'Stack'), ['error', 'not_found'])
      }
      yield* Supervisor.stop(sup)
    }))

  it('startChild returns already_started for a running id and already_present for a stopped one', () =>
    run(function* () {
      const sup = yield* startSup([worker('a')], { strategy: 'one_for_one' })
      const a = yield* started('a')
      assert.deepEqual(yield* Supervisor.startChild(sup, worker('a')), ['error', ['already_started', a]])
      yield* Supervisor.terminateChild(sup, 'a')
      assert.deepEqual(yield* Supervisor.startChild(sup, worker('a')), ['error', 'already_present'])
    }))

  it('startChild with an invalid spec returns the reason and leaves the supervisor running', () =>
    run(function* () {
      const sup = yield* startSup([], { strategy: 'one_for_one' })
      assert.deepEqual(yield* Supervisor.startChild(sup, {} as never), ['error', 'missing_id'])
      assert.deepEqual(yield* Supervisor.startChild(sup, { id: 1, start: ['Task', 'foo'] } as never), [
        'error',
        ['invalid_mfa', ['Task', 'foo']],
      ])
      assert.deepEqual(yield* Supervisor.startChild(sup, { id: 1, start: () => 'ignore', shutdown: -1 }), [
        'error',
        ['invalid_shutdown', -1],
      ])
      assert.deepEqual(
        yield* Supervisor.startChild(sup, {
          id: 1,
          start: () => 'ignore',
          restart: 'transient',
          significant: true,
        }),
        [
          'error',
          [
            'bad_combination',
            [
              ['auto_shutdown', 'never'],
              ['significant', true],
            ],
          ],
        ],
      )
      assert.throws(() => Supervisor.startChild(sup, 'junk' as never), /supervisors expect each child/)
      assert.ok(Process.alive(sup))
    }))

  it('a failed start returns its error and discards the spec; a throwing start is caught like OTP catch', () =>
    run(function* () {
      const sup = yield* startSup([], { strategy: 'one_for_one' })
      assert.deepEqual(yield* Supervisor.startChild(sup, { id: 'e', start: () => ['error', 'nope'] }), [
        'error',
        'nope',
      ])
      assert.deepEqual(yield* Supervisor.startChild(sup, { id: 'u', start: () => 'unknown' }), [
        'error',
        'unknown',
      ])
      assert.deepEqual(yield* Supervisor.startChild(sup, { id: 'x', start: () => exit('oops') }), [
        'error',
        ['EXIT', 'oops'],
      ])
      const [, [tag, [err]]] = (yield* Supervisor.startChild(sup, {
        id: 'r',
        start: () => {
          throw new RangeError('bad')
        },
      })) as unknown as ['error', ['EXIT', [Error, string]]]
      assert.equal(tag, 'EXIT')
      assert.ok(err instanceof RangeError)
      assert.deepEqual(yield* Supervisor.whichChildren(sup), [])
    }))

  it('terminateChild takes an id, not a pid (OTP 25); ids are compared by value', () =>
    run(function* () {
      const sup = yield* startSup([worker('a'), { ...worker('tuple'), id: ['Agent', 1] }], {
        strategy: 'one_for_one',
      })
      const a = yield* started('a')
      yield* started('tuple')
      // A static supervisor finds children by id only: a pid is an id no child has.
      assert.deepEqual(yield* Supervisor.terminateChild(sup, a), ['error', 'not_found'])
      assert.ok(Process.alive(a))
      assert.equal(yield* Supervisor.terminateChild(sup, 'a'), 'ok')
      assert.equal(yield* Supervisor.terminateChild(sup, ['Agent', 1]), 'ok')
      assert.deepEqual(yield* Supervisor.startChild(sup, { ...worker('t2'), id: ['Agent', 1] }), [
        'error',
        'already_present',
      ])
      yield* assertCounts(sup, { specs: 2, active: 0, supervisors: 0, workers: 2 })
    }))

  it('whichChildren lists the children newest first: [c, b, a], then [d, c, b, a]', () =>
    run(function* () {
      const sup = yield* startSup([worker('a'), worker('b'), worker('c')], { strategy: 'one_for_one' })
      assert.deepEqual(
        (yield* Supervisor.whichChildren(sup)).map(([id]) => id),
        ['c', 'b', 'a'],
      )
      yield* Supervisor.startChild(sup, worker('d'))
      assert.deepEqual(
        (yield* Supervisor.whichChildren(sup)).map(([id]) => id),
        ['d', 'c', 'b', 'a'],
      )
    }))

  it('countChildren counts supervisors and workers, running or not', () =>
    run(function* () {
      const Inner = Supervisor.define({
        name: 'Inner',
        init: () => Supervisor.init([], { strategy: 'one_for_one' }),
      })
      const sup = yield* startSup([Inner, worker('w'), { id: 'i', start: () => 'ignore' }], {
        strategy: 'one_for_one',
      })
      yield* assertCounts(sup, { specs: 3, active: 2, supervisors: 1, workers: 2 })
      const which = yield* Supervisor.whichChildren(sup)
      assert.deepEqual(
        which.map(([id, , type]) => [id, type]),
        [
          ['i', 'worker'],
          ['w', 'worker'],
          ['Inner', 'supervisor'],
        ],
      )
      assert.deepEqual(yield* Supervisor.whichChildren(which[2]![1] as Pid), [])
    }))

  it('start functions may return an Op, a promise or a generator, or be [fn, args]; children are linked to the supervisor', () =>
    run(function* () {
      const me = self()
      const sup = yield* startSup(
        [
          { id: 'op', start: () => GenServer.startLink(Worker, { id: 'op', parent: me }) },
          { id: 'async', start: async () => await GenServer.startLink(Worker, { id: 'async', parent: me }) },
          {
            id: 'gen',
            start: function* () {
              return yield* GenServer.startLink(Worker, { id: 'gen', parent: me })
            },
          },
          { id: 'mfa', start: [GenServer.startLink, [Worker, { id: 'mfa', parent: me }]] },
        ],
        { strategy: 'one_for_one' },
      )
      for (const id of ['op', 'async', 'gen', 'mfa']) {
        const pid = yield* started(id)
        assert.deepEqual(Process.info(pid)!.links, [sup], id)
      }
    }))
})

describe('automatic shutdown (§10.7)', () => {
  it('any_significant: a significant child ending by itself stops the supervisor', () =>
    quietly(function* () {
      Process.trapExit(true)
      const sup = yield* startSup(
        [worker('w', { trap: true }), worker('s', { restart: 'transient', significant: true })],
        {
          strategy: 'one_for_one',
          autoShutdown: 'any_significant',
        },
      )
      yield* started('w')
      yield* killAndWait(yield* started('s'), 'normal')
      yield* assertReceive(['terminated', 'w', 'shutdown'])
      yield* assertReceive(['EXIT', sup, 'shutdown'])
    }))

  it('all_significant: the supervisor stops when the last significant child has ended', () =>
    quietly(function* () {
      Process.trapExit(true)
      const sig = { restart: 'temporary', significant: true } as const
      const sup = yield* startSup([worker('a', sig), worker('b', sig), worker('w')], {
        strategy: 'one_for_one',
        autoShutdown: 'all_significant',
      })
      const a = yield* started('a')
      const b = yield* started('b')
      yield* killAndWait(a, 'boom')
      yield* refuteReceive(['EXIT', sup, P._], 20)
      yield* killAndWait(b, 'shutdown')
      yield* assertReceive(['EXIT', sup, 'shutdown'])
    }))

  it('terminations the supervisor causes do not count; significant children must not be permanent', () =>
    run(function* () {
      const sup = yield* startSup([worker('s', { restart: 'transient', significant: true })], {
        strategy: 'one_for_one',
        autoShutdown: 'any_significant',
      })
      yield* started('s')
      assert.equal(yield* Supervisor.terminateChild(sup, 's'), 'ok')
      yield* refuteReceive(P._, 20)
      assert.ok(Process.alive(sup))
      assert.deepEqual(
        yield* Supervisor.startChild(sup, { id: 'p', start: () => 'ignore', significant: true }),
        [
          'error',
          [
            'bad_combination',
            [
              ['restart', 'permanent'],
              ['significant', true],
            ],
          ],
        ],
      )
      assert.throws(
        () =>
          Supervisor.init([{ id: 'p', start: () => 'ignore', significant: true }], {
            strategy: 'one_for_one',
            autoShutdown: 'any_significant',
          }),
        /a significant child cannot be 'permanent'/,
      )
    }))
})

describe('supervisors in a tree', () => {
  it('a supervisor stops with its parent and shuts its children down first (G-t1)', () =>
    run(function* () {
      const me = self()
      const child = worker('a', { trap: true })
      const parent = Process.spawn(function* () {
        const r = yield* Supervisor.startLink([child], { strategy: 'one_for_one' })
        send(me, ['sup', r[1]])
        yield* Process.receive('exit')
        exit('shutdown')
      })
      yield* started('a')
      const [, sup] = yield* assertReceive(['sup', P._])
      const ref = Process.monitor(sup as Pid)
      send(parent, 'exit')
      yield* assertReceive(['terminated', 'a', 'shutdown'])
      yield* assertReceive(['DOWN', ref, 'process', sup, 'shutdown'])
    }))

  it('a killed supervisor takes its children with it', () =>
    run(function* () {
      const sup = yield* Supervisor.start([worker('a')], { strategy: 'one_for_one' })
      const a = yield* started('a')
      const ref = Process.monitor(a)
      Process.exit((sup as readonly ['ok', Pid])[1], 'kill')
      yield* assertReceive(['DOWN', ref, 'process', a, 'killed'])
    }))

  it('progress reports are info events, logged only with handleSaslReports on (as in Elixir)', async () => {
    const start = () =>
      run(function* () {
        yield* startSup([worker('a')], { strategy: 'one_for_one', name: 'progress_sup' })
      })
    Logger.configure({ handleSaslReports: false })
    try {
      assert.doesNotMatch(await captureLog(start), /started/)
    } finally {
      Logger.configure({ handleSaslReports: true })
    }
    const log = await captureLog(start)
    assert.match(log, /\[info\] Child a of Supervisor progress_sup started\nPid: #PID<[\d.]+>\nStart Call: /)
  })
})

describe('child-spec shorthands for modules that build their own spec (§10.1)', () => {
  const name = (prefix: string) => `${prefix}-${process.pid}-${Math.random().toString(36).slice(2)}`

  it('[Mod, arg] is Mod.childSpec(arg), and Mod alone is Mod.childSpec(undefined)', () => {
    const fn = () => 0
    assert.deepEqual(Supervisor.childSpec([Agent, fn]), Agent.childSpec(fn))
    assert.deepEqual(Supervisor.childSpec([Task, fn]), Task.childSpec(fn))
    assert.deepEqual(
      Supervisor.childSpec([Registry, { keys: 'unique', name: 'R' }]),
      Registry.childSpec({ keys: 'unique', name: 'R' }),
    )
    assert.deepEqual(Supervisor.childSpec(Task.Supervisor), Task.Supervisor.childSpec())
    assert.deepEqual(Supervisor.childSpec([Task.Supervisor, { name: 'ts' }], { id: 'other' }), {
      ...Task.Supervisor.childSpec({ name: 'ts' }),
      id: 'other',
    })
    // A GenServer module without childSpec still gets GenServer's default.
    assert.deepEqual(Supervisor.childSpec([Stack, ['a']]), GenServer.childSpec(Stack, ['a']))
  })

  it('[Agent, fn], [Task, fn], [Registry, opts], [DynamicSupervisor, opts] and [Task.Supervisor, opts] run under a Supervisor', () =>
    run(function* () {
      const me = self()
      const reg = name('reg')
      const dyn = name('dyn')
      const tasks = name('tasks')
      const sup = yield* startSup(
        [
          [Agent, () => 41],
          [Task, () => send(me, ['task ran', Process.get('$callers')])],
          [Registry, { keys: 'unique', name: reg }],
          [DynamicSupervisor, { name: dyn }],
          [Task.Supervisor, { name: tasks }],
        ],
        { strategy: 'one_for_one' },
      )
      yield* assertReceive(['task ran', P._])
      const children = (yield* Supervisor.whichChildren(sup)) as (readonly [
        unknown,
        unknown,
        string,
        unknown,
      ])[]
      assert.deepEqual(
        children.map(([id, , type]) => [id, type]),
        [
          [tasks, 'supervisor'],
          [dyn, 'supervisor'],
          [reg, 'supervisor'],
          ['Agent', 'worker'],
        ],
      )
      const agent = children.find(([id]) => id === 'Agent')![1] as Pid
      yield* Agent.update(agent, (n: number) => n + 1)
      assert.equal(yield* Agent.get(agent, (n: number) => n), 42)
      assert.equal(Registry.register(reg, 'me', 1)[0], 'ok')
      assert.deepEqual(Registry.lookup(reg, 'me'), [[self(), 1]])
      Registry.unregister(reg, 'me')
      assert.equal((yield* DynamicSupervisor.countChildren(dyn)).active, 0)
      const task = yield* Task.Supervisor.async(tasks, () => 'supervised')
      assert.equal(yield* Task.await(task), 'supervised')
      yield* Supervisor.stop(sup)
    }))

  it('anything else keeps Elixir’s error text', () => {
    const invalid = (got: string) => (e: unknown) =>
      e instanceof BeamishError &&
      e.code === 'ERR_BEAMISH_INVALID_CHILD_SPEC' &&
      e.message ===
        'supervisors expect each child to be one of the following:\n\n' +
          '  * a module (an object with a childSpec(arg) function, or a GenServer module with init)\n' +
          '  * a [module, arg] pair\n' +
          '  * a child specification object with at least the id and start fields\n\n' +
          `Got: ${got}`
    assert.throws(() => Supervisor.childSpec(42 as never), invalid('42'))
    assert.throws(
      () => Supervisor.childSpec([{ childSpec: 'no' }, 1] as never),
      invalid("[ { childSpec: 'no' }, 1 ]"),
    )
    assert.throws(() => Supervisor.childSpec([Agent, 1, 2] as never), /supervisors expect each child/)
    assert.throws(
      () => Supervisor.childSpec([{ childSpec: () => 'not a spec' }, 1]),
      (e: unknown) =>
        e instanceof BeamishError &&
        e.code === 'ERR_BEAMISH_INVALID_CHILD_SPEC' &&
        /childSpec\(arg\) to return a child specification object\n\nGot: "not a spec"/.test(e.message),
    )
  })
})
