/**
 * Three Beamish nodes, each in its own OS process, forming one cluster: they connect to each
 * other by name, exchange messages and calls, and see a member's death. This test process is a
 * fourth, hidden node that drives them (like an Erlang control node started with -hidden).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { GenServer, Node, type Pid, Process } from '../../src/index.ts'
import { assertReceive, run } from '../../src/testing/index.ts'
import { freePort } from '../dist/helpers.ts'
import { type OsNode, startBeamish } from './harness.ts'

let nodes: OsNode[] = []

before(async () => {
  const epmdPort = await freePort()
  // The control node starts first, so its embedded EPMD serves the cluster.
  await Node.start({ sname: 'cluster_ctl', cookie: 'secret', epmdPort, hidden: true })
  nodes = await Promise.all(
    ['cluster_n1', 'cluster_n2', 'cluster_n3'].map((sname) =>
      startBeamish({ sname, cookie: 'secret', epmdPort }),
    ),
  )
})

after(async () => {
  await Promise.all(nodes.map((n) => n.kill()))
  await Node.stop()
})

function* call(node: string, req: unknown): Generator<unknown, any, any> {
  return yield* GenServer.call(['echo', node], req, 5000)
}

describe('a cluster of three Beamish OS processes', () => {
  it('connects every pair by name and lists the members on each node', () =>
    run(function* () {
      const [n1, n2, n3] = nodes.map((n) => n.name) as [string, string, string]
      assert.equal(yield* call(n1, ['connect', n2]), true)
      assert.equal(yield* call(n1, ['connect', n3]), true)
      assert.equal(yield* call(n2, ['connect', n3]), true)
      for (const n of [n1, n2, n3]) {
        const seen = ((yield* call(n, 'nodes')) as string[]).filter((x) => x !== Node.self()).sort()
        assert.deepEqual(
          seen,
          [n1, n2, n3].filter((x) => x !== n),
        )
      }
      assert.deepEqual(Node.list(), []) // we are hidden: no visible connections here
      assert.equal(Node.list('hidden').length, 3)
    }))

  it('exchanges messages and calls between members', () =>
    run(function* () {
      const [n1, n2, n3] = nodes.map((n) => n.name) as [string, string, string]
      const me = Process.self()
      // n1 calls n3; n3 calls n2; n2 calls n1 — each a GenServer.call across the cluster.
      assert.deepEqual(yield* call(n1, ['call', ['echo', n3], ['echo', 'one→three'], 1000]), [
        'ok',
        ['echo', 'one→three'],
      ])
      assert.deepEqual(yield* call(n3, ['call', ['echo', n2], ['echo', 3n ** 50n], 1000]), [
        'ok',
        ['echo', 3n ** 50n],
      ])
      assert.deepEqual(yield* call(n2, ['call', ['echo', n1], ['echo', { k: [1, 2] }], 1000]), [
        'ok',
        ['echo', new Map([['k', [1, 2]]])],
      ])
      // A message relayed member to member reaches us, in order.
      for (let i = 0; i < 100; i++) GenServer.cast(['echo', n1], ['send', ['echo', n2], [me, i]])
      for (let i = 0; i < 100; i++) yield* assertReceive(['echo', i], 5000)
    }))

  it('tells the other members when one of them dies', () =>
    run(function* () {
      const [n1, n2, n3] = nodes.map((n) => n.name) as [string, string, string]
      const me = Process.self()
      yield* call(n1, ['observe', me])
      const echo3 = (yield* call(n3, 'whoami')) as Pid
      const ref = yield* call(n1, ['monitor', echo3])
      yield Promise.resolve(nodes[2]!.kill())
      yield* assertReceive(['echo_saw', ['DOWN', ref, 'process', echo3, 'noconnection']], 10_000)
      const [tag, [reason]] = yield* call(n2, ['call', ['echo', n3], 'whoami', 2000])
      assert.equal(tag, 'exit')
      assert.deepEqual(reason, ['nodedown', n3])
      assert.deepEqual(
        ((yield* call(n1, 'nodes')) as string[]).filter((x) => x !== Node.self()),
        [n2],
      )
    }))
})
