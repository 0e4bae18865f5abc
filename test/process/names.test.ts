/**
 * semantics.md §7: registered names (R1–R5).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { P, Process } from '../../src/index.ts'
import { assertReceive, refuteReceive, run } from '../../src/testing/index.ts'
import { idle, uniqueName } from './helpers.ts'

const { receive, self, send } = Process

describe('§7 registered names', () => {
  it('R1: register returns true, whereis gives the pid (or undefined), registered lists the name', () =>
    run(function* () {
      const name = uniqueName('r1')
      const pid = Process.spawn(idle)
      assert.equal(Process.whereis(name), undefined)
      assert.equal(Process.register(name, pid), true)
      assert.equal(Process.whereis(name), pid)
      assert.ok(Process.registered().includes(name))
      assert.equal(Process.info(pid)?.registeredName, name)
      send(name, 'stop')
      const ref = Process.monitor(pid)
      yield* assertReceive(['DOWN', ref, 'process', pid, P.union('normal', 'noproc')])
    }))

  it('R2: register fails with a synchronous error when the name is taken', () =>
    run(function* () {
      const name = uniqueName('r2')
      const a = Process.spawn(idle, { name })
      const b = Process.spawn(idle)
      assert.throws(
        () => Process.register(name, b),
        (e: any) =>
          e.code === 'ERR_BEAMISH_NAME_TAKEN' && e.message.includes(name) && e.message.includes(String(a)),
      )
      assert.equal(Process.whereis(name), a)
      assert.throws(() => Process.spawn(idle, { name }), { code: 'ERR_BEAMISH_NAME_TAKEN' })
      send(a, 'stop')
      send(b, 'stop')
      yield* receive(Process.after(0))
    }))

  it('R2: register fails when the process already has a name', () =>
    run(function* () {
      const first = uniqueName('r2-first')
      const pid = Process.spawn(idle, { name: first })
      assert.throws(
        () => Process.register(uniqueName('r2-second'), pid),
        (e: any) => e.code === 'ERR_BEAMISH_ALREADY_REGISTERED' && e.message.includes(first),
      )
      assert.equal(Process.info(pid)?.registeredName, first)
      send(pid, 'stop')
      yield* receive(Process.after(0))
    }))

  it('R2: register fails when the process is dead', () =>
    run(function* () {
      const [dead, ref] = Process.spawnMonitor(() => 'gone')
      yield* assertReceive(['DOWN', ref, 'process', dead, 'normal'])
      const name = uniqueName('r2-dead')
      assert.throws(
        () => Process.register(name, dead),
        (e: any) => e.code === 'ERR_BEAMISH_NOPROC' && e.message.includes(String(dead)),
      )
      assert.equal(Process.whereis(name), undefined)
    }))

  it('R2: register fails for the name "undefined" and for names that are not (non-empty) strings', () =>
    run(function* () {
      for (const bad of ['undefined', '', 42, null, undefined, Symbol('x'), ['a']]) {
        assert.throws(
          () => Process.register(bad as string, self()),
          (e: any) => e.code === 'ERR_BEAMISH_INVALID_NAME' && /expected a process name/.test(e.message),
        )
      }
      assert.equal(Process.info(self())?.registeredName, undefined)
      yield* receive(Process.after(0))
    }))

  it('R3: unregister of a name nobody has fails; after unregister the name can go to any process', () =>
    run(function* () {
      const name = uniqueName('r3')
      assert.throws(() => Process.unregister(name), { code: 'ERR_BEAMISH_NOT_REGISTERED' })
      const a = Process.spawn(idle, { name })
      assert.equal(Process.unregister(name), true)
      assert.equal(Process.whereis(name), undefined)
      assert.equal(Process.info(a)?.registeredName, undefined)
      assert.equal(Process.register(name, self()), true)
      assert.equal(Process.unregister(name), true)
      const b = Process.spawn(idle)
      assert.equal(Process.register(name, b), true)
      // The process that lost its name can take a new one.
      assert.equal(Process.register(uniqueName('r3-a'), a), true)
      send(a, 'stop')
      send(b, 'stop')
      yield* receive(Process.after(0))
    }))

  it('R3: messages sent to the name before it was unregistered still arrive', () =>
    run(function* () {
      const me = self()
      const name = uniqueName('r3-msgs')
      const pid = Process.spawn(
        function* () {
          yield* receive('go')
          for (;;) send(me, ['got', yield* receive()])
        },
        { name },
      )
      send(name, 'sent by name')
      Process.unregister(name)
      send(pid, 'go')
      yield* assertReceive(['got', 'sent by name'])
      assert.throws(() => send(name, 'too late'), { code: 'ERR_BEAMISH_NOPROC' })
      Process.exit(pid, 'kill')
    }))

  it('R4: the name is removed automatically when the process ends, before its links and monitors hear of it', () =>
    run(function* () {
      Process.trapExit(true)
      const me = self()
      const name = uniqueName('r4')
      // A third process that looks the name up as soon as it gets the DOWN.
      const observer = Process.spawn(function* () {
        const [, pid] = yield* receive(['watch', P.instanceOf(Process.Pid)])
        const ref = Process.monitor(pid)
        send(me, 'watching')
        yield* receive(['DOWN', ref, P._, P._, P._])
        send(me, ['observer saw', Process.whereis(name) ?? 'nothing'])
      })
      const pid = Process.spawnLink(idle, { name })
      send(observer, ['watch', pid])
      yield* assertReceive('watching')
      Process.exit(pid, 'boom')
      yield* assertReceive(['EXIT', pid, 'boom'])
      assert.equal(Process.whereis(name), undefined)
      yield* assertReceive(['observer saw', 'nothing'])
    }))

  it('R5: sending to an unregistered local name throws; to [name, node] it does not', () =>
    run(function* () {
      const name = uniqueName('r5')
      assert.throws(
        () => send(name, 'x'),
        (e: any) => e.code === 'ERR_BEAMISH_NOPROC' && e.message.includes(name),
      )
      assert.equal(send([name, Process.nodeName()], 'x'), 'x')
      Process.register(name, self())
      send([name, Process.nodeName()], 'by pair')
      send(name, 'by name')
      yield* assertReceive('by pair')
      yield* assertReceive('by name')
      Process.unregister(name)
      yield* refuteReceive(P._, 0)
    }))
})
