/**
 * What local processes see when a connection goes (semantics truth table row 7, M-c, G-c3):
 * the peer's OS thread ends, it is disconnected, or it refuses us.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { GenServer, Node, P, type Pid, Process } from '../../src/index.ts'
import { assertReceive, captureLog, refuteReceive, run } from '../../src/testing/index.ts'
import { freePort, startPeer } from './helpers.ts'

let epmdPort = 0

before(async () => {
  epmdPort = await freePort()
  await Node.start({ sname: 'loss_a', cookie: 'secret', epmdPort })
})

after(async () => {
  await Node.stop()
})

describe('connection loss', () => {
  it('delivers noconnection to links, DOWN noconnection to monitors and nodedown when the peer dies', async () => {
    const peer = await startPeer({ sname: 'loss_b', cookie: 'secret', epmdPort })
    try {
      await run(function* () {
        const me = Process.self()
        const remote = (yield* GenServer.call(['echo', peer.name], ['spawn_linked_crasher', me])) as Pid
        Process.trapExit(true)
        const ref = Process.monitor(remote)
        const nameRef = Process.monitor(['echo', peer.name])
        Node.monitor(peer.name)
        Node.monitorNodes(true)
        // A non-trapping process linked over the connection dies with noconnection.
        const linked = Process.spawn(function* () {
          Process.link(remote)
          Process.send(me, 'linked')
          yield* Process.receive('never')
        })
        const lref = Process.monitor(linked)
        yield* assertReceive('linked', 1000)
        void peer.kill()
        yield* assertReceive(['EXIT', remote, 'noconnection'], 5000)
        yield* assertReceive(['DOWN', ref, 'process', remote, 'noconnection'], 1000)
        yield* assertReceive(['DOWN', nameRef, 'process', ['echo', peer.name], 'noconnection'], 1000)
        yield* assertReceive(['DOWN', lref, 'process', linked, 'noconnection'], 1000)
        yield* assertReceive(['nodedown', peer.name], 1000)
        yield* assertReceive(['nodedown', peer.name], 1000)
        assert.deepEqual(Node.list(), [])
        Node.monitorNodes(false)
      })
    } finally {
      await peer.kill()
    }
  })

  it('makes a pending GenServer.call exit with nodedown when the connection is dropped', async () => {
    const peer = await startPeer({ sname: 'loss_c', cookie: 'secret', epmdPort })
    try {
      await run(function* () {
        Node.monitorNodes(true)
        yield* GenServer.call(['echo', peer.name], 'whoami')
        yield* assertReceive(['nodeup', peer.name], 1000)
        const me = Process.self()
        Process.spawn(function* () {
          try {
            yield* GenServer.call(['counter', peer.name], 'never_answered', 5000)
          } catch (e: any) {
            Process.send(me, ['caller_exit', e.reason])
          }
        })
        yield* refuteReceive(P._, 50)
        assert.equal(Node.disconnect(peer.name), true)
        yield* assertReceive(
          [
            'caller_exit',
            [
              ['nodedown', peer.name],
              ['GenServer', 'call', [['counter', peer.name], 'never_answered', 5000]],
            ],
          ],
          1000,
        )
        yield* assertReceive(['nodedown', peer.name], 1000)
        assert.equal(Node.disconnect(peer.name), false)
        // The next send reconnects on demand.
        assert.deepEqual(yield* GenServer.call(['echo', peer.name], ['echo', 1]), ['echo', 1])
        yield* assertReceive(['nodeup', peer.name], 1000)
        Node.monitorNodes(false)
      })
    } finally {
      await peer.kill()
    }
  })

  it('refuses a node with the wrong cookie, and logs it', async () => {
    const peer = await startPeer({ sname: 'loss_wrong', cookie: 'not-the-cookie', epmdPort })
    try {
      let connected: unknown
      const log = await captureLog(async () => {
        connected = await Node.connect(peer.name)
        // The peer's own attempt to reach us is refused the same way.
        await run(function* () {
          const ref = Process.monitor(['echo', peer.name])
          yield* assertReceive(['DOWN', ref, 'process', ['echo', peer.name], 'noconnection'], 2000)
        })
      })
      assert.equal(connected, false)
      assert.match(log, /Connection attempt to node loss_wrong@localhost failed/)
      assert.deepEqual(Node.list(['visible', 'hidden']), [])
    } finally {
      await peer.kill()
    }
  })

  it('settles simultaneous connects from both sides on one connection, in either name order', async () => {
    for (const sname of ['loss_sim_0', 'loss_sim_z']) {
      const peer = await startPeer({ sname, cookie: 'secret', epmdPort })
      try {
        for (let round = 0; round < 5; round++) {
          const [ours, theirs] = await Promise.all([Node.connect(peer.name), peer.dial(Node.self())])
          assert.deepEqual([ours, theirs], [true, true])
          assert.deepEqual(Node.list(), [peer.name])
          assert.deepEqual(await GenServer.call(['echo', peer.name], 'nodes'), [Node.self()])
          assert.equal(Node.disconnect(peer.name), true)
        }
      } finally {
        await peer.kill()
      }
    }
  })

  it('hides a hidden node from Node.list() but lists it as hidden', async () => {
    const peer = await startPeer({ sname: 'loss_hidden', cookie: 'secret', epmdPort, hidden: true })
    try {
      assert.equal(await Node.connect(peer.name), true)
      assert.deepEqual(Node.list(), [])
      assert.deepEqual(Node.list('hidden'), [peer.name])
      assert.deepEqual(await GenServer.call(['echo', peer.name], 'nodes'), [Node.self()])
    } finally {
      await peer.kill()
    }
  })
})
