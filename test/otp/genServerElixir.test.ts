/**
 * GenServer and Agent behave as in Elixir 1.14 / OTP 25 at the edges an Elixir user would notice:
 * an idle timeout across system messages, stop's reason compared by value, the reply of a
 * stopping call sent after terminate, a thrown value taken as the callback's result, and the
 * "terminating" report's last message and reason. Each test states the Elixir snippet it
 * mirrors and what Elixir printed (`elixir file.exs`).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ExitError } from '../../src/Errors.ts'
import { Agent, GenServer, P, type Pid, Process } from '../../src/index.ts'
import { inspect } from '../../src/internal/format.ts'
import { assertReceive, captureLog, refuteReceive, run } from '../../src/testing/index.ts'
import { startOk } from './genServerHelpers.ts'
import { awaitDown, catchExit, quietly } from './helpers.ts'

const { self, send } = Process

/** A server that does nothing but exist. */
const Plain = GenServer.define({
  name: 'Plain',
  init: (s: unknown) => GenServer.ok(s),
})

describe('GenServer vs Elixir 1.14: timeouts and system messages', () => {
  // defmodule Idle do
  //   use GenServer
  //   def init(to), do: {:ok, to}
  //   def handle_call(:idle, _from, to), do: {:reply, :ok, to, 50}
  //   def handle_info(msg, to), do: (send(to, {:info, msg}); {:noreply, to})
  // end
  // {:ok, pid} = GenServer.start(Idle, self())
  // :ok = GenServer.call(pid, :idle)
  // IO.inspect(:sys.get_state(pid) == self())
  // receive do m -> IO.inspect(m) after 500 -> IO.puts("no timeout") end
  //
  // Elixir prints:
  //   true
  //   {:info, :timeout}
  // (gen_server's system_continue re-enters the loop with the same Time: a sys message restarts
  // the idle timeout, it does not cancel it; only ordinary messages cancel it.)
  it('an idle timeout survives a system message (getState): handleInfo still gets "timeout"', () =>
    run(function* () {
      const Idle = GenServer.define({
        name: 'Idle',
        init: (to: Pid) => GenServer.ok(to),
        handleCall: (_req: 'idle', _from: GenServer.From, to: Pid) => GenServer.reply('ok', to, 50),
        handleInfo: (msg: unknown, to: Pid) => {
          send(to, ['info', msg])
          return GenServer.noreply(to)
        },
      })
      const pid = yield* startOk(Idle, self())
      assert.equal(yield* GenServer.call(pid, 'idle'), 'ok')
      assert.equal(yield* GenServer.getState(pid), self())
      yield* assertReceive(['info', 'timeout'], 500)
      yield* GenServer.stop(pid)
    }))
})

