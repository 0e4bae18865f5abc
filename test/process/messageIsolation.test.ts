/**
 * Message isolation: the rules of the README's "The term model". Every message is copied on send,
 * as the BEAM copies it into the receiver's heap: arrays, plain objects, Map, Set and Date (those
 * exact classes), typed arrays, DataView, ArrayBuffer, List and BitBinary are deep-copied; frozen
 * arrays and plain objects, functions and other class instances (pids, refs, errors, subclasses,
 * your own classes) are shared; a cycle or a structure nested deeper than 1,000 levels is rejected
 * with ERR_BEAMISH_UNCOPYABLE_MESSAGE, before anything happens (no monitor left by a call, no
 * silent drop by a cast). Beyond `send`, the same copy isolates exit reasons (each EXIT and DOWN
 * gets its own; one that cannot be copied is shared rather than failing the exit), arguments
 * handed to a new process (spawn args, a GenServer's init argument, a task's args), and the
 * ETS-like tables: Registry keys, values and meta, and the application environment, copied in
 * and out.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Application, exit, GenServer, P, type Pid, Process, Registry, Task, Term } from '../../src/index.ts'
import { assertReceive, run } from '../../src/testing/index.ts'
import { syncPartitions } from '../otp/helpers.ts'
import { uniqueName } from './helpers.ts'

const { self, send, spawn } = Process
const UNCOPYABLE = { code: 'ERR_BEAMISH_UNCOPYABLE_MESSAGE' }
const OPTS = { timeout: 10_000 }

/** A message with a cycle through a plain object. */
function cyclic(): Record<string, unknown> {
  const o: Record<string, unknown> = { tag: 'loop' }
  o.self = o
  return o
}

/** Sends `msg` to self and takes it back out: what a receiver gets. */
function* roundTrip<T>(msg: T): Generator<unknown, T, unknown> {
  send(self(), ['rt', msg])
  const [, got] = yield* assertReceive(['rt', P._], 1000)
  return got as T
}

/** A GenServer whose state is its init argument; `'get'` replies with the state. */
const Holder = GenServer.define({
  name: 'MessageIsolation.Holder',
  init: (s: { n: number }) => GenServer.ok(s),
  handleCall: (_req: 'get', _from, s: { n: number }) => GenServer.reply(s.n, s),
})

