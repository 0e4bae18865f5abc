/**
 * semantics.md §2: signals and ordering (O1–O6).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { exit, P, Process } from '../../src/index.ts'
import { assertReceive, refuteReceive, run } from '../../src/testing/index.ts'
import { idle, uniqueName } from './helpers.ts'

describe('§2 signals and ordering', () => {
  it('O1: messages, exit signals and DOWNs are asynchronous: none runs receiver code inside the sender', () =>
    run(function* () {
      const me = Process.self()
      let handled = 0
      const receiver = Process.spawn(
        function* () {
          for (;;) {
            const msg = yield* Process.receive()
            handled++
            Process.send(me, ['handled', msg])
          }
        },
        { trapExit: true },
      )
      const [watched, ref] = Process.spawnMonitor(idle)
      Process.send(receiver, 'a message')
      Process.exit(receiver, 'an exit signal')
      Process.link(receiver)
      Process.unlink(receiver)
      const mref = Process.monitor(receiver)
      Process.demonitor(mref)
      Process.send(watched, 'stop')
      // Everything above returned without the receiver running.
      assert.equal(handled, 0)
      yield* assertReceive(['handled', 'a message'])
      yield* assertReceive(['handled', ['EXIT', me, 'an exit signal']])
      // And a DOWN is a message the watcher handles in its own time.
      yield* assertReceive(['DOWN', ref, 'process', watched, 'normal'])
      assert.equal(handled, 2)
    }))

  it('O2: 10,000 messages from one sender arrive in the order sent', () =>
    run(function* () {
      const me = Process.self()
      Process.spawn(() => {
        for (let i = 0; i < 10_000; i++) Process.send(me, i)
      })
      for (let i = 0; i < 10_000; i++) {
        const got = yield* Process.receive(
          P.number,
          Process.after(1000, () => 'timeout' as const),
        )
        if (got !== i) assert.fail(`message ${i} arrived as ${got}`)
      }
    }))

  it('O2: per sender–receiver pair, random message sequences from several senders keep their order (property)', () =>
    run(async () => {
      const me = Process.self()
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(fc.tuple(fc.integer(), fc.boolean()), { maxLength: 30 }), {
            minLength: 1,
            maxLength: 5,
          }),
          async (plans) => {
            const total = plans.reduce((n, p) => n + p.length, 0)
            const tag = Process.makeRef()
            plans.forEach((plan, sender) => {
              Process.spawn(function* () {
                for (const [value, yieldAfter] of plan) {
                  Process.send(me, [tag, sender, value])
                  if (yieldAfter) yield Process.yield()
                }
              })
            })
            const seen: number[][] = plans.map(() => [])
            for (let i = 0; i < total; i++) {
              const [, sender, value] = await Process.receive([tag, P.number, P.number])
              seen[sender]!.push(value)
            }
            assert.deepEqual(
              seen,
              plans.map((plan) => plan.map(([v]) => v)),
            )
          },
        ),
        { numRuns: 100 },
      )
    }))

  it('O3: a message sent before dying arrives before the sender’s link EXIT and monitor DOWN', () =>
    run(function* () {
      Process.trapExit(true)
      const me = Process.self()
      for (const reason of ['normal', 'boom', 'kill']) {
        const pid = Process.spawnLink(function* () {
          yield Process.yield()
          Process.send(me, 'last words')
          exit(reason)
        })
        const ref = Process.monitor(pid)
        yield* assertReceive('last words')
        yield* assertReceive(P.union(['EXIT', pid, reason], ['DOWN', ref, 'process', pid, reason]))
        yield* assertReceive(P.union(['EXIT', pid, reason], ['DOWN', ref, 'process', pid, reason]))
      }
    }))

  it('O3: a process whose own exit/2 kills a linked peer (and so itself) still delivers what it sends before its DOWN', () =>
    run(function* () {
      const me = Process.self()
      const [a, ref] = Process.spawnMonitor(function* () {
        const peer = Process.spawnLink(idle)
        Process.exit(peer, 'boom') // the peer dies, and its EXIT comes back over the link
        Process.send(me, 'sent while the EXIT was in flight')
        yield* Process.receive('never')
      })
      const first = yield* assertReceive(P._)
      assert.equal(first, 'sent while the EXIT was in flight')
      yield* assertReceive(['DOWN', ref, 'process', a, 'boom'])
    }))

  it('O4: the mailbox keeps messages in the order they were received, across senders', () =>
    run(function* () {
      const me = Process.self()
      const b = Process.spawn(function* () {
        yield* Process.receive('go')
        Process.send(me, 'b1')
        Process.send(a, 'go')
      })
      const a = Process.spawn(function* () {
        Process.send(me, 'a1')
        Process.send(b, 'go')
        yield* Process.receive('go')
        Process.send(me, 'a2')
      })
      const ref = Process.monitor(a)
      yield* assertReceive(['DOWN', ref, 'process', a, 'normal'])
      assert.deepEqual(Process.flush(), ['a1', 'b1', 'a2'])
    }))

  it('O5: sending to a dead pid, an alias, or a [name, node] pair never fails; to an unregistered name it throws', () =>
    run(function* () {
      const [dead, ref] = Process.spawnMonitor(() => 'done')
      yield* assertReceive(['DOWN', ref, 'process', dead, 'normal'])
      assert.equal(Process.send(dead, 'into the void'), 'into the void')

      const active = Process.alias()
      const inactive = Process.alias()
      Process.unalias(inactive)
      Process.send(active, 'via alias')
      Process.send(inactive, 'dropped')
      Process.send(Process.makeRef(), 'to a plain ref')
      yield* assertReceive('via alias')

      const name = uniqueName('o5')
      Process.send([name, Process.nodeName()], 'nobody is called that')
      Process.send([name, 'elsewhere@nohost'], 'no such node')

      assert.throws(
        () => Process.send(name, 'badarg'),
        (e: any) => e.code === 'ERR_BEAMISH_NOPROC' && e.message.includes(name),
      )
      yield* refuteReceive(P._, 20)
    }))

  it('O6: delivery is not synchronous: the sender runs on until it blocks, and only link/1 and send-to-name fail at once', () =>
    run(function* () {
      const me = Process.self()
      const order: string[] = []
      const echo = Process.spawn(function* () {
        for (;;) {
          const m = yield* Process.receive()
          order.push(`echo got ${m}`)
          Process.send(me, m)
        }
      })
      Process.send(echo, 'one')
      order.push('sender after send one')
      Process.send(echo, 'two')
      order.push('sender after send two')
      yield* assertReceive('one')
      yield* assertReceive('two')
      assert.deepEqual(order, [
        'sender after send one',
        'sender after send two',
        'echo got one',
        'echo got two',
      ])

      // Signals to a dead process do not fail either; their effect arrives as a message.
      const [dead, dref] = Process.spawnMonitor(() => 'done')
      yield* assertReceive(['DOWN', dref, 'process', dead, 'normal'])
      assert.equal(Process.exit(dead, 'any'), true)
      const mref = Process.monitor(dead)
      yield* assertReceive(['DOWN', mref, 'process', dead, 'noproc'])
      // The two documented synchronous errors.
      assert.throws(() => Process.link(dead), { code: 'ERR_BEAMISH_NOPROC' })
      assert.throws(() => Process.send(uniqueName('o6'), 'x'), { code: 'ERR_BEAMISH_NOPROC' })
    }))
})
