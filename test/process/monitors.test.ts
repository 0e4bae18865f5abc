/**
 * semantics.md §6: monitors (M-a … M-j). Not here: M-k (a peer without DIST_MONITOR) and the
 * `noconnection` DOWN of a lost connection (M-c), which need a second node; the node that is not
 * distributed at all is here.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { exit, P, Pid, Process } from '../../src/index.ts'
import { nodeRef } from '../../src/internal/term/nodeRef.ts'
import { assertReceive, refuteReceive, run } from '../../src/testing/index.ts'
import { idle, uniqueName } from './helpers.ts'

const { receive, self, send } = Process

describe('§6 monitors', () => {
  it('M-a: monitor returns a fresh reference, and the end of the target gives exactly one DOWN', () =>
    run(function* () {
      const pid = Process.spawn(idle)
      const ref = Process.monitor(pid)
      assert.ok(ref instanceof Process.Ref)
      const ref2 = Process.monitor(pid)
      assert.notEqual(String(ref), String(ref2))
      send(pid, 'stop')
      yield* assertReceive(['DOWN', ref, 'process', pid, 'normal'])
      yield* assertReceive(['DOWN', ref2, 'process', pid, 'normal'])
      yield* refuteReceive(['DOWN', P._, P._, P._, P._], 20)
    }))

  it('M-a: the target may be a pid, a registered name or a [name, node] pair', () =>
    run(function* () {
      const name = uniqueName('m-a')
      const pid = Process.spawn(idle, { name })
      const byPid = Process.monitor(pid)
      const byName = Process.monitor(name)
      const byPair = Process.monitor([name, Process.nodeName()])
      send(pid, 'stop')
      yield* assertReceive(['DOWN', byPid, 'process', P._, 'normal'])
      yield* assertReceive(['DOWN', byName, 'process', P._, 'normal'])
      yield* assertReceive(['DOWN', byPair, 'process', P._, 'normal'])
    }))

  it('M-b: the DOWN names the pid when a pid was monitored, and [name, node] when a name was (also locally)', () =>
    run(function* () {
      const name = uniqueName('m-b')
      const pid = Process.spawn(idle, { name })
      const byPid = Process.monitor(pid)
      const byName = Process.monitor(name)
      const byPair = Process.monitor([name, Process.nodeName()])
      send(pid, 'stop')
      yield* assertReceive(['DOWN', byPid, 'process', pid, 'normal'])
      const [, , , object] = yield* assertReceive(['DOWN', byName, 'process', P._, 'normal'])
      assert.deepEqual(object, [name, Process.nodeName()])
      const [, , , object2] = yield* assertReceive(['DOWN', byPair, 'process', P._, 'normal'])
      assert.deepEqual(object2, [name, Process.nodeName()])
    }))

  it('M-c: the DOWN carries the exit reason, with kill and killed kept as they were', () =>
    run(function* () {
      const [selfKill, r1] = Process.spawnMonitor(() => exit('kill'))
      yield* assertReceive(['DOWN', r1, 'process', selfKill, 'kill'])
      const killed = Process.spawn(idle)
      const r2 = Process.monitor(killed)
      Process.exit(killed, 'kill')
      yield* assertReceive(['DOWN', r2, 'process', killed, 'killed'])
      const reason = { any: ['term'] }
      const [other, r3] = Process.spawnMonitor(() => exit(reason))
      const [, , , , got] = yield* assertReceive(['DOWN', r3, 'process', other, P._])
      assert.deepEqual(got, reason)
    }))

  it('M-d: monitoring a process that is gone gives one DOWN with reason noproc (M-c) at once', () =>
    run(function* () {
      const [dead, dref] = Process.spawnMonitor(() => 'gone')
      yield* assertReceive(['DOWN', dref, 'process', dead, 'normal'])
      const name = uniqueName('m-d')
      const byPid = Process.monitor(dead)
      const byName = Process.monitor(name)
      const byPair = Process.monitor([name, Process.nodeName()])
      yield* assertReceive(['DOWN', byPid, 'process', dead, 'noproc'], 50)
      yield* assertReceive(['DOWN', byName, 'process', [name, Process.nodeName()], 'noproc'], 50)
      yield* assertReceive(['DOWN', byPair, 'process', [name, Process.nodeName()], 'noproc'], 50)
      yield* refuteReceive(['DOWN', P._, P._, P._, P._], 20)
    }))

  it('M-e: monitors are independent: N monitors give N references and N DOWNs', () =>
    run(function* () {
      const pid = Process.spawn(idle)
      const refs = Array.from({ length: 5 }, () => Process.monitor(pid))
      assert.equal(new Set(refs.map(String)).size, 5)
      Process.demonitor(refs[2]!)
      send(pid, 'stop')
      for (const [i, ref] of refs.entries()) {
        if (i === 2) continue
        yield* assertReceive(['DOWN', ref, 'process', pid, 'normal'])
      }
      yield* refuteReceive(['DOWN', P._, P._, P._, P._], 20)
    }))

  it('M-e: a monitor is one-way: the watched process is not told when the watcher dies', () =>
    run(function* () {
      const me = self()
      const watched = Process.spawn(
        function* () {
          for (;;) send(me, ['watched got', yield* receive()])
        },
        { trapExit: true },
      )
      const [watcher, ref] = Process.spawnMonitor(function* () {
        Process.monitor(watched)
        yield* receive('die')
        exit('boom')
      })
      send(watcher, 'die')
      yield* assertReceive(['DOWN', ref, 'process', watcher, 'boom'])
      yield* refuteReceive(['watched got', P._], 20)
      Process.exit(watched, 'kill')
    }))

  it('M-f: a monitor by name is resolved once; re-registering the name does not move it', () =>
    run(function* () {
      const name = uniqueName('m-f')
      const first = Process.spawn(idle, { name })
      const ref = Process.monitor(name)
      Process.unregister(name)
      const second = Process.spawn(idle, { name })
      send(second, 'stop')
      const sref = Process.monitor(second)
      yield* assertReceive(['DOWN', sref, 'process', second, 'normal'])
      yield* refuteReceive(['DOWN', ref, P._, P._, P._], 20)
      send(first, 'stop')
      yield* assertReceive(['DOWN', ref, 'process', [name, Process.nodeName()], 'normal'])
    }))

  it('M-g: after demonitor returns, no DOWN for the ref arrives; it returns true', () =>
    run(function* () {
      const pid = Process.spawn(idle)
      const ref = Process.monitor(pid)
      assert.equal(Process.demonitor(ref), true)
      send(pid, 'stop')
      const other = Process.monitor(pid) // a fresh one still sees the end (or noproc)
      yield* assertReceive(['DOWN', other, 'process', pid, P.union('normal', 'noproc')])
      yield* refuteReceive(['DOWN', ref, P._, P._, P._], 20)
    }))

  it('M-g: a DOWN already in the mailbox stays after demonitor', () =>
    run(function* () {
      const [pid, ref] = Process.spawnMonitor(idle)
      Process.exit(pid, 'gone') // like exit(P, kill), processed before our next call (P6): the DOWN is queued
      assert.equal(Process.alive(pid), false)
      assert.equal(Process.demonitor(ref), true)
      yield* assertReceive(['DOWN', ref, 'process', pid, 'gone'], 0)
    }))

  it('M-g: demonitor returns true for an unknown ref and for another process’s monitor ref, which it leaves alone', () =>
    run(function* () {
      const me = self()
      assert.equal(Process.demonitor(Process.makeRef()), true)
      const target = Process.spawn(idle)
      const watcher = Process.spawn(function* () {
        const ref = Process.monitor(target)
        send(me, ['ref', ref])
        send(me, ['watcher got', yield* receive()])
      })
      const [, foreign] = yield* assertReceive(['ref', P.instanceOf(Process.Ref)])
      assert.equal(Process.demonitor(foreign), true)
      send(target, 'stop')
      yield* assertReceive(['watcher got', ['DOWN', foreign, 'process', target, 'normal']])
      assert.throws(() => Process.demonitor('ref' as never), { code: 'ERR_BEAMISH_BADARG' })
      void watcher
    }))

  it('M-h: demonitor with flush also removes one queued DOWN for the ref and returns true', () =>
    run(function* () {
      const [pid, ref] = Process.spawnMonitor(idle)
      Process.exit(pid, 'gone')
      send(self(), 'unrelated')
      assert.equal(Process.demonitor(ref, { flush: true }), true)
      yield* refuteReceive(['DOWN', ref, P._, P._, P._], 0)
      assert.deepEqual(Process.flush(), ['unrelated'])
    }))

  it('M-h: with info it returns true when the monitor was removed in time, false when its DOWN was already sent', () =>
    run(function* () {
      const live = Process.spawn(idle)
      const r1 = Process.monitor(live)
      assert.equal(Process.demonitor(r1, { info: true }), true)
      send(live, 'stop')
      yield* refuteReceive(['DOWN', r1, P._, P._, P._], 20)

      const [dead, r2] = Process.spawnMonitor(idle)
      Process.exit(dead, 'gone')
      assert.equal(Process.demonitor(r2, { info: true }), false)
      yield* assertReceive(['DOWN', r2, 'process', dead, 'gone'], 0)
    }))

  it('M-h: with flush and info it returns false exactly when a DOWN had to be flushed', () =>
    run(function* () {
      const live = Process.spawn(idle)
      const r1 = Process.monitor(live)
      assert.equal(Process.demonitor(r1, { flush: true, info: true }), true)
      send(live, 'stop')

      const [dead, r2] = Process.spawnMonitor(idle)
      Process.exit(dead, 'gone')
      assert.equal(Process.demonitor(r2, { flush: true, info: true }), false)
      yield* refuteReceive(['DOWN', (r: unknown) => r === r1 || r === r2, P._, P._, P._], 20)
    }))

  it('M-h: options that are not an object of flush/info booleans are rejected', () =>
    run(function* () {
      const ref = Process.makeRef()
      for (const bad of ['flush', ['flush'], { flush: 1 }, { fluhs: true }, null]) {
        assert.throws(() => Process.demonitor(ref, bad as never), { code: 'ERR_BEAMISH_INVALID_OPTION' })
      }
      yield* receive(Process.after(0))
    }))

  it('M-c: without distribution, a remote pid gives DOWN noconnection at once, and [name, node] is a badarg', () =>
    run(function* () {
      assert.equal(Process.nodeName(), 'nonode@nohost')
      // Erlang (not alive): monitor(process, RemotePid) -> {'DOWN', Ref, process, RemotePid, noconnection};
      // monitor(process, {nobody, other@host}) -> badarg.
      const remote = new Pid(nodeRef('other@host', 1), 5, 0)
      const ref = Process.monitor(remote)
      yield* assertReceive(['DOWN', ref, 'process', remote, 'noconnection'], 50)
      assert.throws(() => Process.monitor(['nobody', 'other@host']), {
        code: 'ERR_BEAMISH_BADARG',
        message: /not distributed/,
      })
      assert.throws(() => Process.monitor(['nobody', 'other@host'], { alias: 'demonitor' }), {
        code: 'ERR_BEAMISH_BADARG',
      })
      // This node's own name is not another node: a name nobody holds is noproc.
      const local = Process.monitor(['nobody', Process.nodeName()])
      yield* assertReceive(['DOWN', local, 'process', ['nobody', Process.nodeName()], 'noproc'], 50)
      yield* refuteReceive(['DOWN', P._, P._, P._, P._], 20)
    }))

  it('M-i: monitoring yourself returns a reference and creates nothing: no record, no DOWN', () =>
    run(function* () {
      const ref = Process.monitor(self())
      assert.ok(ref instanceof Process.Ref)
      assert.deepEqual(Process.info(self())!.monitors, [])
      assert.deepEqual(Process.info(self())!.monitoredBy, [])
      yield* refuteReceive(['DOWN', ref, P._, P._, P._], 20)
      assert.equal(Process.demonitor(ref, { info: true }), false)
      assert.equal(Process.demonitor(ref), true)
      const name = uniqueName('m-i')
      Process.register(name, self())
      const byName = Process.monitor(name)
      const byPair = Process.monitor([name, Process.nodeName()])
      assert.deepEqual(Process.info(self())!.monitors, [])
      assert.equal(Process.demonitor(byName, { info: true }), false)
      assert.equal(Process.demonitor(byPair, { info: true }), false)
    }))

  it('M-i: a monitor on yourself asked to be an alias is no alias either (OTP 25)', () =>
    run(function* () {
      for (const alias of ['explicit_unalias', 'demonitor', 'reply_demonitor'] as const) {
        const ref = Process.monitor(self(), { alias })
        send(ref, ['through', alias])
        assert.equal(Process.unalias(ref), false)
      }
      yield* refuteReceive(['through', P._], 20)
    }))

  it('M-i: a process that monitors itself and dies sends no DOWN anywhere', () =>
    run(function* () {
      const me = self()
      const [pid, ref] = Process.spawnMonitor(function* () {
        send(me, ['own ref', Process.monitor(Process.self())])
        yield* receive('die')
      })
      yield* assertReceive(['own ref', P.instanceOf(Process.Ref)])
      send(pid, 'die')
      yield* assertReceive(['DOWN', ref, 'process', pid, 'normal'])
    }))

  it('M-j: monitor with alias "demonitor": the ref works as an address until the monitor goes', () =>
    run(function* () {
      const pid = Process.spawn(idle)
      const ref = Process.monitor(pid, { alias: 'demonitor' })
      send(ref, 'through the alias')
      yield* assertReceive('through the alias')
      send(pid, 'stop')
      yield* assertReceive(['DOWN', ref, 'process', pid, 'normal'])
      send(ref, 'after the DOWN')
      const pid2 = Process.spawn(idle)
      const ref2 = Process.monitor(pid2, { alias: 'demonitor' })
      Process.demonitor(ref2)
      send(ref2, 'after demonitor')
      yield* refuteReceive(P.union('after the DOWN', 'after demonitor'), 20)
      send(pid2, 'stop')
    }))

  it('M-j: monitor with alias "reply_demonitor": the first message through the alias removes alias and monitor', () =>
    run(function* () {
      const pid = Process.spawn(idle)
      const ref = Process.monitor(pid, { alias: 'reply_demonitor' })
      const server = Process.spawn(function* () {
        const [from] = yield* receive([P.instanceOf(Process.Ref)])
        send(from, ['reply', 1])
        send(from, ['reply', 2])
      })
      send(server, [ref])
      yield* assertReceive(['reply', 1])
      send(pid, 'stop')
      yield* refuteReceive(P.union(['reply', 2], ['DOWN', ref, P._, P._, P._]), 20)
    }))

  it('M-j: monitor with alias "explicit_unalias": the alias outlives the monitor until unalias', () =>
    run(function* () {
      const pid = Process.spawn(idle)
      const ref = Process.monitor(pid, { alias: 'explicit_unalias' })
      send(pid, 'stop')
      yield* assertReceive(['DOWN', ref, 'process', pid, 'normal'])
      send(ref, 'still an alias')
      yield* assertReceive('still an alias')
      assert.equal(Process.unalias(ref), true)
      send(ref, 'dropped')
      yield* refuteReceive('dropped', 20)
      assert.throws(() => Process.monitor(pid, { alias: 'sometimes' as never }), {
        code: 'ERR_BEAMISH_INVALID_OPTION',
      })
      assert.throws(() => Process.monitor(pid, { aliases: true } as never), {
        code: 'ERR_BEAMISH_INVALID_OPTION',
      })
    }))

  it('M-j: spawnMonitor is atomic: the DOWN of a child that dies at once carries its real reason', () =>
    run(function* () {
      const [pid, ref] = Process.spawnMonitor(() => exit('instantly'))
      yield* assertReceive(['DOWN', ref, 'process', pid, 'instantly'])
    }))
})
