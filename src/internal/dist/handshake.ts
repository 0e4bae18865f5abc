import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { strictUtf8 } from '../etf/reader.ts'
import { missingMandatory } from './flags.ts'

/**
 * The version-6 connection handshake (distribution.md §2) as a pure state machine: bytes in,
 * frames out, no sockets, so it can be driven from hex captures in tests. The caller writes
 * {@link Handshake.takeOutput} to the socket after every {@link Handshake.feed}.
 *
 *   initiator A                       acceptor B
 *   'N' flags creation name   ──►
 *                             ◄──    's' status
 *                             ◄──    'N' flags challengeB creation name
 *   'r' challengeA digestA    ──►    (B checks digestA = md5(cookie ++ challengeB))
 *                             ◄──    'a' digestB      (A checks digestB)
 *
 * Security: nothing but the next expected handshake message is accepted; frames are at most
 * 1 KiB; the digest is compared in constant time; challenges come from the crypto RNG. Only
 * `up` hands bytes that follow the handshake to the connection.
 */

/** What `send_name` or the challenge told us about the peer. */
export interface PeerInfo {
  readonly name: string
  readonly flags: bigint
  readonly creation: number
}

/** The acceptor's answer to a `send_name` (step 2). */
export type Status = 'ok' | 'ok_simultaneous' | 'nok' | 'not_allowed' | 'alive'

export interface HandshakeOptions {
  readonly role: 'initiator' | 'acceptor'
  /** Our full node name (`alive@host`). */
  readonly name: string
  readonly flags: bigint
  readonly creation: number
  readonly cookie: string
  /** Initiator: the node we dialed; the challenge must come from it. */
  readonly peer?: string
  /** Acceptor: the status for a peer that sent an acceptable name. Default `'ok'`. */
  readonly decide?: (peer: PeerInfo) => Status
  /** Acceptor: the 32-bit challenge (tests fix it; default: the crypto RNG). */
  readonly challenge?: number
}

export type Step =
  | { readonly kind: 'continue' }
  | { readonly kind: 'up'; readonly peer: PeerInfo; readonly rest: Buffer }
  | { readonly kind: 'failed'; readonly reason: string; readonly peer?: string }

const MAX_FRAME = 1024

/** `md5(Cookie ++ integer_to_list(Challenge))` (dist_util:gen_digest/2). */
export function digest(challenge: number, cookie: string): Buffer {
  return createHash('md5')
    .update(Buffer.from(cookie, 'latin1'))
    .update(String(challenge >>> 0))
    .digest()
}

/** A valid node name: `alive@host`, one `@`, no spaces or control characters, ≤ 255 bytes. */
export function validNodeName(name: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
  return Buffer.byteLength(name) <= 255 && /^[^@\s\x00-\x1f]+@[^@\s\x00-\x1f]+$/.test(name)
}

/** `Length:16, Body`: the framing of handshake messages and of EPMD requests. */
export function frame16(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(2 + body.length)
  out.writeUInt16BE(body.length, 0)
  body.copy(out, 2)
  return out
}

/** `'N', Flags:64, Creation:32, Nlen:16, Name` (send_name). */
export function encodeSendName(flags: bigint, creation: number, name: string): Buffer {
  const n = Buffer.from(name, 'utf8')
  const b = Buffer.allocUnsafe(15 + n.length)
  b[0] = 78
  b.writeBigUInt64BE(flags, 1)
  b.writeUInt32BE(creation >>> 0, 9)
  b.writeUInt16BE(n.length, 13)
  n.copy(b, 15)
  return frame16(b)
}

/** `'N', Flags:64, Challenge:32, Creation:32, Nlen:16, Name` (the challenge). */
export function encodeChallenge(flags: bigint, challenge: number, creation: number, name: string): Buffer {
  const n = Buffer.from(name, 'utf8')
  const b = Buffer.allocUnsafe(19 + n.length)
  b[0] = 78
  b.writeBigUInt64BE(flags, 1)
  b.writeUInt32BE(challenge >>> 0, 9)
  b.writeUInt32BE(creation >>> 0, 13)
  b.writeUInt16BE(n.length, 17)
  n.copy(b, 19)
  return frame16(b)
}

type State = 'name' | 'status' | 'alive' | 'challenge' | 'reply' | 'ack' | 'up' | 'failed'

export class Handshake {
  readonly opts: HandshakeOptions
  private state: State
  private buf: Buffer = Buffer.alloc(0)
  private out: Buffer[] = []
  private ourChallenge = 0
  private peer: PeerInfo | undefined

  constructor(opts: HandshakeOptions) {
    this.opts = opts
    if (opts.role === 'initiator') {
      this.state = 'status'
      this.out.push(encodeSendName(opts.flags, opts.creation, opts.name))
    } else this.state = 'name'
  }

  /** Frames to write now (and forget). */
  takeOutput(): Buffer[] {
    const o = this.out
    this.out = []
    return o
  }

  /** The peer's name once it is known (for logs). */
  get peerName(): string | undefined {
    return this.peer?.name ?? this.opts.peer
  }

