/**
 * The version-6 handshake state machine (distribution.md §2), fed hex frames: captures from a
 * live OTP 25 node where there are some, our own initiator against our own acceptor otherwise.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BEAMISH_FLAGS, DFLAG, flagNames, MANDATORY_25, ourFlags } from '../../src/internal/dist/flags.ts'
import {
  digest,
  encodeChallenge,
  encodeSendName,
  Handshake,
  type HandshakeOptions,
  type Step,
} from '../../src/internal/dist/handshake.ts'
import { acceptor } from './helpers.ts'

const hex = (s: string) => Buffer.from(s, 'hex')
const out = (h: Handshake) => Buffer.concat(h.takeOutput()).toString('hex')
const frame = (s: string) => {
  const b = Buffer.from(s, 'latin1')
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b])
}

function pair(a: Partial<HandshakeOptions>, b: Partial<HandshakeOptions>) {
  const init = new Handshake({
    role: 'initiator',
    name: 'a@localhost',
    flags: ourFlags(false),
    creation: 11,
    cookie: 'secret',
    peer: 'b@localhost',
    ...a,
  })
  const acc = new Handshake({
    role: 'acceptor',
    name: 'b@localhost',
    flags: ourFlags(false),
    creation: 22,
    cookie: 'secret',
    ...b,
  })
  /** Shuttles frames both ways until both sides stop; returns their last steps. */
  const runBoth = (): [Step, Step] => {
    let si: Step = { kind: 'continue' }
    let sa: Step = { kind: 'continue' }
    for (let i = 0; i < 10; i++) {
      const toB = Buffer.concat(init.takeOutput())
      if (toB.length > 0 && sa.kind === 'continue') sa = acc.feed(toB)
      const toA = Buffer.concat(acc.takeOutput())
      if (toA.length > 0 && si.kind === 'continue') si = init.feed(toA)
      if (si.kind !== 'continue' && sa.kind !== 'continue') break
      if (toA.length === 0 && toB.length === 0) break
    }
    return [si, sa]
  }
  return { init, acc, runBoth }
}

