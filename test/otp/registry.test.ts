/**
 * Registry (semantics.md §14, RG1–RG6), and the behavioural cases of Elixir 1.14's
 * registry_test.exs, registry/unique_test.exs and registry/duplicate_test.exs, parameterized over
 * keys × partitions like Elixir's.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BeamishError } from '../../src/Errors.ts'
import { Agent, GenServer, P, Pid, Process, Registry, Supervisor, Term } from '../../src/index.ts'
import { assertReceive, refuteReceive, run } from '../../src/testing/index.ts'
import { catchExit, linked, partitionsOf, quietly, syncPartitions, uniqueName } from './helpers.ts'

const { self, send } = Process

interface Ctx {
  readonly registry: string
  readonly partitions: number
}

/**
 * Runs `body` as a test process with a fresh registry (Elixir's `setup` with
 * `start_supervised`); the registry and the helper processes it started go away afterwards. A
 * registry with a listener needs that listener registered, since notifying a name nobody holds
 * throws, as in Elixir: the test process registers itself as the listener while `body` runs.
 */
function withRegistry(
  keys: Registry.Kind,
  partitions: number,
  body: (ctx: Ctx) => Generator<unknown, void, unknown>,
  withListener: boolean,
) {
  return () =>
    quietly(function* () {
      const registry = uniqueName(`${keys}-${partitions}`)
      const listener = uniqueName('listener')
      const listeners = withListener ? [listener] : []
      const r = yield* Registry.startLink({ keys, name: registry, partitions, listeners })
      assert.equal(r[0], 'ok')
      if (withListener) Process.register(listener, self())
      try {
        yield* body({ registry, partitions })
      } finally {
        if (withListener) Process.unregister(listener)
        for (const pid of helpers.splice(0)) Process.exit(pid, 'kill')
      }
    })
}

const helpers: Pid[] = []

/**
 * `it` for the tests of a registry of `keys` with `partitions`: each body runs with a fresh one
 * (see withRegistry), and with the test process as its listener when `withListener` is true.
 */
function registryTest(keys: Registry.Kind, partitions: number) {
  return (name: string, body: (ctx: Ctx) => Generator<unknown, void, unknown>, withListener = false) =>
    it(name, withRegistry(keys, partitions, body, withListener))
}

/** Elixir's `register_task`: another process registers `key` and stays alive; returns [owner, pid]. */
function* registerTask(
  registry: string,
  key: unknown,
  value: unknown,
): Generator<unknown, [Pid, Pid], unknown> {
  const parent = self()
  const pid = Process.spawn(function* () {
    send(parent, ['registered', Registry.register(registry, key, value)])
    yield* Process.receive('never')
  })
  helpers.push(pid)
  const [, [, owner]] = yield* assertReceive(['registered', ['ok', P.instanceOf(Pid)]])
  return [owner as Pid, pid]
}

function* killAndAssertDown(pid: Pid) {
  const ref = Process.monitor(pid)
  Process.exit(pid, 'kill')
  yield* assertReceive(['DOWN', ref, P._, P._, P._])
}

const sorted = (xs: unknown[]) => [...xs].sort((a, b) => (String(a) < String(b) ? -1 : 1))

