/**
 * Control messages and framing, against bytes captured from a live OTP 25 node
 * (research/live/dist_probe.*.out.txt): what we write is byte-for-byte what the BEAM accepted,
 * and what the BEAM wrote decodes to the right control tuples (pass-through, atom-cache headers,
 * fragments).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DFLAG } from '../../src/internal/dist/flags.ts'
import { FrameError, FrameReader, payloadOf } from '../../src/internal/dist/framing.ts'
import * as wire from '../../src/internal/dist/wire.ts'
import { Atom } from '../../src/internal/term/atom.ts'
import { List } from '../../src/internal/term/misc.ts'
import { nodeRef } from '../../src/internal/term/nodeRef.ts'
import { Pid } from '../../src/internal/term/pid.ts'
import { Ref } from '../../src/internal/term/ref.ts'
import { testConn } from './helpers.ts'

const hex = (s: string) => Buffer.from(s, 'hex')
const probe = new Pid(nodeRef('probe@localhost', 0x5f000001), 1, 0)
const echo = new Pid(nodeRef('ref@localhost', 0x6b012bbe), 115, 0)
/** OTP 25's flags without DIST_HDR_ATOM_CACHE and FRAGMENTS: pass-through frames, as captured. */
const PASS_THROUGH_PEER = 0xd07df7fbdn & ~DFLAG.DIST_HDR_ATOM_CACHE & ~DFLAG.FRAGMENTS

async function written(build: (c: ReturnType<typeof testConn>['conn']) => void): Promise<string> {
  const t = testConn(PASS_THROUGH_PEER)
  build(t.conn)
  await new Promise((r) => setImmediate(r))
  return Buffer.concat(t.socket.written).toString('hex')
}

describe('control messages we send', () => {
  it('writes UNLINK_ID exactly as the probe the BEAM acknowledged', async () => {
    assert.equal(
      await written((c) => wire.unlink(c, 42n, probe, echo)),
      '00000042708368046123612a58770f70726f6265406c6f63616c686f737400000001000000005f00000158770d726566406c6f63616c686f737400000073000000006b012bbe',
    )
  })

  it('writes PAYLOAD_EXIT with the reason as a payload term', async () => {
    assert.equal(
      await written((c) => wire.exitLink(c, probe, echo, Atom.of('bye_over_link'))),
      '0000005070836803611858770f70726f6265406c6f63616c686f737400000001000000005f00000158770d726566406c6f63616c686f737400000073000000006b012bbe83770d6279655f6f7665725f6c696e6b',
    )
  })

  it('writes MONITOR_P by name with the name as an atom', async () => {
    const ref = new Ref(nodeRef('probe@localhost', 0x5f000001), [10, 0, 0])
    assert.equal(
      await written((c) => wire.monitorP(c, probe, 'echo', ref)),
      '0000004e70836804611358770f70726f6265406c6f63616c686f737400000001000000005f00000177046563686f5a0003770f70726f6265406c6f63616c686f73745f0000010000000a0000000000000000',
    )
  })

  it('writes PAYLOAD_MONITOR_P_EXIT for a monitored process that died', async () => {
    const ref = new Ref(nodeRef('ref@localhost', 0x6b012bbe), [0x00035c77, 0x78d40001, 0x5dc4881a])
    assert.equal(
      await written((c) => wire.monitorExit(c, probe, echo, ref, Atom.of('probe_down'))),
      '0000006f70836804611c58770f70726f6265406c6f63616c686f737400000001000000005f00000158770d726566406c6f63616c686f737400000073000000006b012bbe5a0003770d726566406c6f63616c686f73746b012bbe00035c7778d400015dc4881a83770a70726f62655f646f776e',
    )
  })

  it('uses header framing with zero cache refs once FRAGMENTS or the atom cache is negotiated', async () => {
    const t = testConn()
    wire.sendMsg(t.conn, probe, echo, 'hi')
    const [[ctrl, payload]] = (await t.sent()) as [[unknown, unknown]]
    assert.deepEqual(ctrl, [wire.SEND_SENDER, probe, echo])
    assert.equal(payload, 'hi')
    wire.sendMsg(t.conn, probe, echo, 'x')
    await new Promise((r) => setImmediate(r))
    assert.equal(Buffer.concat(t.socket.written).subarray(4, 7).toString('hex'), '834400')
  })

  it('falls back to the old forms (SEND, EXIT, UNLINK) for a peer without the new flags', async () => {
    const t = testConn(0x7df7fbcn & ~(DFLAG.SEND_SENDER | DFLAG.EXIT_PAYLOAD | DFLAG.UNLINK_ID))
    wire.sendMsg(t.conn, probe, echo, 1)
    wire.exit2(t.conn, probe, echo, 'kill')
    wire.unlink(t.conn, 1n, probe, echo)
    wire.aliasSend(t.conn, probe, new Ref(nodeRef('peer@localhost', 7), [1, 2, 3]), 'dropped')
    assert.deepEqual(await t.sent(), [
      [[wire.SEND, Atom.of(''), echo], 1],
      [[wire.EXIT2, probe, echo, 'kill'], undefined],
      [[wire.UNLINK, probe, echo], undefined],
    ])
  })

  it('sends a large binary by reference to a snapshot: later changes by the sender do not leak', async () => {
    const t = testConn()
    // 0xff bytes are not UTF-8, so they decode as bytes (a UTF-8 binary would be a string).
    const big = new Uint8Array(200_000).fill(0xff)
    wire.sendMsg(t.conn, probe, echo, ['data', big, List.of(big)])
    big.fill(0xfe)
    const [[, payload]] = (await t.sent()) as [[unknown, [string, Uint8Array, List<Uint8Array>]]]
    const [tag, bin, list] = payload
    assert.equal(tag, 'data')
    assert.ok(bin.length === 200_000 && bin.every((b) => b === 0xff))
    assert.ok(list.items[0]!.length === 200_000 && list.items[0]!.every((b) => b === 0xff))
  })

  it('turns an exit reason with no term form into readable text instead of losing the signal', async () => {
    const t = testConn()
    wire.exitLink(t.conn, probe, echo, [new TypeError('bad'), 'stack…'])
    const [[, reason]] = (await t.sent()) as [[unknown, unknown]]
    assert.deepEqual(reason, ['** (TypeError) bad', 'stack…'])
  })
})

