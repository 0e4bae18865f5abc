/**
 * A peer's bytes are untrusted (frames, fragments, control messages, the handshake, EPMD
 * replies): a peer (or a hostile EPMD) cannot make the node grow state without bound, hang, or
 * act on a message the BEAM rejects as invalid; it only loses its own connection. Every wait is
 * bounded, so a failing test fails, it does not hang the run.
 */
import assert from 'node:assert/strict'
import * as net from 'node:net'
import { describe, it } from 'node:test'
import { Process } from '../../src/index.ts'
import { dispatch } from '../../src/internal/dist/control.ts'
import { portPlease } from '../../src/internal/dist/epmdClient.ts'
import { ourFlags } from '../../src/internal/dist/flags.ts'
import { type Frame, FrameError, FrameReader, payloadOf } from '../../src/internal/dist/framing.ts'
import { frame16 } from '../../src/internal/dist/handshake.ts'
import { encode } from '../../src/internal/etf/index.ts'
import { nodeRef, remoteNodeCount } from '../../src/internal/term/nodeRef.ts'
import { Pid } from '../../src/internal/term/pid.ts'
import { Ref } from '../../src/internal/term/ref.ts'
import { run } from '../../src/testing/index.ts'
import { within } from '../process/helpers.ts'
import { acceptor, testConn } from './helpers.ts'

const MiB = 1024 * 1024
const peerPid = new Pid(nodeRef('peer@localhost', 7), 42, 0)

function fragHead(seq: bigint, id: bigint): Buffer {
  const b = Buffer.alloc(19) // 131, 69, Seq:64, Id:64, NumAtomCacheRefs = 0
  b[0] = 131
  b[1] = 69
  b.writeBigUInt64BE(seq, 2)
  b.writeBigUInt64BE(id, 10)
  return b
}

function fragCont(seq: bigint, id: bigint): Buffer {
  const b = Buffer.alloc(18) // 131, 70, Seq:64, Id:64
  b[0] = 131
  b[1] = 70
  b.writeBigUInt64BE(seq, 2)
  b.writeBigUInt64BE(id, 10)
  return b
}

/** NEW_PID_EXT of pid <1.0> on node `name` (creation 1), as raw bytes. */
function pidExt(name: Buffer): Buffer {
  const p = Buffer.alloc(3 + name.length + 12)
  p[0] = 88 // NEW_PID_EXT
  p[1] = 119 // SMALL_ATOM_UTF8_EXT
  p[2] = name.length
  name.copy(p, 3)
  p.writeUInt32BE(1, 3 + name.length) // id 1, serial 0
  p.writeUInt32BE(1, 3 + name.length + 8) // creation 1
  return p
}

/** A TCP server on loopback standing in for a hostile EPMD; closes every socket on `close`. */
async function fakeEpmd(onConn: (s: net.Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const socks = new Set<net.Socket>()
  const srv = net.createServer((s) => {
    socks.add(s)
    s.on('error', () => {})
    s.on('close', () => socks.delete(s))
    onConn(s)
  })
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()))
  return {
    port: (srv.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of socks) s.destroy()
        srv.close(() => r())
      }),
  }
}

/** How `portPlease` against the EPMD on `port` settles within `ms`: resolved, rejected or timeout. */
function portPleaseSettles(port: number, ms: number): Promise<'resolved' | 'rejected' | 'timeout'> {
  return within(
    portPlease({ host: '127.0.0.1', port }, 'x').then(
      () => 'resolved' as const,
      () => 'rejected' as const,
    ),
    ms,
  )
}

