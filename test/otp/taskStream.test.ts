/**
 * Task.asyncStream: the async_stream cases of Elixir 1.14's task_test.exs, parameterized over
 * max_concurrency ==, < and > the number of elements like Elixir's, plus the JS-facing forms
 * (async iterable, ops, cursor). Tasks finish in an order set by a conductor process, never by
 * timing.
 */
import assert from 'node:assert/strict'
import { availableParallelism } from 'node:os'
import { describe, it } from 'node:test'
import { BeamishError } from '../../src/Errors.ts'
import { exit, P, Process, Task } from '../../src/index.ts'
import { assertReceive, refuteReceive, run } from '../../src/testing/index.ts'
import { catchExit, quietly } from './helpers.ts'
import { blockOn, conducted, conductor } from './taskHelpers.ts'

const { self, send } = Process

const ok = <T>(...xs: T[]) => xs.map((x) => ['ok', x] as const)
const exits = (...xs: unknown[]) => xs.map((x) => ['exit', x] as const)
const range = (from: number, to: number) => {
  const out: number[] = []
  for (let i = from; from <= to ? i <= to : i >= to; from <= to ? i++ : i--) out.push(i)
  return out
}
/** Ends the task with its input as the exit reason. */
const exitWith = (x: unknown) => exit(x)