describe('GenServer vs Elixir 1.14: stop', () => {
  // defmodule Plain do
  //   use GenServer
  //   def init(s), do: {:ok, s}
  // end
  // {:ok, pid} = GenServer.start(Plain, nil)
  // IO.inspect GenServer.stop(pid, {:shutdown, %{why: "maintenance"}})
  // {:ok, pid} = GenServer.start(Plain, nil)
  // IO.inspect GenServer.stop(pid, {:shutdown, %{"a" => [1]}})
  // {:ok, agent} = Agent.start(fn -> 0 end)
  // IO.inspect Agent.stop(agent, {:shutdown, %{why: "maintenance"}})
  //
  // Elixir prints:
  //   :ok
  //   :ok
  //   :ok
  // (proc_lib:stop compares the DOWN reason with the requested one by term equality.)
  it('stop returns ok when the reason holds a plain object or a Map (compared by value, not identity)', () =>
    run(function* () {
      let pid = yield* startOk(Plain, null)
      assert.equal(yield* GenServer.stop(pid, ['shutdown', { why: 'maintenance' }]), 'ok')
      pid = yield* startOk(Plain, null)
      assert.equal(yield* GenServer.stop(pid, ['shutdown', new Map([['a', [1]]])]), 'ok')
      const started = yield* Agent.start(() => 0)
      assert.ok(Array.isArray(started) && started[0] === 'ok')
      assert.equal(yield* Agent.stop(started[1] as Pid, ['shutdown', { why: 'maintenance' }]), 'ok')
    }))

  // defmodule Bye do
  //   use GenServer
  //   def init(test), do: {:ok, test}
  //   def handle_call(:bye, _from, test), do: {:stop, :normal, :goodbye, test}
  //   def terminate(_reason, test) do
  //     send(test, :in_terminate)
  //     receive do :finish -> :ok end
  //   end
  // end
  // test = self()
  // {:ok, pid} = GenServer.start(Bye, test)
  // spawn(fn -> send(test, {:replied, GenServer.call(pid, :bye)}) end)
  // receive do :in_terminate -> IO.puts("in terminate") end
  // receive do {:replied, r} -> IO.inspect({:replied_while_terminating, r})
  // after 50 -> IO.puts("no reply while terminate runs") end
  // send(pid, :finish)
  // receive do {:replied, r} -> IO.inspect({:replied, r}) after 1000 -> IO.puts("no reply") end
  //
  // Elixir prints:
  //   in terminate
  //   no reply while terminate runs
  //   {:replied, :goodbye}
  // (gen_server's handle_msg: `try terminate(...) after reply(From, Reply) end`: the reply goes
  // out after terminate/2 has returned, so the caller sees terminate's effects.)
  it('["stop", reason, reply, state] from handleCall replies only after terminate has run', () =>
    run(function* () {
      const test = self()
      const Bye = GenServer.define({
        name: 'Bye',
        init: (t: Pid) => GenServer.ok(t),
        handleCall: (_req: 'bye', _from: GenServer.From, t: Pid) => ['stop', 'normal', 'goodbye', t] as const,
        *terminate(_reason: unknown, t: Pid) {
          send(t, 'in_terminate')
          yield* Process.receive('finish')
        },
      })
      const pid = yield* startOk(Bye, test)
      Process.spawn(function* () {
        send(test, ['replied', yield* GenServer.call(pid, 'bye')])
      })
      yield* assertReceive('in_terminate', 1000)
      try {
        yield* refuteReceive(['replied', P._], 50)
      } finally {
        send(pid, 'finish')
      }
      yield* assertReceive(['replied', 'goodbye'], 1000)
    }))
})

describe('GenServer vs Elixir 1.14: a thrown value is the callback result', () => {
  // defmodule Thrower do
  //   use GenServer
  //   def init(:throw), do: throw({:ok, :thrown})
  //   def init(s), do: {:ok, s}
  //   def handle_call(:early, _from, s), do: throw({:reply, :early, s})
  //   def handle_cast(:inc, s), do: throw({:noreply, s + 1})
  //   def handle_call(:get, _from, s), do: {:reply, s, s}
  // end
  // {:ok, pid} = GenServer.start(Thrower, 0)
  // IO.inspect GenServer.call(pid, :early)
  // GenServer.cast(pid, :inc)
  // IO.inspect GenServer.call(pid, :get)
  // {:ok, pid2} = GenServer.start(Thrower, :throw)
  // IO.inspect :sys.get_state(pid2)
  //
  // Elixir prints:
  //   :early
  //   1
  //   :thrown
  // (gen_server's try_dispatch / init_it: `catch throw:R -> {ok, R}`. Beamish maps a thrown
  // non-Error to Erlang's throw, [['nocatch', v], stack], everywhere else.)
  it('a value thrown (not an Error) from handleCall, handleCast or init is taken as its return', () =>
    quietly(function* () {
      const Thrower = GenServer.define({
        name: 'Thrower',
        init: (s: number | 'throw') => {
          if (s === 'throw') throw GenServer.ok('thrown')
          return GenServer.ok(s)
        },
        handleCall: (req: 'early' | 'get', _from: GenServer.From, s: number) => {
          if (req === 'early') throw GenServer.reply('early', s)
          return GenServer.reply(s, s)
        },
        handleCast: (_req: 'inc', s: number) => {
          throw GenServer.noreply(s + 1)
        },
      })
      const pid = yield* startOk(Thrower, 0)
      assert.deepEqual(yield* callOrExit(GenServer.call(pid, 'early', 1000)), ['ok', 'early'])
      GenServer.cast(pid, 'inc')
      assert.deepEqual(yield* callOrExit(GenServer.call(pid, 'get', 1000)), ['ok', 1])
      const r = yield* GenServer.start(Thrower, 'throw')
      assert.ok(Array.isArray(r) && r[0] === 'ok', `start gave ${inspect(r)}`)
      assert.equal(yield* GenServer.getState(r[1] as Pid), 'thrown')
    }))
})

