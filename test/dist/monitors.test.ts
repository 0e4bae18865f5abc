/**
 * Remote monitors, both directions (semantics §6, M-c, M-k), driven on a connection over a fake
 * socket: which control messages go out, and which DOWN messages local watchers get.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { P, Pid, Process } from '../../src/index.ts'
import { DFLAG } from '../../src/internal/dist/flags.ts'
import * as monitors from '../../src/internal/dist/monitors.ts'
import * as wire from '../../src/internal/dist/wire.ts'
import type { Proc } from '../../src/internal/runtime/proc.ts'
import { makeRef } from '../../src/internal/runtime/signals.ts'
import { Atom } from '../../src/internal/term/atom.ts'
import { nodeRef } from '../../src/internal/term/nodeRef.ts'
import { Ref } from '../../src/internal/term/ref.ts'
import { assertReceive, refuteReceive, run } from '../../src/testing/index.ts'
import { norm, testConn } from './helpers.ts'

const peerNode = nodeRef('peer@localhost', 7)
const remote = new Pid(peerNode, 42, 0)
const remoteRef = new Ref(peerNode, [1, 2, 3])
const me = () => Process.self().proc as Proc

describe('remote monitors', () => {
  it('sends MONITOR_P, and turns MONITOR_P_EXIT into one DOWN naming what was monitored', () =>
    run(function* () {
      const t = testConn()
      const ref = makeRef(me())
      monitors.localMonitor(t.conn, me(), ref, remote, remote, null)
      const byName = makeRef(me())
      monitors.localMonitor(t.conn, me(), byName, ['srv', 'peer@localhost'], ['srv', 'peer@localhost'], null)
      const sent = (yield t.sent()) as unknown[][]
      assert.deepEqual(
        norm(sent.map(([c]) => (c as unknown[]).slice(0, 3))),
        norm([
          [wire.MONITOR_P, Process.self(), remote],
          [wire.MONITOR_P, Process.self(), Atom.of('srv')],
        ]),
      )
      monitors.recvMonitorExit(t.conn, ref, 'gone')
      monitors.recvMonitorExit(t.conn, ref, 'twice') // one DOWN per monitor, ever
      monitors.recvMonitorExit(t.conn, byName, 'noproc')
      yield* assertReceive(['DOWN', ref, 'process', remote, 'gone'])
      yield* assertReceive(['DOWN', byName, 'process', ['srv', 'peer@localhost'], 'noproc'])
      yield* refuteReceive(['DOWN', ref, 'process', remote, 'twice'], 10)
      assert.equal(t.conn.outMons.size, 0)
      assert.equal(t.conn.procs.size, 0)
    }))

  it('watches only the connection when the peer did not negotiate DIST_MONITOR (M-k)', () =>
    run(function* () {
      const t = testConn(0xd07df7fbdn & ~(DFLAG.DIST_MONITOR | DFLAG.DIST_MONITOR_NAME))
      const ref = makeRef(me())
      monitors.localMonitor(t.conn, me(), ref, remote, remote, null)
      assert.deepEqual(yield t.sent(), [])
      monitors.connectionLost(me(), t.conn.procs.get(me())!)
      yield* assertReceive(['DOWN', ref, 'process', remote, 'noconnection'])
    }))

  it('sends DEMONITOR_P on demonitor, and nothing arrives for that monitor afterwards', () =>
    run(function* () {
      const t = testConn()
      const ref = makeRef(me())
      monitors.localMonitor(t.conn, me(), ref, remote, remote, null)
      assert.equal(monitors.localDemonitor(t.conn, me(), ref), true)
      assert.equal(monitors.localDemonitor(t.conn, me(), ref), false)
      monitors.recvMonitorExit(t.conn, ref, 'late')
      const sent = (yield t.sent()) as unknown[][]
      assert.deepEqual(
        norm((sent[1]![0] as unknown[]).slice(0, 3)),
        norm([wire.DEMONITOR_P, Process.self(), remote]),
      )
      yield* refuteReceive(['DOWN', ref, P._, P._, P._], 10)
    }))

  it('answers a monitor on a missing local name with noproc naming the name, and on death with the reason', () =>
    run(function* () {
      const t = testConn()
      monitors.recvMonitor(t.conn, remote, 'nobody_here', remoteRef)
      const victim = Process.spawn(() => Process.receive('never'), { name: 'watched' })
      monitors.recvMonitor(t.conn, remote, 'watched', new Ref(peerNode, [4, 5, 6]))
      monitors.recvMonitor(t.conn, remote, victim, new Ref(peerNode, [7, 8, 9]))
      monitors.recvDemonitor(t.conn, new Ref(peerNode, [7, 8, 9]))
      monitors.procExited(t.conn, victim.proc as Proc, t.conn.procs.get(victim.proc as Proc)!, 'bye')
      const sent = (yield t.sent()) as [unknown[], unknown][]
      assert.deepEqual(
        norm(sent.map(([c, reason]) => [(c as unknown[]).slice(0, 3), reason])),
        norm([
          [[wire.PAYLOAD_MONITOR_P_EXIT, Atom.of('nobody_here'), remote], 'noproc'],
          [[wire.PAYLOAD_MONITOR_P_EXIT, Atom.of('watched'), remote], 'bye'],
        ]),
      )
      Process.exit(victim, 'kill')
    }))
})