describe('Task.asyncStream', () => {
  it('exits the caller with timeout when a task takes too long, leaking nothing', () =>
    run(function* () {
      const stream = Task.asyncStream(['infinity'], blockOn, { timeout: 0 })
      assert.deepEqual(yield* catchExit(stream.toArray()), ['timeout', ['Task.Supervised', 'stream', [0]]])
      assert.deepEqual(Process.flush(), [])
      assert.deepEqual(Process.info(self())!.links, [])
    }))

  it('streams with ordered: false, giving results as the tasks finish', () =>
    run(function* () {
      // One at a time: finishing order is input order.
      assert.deepEqual(
        yield* Task.asyncStream(range(4, 1), (x) => x, { maxConcurrency: 1, ordered: false }).toArray(),
        ok(4, 3, 2, 1),
      )
      // All at once: the conductor lets the smallest value finish first.
      const c = conductor(self(), 4, 4)
      const r = yield* Task.asyncStream(range(4, 1), conducted(c), {
        maxConcurrency: 4,
        ordered: false,
      }).toArray()
      assert.deepEqual(r, ok(1, 2, 3, 4))
      yield* assertReceive(['max waiting', 4])
    }))

  it('streams with ordered: false and onTimeout kill_task: timed-out tasks come last', () =>
    run(function* () {
      const stream = Task.asyncStream(['infinity', 1, 'infinity', 1], blockOn, {
        maxConcurrency: 4,
        ordered: false,
        onTimeout: 'kill_task',
        timeout: 50,
      })
      assert.deepEqual(yield* stream.toArray(), [...ok(1, 1), ...exits('timeout', 'timeout')])
      assert.deepEqual(Process.flush(), [])
    }))

  it('streams with an infinite timeout', () =>
    run(function* () {
      assert.deepEqual(
        yield* Task.asyncStream([1], () => 'ok', { timeout: Number.POSITIVE_INFINITY }).toArray(),
        ok('ok'),
      )
    }))

  it('T9: each task records the consumer in $callers, nested streams too', () =>
    run(function* () {
      const grandparent = self()
      const outer = Task.asyncStream([1], function* () {
        const parent = self()
        assert.deepEqual(Process.get('$callers'), [grandparent])
        const inner = Task.asyncStream([1], () => {
          send(grandparent, ['callers', Process.get('$callers'), parent])
        })
        yield* inner.toArray()
      })
      yield* outer.toArray()
      const [, callers, parent] = yield* assertReceive(['callers', P._, P._])
      assert.deepEqual(callers, [parent, grandparent])
    }))

  it('runs at most maxConcurrency tasks at once, by default as many as there are cores', () =>
    run(function* () {
      const cores = availableParallelism()
      const c = conductor(self(), cores + 2, cores)
      const r = yield* Task.asyncStream(range(1, cores + 2), conducted(c)).toArray()
      assert.deepEqual(r, ok(...range(1, cores + 2)))
      yield* assertReceive(['max waiting', cores])
    }))

  it('zipInputOnExit reports exits with their input', () =>
    quietly(function* () {
      Process.trapExit(true)
      const r = yield* Task.asyncStream([1, 'infinity'], (x) => (x === 1 ? exit('boom') : blockOn(x)), {
        zipInputOnExit: true,
        onTimeout: 'kill_task',
        timeout: 20,
      }).toArray()
      assert.deepEqual(r, exits([1, 'boom'], ['infinity', 'timeout']))
    }))

  it('consumes async iterables, and plain, async and generator work', () =>
    run(function* () {
      async function* input() {
        for (let i = 1; i <= 3; i++) {
          await Promise.resolve()
          yield i
        }
      }
      const r = yield* Task.asyncStream(input(), async (x: number) => {
        await Promise.resolve()
        return x * 10
      }).toArray()
      assert.deepEqual(r, ok(10, 20, 30))
    }))

  it('is an async iterable in an async process; breaking out kills the running tasks', () =>
    run(async () => {
      const seen: unknown[] = []
      for await (const r of Task.asyncStream([1, 2, 'infinity', 'infinity'], blockOn, {
        maxConcurrency: 4,
      })) {
        seen.push(r)
        if (seen.length === 2) break
      }
      assert.deepEqual(seen, ok(1, 2))
      assert.deepEqual(Process.info(Process.self())!.links, [])
      assert.deepEqual(Process.flush(), [])
    }))

  it('runs from plain async code outside any process with await', async () => {
    assert.deepEqual(await Task.asyncStream([1, 2, 3], (x) => x + 1).toArray(), ok(2, 3, 4))
  })

  it('each hands over each result; returning false stops the stream', () =>
    run(function* () {
      const seen: unknown[] = []
      yield* Task.asyncStream([1, 2, 'infinity'], blockOn, { maxConcurrency: 3 }).each((r) => {
        seen.push(r)
        return seen.length < 2
      })
      assert.deepEqual(seen, ok(1, 2))
      assert.deepEqual(Process.info(self())!.links, [])
    }))

  it('a cursor steps one result at a time and must be consumed by the process that opened it', () =>
    run(function* () {
      const cursor = Task.asyncStream([1, 2], (x) => x).open()
      assert.deepEqual(yield* cursor.next(), { done: false, value: ['ok', 1] })
      const me = self()
      Process.spawn(function* () {
        try {
          yield* cursor.next()
        } catch (e) {
          send(me, ['thrown', (e as BeamishError).code])
        }
      })
      yield* assertReceive(['thrown', 'ERR_BEAMISH_NOT_OWNER'])
      assert.deepEqual(yield* cursor.next(), { done: false, value: ['ok', 2] })
      assert.deepEqual(yield* cursor.next(), { done: true, value: undefined })
    }))

  it('bad options throw at once, listing the valid ones', () => {
    assert.throws(
      () => Task.asyncStream([1], (x) => x, { maxConcurency: 2 } as never),
      (e: unknown) =>
        e instanceof BeamishError &&
        e.code === 'ERR_BEAMISH_INVALID_OPTION' &&
        /\* maxConcurrency/.test(e.message),
    )
    assert.throws(
      () => Task.asyncStream([1], (x) => x, { onTimeout: 'ignore' as never }),
      (e: unknown) =>
        e instanceof BeamishError && /\* 'kill_task'/.test(e.message) && /Got: "ignore"/.test(e.message),
    )
    assert.throws(
      () => Task.asyncStream(42 as never, (x) => x),
      (e: unknown) => e instanceof BeamishError && e.code === 'ERR_BEAMISH_BADARG',
    )
    assert.throws(
      () => Task.asyncStream([1], (x) => x, { maxConcurrency: 0 }),
      (e: unknown) => e instanceof BeamishError,
    )
  })
})

