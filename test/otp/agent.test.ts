/**
 * Agent (semantics.md §13, A1–A4), and the behavioural cases of Elixir 1.14's agent_test.exs.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BeamishError } from '../../src/Errors.ts'
import { Agent, P, type Pid, Process, Supervisor } from '../../src/index.ts'
import { assertReceive, captureLog, run } from '../../src/testing/index.ts'
import { awaitDown, catchExit, linked, quietly, uniqueName } from './helpers.ts'

const { self, send } = Process

function* startLinkOk<S>(fn: Agent.InitFun<S>, opts?: Agent.StartOptions) {
  const r = yield* Agent.startLink(fn, opts)
  if (r === 'ignore' || r[0] !== 'ok') return assert.fail(`expected ['ok', pid], got ${String(r)}`)
  return r[1]
}

describe('Agent', () => {
  it('A1/A2: startLink workflow with an unregistered agent: linked, update, get, getAndUpdate, stop', () =>
    run(function* () {
      const agent = yield* startLinkOk(() => new Map<string, string>())
      assert.ok(linked(agent))
      assert.equal(yield* Agent.update(agent, (m) => new Map(m).set('hello', 'world')), 'ok')
      assert.equal(yield* Agent.get(agent, (m) => m.get('hello'), 3000), 'world')
      const popped = yield* Agent.getAndUpdate(agent, (m) => {
        const next = new Map(m)
        next.delete('hello')
        return [m.get('hello'), next] as const
      })
      assert.equal(popped, 'world')
      assert.deepEqual(yield* Agent.get(agent, (m) => [...m]), [])
      assert.equal(yield* Agent.stop(agent), 'ok')
      yield* awaitDown(agent)
    }))

  it('A1: start workflow with a registered name: not linked, cast, get, getAndUpdate, stop frees the name', () =>
    run(function* () {
      const name = uniqueName('agent')
      const r = yield* Agent.start(() => ({}) as Record<string, string>, { name })
      assert.equal(r[0], 'ok')
      const pid = (r as readonly ['ok', Pid])[1]
      assert.equal(Process.info(pid)!.registeredName, name)
      assert.ok(!linked(pid))
      assert.equal(
        Agent.cast<Record<string, string>>(name, (s) => ({ ...s, hello: 'world' })),
        'ok',
      )
      assert.equal(
        yield* Agent.get<Record<string, string>, string | undefined>(name, (s) => s.hello),
        'world',
      )
      assert.equal(
        yield* Agent.getAndUpdate<Record<string, string>, string | undefined>(name, ({ hello, ...rest }) => [
          hello,
          rest,
        ]),
        'world',
      )
      assert.deepEqual(yield* Agent.get(name, (s) => s), {})
      assert.equal(yield* Agent.stop(name), 'ok')
      yield* awaitDown(pid)
      assert.equal(Process.whereis(name), undefined)
    }))

  it('A1: startLink returns only once the initial state has been computed inside the new process', () =>
    run(function* () {
      const me = self()
      const agent = yield* startLinkOk(() => {
        send(me, ['init ran in', self()])
        return 0
      })
      // The init message is already here: it was sent before startLink returned.
      const [, where] = yield* assertReceive(['init ran in', P._], 0)
      assert.equal(where, agent)
      yield* Agent.stop(agent)
    }))

  it('A1: a taken name gives already_started without starting a second agent', () =>
    run(function* () {
      const name = uniqueName('taken')
      const first = yield* startLinkOk(() => 1, { name })
      let ran = false
      const r = yield* Agent.start(
        () => {
          ran = true
          return 2
        },
        { name },
      )
      assert.deepEqual(r, ['error', ['already_started', first]])
      assert.equal(ran, false)
      yield* Agent.stop(first)
    }))

  it('A1: the start timeout option applies to the initial function', () =>
    run(function* () {
      const r = yield* Agent.start(
        function* () {
          yield* Process.receive('never')
          return 0
        },
        { timeout: 10 },
      )
      assert.deepEqual(r, ['error', 'timeout'])
    }))

  it('A2: every function runs inside the agent process, one request at a time', () =>
    run(function* () {
      const agent = yield* startLinkOk(() => self())
      assert.equal(yield* Agent.get(agent, () => self()), agent)
      yield* Agent.update(agent, () => self())
      assert.equal(yield* Agent.get(agent, (s) => s), agent)
      assert.equal(yield* Agent.getAndUpdate(agent, (s) => [self(), s]), agent)
      Agent.cast(agent, () => self())
      assert.equal(yield* Agent.get(agent, (s) => s), agent)
      yield* Agent.stop(agent)
    }))

  it('A2: the [fn, args] form calls fn(state, ...args), and fn(...args) at start', () =>
    run(function* () {
      const agent = yield* startLinkOk([(a: number, b: number) => [a, b], [1, 2]])
      assert.deepEqual(yield* Agent.get(agent, [(s: number[], x: number) => [...s, x], [3]]), [1, 2, 3])
      assert.equal(
        yield* Agent.update(agent, [(s: number[], x: number, y: number) => [...s, x, y], [3, 4]]),
        'ok',
      )
      assert.deepEqual(yield* Agent.get(agent, (s) => s), [1, 2, 3, 4])
      assert.equal(
        yield* Agent.getAndUpdate(agent, [(s: number[], k: number) => [s.length, s.slice(k)] as const, [2]]),
        4,
      )
      Agent.cast(agent, [(s: number[], x: number) => [...s, x], [5]])
      assert.deepEqual(yield* Agent.get(agent, (s) => s), [3, 4, 5])
      yield* Agent.stop(agent)
    }))

  it('A2: async and generator functions are waited for inside the agent', () =>
    run(function* () {
      const agent = yield* startLinkOk(async () => {
        await Promise.resolve()
        return 1
      })
      yield* Agent.update(agent, async (n) => {
        await Promise.resolve()
        assert.equal(Process.self(), agent)
        return n + 1
      })
      const me = self()
      const got = Agent.get(agent, function* (n) {
        send(me, 'agent is waiting')
        const [, k] = yield* Process.receive(['add', P.number])
        return n + k
      })
      const waiter = Process.spawnLink(function* () {
        yield* Process.receive('go')
        send(agent, ['add', 10])
      })
      send(waiter, 'go')
      assert.equal(yield* got, 12)
      yield* assertReceive('agent is waiting', 0)
      yield* Agent.stop(agent)
    }))

  it('A2: stop takes a reason, and the agent exits with it', () =>
    run(function* () {
      const r = yield* Agent.start(() => 0)
      const agent = (r as readonly ['ok', Pid])[1]
      const ref = Process.monitor(agent)
      assert.equal(yield* Agent.stop(agent, 'shutdown'), 'ok')
      yield* assertReceive(['DOWN', ref, 'process', agent, 'shutdown'])
    }))

  it('A2: cast returns ok at once, even for an agent that does not exist', () =>
    run(function* () {
      assert.equal(
        Agent.cast(uniqueName('nobody'), (s) => s),
        'ok',
      )
      const r = yield* Agent.start(() => 0)
      const agent = (r as readonly ['ok', Pid])[1]
      yield* Agent.stop(agent)
      assert.equal(
        Agent.cast(agent, (s) => s),
        'ok',
      )
    }))

  it("A3: calling a dead agent exits with noproc in GenServer.call's shape", () =>
    run(function* () {
      const r = yield* Agent.start(() => 0)
      const agent = (r as readonly ['ok', Pid])[1]
      yield* Agent.stop(agent)
      const fn = (s: number) => s
      assert.deepEqual(yield* catchExit(Agent.get(agent, fn)), [
        'noproc',
        ['GenServer', 'call', [agent, ['get', fn], 5000]],
      ])
      const name = uniqueName('missing')
      assert.deepEqual(yield* catchExit(Agent.update(name, fn, 100)), [
        'noproc',
        ['GenServer', 'call', [name, ['update', fn], 100]],
      ])
      assert.deepEqual(yield* catchExit(Agent.stop(agent)), [
        'noproc',
        ['GenServer', 'stop', [agent, 'normal', Number.POSITIVE_INFINITY]],
      ])
    }))

  it('A3: a call that times out exits the caller with timeout; the agent keeps running', () =>
    run(function* () {
      const agent = yield* startLinkOk(() => 0)
      Agent.cast(agent, function* (n) {
        yield* Process.receive('release')
        return n + 1
      })
      const fn = (n: number) => n
      assert.deepEqual(yield* catchExit(Agent.get(agent, fn, 10)), [
        'timeout',
        ['GenServer', 'call', [agent, ['get', fn], 10]],
      ])
      send(agent, 'release')
      assert.equal(yield* Agent.get(agent, fn), 1)
      // The late reply of the timed-out call never reached the mailbox.
      assert.deepEqual(Process.flush(), [])
      yield* Agent.stop(agent)
    }))

  it('A3: a function that throws crashes the agent and the caller exits with the same reason', async () => {
    const log = await captureLog(() =>
      run(function* () {
        Process.trapExit(true)
        const agent = yield* startLinkOk(() => 0)
        const reason = (yield* catchExit(
          Agent.get(agent, () => {
            throw new Error('oops')
          }),
        )) as [[Error, string], [string]]
        assert.ok(reason[0][0] instanceof Error)
        assert.equal(reason[0][0].message, 'oops')
        assert.equal(reason[1][0], 'GenServer')
        const [, , exitReason] = yield* assertReceive(['EXIT', agent, P._])
        // The same term (an EXIT carries its own copy of the reason; the Error in it is shared).
        assert.deepEqual(exitReason, reason[0])
        assert.equal((exitReason as [Error, string])[0], reason[0][0])
      }),
    )
    assert.match(log, /GenServer #PID<[\d.]+> terminating/)
    assert.match(log, /oops/)
  })

  it('A3: an initial function that throws makes start return [error, [exception, stack]]', () =>
    quietly(function* () {
      const r = yield* Agent.start(() => {
        throw new Error('bad init')
      })
      assert.equal(r[0], 'error')
      const [err, stack] = (r as readonly ['error', [Error, string]])[1]
      assert.equal(err.message, 'bad init')
      assert.equal(typeof stack, 'string')
    }))

  it('A3: getAndUpdate must return [reply, state]; anything else stops the agent with bad_return_value', () =>
    quietly(function* () {
      Process.trapExit(true)
      const agent = yield* startLinkOk(() => 0)
      const reason = yield* catchExit(Agent.getAndUpdate(agent, (() => 'nope') as never))
      assert.deepEqual((reason as unknown[])[0], ['bad_return_value', 'nope'])
      yield* assertReceive(['EXIT', agent, ['bad_return_value', 'nope']])
    }))

  it('A4: childSpec starts the agent with startLink and leaves restart and shutdown to the defaults', () => {
    const fn = () => 0
    assert.deepEqual(Agent.childSpec(fn), { id: 'Agent', start: [Agent.startLink, [fn]] })
    assert.deepEqual(Agent.childSpec(fn, { name: 'x' }), {
      id: 'Agent',
      start: [Agent.startLink, [fn, { name: 'x' }]],
    })
    assert.deepEqual(Agent.childSpec(fn, undefined, { id: 'counter', restart: 'transient' }), {
      id: 'counter',
      start: [Agent.startLink, [fn]],
      restart: 'transient',
    })
  })

  it('A4: an agent can be supervised directly, and is restarted as a permanent worker', () =>
    quietly(function* () {
      const name = uniqueName('supervised')
      const r = yield* Supervisor.startLink([Agent.childSpec(() => 41, { name })], {
        strategy: 'one_for_one',
      })
      const sup = (r as readonly ['ok', Pid])[1]
      yield* Agent.update(name, (n: number) => n + 1)
      assert.equal(yield* Agent.get(name, (n: number) => n), 42)
      const first = Process.whereis(name)!
      const ref = Process.monitor(first)
      Process.exit(first, 'kill')
      yield* assertReceive(['DOWN', ref, 'process', first, 'killed'])
      // The supervisor got the EXIT before this call, so it has restarted the agent by the reply.
      yield* Supervisor.whichChildren(sup)
      // Restarted from its initial function.
      assert.equal(yield* Agent.get(name, (n: number) => n), 41)
      assert.notEqual(Process.whereis(name), first)
      yield* Supervisor.stop(sup)
    }))

  it('bad arguments throw at once with a stable code and the valid forms', () =>
    run(function* () {
      assert.throws(
        () => Agent.startLink(42 as never),
        (e: unknown) =>
          e instanceof BeamishError &&
          e.code === 'ERR_BEAMISH_BADARG' &&
          /a function, called with the state/.test(e.message) &&
          /Got: 42/.test(e.message),
      )
      const agent = yield* startLinkOk(() => 0)
      assert.throws(
        () => Agent.get(agent, 'nope' as never),
        (e: unknown) => e instanceof BeamishError && e.code === 'ERR_BEAMISH_BADARG',
      )
      assert.throws(
        () => Agent.get(agent, (s) => s, -1),
        (e: unknown) => e instanceof BeamishError && e.code === 'ERR_BEAMISH_INVALID_TIMEOUT',
      )
      assert.throws(
        () => Agent.cast(42 as never, (s) => s),
        (e: unknown) => e instanceof BeamishError && e.code === 'ERR_BEAMISH_BADARG',
      )
      yield* Agent.stop(agent)
    }))

  it('works from plain async code outside any process with await', async () => {
    const r = await Agent.start(() => 1)
    if (r === 'ignore' || r[0] !== 'ok') return assert.fail('expected the agent to start')
    const agent = r[1]
    await Agent.update(agent, (n) => n + 1)
    assert.equal(await Agent.get(agent, (n) => n * 10), 20)
    assert.equal(await Agent.stop(agent), 'ok')
  })
})
