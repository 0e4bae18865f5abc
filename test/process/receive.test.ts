/**
 * semantics.md §3: receive (S1–S6).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { isMatching, match, P as TsP } from 'ts-pattern'
import { P, Process } from '../../src/index.ts'
import { assertReceive, refuteReceive, run } from '../../src/testing/index.ts'
import { idle } from './helpers.ts'

const { after, on, receive, self, send } = Process

describe('§3 receive', () => {
  it('S1: message order beats clause order: the oldest message any clause accepts is taken', () =>
    run(function* () {
      send(self(), 'b')
      send(self(), 'a')
      const got = yield* receive(
        on('a', () => 'clause a'),
        on('b', () => 'clause b'),
      )
      assert.equal(got, 'clause b')
      assert.deepEqual(Process.flush(), ['a'])
    }))

  it('S1: for one message the clauses are tried top to bottom', () =>
    run(function* () {
      send(self(), ['n', 1])
      const got = yield* receive(
        on(['n', P.number], () => 'first'),
        on(['n', 1], () => 'second'),
      )
      assert.equal(got, 'first')
    }))

  it('S1: only the matched message is removed; the others stay in their original order', () =>
    run(function* () {
      for (const m of [1, 'x', 2, 'y', 3]) send(self(), m)
      assert.equal(yield* receive(P.string), 'x')
      assert.deepEqual(Process.flush(), [1, 2, 'y', 3])
    }))

  it('S1: selective receive takes the matching messages in order and leaves the rest in order (property)', () =>
    run(async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 60 }), async (msgs) => {
          for (const m of msgs) send(self(), m)
          const even = (m: unknown) => typeof m === 'number' && m % 2 === 0
          const taken: unknown[] = []
          for (;;) {
            const m = await receive(
              even,
              after(0, () => 'none' as const),
            )
            if (m === 'none') break
            taken.push(m)
          }
          assert.deepEqual(
            taken,
            msgs.filter((m) => m % 2 === 0),
          )
          assert.deepEqual(
            Process.flush(),
            msgs.filter((m) => m % 2 !== 0),
          )
        }),
        { numRuns: 100 },
      )
    }))

  it('S1: the same rules hold in a generator body and in an async body', () =>
    run(function* () {
      const me = self()
      const bodies = [
        function* () {
          yield* receive('go')
          send(me, ['gen', yield* receive(P.number), Process.flush()])
        },
        async () => {
          await receive('go')
          send(me, ['async', await receive(P.number), Process.flush()])
        },
      ]
      for (const body of bodies) {
        const pid = Process.spawn(body)
        for (const m of ['a', 2, 'b', 3, 'go']) send(pid, m)
      }
      yield* assertReceive(['gen', 2, ['a', 'b', 3]])
      yield* assertReceive(['async', 2, ['a', 'b', 3]])
    }))

  it('S2: receive without after blocks until a matching message arrives, whatever else comes in', () =>
    run(function* () {
      const me = self()
      const pid = Process.spawn(function* () {
        send(me, 'ready')
        const m = yield* receive(['wanted', P.number])
        send(me, ['got', m])
      })
      yield* assertReceive('ready')
      send(pid, 'noise')
      send(pid, ['wanted', 'not a number'])
      yield* refuteReceive(['got', P._], 20)
      assert.equal(Process.info(pid)?.status, 'waiting')
      assert.equal(Process.info(pid)?.messageQueueLen, 2)
      send(pid, ['wanted', 7])
      yield* assertReceive(['got', ['wanted', 7]])
    }))

  it('S3: after T runs the after body when nothing matches within T ms, leaving other messages alone', () =>
    run(function* () {
      send(self(), 'unrelated')
      const t0 = performance.now()
      const got = yield* receive(
        'never',
        after(30, () => 'timed out'),
      )
      const elapsed = performance.now() - t0
      assert.equal(got, 'timed out')
      assert.ok(elapsed >= 29, `the after body ran after ${elapsed} ms`)
      assert.deepEqual(Process.flush(), ['unrelated'])
    }))

  it('S3: a message that matches within T wins, and the after body never runs', () =>
    run(function* () {
      let afterRan = false
      Process.sendAfter(self(), 'soon', 5)
      const got = yield* receive(
        'soon',
        after(200, () => {
          afterRan = true
        }),
      )
      assert.equal(got, 'soon')
      yield* refuteReceive(P._, 20)
      assert.equal(afterRan, false)
    }))

  it('S3: T may be any integer up to 4294967295 (without Node timer overflow), or Infinity, which is the same as no after', () =>
    run(function* () {
      const warnings: string[] = []
      const onWarning = (w: Error) => warnings.push(w.name)
      process.on('warning', onWarning)
      try {
        const me = self()
        for (const t of [4294967295, Number.POSITIVE_INFINITY]) {
          // Woken from outside the timer heap, so that the longest timeout is the one armed.
          Process.spawn(function* () {
            yield new Promise((resolve) => setImmediate(resolve))
            send(me, 'wake')
          })
          const got = yield* receive(
            'wake',
            after(t, () => 'timed out'),
          )
          assert.equal(got, 'wake')
        }
        // Let a pending process warning be emitted.
        yield new Promise((resolve) => setImmediate(resolve))
      } finally {
        process.off('warning', onWarning)
      }
      assert.deepEqual(warnings, [])
    }))

  it('S3: a timeout that is not an integer from 0 to 4294967295 or Infinity is rejected', () =>
    run(function* () {
      for (const bad of [-1, 1.5, Number.NaN, 4294967296, Number.NEGATIVE_INFINITY, '10', null]) {
        assert.throws(() => after(bad as number), { code: 'ERR_BEAMISH_INVALID_TIMEOUT' })
      }
      yield* receive(after(0))
    }))

  it('S4: after 0 checks the mailbox once: a match is taken, otherwise the after body runs at once and the mailbox is unchanged', () =>
    run(function* () {
      for (const m of ['a', 1, 'b']) send(self(), m)
      assert.equal(
        yield* receive(
          P.number,
          after(0, () => 'none'),
        ),
        1,
      )
      const t0 = performance.now()
      assert.equal(
        yield* receive(
          P.number,
          after(0, () => 'none'),
        ),
        'none',
      )
      assert.ok(performance.now() - t0 < 20)
      assert.deepEqual(Process.flush(), ['a', 'b'])
    }))

  it('S5: a receive with only an after clause just sleeps and consumes no messages', () =>
    run(function* () {
      send(self(), 'first')
      send(self(), 'second')
      const t0 = performance.now()
      const got = yield* receive(after(20, () => 'slept'))
      assert.equal(got, 'slept')
      assert.ok(performance.now() - t0 >= 19)
      assert.equal(yield* receive(after(0)), undefined)
      // Process.sleep(ms) is `receive after ms -> ok end`: it gives 'ok'.
      assert.equal(yield* Process.sleep(5), 'ok')
      assert.equal(yield* Process.sleep(0), 'ok')
      assert.deepEqual(Process.flush(), ['first', 'second'])
    }))

  it('S5: sleeping in an async body consumes no messages either', () =>
    run(async () => {
      send(self(), 'kept')
      assert.equal(await receive(after(10, () => 'slept')), 'slept')
      assert.equal(await Process.sleep(1), 'ok')
      assert.deepEqual(Process.flush(), ['kept'])
    }))

  it('S6: EXIT and DOWN messages are ordinary messages in the same FIFO mailbox', () =>
    run(function* () {
      Process.trapExit(true)
      const linked = Process.spawnLink(idle)
      const [watched, ref] = Process.spawnMonitor(idle)
      send(self(), 'before')
      send(linked, 'stop')
      yield* assertReceive(['EXIT', linked, 'normal'])
      // Put them back in a known order and read them with plain receives.
      send(self(), ['EXIT', linked, 'normal'])
      send(self(), 'middle')
      send(watched, 'stop')
      yield* assertReceive(['DOWN', ref, 'process', watched, 'normal'])
      // Selective receive skips over EXIT messages like any other message…
      assert.equal(yield* receive('middle'), 'middle')
      // …and a catch-all receive takes them in arrival order.
      assert.equal(yield* receive(), 'before')
      assert.deepEqual(yield* receive(), ['EXIT', linked, 'normal'])
      yield* refuteReceive(P._, 0)
    }))

  it('S6: an EXIT keeps its arrival position relative to other messages', () =>
    run(function* () {
      Process.trapExit(true)
      const me = self()
      const pid = Process.spawnLink(function* () {
        yield* receive('go')
        send(me, 'from child')
      })
      send(self(), 'first')
      send(pid, 'go')
      assert.equal(yield* assertReceive(P._), 'first')
      assert.equal(yield* assertReceive(P._), 'from child')
      assert.deepEqual(yield* assertReceive(P._), ['EXIT', pid, 'normal'])
    }))

  it('a receive built before others, or kept and yielded again later, keeps its own pattern', () =>
    run(function* () {
      const numbers = receive(P.number)
      const stop = receive('stop')
      const both = receive(P.number, 'stop')
      for (const m of ['stop', 1, 'x', 2, 'stop', 3, 'stop']) send(self(), m)
      assert.equal(yield* numbers, 1)
      assert.equal(yield* stop, 'stop')
      assert.equal(yield* receive(P.string), 'x')
      assert.equal(yield* numbers, 2)
      assert.equal(yield* both, 'stop')
      assert.equal(yield* receive(P.number, 'stop'), 3)
      assert.equal(yield* stop, 'stop')
      yield* refuteReceive(P._, 0)
    }))

  it('a receive whose clauses are the same as the last one still waits for a new message', () =>
    run(function* () {
      const me = self()
      const pid = Process.spawn(function* () {
        for (;;) {
          const m = yield* receive(P.number, 'stop')
          if (m === 'stop') return
          send(me, ['got', m])
        }
      })
      const ref = Process.monitor(pid)
      send(pid, 1)
      assert.deepEqual(yield* assertReceive(['got', P.number]), ['got', 1])
      send(pid, 2)
      assert.deepEqual(yield* assertReceive(['got', P.number]), ['got', 2])
      send(pid, 'stop')
      yield* assertReceive(['DOWN', ref, 'process', pid, 'normal'])
      yield* refuteReceive(['got', P._], 0)
    }))

  it('an inline tuple pattern matches what it holds now, not what the same shape held before', () =>
    run(function* () {
      const a = Process.spawn(() => receive())
      const b = Process.spawn(() => receive())
      // The pattern is built anew on each call: same tag and arity, other pid or literal.
      const take = (pid: Process.Pid, n: number) =>
        receive(
          ['from', pid, n],
          after(0, () => 'none'),
        )
      send(self(), ['from', b, 2])
      send(self(), ['from', a, 1])
      assert.deepEqual(yield* take(a, 1), ['from', a, 1])
      assert.equal(yield* take(a, 2), 'none')
      assert.equal(yield* take(a, 1), 'none')
      assert.deepEqual(yield* take(b, 2), ['from', b, 2])
      assert.deepEqual(Process.flush(), [])
    }))

  it("Beamish's P holds ts-pattern's own patterns, which ts-pattern and receive both accept", () =>
    run(function* () {
      for (const k of Object.keys(TsP))
        assert.equal((P as Record<string, unknown>)[k], (TsP as Record<string, unknown>)[k], k)
      assert.equal(
        match<unknown, string>(3)
          .with(P.string, () => 'string')
          .with(P.number, () => 'number')
          .otherwise(() => 'other'),
        'number',
      )
      assert.ok(isMatching(['x', P.number], ['x', 1]))
      send(self(), 'one')
      send(self(), 2)
      assert.equal(yield* receive(P.number), 2)
      assert.equal(yield* receive(P.string), 'one')
    }))
})
