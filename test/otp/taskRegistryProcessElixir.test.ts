/**
 * Task, Registry and the less travelled corners of Process behave as Elixir 1.14 on OTP 25 does:
 * unregisterMatch's listener notifications, a duplicate registry's entry order, casts to via
 * names, how a task's non-exception exit is logged, monitoring another node's name without
 * distribution, monitoring oneself, and Process.sleep's result. Each test states the Elixir snippet it mirrors and the output the BEAM
 * gave (`elixir file.exs`, Elixir 1.14.0 on OTP 25.2.3). The behaviour tests of each function are
 * in the module's own test file.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Agent, exit, GenServer, P, Process, Registry, Task } from '../../src/index.ts'
import { assertReceive, captureLog, run } from '../../src/testing/index.ts'
import { quietly, uniqueName } from './helpers.ts'

const { self, send } = Process

describe('Registry as in Elixir', () => {
  // Process.register(self(), :lis)
  // {:ok, _} = Registry.start_link(keys: :unique, name: U, listeners: [:lis])
  // {:ok, _} = Registry.start_link(keys: :duplicate, name: D, listeners: [:lis])
  // Registry.unregister_match(U, :nokey, :_)   #=> :ok
  //   message: {:unregister, U, :nokey, #PID<0.96.0>}
  // spawn(fn -> Registry.register(U, :other, 1); Process.sleep(:infinity) end)
  // Registry.unregister_match(U, :other, :_)   #=> :ok
  //   message: {:unregister, U, :other, #PID<0.96.0>}
  // Registry.unregister_match(D, :zz, :_)      #=> :ok
  //   message: {:unregister, D, :zz, #PID<0.96.0>}
  // (Elixir compares the entries deleted with the caller's total under the key: 0 == 0 takes the
  // "deleted everything" branch, which notifies, exactly as unregister/2 always does.)
  it('unregisterMatch tells the listeners even when the caller holds nothing under the key', () =>
    quietly(function* () {
      const listener = uniqueName('listener')
      Process.register(listener, self())
      const u = uniqueName('U')
      const d = uniqueName('D')
      yield* Registry.startLink({ keys: 'unique', name: u, listeners: [listener] })
      yield* Registry.startLink({ keys: 'duplicate', name: d, listeners: [listener] })

      assert.equal(Registry.unregisterMatch(u, 'nokey', P._), 'ok')
      yield* assertReceive(['unregister', u, 'nokey', self()], 50)

      const other = Process.spawn(function* () {
        Registry.register(u, 'other', 1)
        yield* Process.receive('never')
      })
      yield* assertReceive(['register', u, 'other', other, 1], 200)
      assert.equal(Registry.unregisterMatch(u, 'other', P._), 'ok')
      yield* assertReceive(['unregister', u, 'other', self()], 50)
      Process.exit(other, 'kill')

      assert.equal(Registry.unregisterMatch(d, 'zz', P._), 'ok')
      yield* assertReceive(['unregister', d, 'zz', self()], 50)
    }))

  // {:ok, _} = Registry.start_link(keys: :duplicate, name: D)
  // {:ok, _} = Registry.register(D, :t, 1)                                  # self = #PID<0.96.0>
  // b = spawn(fn -> Registry.register(D, :t, 2); send(me, :ok); ... end)    # b = #PID<0.101.0>
  // {:ok, _} = Registry.register(D, :t, 3)
  // Registry.lookup(D, :t)  #=> [{#PID<0.96.0>, 1}, {#PID<0.101.0>, 2}, {#PID<0.96.0>, 3}]
  // Registry.match(D, :t, :_)        #=> same order
  // Registry.dispatch(D, :t, fun)    # fun gets the same order
  // (one partition: one duplicate_bag ETS table, whose lookup keeps insertion order)
  it('a duplicate registry lists a key’s entries in registration order, not grouped by process', () =>
    quietly(function* () {
      const d = uniqueName('D')
      yield* Registry.startLink({ keys: 'duplicate', name: d })
      const me = self()
      Registry.register(d, 't', 1)
      const b = Process.spawn(function* () {
        Registry.register(d, 't', 2)
        send(me, 'registered')
        yield* Process.receive('never')
      })
      yield* assertReceive('registered', 200)
      Registry.register(d, 't', 3)
      // Pids shown as text, so that a failure prints a readable diff.
      const text = (entries: readonly (readonly [Process.Pid, unknown])[]) =>
        entries.map(([pid, v]) => `${pid}=${v}`)
      const expected = [`${me}=1`, `${b}=2`, `${me}=3`]
      try {
        assert.deepEqual(text(Registry.lookup(d, 't')), expected)
        assert.deepEqual(text(Registry.match(d, 't', P._)), expected)
        let dispatched: string[] = []
        Registry.dispatch(d, 't', (entries) => {
          dispatched = text(entries)
        })
        assert.deepEqual(dispatched, expected)
      } finally {
        Process.exit(b, 'kill')
      }
    }))

  // {:ok, _} = Registry.start_link(keys: :duplicate, name: D)
  // GenServer.cast({:via, Registry, {D, :k}}, :x)                         #=> :ok
  // GenServer.cast({:via, Registry, {:nope, :k}}, :x)                     #=> :ok
  // Agent.cast({:via, Registry, {:nope, :k}}, fn s -> s end)              #=> :ok
  // (GenServer.cast/2 on a :via name is `mod.send(name, msg)` wrapped in `catch _, _ -> :ok`:
  // a cast never fails, semantics G-c2)
  it('a cast to a via name of an unknown or a duplicate registry returns ok instead of throwing', () =>
    quietly(function* () {
      const d = uniqueName('D')
      yield* Registry.startLink({ keys: 'duplicate', name: d })
      assert.equal(GenServer.cast(Registry.via(d, 'k'), 'x'), 'ok')
      const unknown = uniqueName('nope')
      assert.equal(GenServer.cast(Registry.via(unknown, 'k'), 'x'), 'ok')
      assert.equal(
        Agent.cast(Registry.via(unknown, 'k'), (s: unknown) => s),
        'ok',
      )
    }))
})

describe('Task as in Elixir', () => {
  // Logger.configure(level: :error)
  // {:ok, _} = Task.start(fn -> exit("boom") end)
  // [error] Task #PID<0.102.0> started from #PID<0.96.0> terminating
  // ** (stop) "boom"
  //     r6.exs:8: anonymous fn/0 in :elixir_compiler_0.__FILE__/1
  //     ...
  // Function: #Function<2.22739411 in file:r6.exs>
  //     Args: []
  // (a throw is logged the same way: `** (stop) {:nocatch, :x}`)
  it('a task that exits with a non-exception reason is logged as ** (stop) reason', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const [, pid] = Task.start(() => {
          throw exit('boom')
        })
        const ref = Process.monitor(pid)
        yield* assertReceive(['DOWN', ref, 'process', pid, 'boom'], 500)
      }),
    )
    assert.match(log, /Task #PID<[\d.]+> started from #PID<[\d.]+> terminating/)
    assert.match(log, /\*\* \(stop\) "boom"/)
  })

  // Logger.configure(level: :error)
  // {:ok, _} = Task.start(fn -> throw(:x) end)
  // [error] Task #PID<0.102.0> started from #PID<0.96.0> terminating
  // ** (stop) {:nocatch, :x}
  //     t2.exs:7: anonymous fn/0 in :elixir_compiler_0.__FILE__/1
  //     ...
  // Function: #Function<2.125280579 in file:t2.exs>
  //     Args: []
  // (Task.Supervised logs a throw as the reason {:nocatch, value}, like any other exit)
  it('a task that throws a non-error is logged as ** (stop) [nocatch, value]', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const [, pid] = Task.start(() => {
          throw 'x'
        })
        const ref = Process.monitor(pid)
        yield* assertReceive(['DOWN', ref, 'process', pid, [['nocatch', 'x'], P.string]], 500)
      }),
    )
    assert.match(log, /Task #PID<[\d.]+> started from #PID<[\d.]+> terminating/)
    assert.match(log, /\*\* \(stop\) .*nocatch.*x/)
  })
})

describe('Process as in Elixir', () => {
  // (a node that is not distributed: node() == :nonode@nohost)
  // Process.monitor({:nobody, :other@host})
  // ** (ArgumentError) errors were found at the given arguments:
  //   * 2nd argument: not a pid
  //     :erlang.monitor(:process, {:nobody, :other@host})
  // (a remote pid, by contrast, gets {:DOWN, ref, :process, pid, :noconnection} at once: see
  // monitors.test.ts)
  it('monitoring [name, node] of another node throws while the local node is not distributed', () =>
    quietly(function* () {
      assert.equal(Process.nodeName(), 'nonode@nohost')
      assert.throws(() => Process.monitor(['nobody', 'other@host']), { code: 'ERR_BEAMISH_BADARG' })
    }))

  // ref = Process.monitor(self())
  // Process.info(self(), [:monitors])   #=> [monitors: []]
  // Process.demonitor(ref, [:info])     #=> false
  // (the BEAM creates no monitor when a process monitors itself: the ref is all there is)
  it('a monitor on oneself is not a monitor: info lists none and demonitor with info gives false', () =>
    quietly(function* () {
      const ref = Process.monitor(self())
      assert.deepEqual(Process.info(self())!.monitors.map(String), [])
      assert.equal(Process.demonitor(ref, { info: true }), false)
    }))

  // Process.sleep(0)   #=> :ok
  it('sleep returns ok', () =>
    quietly(function* () {
      assert.equal(yield* Process.sleep(0), 'ok')
    }))
})