describe('untrusted distribution frames', () => {
  it('bounds a fragmented message by its fragment count, not only by payload bytes', () => {
    // A continuation fragment with no payload adds no bytes but one more piece to reassemble (a
    // view pinning its frame); the ids can count down from 2^64-1, so only a count bounds them.
    const r = new FrameReader()
    assert.equal(r.read(Buffer.concat([fragHead(1n, 0xffffffffffffffffn), Buffer.from([0x68])])), undefined)
    let refusedAt = -1
    for (let i = 0; i < 200_000; i++) {
      try {
        r.read(fragCont(1n, 0xffffffffffffffffn - 1n - BigInt(i)))
      } catch (e) {
        assert.ok(e instanceof FrameError, String(e))
        refusedAt = i
        break
      }
    }
    assert.ok(
      refusedAt >= 0,
      '200,000 empty continuation fragments were all kept for one message (payload size still 1 byte)',
    )
  })

  it('judges a frame by its own bytes, not by the control message of an earlier frame', () => {
    // A header frame's control message has no version byte, a pass-through frame's must: a
    // pass-through frame without it is refused even right after a header frame with the same
    // control bytes (which a cache of the last control message could otherwise answer).
    const ctrl = encode([2, '', peerPid]).subarray(1) // no version byte: right in a header frame only
    const fresh = new FrameReader()
    assert.throws(() => fresh.read(Buffer.concat([Buffer.from([112]), ctrl])), /version byte/)
    const r = new FrameReader()
    assert.deepEqual(r.read(Buffer.concat([Buffer.from([131, 68, 0]), ctrl]))!.ctrl, [2, '', peerPid])
    assert.throws(() => r.read(Buffer.concat([Buffer.from([112]), ctrl])), /version byte/)
  })

  it('does not allocate a 64 MiB frame buffer for a 4-byte length prefix', () => {
    // The declared length is only a claim: the partial-frame buffer grows with the bytes that come.
    const t = testConn()
    const before = process.memoryUsage().arrayBuffers
    t.feed(Buffer.from([0x04, 0x00, 0x00, 0x00, 112]))
    const grown = process.memoryUsage().arrayBuffers - before
    t.conn.close()
    assert.deepEqual(t.closed, [])
    assert.ok(grown < 8 * MiB, `5 bytes from the peer allocated ${(grown / MiB).toFixed(1)} MiB`)
  })
})

describe('untrusted control messages', () => {
  it('rejects LINK, UNLINK_ID, EXIT, MONITOR_P and DEMONITOR_P whose sender is not on the peer node', () =>
    run(function* () {
      // The BEAM (erts_net_message) answers these with "Invalid distribution message" and drops
      // the connection. Accepted, a LINK "from" a local pid would become a link record on this
      // connection that later fires `noconnection` as if from that local pid.
      const t = testConn()
      const self = Process.self()
      const ref = new Ref(nodeRef('peer@localhost', 7), [1, 2, 3])
      const notPeers = [self, new Pid(nodeRef('third@localhost', 3), 42, 0)]
      for (const from of notPeers) {
        for (const ctrl of [
          [1, from, self],
          [35, 1, from, self],
          [3, from, self, 'spoofed'],
          [19, from, self, ref],
          [20, from, self, ref],
        ]) {
          const f: Frame = { ctrl, buf: Buffer.alloc(0), payloadAt: 0, opts: {} }
          assert.throws(
            () => dispatch(t.conn, f),
            FrameError,
            `op ${ctrl[0]} from ${from.node.name} was accepted on the connection to peer@localhost`,
          )
        }
      }
    }))
})

describe('untrusted handshake', () => {
  it('refuses a send_name whose name is not valid UTF-8', () => {
    // Decoded leniently (U+FFFD), distinct byte names would collapse into one node name.
    const name = Buffer.from([0x61, 0xff, 0x40, 0x68]) // "a\xff@h"
    const body = Buffer.alloc(15 + name.length)
    body[0] = 78
    body.writeBigUInt64BE(ourFlags(true), 1)
    body.writeUInt32BE(5, 9)
    body.writeUInt16BE(name.length, 13)
    name.copy(body, 15)
    const step = acceptor({ name: 'me@h', cookie: 'c' }).feed(frame16(body))
    assert.equal(step.kind, 'failed', 'a node name with invalid UTF-8 went on to the challenge')
  })
})