describe('message isolation: what send copies', OPTS, () => {
  it('the receiver changing what it got never changes the sender, nested containers included', () =>
    run(function* () {
      const orig = { list: [1, 2, 3, 4], m: new Map([['k', { n: 1 }]]), s: new Set([[1]]), d: new Date(0) }
      const got = yield* roundTrip(orig)
      got.list.push(5)
      got.m.get('k')!.n = 2
      got.d.setTime(1)
      assert.deepEqual(orig.list, [1, 2, 3, 4])
      assert.equal(orig.m.get('k')!.n, 1)
      assert.equal(orig.d.getTime(), 0)
    }))

  it('sendAfter copies the message when the timer is started, as send does', () =>
    run(function* () {
      const msg = { n: 1 }
      Process.sendAfter(self(), msg, 1)
      msg.n = 2
      yield* assertReceive({ n: 1 }, 1000)
    }))

  it('a plain object with an own "__proto__" key (JSON.parse) arrives with the same keys and a plain prototype', () =>
    run(function* () {
      const orig = JSON.parse('{"__proto__": {"admin": true}, "name": "x"}') as Record<string, unknown>
      const got = yield* roundTrip(orig)
      assert.deepEqual(Object.keys(got), ['__proto__', 'name'])
      assert.equal(Object.getPrototypeOf(got), Object.prototype)
      assert.equal((got as { admin?: unknown }).admin, undefined)
    }))

  it('byte arrays other than Uint8Array (Int8Array, Uint8ClampedArray) are copied, as the README says byte arrays are', () =>
    run(function* () {
      for (const orig of [new Int8Array([1, 2]), new Uint8ClampedArray([1, 2])]) {
        const got = yield* roundTrip(orig)
        assert.notEqual(got, orig, `${orig.constructor.name} was sent by reference`)
        orig[0] = 9
        assert.equal(got[0], 1, `${orig.constructor.name}: the sender's later write reached the receiver`)
      }
    }))

  it('other mutable binary data (Float64Array, ArrayBuffer, DataView) is copied, not shared', () =>
    run(function* () {
      const f = new Float64Array([1.5])
      const buf = new ArrayBuffer(1)
      const view = new DataView(new ArrayBuffer(1))
      const [gf, gbuf, gview] = yield* roundTrip([f, buf, view, 'pad'] as const)
      f[0] = 9
      new Uint8Array(buf)[0] = 9
      view.setUint8(0, 9)
      assert.equal(gf[0], 1.5, 'Float64Array shared')
      assert.equal(new Uint8Array(gbuf)[0], 0, 'ArrayBuffer shared')
      assert.equal(gview.getUint8(0), 0, 'DataView shared')
    }))

  it('an instance of a Map, Set or Date subclass keeps its class (it is shared, as class instances are)', () =>
    run(function* () {
      class Inventory extends Map<string, number> {
        total(): number {
          let n = 0
          for (const v of this.values()) n += v
          return n
        }
      }
      class Tags extends Set<string> {}
      class Stamp extends Date {}
      const [inv, tags, stamp] = yield* roundTrip([
        new Inventory([['a', 1]]),
        new Tags(['x']),
        new Stamp(0),
      ] as const)
      assert.ok(inv instanceof Inventory, 'the Map subclass lost its class')
      assert.ok(tags instanceof Tags, 'the Set subclass lost its class')
      assert.ok(stamp instanceof Stamp, 'the Date subclass lost its class')
    }))

  it("a List's elements are copied (a List is a term, not a handle)", () =>
    run(function* () {
      const item = { n: 1 }
      const got = yield* roundTrip(Term.List.of(item))
      item.n = 2
      assert.deepEqual(got.items[0], { n: 1 })
    }))

  it("a BitBinary's bytes are copied, as a Uint8Array's are", () =>
    run(function* () {
      const bytes = new Uint8Array([0xf0])
      const got = yield* roundTrip(new Term.BitBinary(bytes, 4))
      bytes[0] = 0
      assert.equal(got.bytes[0], 0xf0)
    }))

  it('shares frozen containers with everything in them (freeze deeply), functions, errors and class instances', () =>
    run(function* () {
      class Account {
        balance = 1
      }
      const inner = { n: 1 }
      const frozen = Object.freeze({ inner })
      const frozenList = Object.freeze([inner, 2, 3, 4])
      const fn = () => 1
      const err = new Error('boom')
      const account = new Account()
      const got = yield* roundTrip([frozen, frozenList, fn, err, account, 'pad'] as const)
      assert.equal(got[0], frozen, 'a frozen plain object was copied')
      assert.equal(got[1], frozenList, 'a frozen array was copied')
      assert.equal(got[0].inner, inner, 'what a frozen object holds is shared too')
      assert.equal(got[2], fn)
      assert.equal(got[3], err, 'an Error was copied')
      assert.equal(got[4], account, 'a class instance was copied')
      // A frozen pair is still copied (two or three elements always are).
      const pair = Object.freeze([1, inner])
      const gotPair = yield* roundTrip(pair)
      assert.notEqual(gotPair, pair)
      assert.notEqual(gotPair[1], inner)
    }))

  it('a copy keeps own enumerable string keys only, and an array hole arrives as undefined', () =>
    run(function* () {
      const sym = Symbol('s')
      const orig: Record<string | symbol, unknown> = { a: 1, [sym]: 2 }
      Object.defineProperty(orig, 'hidden', { value: 3, enumerable: false })
      Object.defineProperty(orig, 'computed', { get: () => 4, enumerable: true })
      const got = yield* roundTrip(orig)
      assert.deepEqual(Reflect.ownKeys(got), ['a', 'computed'])
      assert.equal(got.computed, 4)
      const sparse: number[] = [1, 2, 3, 4]
      delete sparse[1]
      const gotSparse = yield* roundTrip(sparse)
      assert.ok(1 in gotSparse, 'the hole is an element of the copy')
      assert.equal(gotSparse[1], undefined)
    }))

  it('a message 1,000 levels deep (the limit) is copied, and a cycle through a frozen object is shared', () =>
    run(function* () {
      let deep: unknown = 'leaf'
      for (let i = 0; i < 1000; i++) deep = [deep]
      const got = yield* roundTrip(deep)
      assert.notEqual(got, deep)
      const loop: Record<string, unknown> = {}
      loop.self = Object.freeze({ loop })
      const [, gotLoop] = yield* roundTrip(['loop', Object.freeze(loop)])
      assert.equal(gotLoop, loop)
    }))
})

