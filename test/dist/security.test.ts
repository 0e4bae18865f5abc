/**
 * What a hostile or broken peer can and cannot do (reliability.md R9): nothing it sends before
 * the handshake authenticates is acted on; invalid data after it drops the connection; a silent
 * peer is dropped after the tick time; and we tick ourselves.
 */
import assert from 'node:assert/strict'
import * as net from 'node:net'
import { after, before, describe, it } from 'node:test'
import { Node, P, Process } from '../../src/index.ts'
import { portPlease } from '../../src/internal/dist/epmdClient.ts'
import { ourFlags } from '../../src/internal/dist/flags.ts'
import { Handshake } from '../../src/internal/dist/handshake.ts'
import { assertReceive, captureLog, refuteReceive, run } from '../../src/testing/index.ts'
import { freePort } from './helpers.ts'

let epmdPort = 0
let port = 0
const ME = 'sec@localhost'

before(async () => {
  epmdPort = await freePort()
  await Node.start({ sname: 'sec', cookie: 'secret', epmdPort, netTickTime: 1 })
  port = (await portPlease({ host: '127.0.0.1', port: epmdPort }, 'sec'))!.port
})

after(async () => {
  await Node.stop()
})

/** A raw peer that runs our initiator over a plain socket, then hands back the socket. */
async function rawPeer(name: string, cookie: string): Promise<{ sock: net.Socket; got: Buffer[] }> {
  const sock = net.connect(port, '127.0.0.1')
  await new Promise((r) => sock.once('connect', r))
  const hs = new Handshake({ role: 'initiator', name, flags: ourFlags(true), creation: 5, cookie, peer: ME })
  const got: Buffer[] = []
  return new Promise((resolve, reject) => {
    const flush = () => {
      for (const b of hs.takeOutput()) sock.write(b)
    }
    flush()
    sock.on('data', (chunk) => {
      if (got.length > 0 || chunk.length === 0) {
        got.push(chunk)
        return
      }
      const step = hs.feed(chunk)
      flush()
      if (step.kind === 'up') {
        got.push(step.rest)
        resolve({ sock, got })
      } else if (step.kind === 'failed') reject(new Error(step.reason))
    })
    sock.on('close', () => reject(new Error('closed')))
  })
}

function closed(sock: net.Socket): Promise<void> {
  return new Promise((r) => (sock.destroyed ? r() : sock.once('close', () => r())))
}

describe('distribution security', () => {
  it('acts on nothing a peer sends before the handshake authenticates it', () =>
    run(function* () {
      Process.register('victim', Process.self())
      const sock = net.connect(port, '127.0.0.1')
      yield new Promise((r) => sock.once('connect', r))
      // A REG_SEND to `victim`, framed as after a handshake, with no handshake at all.
      const ctrl = Buffer.from(
        '70836804610658770d65766c406c6f63616c686f737400000001000000000000000177007706766963746964',
        'hex',
      )
      const frame = Buffer.concat([
        Buffer.from([0, 0, 0, ctrl.length + 4]),
        ctrl,
        Buffer.from('83617b', 'hex'),
      ])
      sock.write(frame)
      yield closed(sock)
      yield* refuteReceive(P._, 50)
      Process.unregister('victim')
    }))

  it('refuses a wrong cookie and logs the attempt', async () => {
    const log = await captureLog(() => assert.rejects(rawPeer('intruder@localhost', 'guess'), /closed/))
    assert.match(log, /Connection attempt from node intruder@localhost rejected\. Invalid challenge reply\./)
    assert.deepEqual(Node.list('hidden'), [])
  })

  it('drops a peer that sends invalid data after the handshake, and says so', async () => {
    const log = await captureLog(async () => {
      const { sock } = await rawPeer('garbage@localhost', 'secret')
      sock.write(Buffer.from('0000000370ffff', 'hex'))
      await closed(sock)
    })
    assert.match(log, /Got invalid data on distribution channel from garbage@localhost/)
  })

  it('ticks a quiet connection, and drops a peer that stays silent past the tick time', () =>
    run(function* () {
      Node.monitorNodes(true, { nodeType: 'all' })
      const { sock, got } = (yield rawPeer('silent@localhost', 'secret')) as {
        sock: net.Socket
        got: Buffer[]
      }
      yield* assertReceive(['nodeup', 'silent@localhost', { nodeType: 'hidden' }], 1000)
      yield* assertReceive(['nodedown', 'silent@localhost', { nodeType: 'hidden' }], 3000)
      yield closed(sock)
      // We ticked (four zero bytes) while it said nothing.
      assert.ok(Buffer.concat(got).includes(Buffer.alloc(4)))
      Node.monitorNodes(false)
    }))
})
