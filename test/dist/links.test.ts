/**
 * The remote link state machine (semantics L-f, distribution.md §5.3) with UNLINK_ID, driven
 * directly on a connection over a fake socket: what each event does to the record, and which
 * control messages go out.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Pid, Process } from '../../src/index.ts'
import { DFLAG } from '../../src/internal/dist/flags.ts'
import * as links from '../../src/internal/dist/links.ts'
import * as wire from '../../src/internal/dist/wire.ts'
import type { Proc } from '../../src/internal/runtime/proc.ts'
import { nodeRef } from '../../src/internal/term/nodeRef.ts'
import { assertReceive, refuteReceive, run } from '../../src/testing/index.ts'
import { norm, testConn } from './helpers.ts'

const remote = new Pid(nodeRef('peer@localhost', 7), 42, 0)

function me(): Proc {
  return Process.self().proc as Proc
}

function record(t: ReturnType<typeof testConn>, p: Proc) {
  return t.conn.procs.get(p)?.links?.get(links.pidKey(remote))
}

describe('remote links (L-f with UNLINK_ID)', () => {
  it('sends LINK once for any number of local links, and lists the remote pid', () =>
    run(function* () {
      const t = testConn()
      links.localLink(t.conn, me(), remote)
      links.localLink(t.conn, me(), remote)
      assert.deepEqual(norm(yield t.sent()), norm([[[wire.LINK, Process.self(), remote], undefined]]))
      assert.deepEqual(links.activeLinks(t.conn, me()), [remote])
    }))

  it('unlinks at once locally, ignores LINK and EXIT while inactive, and forgets the record on its ACK', () =>
    run(function* () {
      const t = testConn()
      links.localLink(t.conn, me(), remote)
      links.localUnlink(t.conn, me(), remote)
      const sent = (yield t.sent()) as unknown[][]
      assert.deepEqual(norm(sent[1]), norm([[wire.UNLINK_ID, 1, Process.self(), remote], undefined]))
      assert.deepEqual(links.activeLinks(t.conn, me()), [])
      assert.deepEqual(record(t, me()), { active: false, unlinkId: 1n })
      // The peer's LINK crossed our UNLINK_ID: ignored while any record exists.
      links.recvLink(t.conn, remote, Process.self())
      assert.equal(record(t, me())?.active, false)
      // An ACK with another id changes nothing; the right one removes the record.
      links.recvUnlinkAck(t.conn, 99n, remote, Process.self())
      assert.equal(record(t, me())?.active, false)
      links.recvUnlinkAck(t.conn, 1n, remote, Process.self())
      assert.equal(record(t, me()), undefined)
    }))

  it('drops an exit signal that arrives on an inactive link', () =>
    run(function* () {
      const t = testConn()
      links.localLink(t.conn, me(), remote)
      links.localUnlink(t.conn, me(), remote)
      links.recvExit(t.conn, remote, Process.self(), 'crossed_the_unlink')
      // Had it been acted on, this (non-trapping) process would die at its next receive.
      yield* refuteReceive('anything', 10)
      assert.equal(record(t, me()), undefined)
    }))

  it('answers UNLINK_ID with UNLINK_ID_ACK, also when there is no record', () =>
    run(function* () {
      const t = testConn()
      links.recvLink(t.conn, remote, Process.self())
      assert.equal(record(t, me())?.active, true)
      links.recvUnlinkId(t.conn, 5n, remote, Process.self())
      assert.equal(record(t, me()), undefined)
      links.recvUnlinkId(t.conn, 6n, remote, Process.self())
      assert.deepEqual(
        norm(yield t.sent()),
        norm([
          [[wire.UNLINK_ID_ACK, 5, Process.self(), remote], undefined],
          [[wire.UNLINK_ID_ACK, 6, Process.self(), remote], undefined],
        ]),
      )
    }))

  it('turns an exit over an active link into an EXIT message for a trapping process', () =>
    run(function* () {
      Process.trapExit(true)
      const t = testConn()
      links.recvLink(t.conn, remote, Process.self())
      links.recvExit(t.conn, remote, Process.self(), 'remote_reason')
      yield* assertReceive(['EXIT', remote, 'remote_reason'])
      assert.equal(record(t, me()), undefined)
    }))

  it('answers a LINK to a process that does not exist with an exit signal noproc', () =>
    run(function* () {
      const t = testConn()
      const [dead, ref] = Process.spawnMonitor(() => 'done')
      yield* assertReceive(['DOWN', ref, 'process', dead, 'normal'])
      links.recvLink(t.conn, remote, dead)
      assert.deepEqual(norm(yield t.sent()), norm([[[wire.PAYLOAD_EXIT, dead, remote], 'noproc']]))
    }))

  it('sends the exit reason over active links only when the local process ends', () =>
    run(function* () {
      const t = testConn()
      const other = new Pid(nodeRef('peer@localhost', 7), 43, 0)
      links.localLink(t.conn, me(), remote)
      links.localLink(t.conn, me(), other)
      links.localUnlink(t.conn, me(), other)
      yield t.sent()
      links.procExited(t.conn, me(), t.conn.procs.get(me())!, 'bye')
      assert.deepEqual(norm(yield t.sent()), norm([[[wire.PAYLOAD_EXIT, Process.self(), remote], 'bye']]))
    }))

  it('gives every active link noconnection when the connection is lost', () =>
    run(function* () {
      Process.trapExit(true)
      const t = testConn()
      links.localLink(t.conn, me(), remote)
      links.connectionLost(me(), t.conn.procs.get(me())!)
      yield* assertReceive(['EXIT', remote, 'noconnection'])
    }))

  it('uses the old UNLINK, and forgets the record at once, with a peer without UNLINK_ID', () =>
    run(function* () {
      const t = testConn(0xd07df7fbdn & ~DFLAG.UNLINK_ID)
      links.localLink(t.conn, me(), remote)
      links.localUnlink(t.conn, me(), remote)
      const sent = (yield t.sent()) as unknown[][]
      assert.deepEqual(norm(sent[1]), norm([[wire.UNLINK, Process.self(), remote], undefined]))
      assert.equal(record(t, me()), undefined)
    }))
})
