/**
 * Supervisor and DynamicSupervisor behave as in Elixir 1.14.0 / OTP 25.2.3: static children are
 * managed by id only; a request a supervisor has no clause for crashes it (function_clause),
 * except a cast to a DynamicSupervisor, which is ignored; built-in child specs name their module
 * in `modules`; a DynamicSupervisor child's `shutdown` must be above 0; and supervisor reports
 * read as Elixir's Logger translator writes them (no progress reports from a DynamicSupervisor,
 * `Restart`/`Shutdown`/`Type` lines at level debug, a `Pid:` line only for a real pid and never
 * in `caused shutdown`, a via or global supervisor named by its term). Each test has, in the
 * comment above it, the Elixir snippet that shows the behaviour and what Elixir printed (`elixir
 * file.exs`, or `elixir --logger-sasl-reports true file.exs` for reports). Atoms are written as
 * Beamish strings; report values are matched loosely where Beamish's term formatting (quotes)
 * differs from `inspect/1` by design.
 */
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import {
  Agent,
  DynamicSupervisor,
  GenServer,
  Logger,
  P,
  type Pid,
  Process,
  Registry,
  Supervisor,
  Task,
} from '../../src/index.ts'
import { setGlobalNames } from '../../src/internal/gen.ts'
import { state as loggerState } from '../../src/internal/logger.ts'
import { assertReceive, captureLog, run } from '../../src/testing/index.ts'
import { catchExit, quietly, uniqueName } from './helpers.ts'
import {
  assertDynamicCounts,
  killAndWait,
  sleepForever,
  startDyn,
  started,
  startSup,
  viaRegistry,
  Worker,
  worker,
} from './supervisorHelpers.ts'

const { self } = Process

// Reports are checked as `elixir --logger-sasl-reports true` shows them, at the default level.
let savedSasl = false
beforeEach(() => {
  savedSasl = loggerState.handleSaslReports
  loggerState.handleSaslReports = true
  Logger.configure({ level: 'debug' })
})
afterEach(() => {
  loggerState.handleSaslReports = savedSasl
  Logger.configure({ level: 'debug' })
})

/** The `failed to start` reports in a captured log: whether each has a `Pid:` line, and which. */
function failedToStart(log: string): (string | null)[] {
  const re = /failed to start\n\*\* \(exit\) [^\n]*\n(?:Pid: ([^\n]*)\n)?Start Call:/g
  return [...log.matchAll(re)].map((m) => m[1] ?? null)
}