for (const [desc, maxConcurrency] of [
  ['==', 4],
  ['<', 2],
  ['>', 8],
] as const) {
  describe(`Task.asyncStream with maxConcurrency ${desc} tasks`, () => {
    const opts = { maxConcurrency }

    it('streams an enumerable with a function', () =>
      run(function* () {
        assert.deepEqual(yield* Task.asyncStream(range(1, 4), (x) => x, opts).toArray(), ok(1, 2, 3, 4))
      }))

    it('streams an enumerable with [fn, args] work, called as fn(element, ...args)', () =>
      run(function* () {
        const add = (x: number, y: number) => x + y
        assert.deepEqual(
          yield* Task.asyncStream(range(1, 4), [add, [10]], opts).toArray(),
          ok(11, 12, 13, 14),
        )
      }))

    it('streams an enumerable without leaking tasks or messages', () =>
      run(function* () {
        assert.deepEqual(yield* Task.asyncStream(range(1, 4), (x) => x, opts).toArray(), ok(1, 2, 3, 4))
        assert.deepEqual(Process.flush(), [])
        assert.deepEqual(Process.info(self())!.links, [])
      }))

    it('keeps input order when the slowest task comes first', () =>
      run(function* () {
        Process.trapExit(true)
        const c = conductor(self(), 4, maxConcurrency)
        const r = yield* Task.asyncStream(range(4, 1), conducted(c), opts).toArray()
        assert.deepEqual(r, ok(4, 3, 2, 1))
        yield* assertReceive(['max waiting', Math.min(4, maxConcurrency)])
      }))

    it('streams exits as [exit, reason] to a consumer trapping exits, with no EXIT left over', () =>
      quietly(function* () {
        Process.trapExit(true)
        assert.deepEqual(yield* Task.asyncStream(range(1, 4), exitWith, opts).toArray(), exits(1, 2, 3, 4))
        yield* refuteReceive(['EXIT', P._, P._], 0)
      }))

    it('a crashing task takes down a consumer that does not trap exits', () =>
      quietly(function* () {
        const [pid, ref] = Process.spawnMonitor(function* () {
          yield* Task.asyncStream(range(1, 4), exitWith, opts).toArray()
        })
        yield* assertReceive(['DOWN', ref, 'process', pid, 1])
      }))

    it('shuts down unused tasks on an early halt, leaving no links or messages', () =>
      run(function* () {
        const r = yield* Task.asyncStream([0, 'infinity', 'infinity', 'infinity'], blockOn, opts).take(1)
        assert.deepEqual(r, ok(0))
        assert.deepEqual(Process.info(self())!.links, [])
        assert.deepEqual(Process.flush(), [])
      }))

    it('is zippable: two enumerations of one stream run independently, interleaved', () =>
      quietly(function* () {
        Process.trapExit(true)
        for (const work of [(x: number) => x, exitWith]) {
          const stream = Task.asyncStream(range(1, 4), work, opts)
          const a = stream.open()
          const b = stream.open()
          const pairs: unknown[] = []
          for (;;) {
            const x = yield* a.next()
            const y = yield* b.next()
            if (x.done === true || y.done === true) break
            pairs.push([x.value[1], y.value[1]])
          }
          assert.deepEqual(pairs, [
            [1, 1],
            [2, 2],
            [3, 3],
            [4, 4],
          ])
        }
      }))

    it('stops with a finite input (inner halt)', () =>
      run(function* () {
        function* firstFour() {
          for (const x of range(1, 8)) {
            if (x > 4) return
            yield x
          }
        }
        assert.deepEqual(yield* Task.asyncStream(firstFour(), (x) => x, opts).toArray(), ok(1, 2, 3, 4))
      }))

    it('takes the first results of a longer stream (outer halt), slowest first too', () =>
      run(function* () {
        assert.deepEqual(yield* Task.asyncStream(range(1, 8), (x) => x, opts).take(4), ok(1, 2, 3, 4))
        const c = conductor(self(), 8, maxConcurrency)
        const r = yield* Task.asyncStream(range(8, 1), conducted(c), opts).take(4)
        assert.deepEqual(r, ok(8, 7, 6, 5))
        yield* assertReceive(['max waiting', Math.min(8, maxConcurrency)])
      }))

    it('runs the input’s own cleanup, whether the stream ends or is halted', () =>
      run(function* () {
        let cleaned = 0
        function* input() {
          try {
            yield* range(1, 4)
          } finally {
            cleaned++
          }
        }
        assert.deepEqual(yield* Task.asyncStream(input(), (x) => x, opts).toArray(), ok(1, 2, 3, 4))
        assert.equal(cleaned, 1)
        assert.deepEqual(yield* Task.asyncStream(input(), (x) => x, opts).take(1), ok(1))
        assert.equal(cleaned, 2)
      }))

    it('with onTimeout kill_task reports timed-out tasks as [exit, timeout], in order', () =>
      run(function* () {
        const r = yield* Task.asyncStream(['infinity', 1, 'infinity', 1], blockOn, {
          ...opts,
          onTimeout: 'kill_task',
          timeout: 50,
        }).toArray()
        assert.deepEqual(r, [...exits('timeout'), ...ok(1), ...exits('timeout'), ...ok(1)])
        assert.deepEqual(Process.flush(), [])
        assert.deepEqual(Process.info(self())!.links, [])
      }))
  })
}