describe('frames the BEAM sends', () => {
  it('decodes pass-through LINK, UNLINK_ID_ACK, MONITOR_P, SPAWN_REPLY and ALIAS_SEND', () => {
    const r = new FrameReader()
    const frame = (h: string) => r.read(hex(h).subarray(4))!
    assert.deepEqual(
      frame(
        '0000004070836803610158770d726566406c6f63616c686f737400000073000000006b012bbe58770f70726f6265406c6f63616c686f737400000001000000005f000001',
      ).ctrl,
      [1, echo, probe],
    )
    assert.deepEqual(
      frame(
        '00000042708368046124612a58770d726566406c6f63616c686f737400000073000000006b012bbe58770f70726f6265406c6f63616c686f737400000001000000005f000001',
      ).ctrl,
      [36, 42, echo, probe],
    )
    const mon = frame(
      '0000006270836804611358770d726566406c6f63616c686f737400000073000000006b012bbe58770f70726f6265406c6f63616c686f737400000001000000005f0000015a0003770d726566406c6f63616c686f73746b012bbe00035c7778d400015dc4881a',
    ).ctrl as unknown[]
    assert.deepEqual(mon.slice(0, 3), [19, echo, probe])
    assert.ok(mon[3] instanceof Ref)
    const reply = frame(
      '0000006670836805611f5a0003770f70726f6265406c6f63616c686f73745f0000010000000b000000000000000058770f70726f6265406c6f63616c686f737400000001000000005f000001610258770d726566406c6f63616c686f7374000000b8000000006b012bbe',
    ).ctrl as unknown[]
    assert.deepEqual([reply[0], reply[2], reply[3]], [31, probe, 2])
    const alias = frame(
      '0000009570836803612158770d726566406c6f63616c686f737400000073000000006b012bbe5a0003770f70726f6265406c6f63616c686f73745f0000010000000400000005000000068368026c000000017705616c6961735a0003770f70726f6265406c6f63616c686f73745f00000100000004000000050000000658770d726566406c6f63616c686f737400000073000000006b012bbe',
    )
    const [tag, who] = payloadOf(alias) as [List, Pid]
    assert.equal(tag.items[0], 'alias')
    assert.ok(tag.tail instanceof Ref && Ref.equals(tag.tail, (alias.ctrl as unknown[])[2] as Ref))
    assert.ok(Pid.equals(who, echo))
  })

  it('decodes atom-cache headers, remembering new entries for later frames', () => {
    const r = new FrameReader()
    const first = r.read(
      hex(
        '00000070834402af009b0d726566406c6f63616c686f7374780f70726f6265406c6f63616c686f73746803611658520000000073000000006b012bbe58520100000001000000005f00000168025a000352015f000001000000010000000200000003680277046563686f6d0000000568656c6c6f',
      ).subarray(4),
    )!
    assert.deepEqual(first.ctrl, [22, echo, probe])
    const [, body] = payloadOf(first) as [Ref, unknown]
    assert.deepEqual(body, [Atom.of('echo'), 'hello'])
    // Cached refs 0x9b (segment 7) and 0x78 (segment 2), plus a new entry "alias".
    const second = r.read(
      hex(
        '0000006383440327089b781f05616c6961736803612158520000000073000000006b012bbe5a000352015f00000100000004000000050000000668026c0000000152025a000352015f00000100000004000000050000000658520000000073000000006b012bbe',
      ).subarray(4),
    )!
    assert.equal((second.ctrl as unknown[])[0], 33)
    const [tag] = payloadOf(second) as [List]
    assert.equal(tag.items[0], 'alias')
  })

  it('reassembles a fragmented message and bounds the open sequences', () => {
    const r = new FrameReader()
    const whole = Buffer.concat([
      hex('6803611658770d726566406c6f63616c686f737400000073000000006b012bbe'),
      hex('58770f70726f6265406c6f63616c686f737400000001000000005f000001'),
      Buffer.concat([Buffer.from([0x6d, 0, 0, 0x10, 0]), Buffer.alloc(4096, 0xab)]),
    ])
    const head = (seq: number, id: number) => {
      const b = Buffer.alloc(19)
      b[0] = 131
      b[1] = 69
      b.writeBigUInt64BE(BigInt(seq), 2)
      b.writeBigUInt64BE(BigInt(id), 10)
      return b
    }
    const cont = (seq: number, id: number) => {
      const b = Buffer.alloc(18)
      b[0] = 131
      b[1] = 70
      b.writeBigUInt64BE(BigInt(seq), 2)
      b.writeBigUInt64BE(BigInt(id), 10)
      return b
    }
    assert.equal(r.read(Buffer.concat([head(9, 3), whole.subarray(0, 100)])), undefined)
    assert.equal(r.read(Buffer.concat([cont(9, 2), whole.subarray(100, 2000)])), undefined)
    const done = r.read(Buffer.concat([cont(9, 1), whole.subarray(2000)]))!
    assert.deepEqual(done.ctrl, [22, echo, probe])
    assert.deepEqual(payloadOf(done), new Uint8Array(4096).fill(0xab))
    assert.throws(() => r.read(Buffer.concat([cont(10, 1), whole])), FrameError)
    for (let s = 0; s < 64; s++) r.read(Buffer.concat([head(100 + s, 2), whole.subarray(0, 10)]))
    assert.throws(() => r.read(Buffer.concat([head(500, 2), whole.subarray(0, 10)])), /too many open/)
  })

  it('rejects frames of unknown types and atom cache refs to empty entries', () => {
    const r = new FrameReader()
    assert.throws(() => r.read(hex('0102')), FrameError)
    assert.throws(() => r.read(hex('8344010005')), /empty entry/)
  })

  it('rejects atom cache entries that are not UTF-8 or longer than 255 characters', () => {
    const r = new FrameReader()
    assert.throws(() => r.read(hex('834401080502c328')), /not valid UTF-8/)
    const long = Buffer.concat([hex('8344011805' + '0100'), Buffer.alloc(256, 0x61)])
    assert.throws(() => r.read(long), /at most 255 characters, got 256/)
  })
})