describe('static Supervisor management API (Elixir 1.14 / OTP 25)', () => {
  // elixir t4.exs:
  //   {:ok, s} = Supervisor.start_link([%{id: :a, start: {W, :start_link, [:a]}}, …], strategy: :one_for_one)
  //   [_, {:a, a, _, _}] = Supervisor.which_children(s)
  //   Supervisor.restart_child(s, a)    #=> {:error, :not_found}
  //   Supervisor.delete_child(s, a)     #=> {:error, :not_found}
  //   Supervisor.terminate_child(s, a)  #=> {:error, :not_found}  (plus a deprecation warning)
  //   Supervisor.which_children(s)      # a still running
  // OTP 25's supervisor:find_child/2 looks static children up by id only (by pid only for
  // simple_one_for_one), so a pid is an unknown id.
  it('terminateChild, restartChild and deleteChild given a pid answer not_found and leave the child running', () =>
    run(function* () {
      const sup = yield* startSup([worker('a'), worker('b')], { strategy: 'one_for_one' })
      const a = yield* started('a')
      yield* started('b')
      assert.deepEqual(yield* Supervisor.restartChild(sup, a), ['error', 'not_found'])
      assert.deepEqual(yield* Supervisor.deleteChild(sup, a), ['error', 'not_found'])
      assert.deepEqual(yield* Supervisor.terminateChild(sup, a), ['error', 'not_found'])
      assert.ok(Process.alive(a))
      const which = yield* Supervisor.whichChildren(sup)
      assert.deepEqual(
        which.map(([id, pid]) => [id, pid === a]),
        [
          ['b', false],
          ['a', true],
        ],
      )
    }))

  // elixir t5.exs:
  //   {:ok, s} = Supervisor.start_link([], strategy: :one_for_one)
  //   GenServer.call(s, :hello)
  //   #=> the caller exits {{:function_clause, [{:supervisor, :handle_call, …}…]}, {GenServer, :call, …}}
  //   #=> [error] GenServer #PID<0.99.0> terminating ** (FunctionClauseError) no function clause
  //       matching in :supervisor.handle_call/3 …; a trapping caller gets {:EXIT, s, {:function_clause, …}}
  //   {:ok, d} = DynamicSupervisor.start_link(strategy: :one_for_one)
  //   GenServer.call(d, :hello)  #=> same: FunctionClauseError in DynamicSupervisor.handle_call/3
  it('a call the supervisor does not know crashes it (function_clause), and the caller exits', () =>
    quietly(function* () {
      Process.trapExit(true)
      // A trapping worker: its terminate runs, so the shutdown of the supervisor's children shows.
      const sup = yield* startSup([worker('a', { trap: true })], { strategy: 'one_for_one' })
      const dyn = yield* startDyn()
      for (const s of [sup, dyn]) {
        yield* catchExit(GenServer.call(s, 'hello', 1000))
        const [, , reason] = yield* assertReceive(['EXIT', s, P._], 1000)
        assert.equal((reason as unknown[])[0], 'function_clause')
      }
      yield* assertReceive(['terminated', 'a', 'shutdown'], 1000)
    }))

  // elixir t4.exs:
  //   GenServer.cast(s, :hello)
  //   #=> [error] GenServer #PID<0.103.0> terminating
  //       ** (FunctionClauseError) no function clause matching in :supervisor.handle_cast/2
  //   #=> msg: {:EXIT, #PID<0.103.0>, {:function_clause, [{:supervisor, :handle_cast, …}…]}}
  //   Process.alive?(s)  #=> false
  // (A DynamicSupervisor ignores unknown casts in 1.14, as Beamish's does.)
  it('an unknown cast crashes a static supervisor (function_clause in handle_cast)', () =>
    quietly(function* () {
      Process.trapExit(true)
      const sup = yield* startSup([worker('a')], { strategy: 'one_for_one' })
      yield* started('a')
      GenServer.cast(sup, 'hello')
      const [, , reason] = yield* assertReceive(['EXIT', sup, P._], 500)
      assert.equal((reason as unknown[])[0], 'function_clause')
    }))

  // elixir t9.exs:
  //   Supervisor.start_link([{Agent, fn -> 1 end}, {DynamicSupervisor, name: :ds},
  //     {Task.Supervisor, name: :ts}, {Registry, keys: :unique, name: :rg}, {W, 1}, App,
  //     {Task, fn -> Process.sleep(10000) end}], strategy: :one_for_one)
  //   Supervisor.which_children(s)
  //   #=> [{Task, _, :worker, [Task]}, {App, _, :supervisor, [App]}, {W, _, :worker, [W]},
  //        {:rg, _, :supervisor, [Registry]}, {:ts, _, :supervisor, [Task.Supervisor]},
  //        {:ds, _, :supervisor, [DynamicSupervisor]}, {Agent, _, :worker, [Agent]}]
  it('the built-in child specs name their module in modules, not the start function', () =>
    run(function* () {
      const ds = uniqueName('ds')
      const ts = uniqueName('ts')
      const rg = uniqueName('rg')
      const sup = yield* startSup(
        [
          [Agent, () => 1],
          [DynamicSupervisor, { name: ds }],
          [Task.Supervisor, { name: ts }],
          [Registry, { keys: 'unique', name: rg }],
          [Task, () => Process.sleep(10_000)],
        ],
        { strategy: 'one_for_one' },
      )
      const which = yield* Supervisor.whichChildren(sup)
      assert.deepEqual(
        which.map(([id, , , modules]) => [id, modules]),
        [
          ['Task', ['Task']],
          [rg, ['Registry']],
          [ts, ['Task.Supervisor']],
          [ds, ['DynamicSupervisor']],
          ['Agent', ['Agent']],
        ],
      )
      yield* Supervisor.stop(sup)
    }))
})

describe('DynamicSupervisor child specs (Elixir 1.14)', () => {
  // elixir t1.exs:
  //   {:ok, d} = DynamicSupervisor.start_link(strategy: :one_for_one)
  //   DynamicSupervisor.start_child(d, %{id: 1, start: {W, :start_link, [1]}, shutdown: 0})
  //   #=> {:error, {:invalid_shutdown, 0}}
  // (1.14's validate_shutdown/1 wants an integer > 0; a static Supervisor accepts 0.)
  it('startChild rejects shutdown 0 with invalid_shutdown', () =>
    run(function* () {
      const sup = yield* startDyn()
      const r = yield* DynamicSupervisor.startChild(sup, {
        id: 0,
        start: () => ['ok', Process.spawnLink(sleepForever)],
        shutdown: 0,
      })
      assert.deepEqual(r[0] === 'ok' ? ['ok', 'a pid'] : r, ['error', ['invalid_shutdown', 0]])
      yield* assertDynamicCounts(sup, { specs: 0, active: 0, supervisors: 0, workers: 0 })
    }))
})

