/**
 * Two Beamish nodes in one OS process (the second in a worker thread, with its own runtime),
 * talking the real distribution protocol over loopback, through an embedded EPMD on a port of
 * this test's own.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { exit, GenServer, Node, P, type Pid, Process, type Ref } from '../../src/index.ts'
import { assertReceive, refuteReceive, run } from '../../src/testing/index.ts'
import { freePort, type Peer, startPeer } from './helpers.ts'

let epmdPort = 0
let peer: Peer
const ME = 'a@localhost'

before(async () => {
  epmdPort = await freePort()
  const r = await Node.start({ sname: 'a', cookie: 'secret', epmdPort })
  assert.deepEqual(r, ['ok', ME])
  peer = await startPeer({ sname: 'b', cookie: 'secret', epmdPort })
})

after(async () => {
  await peer.kill()
  await Node.stop()
})

const Local = GenServer.define({
  init: (n: number) => GenServer.ok(n),
  handleCall: (req: unknown, _from: unknown, n: number) =>
    req === 'boom' ? exit('boom') : GenServer.reply(['local', req, n], n),
})

/** The exit reason of a failed call (undefined if it returned). */
function* callExit(
  server: GenServer.ServerRef,
  req: unknown,
  timeout: number,
): Generator<unknown, unknown, any> {
  try {
    yield* GenServer.call(server, req, timeout)
    return undefined
  } catch (e: any) {
    return e.reason
  }
}

describe('two Beamish nodes over loopback', () => {
  it('connects by name, and each node lists the other', () =>
    run(function* () {
      assert.equal(yield* Node.connect(peer.name), true)
      assert.deepEqual(Node.list(), [peer.name])
      assert.deepEqual(yield* GenServer.call(['echo', peer.name], 'nodes'), [ME])
      assert.equal(yield* Node.ping(peer.name), 'pong')
      assert.equal(yield* Node.ping('nobody@localhost'), 'pang')
    }))

  it('GenServer.call works both ways, with noproc and timeout failures as on the BEAM', () =>
    run(function* () {
      assert.deepEqual(yield* GenServer.call(['echo', peer.name], ['echo', { a: [1, 'x'] }]), [
        'echo',
        new Map([['a', [1, 'x']]]),
      ])
      yield* GenServer.start(Local, 7, { name: 'local_srv' })
      assert.deepEqual(yield* GenServer.call(['echo', peer.name], ['call', ['local_srv', ME], 'hi', 1000]), [
        'ok',
        ['local', 'hi', 7],
      ])
      assert.deepEqual(yield* callExit(['nobody', peer.name], 'x', 500), [
        'noproc',
        ['GenServer', 'call', [['nobody', peer.name], 'x', 500]],
      ])
      // `counter` is a plain process: it never replies, so the call times out (and a late reply
      // could not reach us: the alias is gone).
      assert.deepEqual(yield* callExit(['counter', peer.name], 'x', 50), [
        'timeout',
        ['GenServer', 'call', [['counter', peer.name], 'x', 50]],
      ])
      const [, r] = (yield* GenServer.call(['echo', peer.name], ['call', ['nobody', ME], 'x', 500])) as any
      assert.deepEqual(r, ['noproc', ['GenServer', 'call', [['nobody', ME], 'x', 500]]])
    }))

  it('sends to a remote pid, to [name, node] and to an alias, in per-pair order', () =>
    run(function* () {
      const me = Process.self()
      const echo = (yield* GenServer.call(['echo', peer.name], 'whoami')) as Pid
      assert.equal(echo.node.name, peer.name)
      for (let i = 0; i < 2000; i++) Process.send(i % 2 === 0 ? echo : ['echo', peer.name], [me, i])
      for (let i = 0; i < 2000; i++) yield* assertReceive(['echo', i], 2000)
      const alias = Process.alias()
      GenServer.cast(['echo', peer.name], ['send', alias, 'via_alias'])
      yield* assertReceive('via_alias', 1000)
      Process.unalias(alias)
      GenServer.cast(['echo', peer.name], ['send', alias, 'dropped'])
      GenServer.cast(['echo', peer.name], ['send', me, 'after'])
      yield* assertReceive('after', 1000)
      yield* refuteReceive('dropped', 10)
    }))

  it('carries a 1 MB message both ways', () =>
    run(function* () {
      const big = new Uint8Array(1024 * 1024).map((_, i) => i & 0xff)
      Process.send(['echo', peer.name], [Process.self(), big])
      const [, got] = yield* assertReceive(['echo', P.instanceOf(Uint8Array)], 5000)
      assert.deepEqual(got, big)
    }))

  it('propagates exits over remote links, and an unlinked process no longer gets them', () =>
    run(function* () {
      Process.trapExit(true)
      const crasher = (yield* GenServer.call(
        ['echo', peer.name],
        ['spawn_linked_crasher', Process.self()],
      )) as Pid
      yield* refuteReceive(P._, 50)
      assert.deepEqual(Process.info(Process.self())?.links, [crasher])
      Process.send(crasher, 'crash')
      yield* assertReceive(['EXIT', crasher, 'crashed_on_purpose'], 2000)
      const quiet = (yield* GenServer.call(
        ['echo', peer.name],
        ['spawn_linked_crasher', Process.self()],
      )) as Pid
      const ref = Process.monitor(quiet)
      yield* refuteReceive(P._, 50)
      Process.unlink(quiet)
      Process.send(quiet, 'crash')
      yield* assertReceive(['DOWN', ref, 'process', quiet, 'crashed_on_purpose'], 2000)
      yield* refuteReceive(['EXIT', quiet, P._], 50)
    }))

  it('monitors remote pids and names: DOWN with the reason, noproc, and {name, node} objects', () =>
    run(function* () {
      const victim = (yield* GenServer.call(
        ['echo', peer.name],
        ['spawn_linked_crasher', Process.self()],
      )) as Pid
      Process.unlink(victim)
      const ref = Process.monitor(victim)
      Process.exit(victim, 'kill')
      yield* assertReceive(['DOWN', ref, 'process', victim, 'killed'], 2000)
      const r2 = Process.monitor(['nosuch', peer.name])
      yield* assertReceive(['DOWN', r2, 'process', ['nosuch', peer.name], 'noproc'], 2000)
      const r3 = Process.monitor(['echo', peer.name])
      assert.equal(Process.demonitor(r3, { info: true }), true)
    }))

  it('lets a remote process monitor and link to local processes', () =>
    run(function* () {
      const me = Process.self()
      yield* GenServer.call(['echo', peer.name], ['observe', me])
      const local = Process.spawn(function* () {
        yield* Process.receive('go')
        exit('local_reason')
      })
      const mref = (yield* GenServer.call(['echo', peer.name], ['monitor', local])) as Ref
      yield* GenServer.call(['echo', peer.name], ['link', local])
      Process.send(local, 'go')
      const echoPid = (yield* GenServer.call(['echo', peer.name], 'whoami')) as Pid
      yield* assertReceive(['echo_saw', ['DOWN', mref, 'process', local, 'local_reason']], 2000)
      yield* assertReceive(['echo_saw', ['EXIT', local, 'local_reason']], 2000)
      assert.equal(echoPid.node.name, peer.name)
    }))
})
