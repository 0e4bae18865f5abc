/**
 * User callbacks that block — async functions, plain functions returning a promise or an op,
 * generators — run *inside* their process, as every callback does in Elixir: the result is
 * waited for and used, a failure is that process's crash, and `Process.self()` is still that
 * process after an `await` in an async callback, and in any callback run once per process or
 * task (init, start functions, task functions). A plain per-message callback that returns an
 * async helper's promise is waited for, but the helper's code after its awaits runs outside
 * every process: never as another process. Each place that calls a user callback has its case.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  Agent,
  DynamicSupervisor,
  GenServer,
  P,
  type Pid,
  Process,
  Registry,
  Supervisor,
  Task,
} from '../../src/index.ts'
import { assertReceive, refuteReceive, run } from '../../src/testing/index.ts'
import { quietly, uniqueName } from './helpers.ts'

const { self, send } = Process

/** Lets one turn of the event loop pass: what a real `await` (I/O, a timer) does. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve))

/** An async helper, as user code has them: after its await, who is `self()`? */
async function whoAfterAwait(): Promise<Pid | 'not in a process'> {
  await tick()
  try {
    return self()
  } catch {
    return 'not in a process'
  }
}

/** A server that replies with the pid of whoever called it. */
const WhoCalls = GenServer.define({
  name: 'WhoCalls',
  init: () => GenServer.ok(null),
  handleCall: (_req: 'who', from: GenServer.From, s: null) => GenServer.reply(from[0], s),
})

const Worker = GenServer.define({
  name: 'Worker',
  init: (arg: unknown) => GenServer.ok(arg),
  handleCall: (_req: 'get', _from: GenServer.From, s: unknown) => GenServer.reply(s, s),
})

/** A start function as user code writes them: async, starting the worker after an await. */
async function startWorkerLater(arg: unknown) {
  await tick()
  return GenServer.startLink(Worker, arg)
}

/**
 * Checks what `Supervisor.start` gave: `['ok', sup]`, with one running child, linked to the
 * supervisor; then stops the supervisor.
 */
function* assertOnlyChildLinked(started: unknown): Generator<unknown, void, unknown> {
  assert.ok(Array.isArray(started) && started[0] === 'ok', `supervisor did not start: ${String(started)}`)
  const sup = started[1] as Pid
  const kids = yield* Supervisor.whichChildren(sup)
  const child = kids[0]?.[1]
  assert.ok(kids.length === 1 && child instanceof Process.Pid, `no running child: ${String(kids)}`)
  assert.ok(Process.info(child)!.links.includes(sup))
  Process.exit(sup, 'shutdown')
}

describe('Agent functions that return an op', () => {
  it('an init or get function returning GenServer.call is finished inside the agent', () =>
    quietly(function* () {
      const whoStarted = yield* GenServer.start(WhoCalls, null)
      assert.ok(Array.isArray(whoStarted) && whoStarted[0] === 'ok')
      const who = whoStarted[1]
      // As in Elixir's Agent.start(fn -> GenServer.call(who, :who) end): the call is the agent's.
      const started = yield* Agent.start(() => GenServer.call(who, 'who', 1000), { timeout: 1000 })
      assert.ok(Array.isArray(started) && started[0] === 'ok', `agent did not start: ${String(started)}`)
      const agent = started[1]
      assert.equal(String(yield* Agent.get(agent, (s) => s, 1000)), String(agent))
      assert.equal(
        String(yield* Agent.get(agent, () => GenServer.call(who, 'who', 1000), 1000)),
        String(agent),
      )
      yield* Agent.stop(agent)
      yield* GenServer.stop(who)
    }))

  it('an initial function returning an async helper’s promise: the helper is the agent after its await (run once, like init)', () =>
    quietly(async () => {
      await tick()
      for (const fn of [() => whoAfterAwait(), [(_: unknown) => whoAfterAwait(), [0]] as const]) {
        const started = await Agent.start(fn as () => Promise<unknown>, { timeout: 1000 })
        assert.ok(Array.isArray(started) && started[0] === 'ok', `agent did not start: ${String(started)}`)
        const agent = started[1]
        assert.equal(String(await Agent.get(agent, (s) => s, 1000)), String(agent))
        await Agent.stop(agent)
      }
    }))
})

describe('GenServer callbacks that return a promise', () => {
  it('a plain handleCall returning an async helper’s promise is waited for; after its await the helper is outside every process, never the caller', () =>
    quietly(async () => {
      const S = GenServer.define({
        name: 'DelegatesToAsync',
        init: () => GenServer.ok(null),
        // Delegating to an async method is how a plain callback becomes async in practice.
        handleCall: (_req: 'who', _from: GenServer.From, s: null) =>
          whoAfterAwait().then((pid) => GenServer.reply(pid, s)),
      })
      await tick()
      const started = await GenServer.start(S, null)
      assert.ok(Array.isArray(started) && started[0] === 'ok')
      const server = started[1]
      assert.equal(await GenServer.call(server, 'who', 1000), 'not in a process')
      await GenServer.stop(server)
    }))

  it('an async handleCall is the server after its awaits', () =>
    quietly(async () => {
      const S = GenServer.define({
        name: 'AsyncWho',
        init: () => GenServer.ok(null),
        async handleCall(_req: 'who', _from: GenServer.From, s: null) {
          return GenServer.reply(await whoAfterAwait(), s)
        },
      })
      await tick()
      const started = await GenServer.start(S, null)
      assert.ok(Array.isArray(started) && started[0] === 'ok')
      const server = started[1]
      assert.equal(String(await GenServer.call(server, 'who', 1000)), String(server))
      await GenServer.stop(server)
    }))
})