/** `['ok', value]`, or `['exit', inspected reason]` when `op` exits (a failure then reads well). */
function* callOrExit(op: Iterable<unknown>): Generator<unknown, unknown, unknown> {
  try {
    return ['ok', yield* op as Generator<unknown, unknown, unknown>]
  } catch (e) {
    if (e instanceof ExitError) return ['exit', inspect(e.reason)]
    throw e
  }
}

describe('GenServer vs Elixir 1.14: the "terminating" report', () => {
  // defmodule Stopper do
  //   use GenServer
  //   def init(s), do: {:ok, s}
  //   def handle_call(:bye, _from, s), do: {:stop, "boom", s}
  // end
  // {:ok, pid} = GenServer.start(Stopper, 0)
  // IO.inspect self()
  // try do GenServer.call(pid, :bye) catch :exit, r -> r end
  //
  // Elixir prints:
  //   #PID<0.96.0>
  //   [error] GenServer #PID<0.103.0> terminating
  //   ** (stop) "boom"
  //   Last message (from #PID<0.96.0>): :bye
  //   State: 0
  //   Client #PID<0.96.0> is alive
  //       (stdlib 4.2) gen.erl:256: :gen.do_call/4
  //       …
  // (A bad return from handleCall, e.g. Agent.getAndUpdate's, is reported the same way.)
  it('a handleCall that returns stop is reported with "Last message (from client)" and the client line', async () => {
    let client: Pid | undefined
    const log = await captureLog(() =>
      run(function* () {
        client = self()
        const Stopper = GenServer.define({
          name: 'Stopper',
          init: (s: number) => GenServer.ok(s),
          handleCall: (_req: 'bye', _from: GenServer.From, s: number) => ['stop', 'boom', s] as const,
        })
        const pid = yield* startOk(Stopper, 0)
        yield* catchExit(GenServer.call(pid, 'bye', 1000))
        yield* awaitDown(pid, 1000)
      }),
    )
    assert.ok(log.includes(`Last message (from ${client}): "bye"`), log)
    assert.ok(log.includes(`Client ${client} is alive`), log)
  })

  // defmodule Stopper do
  //   use GenServer
  //   def init(s), do: {:ok, s}
  //   def handle_cast(:bye, s), do: {:stop, "boom", s}
  // end
  // {:ok, pid} = GenServer.start(Stopper, 0)
  // GenServer.cast(pid, :bye)
  //
  // Elixir prints:
  //   [error] GenServer #PID<0.103.0> terminating
  //   ** (stop) "boom"
  //   Last message: {:"$gen_cast", :bye}
  //   State: 0
  it('a handleCast that returns stop is reported with the whole ["$gen_cast", request] as last message', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const Stopper = GenServer.define({
          name: 'Stopper',
          init: (s: number) => GenServer.ok(s),
          handleCast: (_req: 'bye', s: number) => ['stop', 'boom', s] as const,
        })
        const pid = yield* startOk(Stopper, 0)
        GenServer.cast(pid, 'bye')
        yield* awaitDown(pid, 1000)
      }),
    )
    assert.ok(log.includes(`Last message: ${inspect(['$gen_cast', 'bye'])}`), log)
  })

  // defmodule Cont do
  //   use GenServer
  //   def init(c), do: {:ok, 0, {:continue, c}}
  //   def handle_continue(:stop, s), do: {:stop, "boom", s}
  //   def handle_continue(:raise, _s), do: raise "continue boom"
  // end
  // {:ok, _} = GenServer.start(Cont, :stop)
  // {:ok, _} = GenServer.start(Cont, :raise)
  //
  // Elixir prints:
  //   [error] GenServer #PID<0.103.0> terminating
  //   ** (stop) "boom"
  //   Last message: {:continue, :stop}
  //   State: 0
  //   [error] GenServer #PID<0.104.0> terminating
  //   ** (RuntimeError) continue boom
  //       …
  //   Last message: {:continue, :raise}
  //   State: 0
  it('a handleContinue that stops or raises is reported with ["continue", c] as last message', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const Cont = GenServer.define({
          name: 'Cont',
          init: (c: 'stop' | 'raise') => GenServer.ok(0, ['continue', c]),
          handleContinue: (c: 'stop' | 'raise', s: number) => {
            if (c === 'raise') throw new Error('continue boom')
            return ['stop', 'boom', s] as const
          },
        })
        yield* awaitDown(yield* startOk(Cont, 'stop'), 1000)
        yield* awaitDown(yield* startOk(Cont, 'raise'), 1000)
      }),
    )
    assert.ok(log.includes(`Last message: ${inspect(['continue', 'stop'])}`), log)
    assert.ok(log.includes(`Last message: ${inspect(['continue', 'raise'])}`), log)
  })

  // defmodule Plain do
  //   use GenServer
  //   def init(s), do: {:ok, s}
  // end
  // {:ok, pid} = GenServer.start(Plain, 0)
  // IO.inspect GenServer.stop(pid, "boom")
  //
  // Elixir prints:
  //   [error] GenServer #PID<0.103.0> terminating
  //   ** (stop) "boom"
  //   Last message: []
  //   State: 0
  //   :ok
  it('GenServer.stop with an abnormal reason is reported with "Last message: []"', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const pid = yield* startOk(Plain, 0)
        assert.equal(yield* GenServer.stop(pid, 'boom'), 'ok')
      }),
    )
    assert.match(log, /terminating/)
    assert.ok(log.includes('Last message: []'), log)
  })

  // defmodule Stopper do
  //   use GenServer
  //   def init(s), do: {:ok, s}
  //   def handle_cast({:return, r}, _s), do: r
  // end
  // {:ok, pid} = GenServer.start(Stopper, 0)
  // GenServer.cast(pid, {:return, {:stop, "custom failure", 0}})
  // {:ok, pid} = GenServer.start(Stopper, 0)
  // GenServer.cast(pid, {:return, {:noreply, 1, :foo}})
  //
  // Elixir prints:
  //   [error] GenServer #PID<0.103.0> terminating
  //   ** (stop) "custom failure"
  //   Last message: {:"$gen_cast", {:return, {:stop, "custom failure", 0}}}
  //   State: 0
  //   [error] GenServer #PID<0.104.0> terminating
  //   ** (stop) bad return value: {:noreply, 1, :foo}
  //   Last message: {:"$gen_cast", {:return, {:noreply, 1, :foo}}}
  //   State: 0
  // (Logger.Translator's format_reason: "** (stop) " <> Exception.format_exit(reason), which
  // spells out bad_return_value, bad_call, shutdown…)
  it('a stop reason is reported as "** (stop) …", a bad return as "** (stop) bad return value: …"', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const Stopper = GenServer.define({
          name: 'Stopper',
          init: (s: number) => GenServer.ok(s),
          handleCast: (req: readonly ['return', unknown], _s: number) =>
            req[1] as GenServer.NoReplyResult<number>,
        })
        let pid = yield* startOk(Stopper, 0)
        GenServer.cast(pid, ['return', ['stop', 'custom failure', 0]])
        yield* awaitDown(pid, 1000)
        pid = yield* startOk(Stopper, 0)
        GenServer.cast(pid, ['return', ['noreply', 1, 'foo']])
        yield* awaitDown(pid, 1000)
      }),
    )
    assert.ok(log.includes('** (stop) "custom failure"'), log)
    assert.ok(log.includes(`** (stop) bad return value: ${inspect(['noreply', 1, 'foo'])}`), log)
  })
})