for (const partitions of [1, 8]) {
  describe(`unique registry with ${partitions} partition(s)`, () => {
    const test = registryTest('unique', partitions)

    test('RG1: starts the configured number of partitions', function* ({ registry }) {
      assert.equal(partitionsOf(registry).length, partitions)
    })

    test('counts 0 keys in an empty registry, and the keys once registered', function* ({ registry }) {
      assert.equal(Registry.count(registry), 0)
      Registry.register(registry, 'hello', 'value')
      Registry.register(registry, 'world', 'value')
      assert.equal(Registry.count(registry), 2)
    })

    test('RG2: has unique registrations, even against the caller itself', function* ({ registry }) {
      const [ok, owner] = Registry.register(registry, 'hello', 'value')
      assert.equal(ok, 'ok')
      assert.ok(owner instanceof Pid)
      assert.deepEqual(Registry.keys(registry, self()), ['hello'])
      assert.deepEqual(Registry.values(registry, 'hello', self()), ['value'])
      assert.deepEqual(Registry.register(registry, 'hello', 'value'), [
        'error',
        ['already_registered', self()],
      ])
      assert.deepEqual(Registry.keys(registry, self()), ['hello'])
      assert.deepEqual(Registry.values(registry, 'hello', self()), ['value'])
      assert.equal(Registry.register(registry, 'world', 'value')[0], 'ok')
      assert.deepEqual(sorted(Registry.keys(registry, self())), ['hello', 'world'])
    })

    test('RG2: has unique registrations across processes; the loser stays unlinked', function* ({
      registry,
    }) {
      const [owner, task] = yield* registerTask(registry, 'hello', 'value')
      assert.deepEqual(Registry.keys(registry, task), ['hello'])
      assert.deepEqual(Registry.values(registry, 'hello', task), ['value'])
      assert.deepEqual(Registry.register(registry, 'hello', 'recent'), [
        'error',
        ['already_registered', task],
      ])
      assert.deepEqual(Registry.keys(registry, self()), [])
      assert.deepEqual(Registry.values(registry, 'hello', self()), [])
      // The failed registration linked the caller to its partition only for the attempt.
      assert.deepEqual(partitionsOf(registry).filter(linked), [])
      assert.ok(partitionsOf(registry).includes(owner))
    })

    test('RG3: a dead owner’s key is free at once, before its partition cleans up', function* ({ registry }) {
      const [, task] = yield* registerTask(registry, 'hello', 'value')
      assert.deepEqual(Registry.register(registry, 'hello', 'other'), ['error', ['already_registered', task]])
      // Killed and re-registered in one step: the partition has not seen the EXIT yet.
      Process.exit(task, 'kill')
      assert.deepEqual(Registry.whereisName([registry, 'hello']), undefined)
      assert.equal(Registry.register(registry, 'hello', 'other')[0], 'ok')
      assert.deepEqual(Registry.lookup(registry, 'hello'), [[self(), 'other']])
      // The late cleanup of the dead owner leaves the new entry alone.
      yield* syncPartitions(registry)
      assert.deepEqual(Registry.lookup(registry, 'hello'), [[self(), 'other']])
      assert.equal(Registry.count(registry), 1)
    })

    test('RG3: lookup may show a dead owner until its partition has cleaned up', function* ({ registry }) {
      const [, task] = yield* registerTask(registry, 'hello', 'value')
      Process.exit(task, 'kill')
      assert.deepEqual(Registry.lookup(registry, 'hello'), [[task, 'value']])
      yield* syncPartitions(registry)
      assert.deepEqual(Registry.lookup(registry, 'hello'), [])
      assert.deepEqual(Registry.keys(registry, task), [])
    })

    test('supports match patterns', function* ({ registry }) {
      const value = [1, 'atom', 1]
      Registry.register(registry, 'hello', value)
      assert.deepEqual(Registry.match(registry, 'hello', [1, P._, P._]), [[self(), value]])
      assert.deepEqual(Registry.match(registry, 'hello', [new Term.Float(1), P._, P._]), [])
      assert.deepEqual(Registry.match(registry, 'hello', [P._, 'atom', P._]), [[self(), value]])
      assert.deepEqual(
        Registry.match(
          registry,
          'hello',
          P.when((v) => Array.isArray(v) && v[0] === v[2]),
        ),
        [[self(), value]],
      )
      assert.deepEqual(Registry.match(registry, 'hello', P._), [[self(), value]])
      assert.deepEqual(Registry.match(registry, 'nothing', P._), [])
      const value2 = { a: 'a', b: 'b' }
      Registry.register(registry, 'world', value2)
      assert.deepEqual(Registry.match(registry, 'world', { b: 'b' }), [[self(), value2]])
    })

    test('supports guard conditions', function* ({ registry }) {
      const value = [1, 'atom', 2]
      Registry.register(registry, 'hello', value)
      assert.deepEqual(
        Registry.match(registry, 'hello', [P._, P._, P._], (v) => (v as number[])[2]! > 1),
        [[self(), value]],
      )
      assert.deepEqual(
        Registry.match(registry, 'hello', [P._, P._, P._], (v) => (v as number[])[2]! > 2),
        [],
      )
      assert.deepEqual(Registry.match(registry, 'hello', [P._, P.string, P._]), [[self(), value]])
      // A guard that throws does not match, as in an Erlang guard.
      assert.deepEqual(
        Registry.match(registry, 'hello', P._, () => {
          throw new Error('bad guard')
        }),
        [],
      )
    })

    test('countMatch supports patterns and guards', function* ({ registry }) {
      Registry.register(registry, 'hello', [1, 'atom', 1])
      assert.equal(Registry.countMatch(registry, 'hello', [1, P._, P._]), 1)
      assert.equal(Registry.countMatch(registry, 'hello', [new Term.Float(1), P._, P._]), 0)
      assert.equal(Registry.countMatch(registry, 'hello', [P._, 'atom', P._]), 1)
      assert.equal(Registry.countMatch(registry, 'hello', P._), 1)
      assert.equal(
        Registry.countMatch(registry, 'hello', P._, (v) => (v as number[])[2] === 2),
        0,
      )
      Registry.register(registry, 'world', { a: 'a', b: 'b' })
      assert.equal(Registry.countMatch(registry, 'world', { b: 'b' }), 1)
    })

    test('unregisterMatch supports patterns and guards', function* ({ registry }) {
      const value = [1, 'atom', 1]
      Registry.register(registry, 'hello', value)
      Registry.unregisterMatch(registry, 'hello', [2, P._, P._])
      assert.deepEqual(Registry.lookup(registry, 'hello'), [[self(), value]])
      Registry.unregisterMatch(registry, 'hello', [new Term.Float(1), P._, P._])
      assert.deepEqual(Registry.lookup(registry, 'hello'), [[self(), value]])
      Registry.unregisterMatch(registry, 'hello', P._, (v) => (v as number[])[0]! > 1)
      assert.deepEqual(Registry.lookup(registry, 'hello'), [[self(), value]])
      Registry.unregisterMatch(registry, 'hello', [P._, 'atom', P._])
      assert.deepEqual(Registry.lookup(registry, 'hello'), [])
      assert.deepEqual(Registry.keys(registry, self()), [])
    })

    test(
      'unregisterMatch tells the listeners when the caller holds nothing under the key, not when its value does not match',
      function* ({ registry }) {
        Registry.register(registry, 'hello', 1)
        yield* assertReceive(['register', registry, 'hello', self(), 1], 0)
        assert.equal(Registry.unregisterMatch(registry, 'hello', 2), 'ok')
        yield* refuteReceive(['unregister', P._, P._, P._], 0)
        assert.deepEqual(Registry.lookup(registry, 'hello'), [[self(), 1]])
        // Elixir: deleted (0) == the caller's total under the key (0), an unregister.
        assert.equal(Registry.unregisterMatch(registry, 'nokey', P._), 'ok')
        yield* assertReceive(['unregister', registry, 'nokey', self()], 0)
        const [, task] = yield* registerTask(registry, 'other', 1)
        yield* assertReceive(['register', registry, 'other', task, 1], 0)
        assert.equal(Registry.unregisterMatch(registry, 'other', P._), 'ok')
        yield* assertReceive(['unregister', registry, 'other', self()], 0)
        assert.deepEqual(Registry.lookup(registry, 'other'), [[task, 1]])
      },
      true,
    )

    test('select and countSelect take [[key, pid, value], guards, body] clauses', function* ({ registry }) {
      const [, task] = yield* registerTask(registry, 'world', 2)
      Registry.register(registry, 'hello', 1)
      Registry.register(registry, ['tuple', 1], 3)
      const all = Registry.select(registry, [[[P._, P._, P._], [], (e) => e]])
      assert.deepEqual(
        sorted(all),
        sorted([
          ['hello', self(), 1],
          ['world', task, 2],
          [['tuple', 1], self(), 3],
        ]),
      )
      assert.deepEqual(Registry.select(registry, [[['hello', P._, P._], [], ([, pid, v]) => [pid, v]]]), [
        [self(), 1],
      ])
      assert.deepEqual(Registry.select(registry, [[[P._, task, P._], [], ([k]) => k]]), ['world'])
      assert.deepEqual(Registry.select(registry, [[[['tuple', P.number], P._, P._], [], 'const']]), ['const'])
      const bigger = Registry.select(registry, [
        [[P._, P._, P.number], [([, , v]) => (v as number) > 1], ([k]) => k],
      ])
      assert.deepEqual(sorted(bigger), sorted(['world', ['tuple', 1]]))
      // Every guard must hold; a guard that throws is false.
      const both = [
        ([, , v]: Registry.SelectEntry) => (v as number) > 1,
        ([, , v]: Registry.SelectEntry) => v !== 3,
      ]
      assert.deepEqual(Registry.select(registry, [[[P._, P._, P._], both, ([k]) => k]]), ['world'])
      const throws = () => {
        throw new Error('no')
      }
      assert.deepEqual(Registry.select(registry, [[[P._, P._, P._], [throws], true]]), [])
      // The first clause that accepts an entry gives its result, a failed guard moves on.
      const spec: Registry.SelectClause[] = [
        [['hello', P._, P._], [], 'first'],
        [[P._, P._, P._], [() => false], 'never'],
        [[P._, P._, P._], [], 'second'],
      ]
      assert.deepEqual(sorted(Registry.select(registry, spec)), ['first', 'second', 'second'])
      assert.deepEqual(Registry.select(registry, []), [])

      assert.equal(Registry.countSelect(registry, [[[P._, P._, P._], [], true]]), 3)
      assert.equal(
        Registry.countSelect(registry, [[[P._, P._, P.number], [([, , v]) => (v as number) > 1], true]]),
        2,
      )
      assert.equal(Registry.countSelect(registry, [[[P._, P._, P._], [], ([, pid]) => pid === self()]]), 2)
      // Only a body that gives true counts (Elixir's [true]).
      assert.equal(Registry.countSelect(registry, [[[P._, P._, P._], [], 'yes' as never]]), 0)
      assert.equal(Registry.countSelect(registry, []), 0)
    })

    test('select and countSelect reject a spec that is not [[key, pid, value], guards, body] clauses', function* ({
      registry,
    }) {
      const bad = [
        'spec',
        ['clause'],
        [[[P._, P._], [], true]],
        [[[P._, P._, P._], 'guard', true]],
        [[[P._, P._, P._], ['not a function'], true]],
        [[[P._, P._, P._], []]],
      ]
      for (const spec of bad) {
        assert.throws(() => Registry.select(registry, spec as never), {
          code: 'ERR_BEAMISH_BADARG',
          message: /invalid match specification in Registry\.select\/2/,
        })
        assert.throws(() => Registry.countSelect(registry, spec as never), {
          code: 'ERR_BEAMISH_BADARG',
          message: /invalid match specification in Registry\.countSelect\/2/,
        })
      }
      assert.throws(() => Registry.select(uniqueName('none'), []), /unknown registry/)
      assert.throws(() => Registry.countSelect(uniqueName('none'), []), /unknown registry/)
    })

    test('send delivers to the process under a key, and throws when there is none', function* ({ registry }) {
      assert.throws(() => Registry.send([registry, 'hello'], 'lost'), {
        code: 'ERR_BEAMISH_BADARG',
        message: /no process is registered under "hello"/,
      })
      Registry.register(registry, 'hello', 'value')
      assert.equal(Registry.send([registry, 'hello'], 'hi'), 'hi')
      yield* assertReceive('hi', 0)
      // A via key may carry a value, which send ignores.
      assert.deepEqual(Registry.send([registry, 'hello', 'ignored'], ['hi', 3]), ['hi', 3])
      yield* assertReceive(['hi', 3], 0)
      const [, task] = yield* registerTask(registry, 'world', 1)
      Registry.send([registry, 'world'], 'to the task')
      assert.equal(Process.info(task)!.messageQueueLen, 1)
      assert.throws(() => Registry.send([uniqueName('none'), 'k'], 'x'), /unknown registry/)
      assert.throws(() => Registry.send('hello' as never, 'x'), { code: 'ERR_BEAMISH_BADARG' })
    })

    test('RG2: compares keys like ===: 1 and the float 1.0 differ; data compares by value', function* ({
      registry,
    }) {
      assert.equal(Registry.register(registry, new Term.Float(1), 'value')[0], 'ok')
      assert.equal(Registry.register(registry, 1, 'value')[0], 'ok')
      assert.equal(Registry.keys(registry, self()).length, 2)
      Registry.register(registry, ['room', 42], 'r')
      Registry.register(registry, { b: 2, a: 1 }, 'o')
      assert.deepEqual(Registry.lookup(registry, ['room', 42]), [[self(), 'r']])
      assert.deepEqual(Registry.lookup(registry, { a: 1, b: 2 }), [[self(), 'o']])
      assert.deepEqual(Registry.lookup(registry, ['room', 43]), [])
      assert.deepEqual(Registry.lookup(registry, '["room",42]'), [])
      assert.deepEqual(Registry.register(registry, ['room', 42], 'again'), [
        'error',
        ['already_registered', self()],
      ])
    })

    test('RG4: updateValue changes the caller’s own value only', function* ({ registry }) {
      const boom = () => {
        throw new Error('never called')
      }
      assert.equal(Registry.updateValue(registry, 'hello', boom), 'error')
      yield* registerTask(registry, 'hello', 'value')
      assert.equal(Registry.updateValue(registry, 'hello', boom), 'error')
      Registry.register(registry, 'world', 1)
      assert.deepEqual(Registry.lookup(registry, 'world'), [[self(), 1]])
      assert.deepEqual(
        Registry.updateValue(registry, 'world', (n: number) => n + 1),
        [2, 1],
      )
      assert.deepEqual(Registry.lookup(registry, 'world'), [[self(), 2]])
    })

    test('RG4: dispatches to a single key, and not at all without entries', function* ({ registry }) {
      assert.equal(
        Registry.dispatch(registry, 'hello', () => {
          throw new Error('will never be invoked')
        }),
        'ok',
      )
      Registry.register(registry, 'hello', 'value')
      Registry.dispatch(registry, 'hello', (entries) => {
        for (const [pid, value] of entries) send(pid, ['dispatch', value])
      })
      yield* assertReceive(['dispatch', 'value'], 0)
      assert.equal(
        yield* Registry.dispatch(registry, 'hello', (es) => send(self(), ['parallel', es.length]), {
          parallel: true,
        }),
        'ok',
      )
      yield* assertReceive(['parallel', 1], 0)
    })

    test('RG4: unregister removes the caller’s key; always ok', function* ({ registry }) {
      assert.equal(Registry.unregister(registry, 'hello'), 'ok')
      Registry.register(registry, 'hello', 'value')
      Registry.register(registry, 'world', 'value')
      assert.deepEqual(sorted(Registry.keys(registry, self())), ['hello', 'world'])
      assert.equal(Registry.unregister(registry, 'hello'), 'ok')
      assert.deepEqual(Registry.keys(registry, self()), ['world'])
      assert.equal(Registry.unregister(registry, 'world'), 'ok')
      assert.deepEqual(Registry.keys(registry, self()), [])
    })

    test('RG4: unregister of another process’s key does nothing', function* ({ registry }) {
      const [, task] = yield* registerTask(registry, 'hello', 'value')
      assert.equal(Registry.unregister(registry, 'hello'), 'ok')
      assert.deepEqual(Registry.lookup(registry, 'hello'), [[task, 'value']])
    })

    test(
      'RG6: listeners hear of registrations and unregistrations',
      function* ({ registry }) {
        const [, task] = yield* registerTask(registry, 'hello', 'world')
        yield* assertReceive(['register', registry, 'hello', task, 'world'], 0)
        Registry.register(registry, 'world', 'value')
        yield* assertReceive(['register', registry, 'world', self(), 'value'], 0)
        Registry.unregister(registry, 'world')
        yield* assertReceive(['unregister', registry, 'world', self()], 0)
      },
      true,
    )

    test('RG2/RG4: links to the partition on register, unlinks when the last key goes', function* ({
      registry,
    }) {
      const [, owner] = Registry.register(registry, 'hello', 'value')
      assert.ok(linked(owner as Pid))
      const [, owner2] = Registry.register(registry, 'world', 'value')
      assert.equal(owner2, owner)
      Registry.unregister(registry, 'hello')
      assert.ok(linked(owner as Pid))
      Registry.unregister(registry, 'world')
      assert.ok(!linked(owner as Pid))
    })

    test('RG6: an unknown registry name throws', function* () {
      assert.throws(
        () => Registry.register(uniqueName('unknown'), 'hello', 'value'),
        (e: unknown) =>
          e instanceof BeamishError &&
          e.code === 'ERR_BEAMISH_UNKNOWN_REGISTRY' &&
          /unknown registry/.test(e.message),
      )
      assert.throws(() => Registry.lookup(uniqueName('unknown'), 'hello'), /unknown registry/)
    })

    test('RG5: via callbacks: register, call, cast, whereis, unregister on failure, already_started', function* ({
      registry,
    }) {
      const name = Registry.via(registry, 'hello')
      const r = yield* Agent.startLink(() => 0, { name })
      assert.equal(r[0], 'ok')
      const pid = (r as readonly ['ok', Pid])[1]
      assert.equal(yield* Agent.update(name, (n: number) => n + 1), 'ok')
      assert.equal(yield* Agent.get(name, (n: number) => n), 1)
      assert.equal(Registry.whereisName([registry, 'hello']), pid)
      assert.deepEqual(Registry.lookup(registry, 'hello'), [[pid, null]])
      // A start that fails releases the name it took.
      const failed = yield* Agent.start(
        () => {
          throw new Error('oops')
        },
        { name: Registry.via(registry, 'other') },
      )
      assert.equal(failed[0], 'error')
      assert.deepEqual(Registry.lookup(registry, 'other'), [])
      assert.deepEqual(yield* Agent.start(() => 0, { name }), ['error', ['already_started', pid]])
      // The module itself is a via module, as {:via, Registry, {registry, key}} in Elixir.
      assert.equal(yield* Agent.get({ via: Registry, key: [registry, 'hello'] }, (n: number) => n), 1)
      yield* Agent.stop(name)
      assert.deepEqual(Registry.lookup(registry, 'hello'), [])
      const fn = (n: number) => n
      assert.deepEqual(yield* catchExit(Agent.get(name, fn)), [
        'noproc',
        ['GenServer', 'call', [name, ['get', fn], 5000]],
      ])
    })

    test('RG5: a via name may carry the entry’s value', function* ({ registry }) {
      const r = yield* Agent.startLink(() => 0, { name: Registry.via(registry, 'hello', 'value') })
      assert.deepEqual(Registry.lookup(registry, 'hello'), [[(r as readonly ['ok', Pid])[1], 'value']])
    })

    test('RG3: after a crash, the partitions remove every entry of the dead process', function* ({
      registry,
    }) {
      const [, task1] = yield* registerTask(registry, 'hello', 'value')
      const [, task2] = yield* registerTask(registry, 'world', 'value')
      yield* killAndAssertDown(task1)
      yield* killAndAssertDown(task2)
      yield* syncPartitions(registry)
      assert.equal(Registry.count(registry), 0)
      assert.deepEqual(Registry.lookup(registry, 'hello'), [])
      assert.deepEqual(Registry.lookup(registry, 'world'), [])
    })

    test('RG2: values are copied in, like messages', function* ({ registry }) {
      const value = { n: 1 }
      Registry.register(registry, 'hello', value)
      value.n = 2
      assert.deepEqual(Registry.lookup(registry, 'hello'), [[self(), { n: 1 }]])
    })

    test('a failed registration leaves nothing behind', function* ({ registry }) {
      Registry.register(registry, 'hello', 'value')
      Registry.register(registry, 'world', 'value')
      assert.equal(Registry.count(registry), 2)
      Registry.register(registry, 'hello', 'value')
      assert.equal(Registry.count(registry), 2)
      assert.deepEqual(sorted(Registry.keys(registry, self())), ['hello', 'world'])
      Registry.unregister(registry, 'hello')
      Registry.unregister(registry, 'world')
      assert.deepEqual(partitionsOf(registry).filter(linked), [])
    })
  })
}