describe('message isolation: what cannot be copied', OPTS, () => {
  it('a cyclic message is rejected with ERR_BEAMISH_UNCOPYABLE_MESSAGE, not a stack overflow', () =>
    run(function* () {
      assert.throws(() => send(self(), cyclic()), UNCOPYABLE)
      assert.throws(() => Process.sendAfter(self(), cyclic(), 10_000), UNCOPYABLE)
      assert.deepEqual(Process.flush(), [])
    }))

  it('a message nested 9,500 deep is rejected with the coded error, never a stack overflow', () =>
    run(function* () {
      let deep: unknown = 'leaf'
      for (let i = 0; i < 9_500; i++) deep = [deep]
      assert.throws(() => send(self(), deep), UNCOPYABLE)
      assert.deepEqual(Process.flush(), [])
    }))

  it('a GenServer.call whose request cannot be copied leaves no monitor behind (no stray DOWN later)', () =>
    run(function* () {
      const [, server] = (yield* GenServer.start(Holder, { n: 1 })) as readonly ['ok', Pid]
      try {
        assert.throws(() => GenServer.call(server, cyclic() as never))
        assert.equal(Process.info(self())!.monitors.length, 0, 'the failed call left a monitor')
      } finally {
        const ref = Process.monitor(server)
        Process.exit(server, 'kill')
        yield* assertReceive(['DOWN', ref, 'process', server, 'killed'], 1000)
      }
      // Every DOWN of the dead server was delivered as it died: anything left is a stray one.
      assert.deepEqual(Process.flush(), [])
    }))

  it('GenServer.cast of a request that cannot be copied throws instead of silently dropping it', () =>
    run(function* () {
      const [, server] = (yield* GenServer.start(Holder, { n: 1 })) as readonly ['ok', Pid]
      try {
        assert.throws(() => GenServer.cast(server, cyclic()), UNCOPYABLE)
      } finally {
        Process.exit(server, 'kill')
      }
    }))
})

describe('message isolation: exit reasons (EXIT and DOWN are messages too)', OPTS, () => {
  it("exit/2: a trapping target's EXIT carries a copy, not the sender's object", () =>
    run(function* () {
      const parent = self()
      const target = spawn(
        function* () {
          const [, , reason] = yield* Process.receive(['EXIT', P._, P._])
          yield* Process.receive('report')
          send(parent, ['reason', reason])
        },
        { trapExit: true },
      )
      const reason = { why: 'first' }
      Process.exit(target, reason)
      reason.why = 'changed by the sender after exit/2'
      send(target, 'report')
      const [, got] = yield* assertReceive(['reason', P._], 1000)
      assert.deepEqual(got, { why: 'first' })
    }))

  it("every watcher's DOWN carries its own copy of the reason", () =>
    run(function* () {
      const parent = self()
      const dier = spawn(function* () {
        yield* Process.receive('die')
        exit({ seenBy: [] as string[] })
      })
      const watcher = spawn(function* () {
        const ref = Process.monitor(dier)
        send(parent, 'watching')
        const [, , , , reason] = yield* Process.receive(['DOWN', ref, 'process', P._, P._])
        yield* Process.receive('report')
        send(parent, ['reason', reason])
      })
      yield* assertReceive('watching', 1000)
      const ref = Process.monitor(dier)
      send(dier, 'die')
      const [, , , , reason] = yield* assertReceive(['DOWN', ref, 'process', dier, P._], 1000)
      ;(reason as { seenBy: string[] }).seenBy.push('parent')
      send(watcher, 'report')
      const [, got] = yield* assertReceive(['reason', P._], 1000)
      assert.deepEqual(got, { seenBy: [] }, "one watcher's change to its DOWN reached the other's")
    }))

  it('a reason that cannot be copied (a cycle) is shared: the exit still happens and the DOWN carries it', () =>
    run(function* () {
      const reason = cyclic()
      const [pid, ref] = Process.spawnMonitor(function* () {
        exit(reason)
      })
      const [, , , , got] = yield* assertReceive(['DOWN', ref, 'process', pid, P._], 1000)
      assert.equal(got, reason)
    }))
})

describe('message isolation: arguments handed to a new process', OPTS, () => {
  it('Process.spawn args are copied into the new process, like spawn(M, F, A)', () =>
    run(function* () {
      const parent = self()
      const arg = { n: 1 }
      spawn(
        function* (a: { n: number }) {
          send(parent, ['arg', a.n])
        },
        { args: [arg] },
      )
      arg.n = 2
      const [, n] = yield* assertReceive(['arg', P._], 1000)
      assert.equal(n, 1, "the parent's later change reached the child's argument")
    }))

  it('GenServer.start copies the init argument: the caller changing it later does not change the state', () =>
    run(function* () {
      const init = { n: 1 }
      const [, server] = (yield* GenServer.start(Holder, init)) as readonly ['ok', Pid]
      try {
        init.n = 2
        assert.equal(yield* GenServer.call(server, 'get'), 1)
      } finally {
        Process.exit(server, 'kill')
      }
    }))

  it('Task.async([fn, args]) copies args into the task', () =>
    run(function* () {
      const arg = { n: 1 }
      const task = Task.async([(a: { n: number }) => a.n, [arg]])
      arg.n = 2
      assert.equal(yield* Task.await(task, 1000), 1)
    }))
})