describe('handshake', () => {
  it('computes the digest as md5(cookie ++ decimal challenge), as the live node did', () => {
    assert.equal(digest(3512722807, 'secret').toString('hex'), 'acbed974e59c501b46f6579680cb7ebe')
    assert.equal(digest(742050801, 'secret').toString('hex'), '82830c3e61359a5ef44c1841d7331d65')
  })

  it('advertises the OTP 25 mandatory flags plus the optional ones it implements', () => {
    assert.equal(BEAMISH_FLAGS & MANDATORY_25, MANDATORY_25)
    assert.deepEqual(flagNames(ourFlags(false) & ~MANDATORY_25), [
      'PUBLISHED',
      'DIST_MONITOR',
      'DIST_MONITOR_NAME',
      'DIST_HDR_ATOM_CACHE',
      'SMALL_ATOM_TAGS',
      'SEND_SENDER',
      'BIG_SEQTRACE_LABELS',
      'EXIT_PAYLOAD',
      'FRAGMENTS',
      'UNLINK_ID',
      'MANDATORY_25_DIGEST',
      'SPAWN',
      'V4_NC',
      'ALIAS',
    ])
    assert.equal(ourFlags(true) & DFLAG.PUBLISHED, 0n)
  })

  it('accepts a real OTP 25 initiator (bytes captured from ref@localhost)', () => {
    const acc = new Handshake({
      role: 'acceptor',
      name: 'pyacc@localhost',
      flags: ourFlags(false),
      creation: 0x6b012c4a,
      cookie: 'secret',
      challenge: 3990092489,
    })
    assert.deepEqual(acc.feed(hex('001c4e0000000d07df7fbd6b012bbe000d726566406c6f63616c686f7374')), {
      kind: 'continue',
    })
    assert.equal(
      out(acc),
      `0003736f6b${encodeChallenge(ourFlags(false), 3990092489, 0x6b012c4a, 'pyacc@localhost').toString('hex')}`,
    )
    const step = acc.feed(hex('001572df1e284950dd4fa2a996380a9ddac4a59cbb2963'))
    assert.equal(step.kind, 'up')
    assert.deepEqual(step.kind === 'up' && step.peer, {
      name: 'ref@localhost',
      flags: 0xd07df7fbdn,
      creation: 0x6b012bbe,
    })
    assert.equal(out(acc), `001161${digest(0xdf1e2849, 'secret').toString('hex')}`)
  })

  it('connects our initiator to our acceptor and hands over the bytes that follow', () => {
    const { init, acc, runBoth } = pair({}, {})
    const [si, sa] = runBoth()
    assert.equal(si.kind, 'up')
    assert.equal(sa.kind, 'up')
    assert.deepEqual(si.kind === 'up' && si.peer, {
      name: 'b@localhost',
      flags: ourFlags(false),
      creation: 22,
    })
    assert.deepEqual(sa.kind === 'up' && sa.peer, {
      name: 'a@localhost',
      flags: ourFlags(false),
      creation: 11,
    })
    assert.equal(init.feed(hex('00')).kind, 'failed') // over: nothing more is taken
    assert.equal(acc.peerName, 'a@localhost')
  })

  it('keeps bytes that arrive with the challenge ack for the connection', () => {
    const { init, acc } = pair({}, {})
    acc.feed(Buffer.concat(init.takeOutput()))
    init.feed(Buffer.concat(acc.takeOutput()))
    acc.feed(Buffer.concat(init.takeOutput()))
    const ackAndFrame = Buffer.concat([...acc.takeOutput(), hex('00000000')])
    const step = init.feed(ackAndFrame)
    assert.equal(step.kind === 'up' && step.rest.toString('hex'), '00000000')
  })

  it('rejects a wrong cookie on the acceptor, without sending the ack', () => {
    const { acc, runBoth } = pair({ cookie: 'wrong' }, {})
    const [si, sa] = runBoth()
    assert.deepEqual(sa, { kind: 'failed', reason: 'invalid challenge reply', peer: 'a@localhost' })
    assert.equal(si.kind, 'continue') // the initiator only sees the socket close
    assert.equal(acc.takeOutput().length, 0)
  })

  it('answers not_allowed to a peer missing a mandatory flag (captured OTP 25 behaviour)', () => {
    const acc = acceptor()
    const step = acc.feed(hex('001e4e0000000001030f945f000001000f70726f6265406c6f63616c686f7374'))
    assert.deepEqual(step, {
      kind: 'failed',
      reason: 'it cannot handle [BIG_CREATION]',
      peer: 'probe@localhost',
    })
    assert.equal(out(acc), '000c736e6f745f616c6c6f776564')
  })

  it('acts on nothing before authentication: a data frame in place of send_name ends the handshake', () => {
    const acc = acceptor()
    // A pass-through SEND frame (4-byte length) where send_name should be.
    const step = acc.feed(hex('0000000a70836803610258'))
    assert.equal(step.kind, 'failed')
    assert.equal(out(acc), '')
  })

  it('refuses frames over 1 KiB, invalid names and v5 send_name', () => {
    assert.match((acceptor().feed(hex('ffff')) as { reason: string }).reason, /frame length/)
    const badName = encodeSendName(ourFlags(false), 1, 'no-at-sign')
    assert.match((acceptor().feed(badName) as { reason: string }).reason, /invalid node name/)
    assert.match(
      (acceptor().feed(frame('n\x00\x05\x00\x00\x7f\xbda@b')) as { reason: string }).reason,
      /send_name/,
    )
  })

  it('stops on nok (the other connection wins) and continues after alive with true', () => {
    const nok = pair({}, { decide: () => 'nok' })
    assert.deepEqual(nok.runBoth()[0], { kind: 'failed', reason: 'nok', peer: 'b@localhost' })
    const alive = pair({}, { decide: () => 'alive' })
    const [si, sa] = alive.runBoth()
    assert.equal(si.kind, 'up')
    assert.equal(sa.kind, 'up')
  })

  it('fails when the node that answers is not the one we dialed', () => {
    const { runBoth } = pair({ peer: 'c@localhost' }, {})
    assert.deepEqual(runBoth()[0], {
      kind: 'failed',
      reason: 'it identified itself as b@localhost',
      peer: 'b@localhost',
    })
  })
})