for (const partitions of [1, 8]) {
  describe(`duplicate registry with ${partitions} partition(s)`, () => {
    const test = registryTest('duplicate', partitions)

    test('RG1: starts the configured number of partitions', function* ({ registry }) {
      assert.equal(partitionsOf(registry).length, partitions)
    })

    test('counts 0 keys in an empty registry, and every registration', function* ({ registry }) {
      assert.equal(Registry.count(registry), 0)
      Registry.register(registry, 'hello', 'value')
      Registry.register(registry, 'hello', 'value')
      assert.equal(Registry.count(registry), 2)
    })

    test('RG2: has duplicate registrations, also by the same process', function* ({ registry }) {
      assert.equal(Registry.register(registry, 'hello', 'value')[0], 'ok')
      assert.deepEqual(Registry.keys(registry, self()), ['hello'])
      assert.deepEqual(Registry.values(registry, 'hello', self()), ['value'])
      assert.equal(Registry.register(registry, 'hello', 'value')[0], 'ok')
      assert.deepEqual(Registry.keys(registry, self()), ['hello', 'hello'])
      assert.deepEqual(Registry.values(registry, 'hello', self()), ['value', 'value'])
      Registry.register(registry, 'world', 'value')
      assert.deepEqual(sorted(Registry.keys(registry, self())), ['hello', 'hello', 'world'])
    })

    test('RG2: has duplicate registrations across processes', function* ({ registry }) {
      const [, task] = yield* registerTask(registry, 'hello', 'world')
      assert.deepEqual(Registry.keys(registry, self()), [])
      assert.deepEqual(Registry.keys(registry, task), ['hello'])
      assert.deepEqual(Registry.values(registry, 'hello', task), ['world'])
      assert.equal(Registry.register(registry, 'hello', 'value')[0], 'ok')
      assert.deepEqual(Registry.keys(registry, self()), ['hello'])
      assert.deepEqual(Registry.values(registry, 'hello', self()), ['value'])
      assert.deepEqual(sorted(Registry.lookup(registry, 'hello').map(([, v]) => v)), ['value', 'world'])
    })

    test('RG2: compares keys like ===', function* ({ registry }) {
      Registry.register(registry, new Term.Float(1), 'value')
      Registry.register(registry, 1, 'value')
      assert.equal(Registry.keys(registry, self()).length, 2)
      assert.equal(Registry.lookup(registry, 1).length, 1)
    })

    test('RG4: dispatches to every entry in the caller, serially', function* ({ registry }) {
      Process.trapExit(true)
      const parent = self()
      assert.equal(
        Registry.dispatch(registry, 'hello', () => {
          throw new Error('will never be invoked')
        }),
        'ok',
      )
      Registry.register(registry, 'hello', 'value1')
      Registry.register(registry, 'hello', 'value2')
      Registry.register(registry, 'world', 'value3')
      const fan = (entries: (readonly [Pid, unknown])[]) => {
        assert.equal(self(), parent)
        for (const [pid, value] of entries) send(pid, ['dispatch', value])
      }
      assert.equal(Registry.dispatch(registry, 'hello', fan, { parallel: false }), 'ok')
      yield* assertReceive(['dispatch', 'value1'], 0)
      yield* assertReceive(['dispatch', 'value2'], 0)
      yield* refuteReceive(['dispatch', 'value3'], 0)
      Registry.dispatch(registry, 'world', fan)
      yield* assertReceive(['dispatch', 'value3'], 0)
      yield* refuteReceive(['EXIT', P._, P._], 0)
    })

    test('RG4: dispatches in parallel, in a task per partition when there are several', function* ({
      registry,
    }) {
      Process.trapExit(true)
      const parent = self()
      assert.equal(
        yield* Registry.dispatch(
          registry,
          'hello',
          () => {
            throw new Error('will never be invoked')
          },
          { parallel: true },
        ),
        'ok',
      )
      Registry.register(registry, 'hello', 'value1')
      Registry.register(registry, 'hello', 'value2')
      Registry.register(registry, 'world', 'value3')
      const fan = (entries: (readonly [Pid, unknown])[]) => {
        if (partitions === 8) assert.notEqual(self(), parent)
        else assert.equal(self(), parent)
        for (const [pid, value] of entries) send(pid, ['dispatch', value])
      }
      assert.equal(yield* Registry.dispatch(registry, 'hello', fan, { parallel: true }), 'ok')
      yield* assertReceive(['dispatch', 'value1'], 0)
      yield* assertReceive(['dispatch', 'value2'], 0)
      yield* refuteReceive(['dispatch', 'value3'], 0)
      assert.equal(yield* Registry.dispatch(registry, 'world', fan, { parallel: true }), 'ok')
      yield* assertReceive(['dispatch', 'value3'], 0)
      yield* refuteReceive(['EXIT', P._, P._], 0)
    })

    test('RG4: unregister removes all of the caller’s entries under the key', function* ({ registry }) {
      Registry.register(registry, 'hello', 'value')
      Registry.register(registry, 'hello', 'value')
      Registry.register(registry, 'world', 'value')
      assert.equal(Registry.unregister(registry, 'hello'), 'ok')
      assert.deepEqual(Registry.keys(registry, self()), ['world'])
      assert.equal(Registry.unregister(registry, 'world'), 'ok')
      assert.deepEqual(Registry.keys(registry, self()), [])
      assert.equal(Registry.unregister(registry, 'nothing'), 'ok')
    })

    test('supports match patterns and guards over several entries', function* ({ registry }) {
      const value1 = [1, 'atom', 1]
      const value2 = [2, 'atom', 2]
      Registry.register(registry, 'hello', value1)
      Registry.register(registry, 'hello', value2)
      assert.deepEqual(Registry.match(registry, 'hello', [1, P._, P._]), [[self(), value1]])
      assert.deepEqual(Registry.match(registry, 'hello', [new Term.Float(1), P._, P._]), [])
      assert.deepEqual(Registry.match(registry, 'hello', [P._, 'atom', P._]).length, 2)
      assert.deepEqual(Registry.match(registry, 'hello', [2, P._, P._]), [[self(), value2]])
      assert.deepEqual(
        Registry.match(registry, 'hello', P._, (v) => (v as number[])[0]! < 2),
        [[self(), value1]],
      )
      assert.deepEqual(
        Registry.match(registry, 'hello', P._, (v) => (v as number[])[0]! > 3),
        [],
      )
      assert.equal(Registry.countMatch(registry, 'hello', [P._, P.string, P._]), 2)
      assert.equal(
        Registry.countMatch(registry, 'hello', P._, (v) => (v as number[])[2]! > 1),
        1,
      )
    })

    test(
      'unregisterMatch removes only the matching entries',
      function* ({ registry }) {
        const value1 = [1, 'atom', 1]
        const value2 = [2, 'atom', 2]
        Registry.register(registry, 'hello', value1)
        Registry.register(registry, 'hello', value2)
        Registry.unregisterMatch(registry, 'hello', [2, P._, P._])
        assert.deepEqual(Registry.lookup(registry, 'hello'), [[self(), value1]])
        assert.deepEqual(Registry.keys(registry, self()), ['hello'])
        // Only the removal of the last entry is an unregistration.
        yield* refuteReceive(['unregister', P._, P._, P._], 0)
        Registry.register(registry, 'hello', value2)
        Registry.unregisterMatch(registry, 'hello', [new Term.Float(2), P._, P._])
        assert.deepEqual(Registry.lookup(registry, 'hello'), [
          [self(), value1],
          [self(), value2],
        ])
        Registry.unregisterMatch(registry, 'hello', P._, (v) => (v as number[])[0]! < 2)
        assert.deepEqual(Registry.lookup(registry, 'hello'), [[self(), value2]])
        Registry.unregisterMatch(registry, 'hello', [P._, 'atom', P._])
        assert.deepEqual(Registry.lookup(registry, 'hello'), [])
        yield* assertReceive(['unregister', registry, 'hello', self()], 0)
        assert.equal(Registry.count(registry), 0)
      },
      true,
    )

    test(
      'unregisterMatch tells the listeners when the caller holds nothing under the key',
      function* ({ registry }) {
        const [, task] = yield* registerTask(registry, 'hello', 1)
        yield* assertReceive(['register', registry, 'hello', task, 1], 0)
        assert.equal(Registry.unregisterMatch(registry, 'hello', P._), 'ok')
        yield* assertReceive(['unregister', registry, 'hello', self()], 0)
        assert.equal(Registry.unregisterMatch(registry, 'nokey', 1), 'ok')
        yield* assertReceive(['unregister', registry, 'nokey', self()], 0)
        assert.deepEqual(Registry.lookup(registry, 'hello'), [[task, 1]])
      },
      true,
    )

    test('lists a key’s entries in registration order, across processes and removals', function* ({
      registry,
      partitions,
    }) {
      const text = (entries: readonly (readonly [Pid, unknown])[]) => entries.map(([pid, v]) => `${pid}=${v}`)
      const me = self()
      Registry.register(registry, 't', 1)
      const [, b] = yield* registerTask(registry, 't', 2)
      Registry.register(registry, 't', 3)
      const [, c] = yield* registerTask(registry, 't', 4)
      Registry.register(registry, 't', 5)
      const expected = [`${me}=1`, `${b}=2`, `${me}=3`, `${c}=4`, `${me}=5`]
      if (partitions === 1) {
        // One partition is one duplicate_bag table, which keeps insertion order (Elixir).
        assert.deepEqual(text(Registry.lookup(registry, 't')), expected)
        assert.deepEqual(text(Registry.match(registry, 't', P._)), expected)
        const dispatched: string[] = []
        Registry.dispatch(registry, 't', (entries) => dispatched.push(...text(entries)))
        assert.deepEqual(dispatched, expected)
        assert.deepEqual(
          Registry.select(registry, [[['t', P._, P._], [], ([, pid, v]) => `${pid}=${v}`]]),
          expected,
        )
      } else {
        // Several partitions: each process's entries live in its own, still in order.
        assert.deepEqual(sorted(text(Registry.lookup(registry, 't'))), sorted(expected))
        assert.deepEqual(text(Registry.match(registry, 't', P._, (v) => v !== 2 && v !== 4)), [
          `${me}=1`,
          `${me}=3`,
          `${me}=5`,
        ])
      }
      assert.deepEqual(Registry.values(registry, 't', me), [1, 3, 5])
      yield* killAndAssertDown(b)
      yield* syncPartitions(registry)
      Registry.unregisterMatch(registry, 't', 3)
      Registry.register(registry, 't', 6)
      const rest = [`${me}=1`, `${c}=4`, `${me}=5`, `${me}=6`]
      if (partitions === 1) assert.deepEqual(text(Registry.lookup(registry, 't')), rest)
      else assert.deepEqual(sorted(text(Registry.lookup(registry, 't'))), sorted(rest))
      assert.deepEqual(Registry.values(registry, 't', me), [1, 5, 6])
      assert.equal(Registry.count(registry), 4)
    })

    test('select and countSelect see every entry, a key’s in registration order', function* ({ registry }) {
      const [, task] = yield* registerTask(registry, 'hello', 'theirs')
      Registry.register(registry, 'hello', 1)
      Registry.register(registry, 'hello', 2)
      Registry.register(registry, 'world', 3)
      assert.deepEqual(Registry.select(registry, [[['hello', self(), P._], [], ([, , v]) => v]]), [1, 2])
      assert.deepEqual(Registry.select(registry, [[[P._, task, P._], [], (e) => e]]), [
        ['hello', task, 'theirs'],
      ])
      assert.deepEqual(sorted(Registry.select(registry, [[[P._, P._, P.number], [], ([k]) => k]])), [
        'hello',
        'hello',
        'world',
      ])
      assert.equal(Registry.countSelect(registry, [[['hello', P._, P._], [], true]]), 3)
      assert.equal(
        Registry.countSelect(registry, [[[P._, P._, P.number], [([, , v]) => (v as number) >= 2], true]]),
        2,
      )
    })

    test('send works for a key with exactly one entry, and throws otherwise', function* ({ registry }) {
      assert.throws(() => Registry.send([registry, 'hello'], 'x'), { code: 'ERR_BEAMISH_BADARG' })
      Registry.register(registry, 'hello', 1)
      assert.equal(Registry.send([registry, 'hello'], 'one'), 'one')
      yield* assertReceive('one', 0)
      Registry.register(registry, 'hello', 2)
      assert.throws(() => Registry.send([registry, 'hello'], 'two'), {
        code: 'ERR_BEAMISH_BADARG',
        message: /2 entries are registered under "hello"/,
      })
      yield* refuteReceive('two', 0)
    })

    test(
      'RG6: listeners hear of registrations and unregistrations',
      function* ({ registry }) {
        const [, task] = yield* registerTask(registry, 'hello', 'world')
        yield* assertReceive(['register', registry, 'hello', task, 'world'], 0)
        Registry.register(registry, 'hello', 'value')
        yield* assertReceive(['register', registry, 'hello', self(), 'value'], 0)
        Registry.unregister(registry, 'hello')
        yield* assertReceive(['unregister', registry, 'hello', self()], 0)
      },
      true,
    )

    test('RG2/RG4: links to the partition on register, unlinks when the last key goes', function* ({
      registry,
    }) {
      const [, owner] = Registry.register(registry, 'hello', 'value')
      assert.ok(linked(owner as Pid))
      Registry.register(registry, 'world', 'value')
      Registry.unregister(registry, 'hello')
      assert.ok(linked(owner as Pid))
      Registry.unregister(registry, 'world')
      assert.ok(!linked(owner as Pid))
    })

    test('RG5: a duplicate registry cannot name processes: via throws in the caller', function* ({
      registry,
    }) {
      assert.throws(
        () => Registry.whereisName([registry, 'hello']),
        (e: unknown) =>
          e instanceof BeamishError && e.message === ':via is not supported for duplicate registries',
      )
      let threw: unknown
      try {
        yield* Agent.startLink(() => 0, { name: Registry.via(registry, 'hello') })
      } catch (e) {
        threw = e
      }
      assert.ok(threw instanceof BeamishError)
      assert.equal(threw.message, ':via is not supported for duplicate registries')
    })

    test('RG4: updateValue is for unique registries only', function* ({ registry }) {
      Registry.register(registry, 'hello', 1)
      assert.throws(
        () => Registry.updateValue(registry, 'hello', (n: number) => n + 1),
        /not supported for duplicate registries/,
      )
    })

    test('RG3: after a crash, the partitions remove every entry of the dead process', function* ({
      registry,
    }) {
      const [, task1] = yield* registerTask(registry, 'hello', 'value')
      const [, task2] = yield* registerTask(registry, 'world', 'value')
      Registry.register(registry, 'hello', 'mine')
      yield* killAndAssertDown(task1)
      yield* killAndAssertDown(task2)
      yield* syncPartitions(registry)
      assert.equal(Registry.count(registry), 1)
      assert.deepEqual(Registry.lookup(registry, 'hello'), [[self(), 'mine']])
    })
  })
}