describe(
  'message isolation: Registry and application environment (ETS-like tables copy in and out)',
  OPTS,
  () => {
    function* withRegistry(body: (registry: string) => Generator<unknown, void, unknown>) {
      const registry = uniqueName('messageIsolation')
      const r = yield* Registry.startLink({ keys: 'unique', name: registry })
      assert.equal(r[0], 'ok')
      try {
        yield* body(registry)
      } finally {
        const pid = Process.whereis(registry)
        if (pid !== undefined) {
          Process.unlink(pid)
          Process.exit(pid, 'kill')
        }
      }
    }

    it('Registry.register with a value that cannot be copied registers nothing', () =>
      run(() =>
        withRegistry(function* (registry) {
          assert.throws(() => Registry.register(registry, 'cyc', cyclic()))
          assert.deepEqual(
            Registry.keys(registry, self()),
            [],
            'a failed register left the key in the pid table',
          )
        }),
      ))

    it('mutating a key after Registry.register does not strand the entry once its owner dies', () =>
      run(() =>
        withRegistry(function* (registry) {
          const parent = self()
          const owner = spawn(function* () {
            const key = ['room', 1]
            Registry.register(registry, key, 'v')
            key[1] = 2
            send(parent, 'registered')
            yield* Process.receive('never')
          })
          yield* assertReceive('registered', 1000)
          const ref = Process.monitor(owner)
          Process.exit(owner, 'kill')
          yield* assertReceive(['DOWN', ref, P._, P._, P._], 1000)
          yield* syncPartitions(registry)
          assert.deepEqual(Registry.lookup(registry, ['room', 1]), [], 'a dead owner still holds the key')
          assert.equal(Registry.count(registry), 0)
        }),
      ))

    it('a key read with Registry.keys is a copy: changing it does not change the table', () =>
      run(() =>
        withRegistry(function* (registry) {
          Registry.register(registry, ['room', 1], 'v')
          const [key] = Registry.keys(registry, self()) as [unknown[]]
          key[1] = 2
          assert.deepEqual(Registry.keys(registry, self()), [['room', 1]])
          assert.deepEqual(Registry.lookup(registry, ['room', 1]), [[self(), 'v']])
        }),
      ))

    it('a value read with Registry.lookup is a copy: changing it does not change the table', () =>
      run(() =>
        withRegistry(function* (registry) {
          Registry.register(registry, 'k', { n: 1 })
          const [[, v]] = Registry.lookup(registry, 'k') as [[Pid, { n: number }]]
          v.n = 99
          assert.deepEqual(Registry.lookup(registry, 'k'), [[self(), { n: 1 }]])
        }),
      ))

    it('Registry.putMeta copies the value in and Registry.meta copies it out', () =>
      run(() =>
        withRegistry(function* (registry) {
          const value = { n: 1 }
          Registry.putMeta(registry, 'cfg', value)
          value.n = 2
          assert.deepEqual(
            Registry.meta(registry, 'cfg'),
            ['ok', { n: 1 }],
            'putMeta kept the caller’s object',
          )
          const read = Registry.meta(registry, 'cfg') as readonly ['ok', { n: number }]
          read[1].n = 3
          assert.deepEqual(
            Registry.meta(registry, 'cfg'),
            ['ok', { n: 1 }],
            'meta handed out the stored object',
          )
        }),
      ))

    it('Application.putEnv copies the value in and getEnv copies it out', () => {
      const app = uniqueName('messageIsolationApp')
      const value = { n: 1 }
      Application.putEnv(app, 'cfg', value)
      value.n = 2
      assert.deepEqual(Application.getEnv(app, 'cfg'), { n: 1 }, 'putEnv kept the caller’s object')
      ;(Application.getEnv(app, 'cfg') as { n: number }).n = 3
      assert.deepEqual(Application.getEnv(app, 'cfg'), { n: 1 }, 'getEnv handed out the stored object')
    })
  },
)