  feed(chunk: Buffer): Step {
    if (this.state === 'up' || this.state === 'failed') return { kind: 'failed', reason: 'handshake over' }
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk])
    for (;;) {
      if (this.buf.length < 2) return { kind: 'continue' }
      const len = this.buf.readUInt16BE(0)
      if (len === 0 || len > MAX_FRAME) return this.fail(`bad handshake frame length ${len}`)
      if (this.buf.length < 2 + len) return { kind: 'continue' }
      const msg = this.buf.subarray(2, 2 + len)
      this.buf = this.buf.subarray(2 + len)
      const step = this.step(msg)
      if (step.kind !== 'continue') return step
    }
  }

  /** Ends the handshake; a status just queued (`snot_allowed`, `snok`) still goes out. */
  private fail(reason: string): Step {
    this.state = 'failed'
    const peer = this.peerName
    return peer === undefined ? { kind: 'failed', reason } : { kind: 'failed', reason, peer }
  }

  private step(m: Buffer): Step {
    const o = this.opts
    switch (this.state) {
      case 'name': {
        // OTP 25 accepts only 'N' here (v5 'n' is gone); so do we.
        if (m[0] !== 78 || m.length < 15) return this.fail('expected send_name (N)')
        const nlen = m.readUInt16BE(13)
        if (m.length < 15 + nlen) return this.fail('truncated send_name')
        // Strict: a lenient decode turns bad bytes into U+FFFD, so distinct names would collide.
        const name = strictUtf8(m, 15, 15 + nlen)
        if (name === undefined) return this.fail('node name is not valid UTF-8')
        if (!validNodeName(name)) return this.fail(`invalid node name ${JSON.stringify(name)}`)
        this.peer = { name, flags: m.readBigUInt64BE(1), creation: m.readUInt32BE(9) }
        const missing = missingMandatory(this.peer.flags)
        if (missing.length > 0) {
          this.out.push(frame16(Buffer.from('snot_allowed')))
          return this.fail(`it cannot handle [${missing.join(', ')}]`)
        }
        const status = name === o.name ? 'not_allowed' : (o.decide?.(this.peer) ?? 'ok')
        this.out.push(frame16(Buffer.from(`s${status}`)))
        if (status === 'nok' || status === 'not_allowed') return this.fail(status)
        if (status === 'alive') {
          this.state = 'alive'
          return { kind: 'continue' }
        }
        return this.sendChallenge()
      }
      case 'alive': {
        const answer = m.toString('latin1')
        if (answer === 'strue') return this.sendChallenge()
        return this.fail('the peer gave up (alive)')
      }
      case 'status': {
        if (m[0] !== 115) return this.fail('expected a status (s)')
        const status = m.toString('latin1', 1)
        if (status === 'ok' || status === 'ok_simultaneous') {
          this.state = 'challenge'
          return { kind: 'continue' }
        }
        if (status === 'alive') {
          // The peer still has a connection from our old incarnation: ask it to drop that one.
          this.out.push(frame16(Buffer.from('strue')))
          this.state = 'challenge'
          return { kind: 'continue' }
        }
        return this.fail(status === 'nok' || status === 'not_allowed' ? status : `status ${status}`)
      }
      case 'challenge': {
        if (m[0] !== 78 || m.length < 19) return this.fail('expected a challenge (N)')
        const nlen = m.readUInt16BE(17)
        if (m.length < 19 + nlen) return this.fail('truncated challenge')
        const name = strictUtf8(m, 19, 19 + nlen)
        if (name === undefined) return this.fail('node name is not valid UTF-8')
        this.peer = { name, flags: m.readBigUInt64BE(1), creation: m.readUInt32BE(13) }
        if (o.peer !== undefined && name !== o.peer) return this.fail(`it identified itself as ${name}`)
        const missing = missingMandatory(this.peer.flags)
        if (missing.length > 0) return this.fail(`it cannot handle [${missing.join(', ')}]`)
        this.ourChallenge = randomBytes(4).readUInt32BE(0)
        const reply = Buffer.allocUnsafe(21)
        reply[0] = 114
        reply.writeUInt32BE(this.ourChallenge, 1)
        digest(m.readUInt32BE(9), o.cookie).copy(reply, 5)
        this.out.push(frame16(reply))
        this.state = 'ack'
        return { kind: 'continue' }
      }
      case 'reply': {
        if (m[0] !== 114 || m.length !== 21) return this.fail('expected a challenge reply (r)')
        const expected = digest(this.ourChallenge, o.cookie)
        if (!timingSafeEqual(expected, m.subarray(5, 21))) return this.fail('invalid challenge reply')
        const ack = Buffer.allocUnsafe(17)
        ack[0] = 97
        digest(m.readUInt32BE(1), o.cookie).copy(ack, 1)
        this.out.push(frame16(ack))
        return this.up()
      }
      case 'ack': {
        if (m[0] !== 97 || m.length !== 17) return this.fail('expected a challenge ack (a)')
        const expected = digest(this.ourChallenge, o.cookie)
        if (!timingSafeEqual(expected, m.subarray(1, 17))) return this.fail('invalid challenge ack')
        return this.up()
      }
      default:
        return this.fail('handshake over')
    }
  }

  private sendChallenge(): Step {
    const o = this.opts
    this.ourChallenge = o.challenge ?? randomBytes(4).readUInt32BE(0)
    this.out.push(encodeChallenge(o.flags, this.ourChallenge, o.creation, o.name))
    this.state = 'reply'
    return { kind: 'continue' }
  }

  private up(): Step {
    this.state = 'up'
    const rest = this.buf
    this.buf = Buffer.alloc(0)
    return { kind: 'up', peer: this.peer!, rest }
  }
}
