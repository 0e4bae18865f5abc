/**
 * semantics.md §8: process aliases (AL1, AL2).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { P, Process } from '../../src/index.ts'
import { assertReceive, refuteReceive, run } from '../../src/testing/index.ts'

const { after, receive, self, send } = Process

/**
 * A server that answers `['call', replyTo, request]` with `[replyTo, reply]`, but only when
 * released, and then tells `notify` (a pid) that it replied.
 */
function slowServer(notify: Process.Pid) {
  return Process.spawn(function* () {
    for (;;) {
      const [, replyTo, request] = yield* receive(['call', P.instanceOf(Process.Ref), P._])
      yield* receive('release')
      send(replyTo, [replyTo, ['reply to', request]])
      send(notify, 'replied')
    }
  })
}

describe('§8 process aliases', () => {
  it('AL1: messages to an active alias reach its owner, in order, like sends to its pid', () =>
    run(function* () {
      const a = Process.alias()
      const me = self()
      Process.spawn(() => {
        for (let i = 0; i < 5; i++) send(a, ['via alias', i])
        send(me, 'done')
      })
      yield* assertReceive('done')
      for (let i = 0; i < 5; i++) assert.deepEqual(yield* receive(P._, after(0)), ['via alias', i])
    }))

  it('AL1: after unalias, messages to it are dropped before they reach the mailbox; queued ones stay', () =>
    run(function* () {
      const a = Process.alias()
      send(a, 'queued before')
      assert.equal(Process.unalias(a), true)
      send(a, 'dropped')
      Process.spawn(() => send(a, 'dropped too'))
      assert.equal(Process.info(self())?.messageQueueLen, 1)
      yield* assertReceive('queued before')
      yield* refuteReceive(P._, 20)
      assert.equal(Process.unalias(a), false)
    }))

  it('AL1: only the owner can deactivate an alias', () =>
    run(function* () {
      const a = Process.alias()
      const me = self()
      Process.spawn(() => send(me, ['unalias by another process', Process.unalias(a)]))
      yield* assertReceive(['unalias by another process', false])
      send(a, 'still active')
      yield* assertReceive('still active')
      Process.unalias(a)
    }))

  it('AL1: an alias dies with its owner; sending to it then is silently dropped', () =>
    run(function* () {
      const me = self()
      const [owner, ref] = Process.spawnMonitor(function* () {
        send(me, ['alias', Process.alias()])
        yield* receive('stop')
      })
      const [, a] = yield* assertReceive(['alias', P.instanceOf(Process.Ref)])
      send(owner, 'stop')
      yield* assertReceive(['DOWN', ref, 'process', owner, 'normal'])
      assert.equal(send(a, 'to a dead alias'), 'to a dead alias')
    }))

  it('AL1: an alias is just a reference: nothing tells it apart from a plain ref', () =>
    run(function* () {
      const a = Process.alias()
      const r = Process.makeRef()
      assert.ok(a instanceof Process.Ref && r instanceof Process.Ref)
      assert.deepEqual(Object.keys(a).sort(), Object.keys(r).sort())
      send(r, 'to a plain ref is dropped') // never fails, like an inactive alias
      yield* refuteReceive(P._, 0)
      Process.unalias(a)
    }))

  it('AL2: a call through a monitor alias drops a late reply once the caller gave up (demonitor with flush)', () =>
    run(function* () {
      const server = slowServer(self())
      // A call that is answered in time.
      const ref1 = Process.monitor(server, { alias: 'demonitor' })
      send(server, ['call', ref1, 'first'])
      send(server, 'release')
      const [, reply] = yield* assertReceive([ref1, P._])
      assert.deepEqual(reply, ['reply to', 'first'])
      yield* assertReceive('replied')
      Process.demonitor(ref1, { flush: true })

      // A call that times out: the caller demonitors (deactivating the alias), then the reply comes.
      const ref2 = Process.monitor(server, { alias: 'demonitor' })
      send(server, ['call', ref2, 'second'])
      const got = yield* receive(
        [ref2, P._],
        after(20, () => 'timeout' as const),
      )
      assert.equal(got, 'timeout')
      Process.demonitor(ref2, { flush: true })
      send(server, 'release')
      yield* assertReceive('replied')
      yield* refuteReceive(P._, 20)
      assert.equal(Process.alive(server), true)
      Process.exit(server, 'kill')
    }))

  it('AL2: with reply_demonitor, a second reply through the alias is dropped and no DOWN follows', () =>
    run(function* () {
      const server = slowServer(self())
      const ref = Process.monitor(server, { alias: 'reply_demonitor' })
      send(server, ['call', ref, 'once'])
      send(server, 'release')
      yield* assertReceive([ref, ['reply to', 'once']])
      yield* assertReceive('replied')
      send(server, ['call', ref, 'twice'])
      send(server, 'release')
      yield* assertReceive('replied')
      Process.exit(server, 'kill')
      yield* refuteReceive(P._, 20)
    }))
})