describe('Registry', () => {
  it('RG1: childSpec uses the name as the id and starts a supervisor', () => {
    const opts = { keys: 'unique', name: 'custom_name' } as const
    assert.deepEqual(Registry.childSpec(opts), {
      id: 'custom_name',
      start: [Registry.startLink, [opts]],
      type: 'supervisor',
    })
  })

  it('RG1: the name is required and must be a string; keys must be unique or duplicate', () => {
    assert.throws(
      () => Registry.startLink({ keys: 'unique' } as never),
      (e: unknown) =>
        e instanceof BeamishError &&
        e.code === 'ERR_BEAMISH_INVALID_OPTION' &&
        /name option to be present/.test(e.message),
    )
    assert.throws(
      () => Registry.startLink({ keys: 'unique', name: [] } as never),
      /name option to be a string[\s\S]*Got: \[\]/,
    )
    assert.throws(
      () => Registry.startLink({ keys: 'both', name: 'x' } as never),
      (e: unknown) =>
        e instanceof BeamishError &&
        /\* 'unique'\n {2}\* 'duplicate'/.test(e.message) &&
        /Got: "both"/.test(e.message),
    )
    assert.throws(
      () => Registry.startLink({ keys: 'unique', name: 'x', partitions: 0 }),
      /partitions option to be a positive integer/,
    )
    assert.throws(
      () => Registry.startLink({ keys: 'unique', name: 'x', listeners: [1] } as never),
      /listeners option/,
    )
    assert.throws(
      () => Registry.startLink({ keys: 'unique', name: 'x', colour: 'red' } as never),
      /unknown Registry option "colour"/,
    )
  })

  it('RG1: a name already taken gives already_started', () =>
    run(function* () {
      const name = uniqueName('taken')
      const [, pid] = (yield* Registry.startLink({ keys: 'unique', name })) as readonly ['ok', Pid]
      assert.deepEqual(yield* Registry.startLink({ keys: 'duplicate', name }), [
        'error',
        ['already_started', pid],
      ])
      Registry.register(name, 'still', 'unique')
      assert.deepEqual(Registry.register(name, 'still', 'x')[0], 'error')
    }))

  it('meta reads the metadata given at start or stored with putMeta', () =>
    run(function* () {
      const name = uniqueName('meta')
      yield* Registry.startLink({ keys: 'unique', name, meta: { customKey: 'customValue' } })
      assert.deepEqual(Registry.meta(name, 'customKey'), ['ok', 'customValue'])
      assert.equal(Registry.meta(name, 'unknownKey'), 'error')
      assert.equal(Registry.putMeta(name, 'customKey', 'new'), 'ok')
      assert.deepEqual(Registry.meta(name, 'customKey'), ['ok', 'new'])
      assert.equal(Registry.putMeta(name, ['tuple', 'key'], 'tupleValue'), 'ok')
      assert.deepEqual(Registry.meta(name, ['tuple', 'key']), ['ok', 'tupleValue'])
      assert.throws(() => Registry.meta(name, 42 as never), /a meta key/)
      assert.throws(() => Registry.meta(uniqueName('none'), 'k'), /unknown registry/)
    }))

  it('deleteMeta removes metadata, and is ok when there is none', () =>
    run(function* () {
      const name = uniqueName('meta')
      yield* Registry.startLink({ keys: 'duplicate', name, meta: [[['tuple', 'key'], 1]] })
      Registry.putMeta(name, 'custom', 'value')
      assert.equal(Registry.deleteMeta(name, 'custom'), 'ok')
      assert.equal(Registry.meta(name, 'custom'), 'error')
      assert.equal(Registry.deleteMeta(name, ['tuple', 'key']), 'ok')
      assert.equal(Registry.meta(name, ['tuple', 'key']), 'error')
      assert.equal(Registry.deleteMeta(name, 'custom'), 'ok')
      assert.throws(() => Registry.deleteMeta(name, 42 as never), /a meta key/)
      assert.throws(() => Registry.deleteMeta(uniqueName('none'), 'k'), /unknown registry/)
    }))

  it('RG1: a stopped registry is unknown, and its registrants linked to it are told', () =>
    run(function* () {
      Process.trapExit(true)
      const name = uniqueName('stopped')
      yield* Registry.startLink({ keys: 'duplicate', name, partitions: 2 })
      const [, owner] = Registry.register(name, 'k', 'v')
      yield* GenServer.stop(name, 'shutdown')
      yield* assertReceive(['EXIT', owner, 'shutdown'])
      assert.throws(() => Registry.lookup(name, 'k'), /unknown registry/)
    }))

  it('RG1: a registry runs under a supervisor', () =>
    quietly(function* () {
      const name = uniqueName('supervised')
      const r = yield* Supervisor.startLink([Registry.childSpec({ keys: 'unique', name })], {
        strategy: 'one_for_one',
      })
      assert.equal(r[0], 'ok')
      assert.equal(Registry.register(name, 'hello', 1)[0], 'ok')
      assert.deepEqual(Registry.lookup(name, 'hello'), [[self(), 1]])
      // Registrants are linked to the registry: unregister before it shuts down.
      Registry.unregister(name, 'hello')
      yield* Supervisor.stop((r as readonly ['ok', Pid])[1])
      assert.throws(() => Registry.lookup(name, 'hello'), /unknown registry/)
    }))

  it('RG5: GenServer names through Registry.via for start, call, cast and stop', () =>
    run(function* () {
      const registry = uniqueName('via')
      yield* Registry.startLink({ keys: 'unique', name: registry, partitions: 4 })
      const Echo = GenServer.define({
        init: (n: number) => GenServer.ok(n),
        handleCall: (req: 'get', _from, n: number) => GenServer.reply([req, n], n),
        handleCast: (m: number, n: number) => GenServer.noreply(n + m),
      })
      const names = [1, 2, 3].map((i) => Registry.via(registry, ['echo', i]))
      for (const name of names) assert.equal((yield* GenServer.startLink(Echo, 0, { name }))[0], 'ok')
      GenServer.cast(names[1]!, 5)
      assert.deepEqual(yield* GenServer.call(names[1]!, 'get'), ['get', 5])
      assert.equal(Registry.count(registry), 3)
      for (const name of names) yield* GenServer.stop(name)
      assert.equal(Registry.count(registry), 0)
    }))
})