describe('untrusted EPMD replies', () => {
  it('gives up on an EPMD that trickles its reply and never closes', async () => {
    // A byte every 200 ms would keep an idle timeout from ever firing: the whole request has a
    // deadline (5 s), and Node.connect, which waits for it, cannot hang on such an EPMD either.
    const timers = new Set<NodeJS.Timeout>()
    const epmd = await fakeEpmd((s) => {
      const t = setInterval(() => (s.destroyed ? clearInterval(t) : s.write(Buffer.from([119]))), 200)
      timers.add(t)
    })
    try {
      const settled = await portPleaseSettles(epmd.port, 7500)
      assert.notEqual(settled, 'timeout', 'portPlease still pending after 7.5 s (TIMEOUT_MS is 5 s)')
    } finally {
      for (const t of timers) clearInterval(t)
      await epmd.close()
    }
  })

  it('stops reading an EPMD reply that is far larger than any PORT2_RESP', async () => {
    // A PORT2_RESP is at most ~128 KiB (two 16-bit lengths), so 64 MiB of reply is garbage or an
    // attack: the client hangs up instead of keeping every chunk until the socket closes.
    const total = 64 * MiB
    let sent = 0
    let hungUp!: () => void
    const serverSawClose = new Promise<void>((resolve) => {
      hungUp = resolve
    })
    const epmd = await fakeEpmd((s) => {
      s.once('close', () => hungUp())
      const chunk = Buffer.alloc(MiB, 0x77)
      const pump = () => {
        while (sent < total && !s.destroyed) {
          sent += chunk.length
          if (!s.write(chunk)) return void s.once('drain', pump)
        }
        if (sent >= total) s.end()
      }
      s.resume()
      pump()
    })
    try {
      const settled = await portPleaseSettles(epmd.port, 15_000)
      assert.notEqual(settled, 'timeout')
      // Counted once the server sees the hang-up (bounded): kernel socket buffers may take a few
      // MiB more before it does.
      await within(serverSawClose, 5000)
      assert.ok(sent < 32 * MiB, `the client took all ${sent / MiB} MiB of the EPMD reply (${settled})`)
    } finally {
      await epmd.close()
    }
  })
})

// Last: it fills the process-wide node table, which later tests in this file would then share.
describe('node-wide tables and one misbehaving peer', () => {
  it("one peer's flood of node identities does not make another peer's valid frames fail", () => {
    // The table of node identities is process-wide: a limit on it (maxNodes 65,536) shared by
    // every connection would let one peer that filled it get every other connection that decodes
    // a pid of a node not seen before dropped as "invalid data".
    const n = 65_536 - remoteNodeCount() + 16
    const pids: Buffer[] = []
    for (let i = 0; i < n; i++) {
      const name = Buffer.from(`n${i}@flood`)
      pids.push(pidExt(name))
    }
    const head = Buffer.from([131, 108, 0, 0, 0, 0])
    head.writeUInt32BE(n, 2)
    const payload = Buffer.concat([head, ...pids, Buffer.from([106])])
    const ctrl = encode([2, '', peerPid])
    const flooder = new FrameReader()
    try {
      payloadOf(flooder.read(Buffer.concat([Buffer.from([112]), ctrl, payload]))!)
    } catch {
      // The flooding peer may well lose its connection: that is fine.
    }
    // Built from bytes: nodeRef() would intern the node here and bypass the decoder's limit.
    const honest = new FrameReader()
    const msg = Buffer.concat([
      Buffer.from([131, 104, 2, 119, 5]),
      Buffer.from('hello'),
      pidExt(Buffer.from('honest@elsewhere')),
    ])
    const frame = honest.read(Buffer.concat([Buffer.from([112]), ctrl, msg]))!
    assert.doesNotThrow(() => payloadOf(frame), "another peer's pid of a new node was refused")
  })
})