describe('supervisor reports, as Elixir 1.14 logs them', () => {
  // elixir --logger-sasl-reports true t1.exs:
  //   {:ok, d} = DynamicSupervisor.start_link(strategy: :one_for_one)
  //   DynamicSupervisor.start_child(d, %{id: 1, start: {W, :start_link, [1]}})
  //   #=> {:ok, #PID<0.105.0>} and nothing logged (no progress report)
  //   {:ok, s} = Supervisor.start_link([], strategy: :one_for_one)
  //   Supervisor.start_child(s, %{id: 2, start: {W, :start_link, [1]}})
  //   #=> [info] Child 2 of Supervisor #PID<0.105.0> (Supervisor.Default) started …
  it('a DynamicSupervisor logs no progress report for the children it starts', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const sup = yield* startDyn()
        const r = yield* DynamicSupervisor.startChild(sup, {
          id: 'w',
          start: () => ['ok', Process.spawnLink(sleepForever)],
        })
        assert.equal(r[0], 'ok')
        yield* DynamicSupervisor.stop(sup)
      }),
    )
    assert.doesNotMatch(log, /started\nPid:/)
  })

  // elixir --logger-sasl-reports true t2.exs (Logger at its default level, :debug):
  //   [info] Child :a of Supervisor #PID<0.103.0> (Supervisor.Default) started
  //   Pid: #PID<0.104.0>
  //   Start Call: W.start_link(1)
  //   Restart: :permanent
  //   Shutdown: 5000
  //   Type: :worker
  //
  //   [error] Child :a of Supervisor #PID<0.103.0> (Supervisor.Default) terminated
  //   ** (exit) killed
  //   Pid: #PID<0.104.0>
  //   Start Call: W.start_link(1)
  //   Restart: :permanent
  //   Shutdown: 5000
  //   Type: :worker
  // and with Logger.configure(level: :info) (t10.exs) the last three lines are left out.
  it('at level debug, child reports end with Restart, Shutdown and Type lines (not at info)', async () => {
    const body = () =>
      run(function* () {
        yield* startSup([worker('a')], { strategy: 'one_for_one' })
        yield* killAndWait(yield* started('a'))
        yield* started('a')
      })
    const debug = await captureLog(body)
    const tail = String.raw`Start Call: [^\n]*\nRestart: \W*permanent\W*\nShutdown: 5000\nType: \W*worker\W*`
    assert.match(debug, new RegExp(String.raw`\] Child a of Supervisor [^\n]* started\nPid: [^\n]*\n${tail}`))
    assert.match(
      debug,
      new RegExp(
        String.raw`\] Child a of Supervisor [^\n]* terminated\n\*\* \(exit\) [^\n]*\nPid: [^\n]*\n${tail}`,
      ),
    )
    Logger.configure({ level: 'info' })
    const info = await captureLog(body)
    assert.match(info, /terminated/)
    assert.doesNotMatch(info, /\nRestart: /)
  })

  // elixir --logger-sasl-reports true t3.exs (a child that starts once, then returns
  // {:error, {:nope, n}}; max_restarts: 2; the child is killed with :boom):
  //   [error] Child :f of Supervisor #PID<0.105.0> (Supervisor.Default) terminated
  //   ** (exit) :boom
  //   Pid: #PID<0.106.0>
  //   …
  //   [error] Child :f of Supervisor #PID<0.105.0> (Supervisor.Default) failed to start
  //   ** (exit) {:nope, 2}
  //   Pid: #PID<0.106.0>            <- the first restart attempt names the old pid
  //   Start Call: W.flaky(…)
  //   …
  //   [error] Child :f of Supervisor #PID<0.105.0> (Supervisor.Default) failed to start
  //   ** (exit) {:nope, 3}
  //   Start Call: W.flaky(…)        <- the retry ({restarting, Pid}) has no Pid line
  //   …
  //   [error] Child :f of Supervisor #PID<0.105.0> (Supervisor.Default) caused shutdown
  //   ** (exit) :reached_max_restart_intensity
  //   Start Call: W.flaky(…)
  it('a static restart that fails reports the old pid on its first attempt, none on the retries', async () => {
    let old: Pid | null = null
    const log = await captureLog(() =>
      run(function* () {
        Process.trapExit(true)
        const me = self()
        let calls = 0
        const child = {
          id: 'f',
          start: () =>
            ++calls === 1 ? GenServer.startLink(Worker, { id: 'f', parent: me }) : ['error', ['nope', calls]],
        }
        const sup = yield* startSup([child], { strategy: 'one_for_one', maxRestarts: 2 })
        old = yield* started('f')
        Process.exit(old, 'boom')
        yield* assertReceive(['EXIT', sup, 'shutdown'], 1000)
      }),
    )
    assert.deepEqual(failedToStart(log), [String(old), null])
    assert.match(log, /caused shutdown\n\*\* \(exit\) [^\n]*reached_max_restart_intensity[^\n]*\nStart Call:/)
  })

  // elixir --logger-sasl-reports true t3.exs, the same child under a DynamicSupervisor
  // (max_restarts: 2):
  //   [error] Child :undefined of Supervisor #PID<0.103.0> (Supervisor.Default) terminated
  //   ** (exit) :boom
  //   Pid: #PID<0.104.0>
  //   …
  //   [error] Child :undefined of Supervisor #PID<0.103.0> (Supervisor.Default) failed to start
  //   ** (exit) {:nope, 2}
  //   Start Call: W.flaky(…)        <- no Pid line (the offender's pid is {:restarting, pid})
  //   …
  //   [error] Child :undefined of Supervisor #PID<0.103.0> (Supervisor.Default) failed to start
  //   ** (exit) {:nope, 3}
  //   Start Call: W.flaky(…)
  //   …
  //   [error] Child :undefined of Supervisor #PID<0.103.0> (Supervisor.Default) caused shutdown
  //   ** (exit) :reached_max_restart_intensity
  //   Start Call: W.flaky(…)        <- no Pid line
  it('a DynamicSupervisor restart that fails, and the shutdown it causes, are reported with no Pid line', async () => {
    const log = await captureLog(() =>
      run(function* () {
        Process.trapExit(true)
        let calls = 0
        const flaky = () =>
          ++calls === 1 ? ['ok', Process.spawnLink(sleepForever)] : ['error', ['nope', calls]]
        const sup = yield* startDyn({ maxRestarts: 2 })
        const r = yield* DynamicSupervisor.startChild(sup, { id: 'f', start: [flaky, []] })
        Process.exit((r as readonly ['ok', Pid])[1], 'boom')
        yield* assertReceive(['EXIT', sup, 'shutdown'], 1000)
      }),
    )
    assert.deepEqual(failedToStart(log), [null, null])
    assert.match(log, /caused shutdown\n\*\* \(exit\) [^\n]*reached_max_restart_intensity[^\n]*\nStart Call:/)
  })

  // elixir --logger-sasl-reports true t15.exs:
  //   Supervisor.start_link([spec], strategy: :one_for_one, name: {:via, Registry, {Reg, "mysup"}})
  //   #=> [info] Child :a of Supervisor {Reg, "mysup"} started
  //   Supervisor.start_link([spec], strategy: :one_for_one, name: {:global, :gsup})
  //   #=> [info] Child :a of Supervisor :gsup started
  // (the translator shows the via or global name's term, not the whole name tuple)
  it('a supervisor registered through via or global is named by its term in reports', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const via = viaRegistry()
        const sup = yield* startSup([worker('a')], {
          strategy: 'one_for_one',
          name: { via, key: 'via_report_sup' },
        })
        yield* started('a')
        yield* Supervisor.stop(sup)
        // Global names are distribution's; a via registry stands in for them here.
        setGlobalNames(viaRegistry())
        try {
          const g = yield* startSup([worker('b')], {
            strategy: 'one_for_one',
            name: { global: 'global_report_sup' },
          })
          yield* started('b')
          yield* Supervisor.stop(g)
        } finally {
          setGlobalNames(null)
        }
      }),
    )
    assert.match(log, /\] Child a of Supervisor \W*via_report_sup\W* started\n/)
    assert.match(log, /\] Child b of Supervisor \W*global_report_sup\W* started\n/)
    assert.doesNotMatch(log, /registerName|global:/)
  })
})