describe('Supervisor child start functions that return a promise', () => {
  it('an async start starts the child linked to the supervisor', () =>
    run(function* () {
      const start = async () => {
        await tick()
        return GenServer.startLink(Worker, 1)
      }
      yield* assertOnlyChildLinked(yield* Supervisor.start([{ id: 'w', start }], { strategy: 'one_for_one' }))
    }))

  it('start: () => startWorkerLater(…) starts the child linked to the supervisor', () =>
    quietly(function* () {
      const start = () => startWorkerLater(1)
      yield* assertOnlyChildLinked(yield* Supervisor.start([{ id: 'w', start }], { strategy: 'one_for_one' }))
    }))

  it('DynamicSupervisor.startChild with start: () => startWorkerLater(…) links the child to the supervisor', () =>
    quietly(function* () {
      const r = yield* DynamicSupervisor.start({ strategy: 'one_for_one' })
      assert.equal(r[0], 'ok')
      const sup = (r as readonly ['ok', Pid])[1]
      const c = yield* DynamicSupervisor.startChild(sup, { id: 'w', start: () => startWorkerLater(2) })
      assert.equal(c[0], 'ok', `child did not start: ${String(c)}`)
      const child = (c as readonly ['ok', Pid])[1]
      assert.ok(Process.info(child)!.links.includes(sup))
      Process.exit(sup, 'shutdown')
    }))
})

describe('Task functions that return a promise', () => {
  it('Task.async(async () => …) is the task after its await', () =>
    run(function* () {
      const task = Task.async(async () => {
        await tick()
        return self()
      })
      assert.equal(yield* Task.await(task, 1000), task.pid)
    }))

  it('Task.async(() => helper()), as the Task docs write it: the helper is the task after its await', () =>
    quietly(async () => {
      await tick()
      const task = Task.async(() => whoAfterAwait())
      const seen = await Task.await(task, 1000)
      assert.notEqual(String(seen), String(self()), 'the helper ran as the caller, not as the task')
      assert.equal(String(seen), String(task.pid))
    }))
})

describe('process bodies', () => {
  it('a generator body that yields an async helper’s promise gets its value; after its await the helper is outside every process, never the spawner', () =>
    quietly(async () => {
      const me = self()
      await tick()
      const pid = Process.spawn(function* (): Generator<unknown, void, unknown> {
        // A generator may yield a promise (README); the async function behind it is its code.
        const seen = yield whoAfterAwait()
        send(me, ['seen', seen])
      })
      const [, seen] = await assertReceive(['seen', P._], 1000)
      assert.equal(seen, 'not in a process')
      assert.ok(pid instanceof Process.Pid)
    }))
})

describe('receive handlers', () => {
  it('an async handler of an awaited receive is still the receiver after its await', () =>
    quietly(async () => {
      const me = self()
      await tick()
      Process.spawn(async () => {
        await tick()
        send(me, 'ping')
      })
      const seen = await Process.receive(
        Process.on('ping', async () => whoAfterAwait()),
        Process.after(1000, () => 'no ping' as const),
      )
      assert.equal(String(seen), String(me), 'the handler ran as the sender, not as the receiver')
    }))
})

describe('Task.asyncStream each', () => {
  it('waits for an async callback before going on, and stops when it resolves to false', () =>
    quietly(function* () {
      const seen: unknown[] = []
      yield* Task.asyncStream([1, 2, 3], (x: number) => x).each(async (r) => {
        await tick()
        seen.push(r)
      })
      assert.deepEqual(seen, [
        ['ok', 1],
        ['ok', 2],
        ['ok', 3],
      ])
      const taken: unknown[] = []
      yield* Task.asyncStream([1, 2, 3], (x: number) => x, { maxConcurrency: 1 }).each(async (r) => {
        taken.push(r)
        return false
      })
      assert.deepEqual(taken, [['ok', 1]])
    }))
})

describe('Registry.dispatch', () => {
  for (const partitions of [1, 4]) {
    it(`parallel (${partitions} partition${partitions === 1 ? '' : 's'}) waits for an async dispatch function`, () =>
      quietly(function* () {
        const registry = uniqueName('async-dispatch')
        const r = yield* Registry.startLink({ keys: 'duplicate', name: registry, partitions })
        assert.equal(r[0], 'ok')
        Registry.register(registry, 'topic', 'v')
        const me = self()
        assert.equal(
          yield* Registry.dispatch(
            registry,
            'topic',
            async (entries) => {
              await tick()
              send(me, ['dispatched', entries.length])
            },
            { parallel: true },
          ),
          'ok',
        )
        // Elixir's parallel dispatch returns once every partition's function has returned.
        yield* assertReceive(['dispatched', 1], 0)
        yield* refuteReceive(['EXIT', P._, P._], 0)
      }))
  }
})
