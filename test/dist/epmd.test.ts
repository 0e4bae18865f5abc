/**
 * EPMD (distribution.md §1): request/response encodings against live captures, and the embedded
 * EPMD a node starts when none is listening.
 */
import assert from 'node:assert/strict'
import * as net from 'node:net'
import { networkInterfaces } from 'node:os'
import { describe, it } from 'node:test'
import {
  decodeNames,
  decodePort2,
  encodeAlive2,
  encodePortPlease,
  names,
  portPlease,
  register,
} from '../../src/internal/dist/epmdClient.ts'
import { startEpmd } from '../../src/internal/dist/epmdServer.ts'

const hex = (s: string) => Buffer.from(s, 'hex')
const entry = { name: 'ts', port: 40123, type: 77, protocol: 0, highest: 6, lowest: 6 }

/** Retries `check` until it holds (the EPMD notices a closed socket asynchronously). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 10))
  }
  assert.fail('condition never held')
}

describe('EPMD protocol', () => {
  it('encodes ALIVE2_REQ as the probe registered itself with the real epmd', () => {
    assert.equal(
      encodeAlive2({ name: 'pyacc', port: 32961, type: 77, protocol: 0, highest: 6, lowest: 5 }).toString(
        'hex',
      ),
      '00127880c14d0000060005000570796163630000',
    )
    assert.equal(encodePortPlease('ref').toString('hex'), '00047a726566')
  })

  it('decodes PORT2_RESP and NAMES responses captured from the real epmd', () => {
    assert.deepEqual(decodePort2(hex('7700238c4d000006000500037265660000')), {
      port: 9100,
      type: 77,
      protocol: 0,
      highest: 6,
      lowest: 5,
      name: 'ref',
      extra: Buffer.alloc(0),
    })
    assert.equal(decodePort2(hex('7701')), null)
    assert.deepEqual(
      decodeNames(
        Buffer.concat([hex('00001111'), Buffer.from('name other at port 35251\nname ref at port 9100\n')]),
      ),
      [
        { name: 'other', port: 35251 },
        { name: 'ref', port: 9100 },
      ],
    )
  })
})

describe('embedded EPMD', () => {
  it('registers, answers PORT_PLEASE2 and NAMES, and forgets a node whose socket closes', async () => {
    const epmd = await startEpmd('127.0.0.1', 0)
    const addr = { host: '127.0.0.1', port: epmd.port }
    try {
      const reg = await register(addr, entry)
      assert.ok(reg.creation > 0)
      assert.deepEqual(await portPlease(addr, 'ts'), { ...entry, extra: Buffer.alloc(0) })
      assert.equal(await portPlease(addr, 'nobody'), null)
      assert.deepEqual(await names(addr), [{ name: 'ts', port: 40123 }])
      await assert.rejects(register(addr, { ...entry, port: 1 }), /duplicate_name/)
      reg.socket.destroy()
      await eventually(async () => (await names(addr)).length === 0)
      const again = await register(addr, entry)
      assert.notEqual(again.creation, 0)
      again.socket.destroy()
    } finally {
      await epmd.close()
    }
  })

  it('listens on loopback only and refuses KILL_REQ', async () => {
    const epmd = await startEpmd('127.0.0.1', 0)
    try {
      const addr = { host: '127.0.0.1', port: epmd.port }
      const reg = await register(addr, entry)
      const closed = await new Promise<boolean>((resolve) => {
        const s = net.connect(epmd.port, '127.0.0.1', () => s.write(hex('00016b')))
        s.on('data', () => resolve(false))
        s.on('close', () => resolve(true))
      })
      assert.equal(closed, true)
      assert.deepEqual(epmd.names(), ['ts'])
      reg.socket.destroy()
      // Not reachable on this machine's other addresses.
      const external = Object.values(networkInterfaces())
        .flat()
        .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal)
      if (external !== undefined) {
        await assert.rejects(register({ host: external.address, port: epmd.port }, entry), /ECONNREFUSED/)
      }
    } finally {
      await epmd.close()
    }
  })

  it('rejects oversized and empty requests by closing the socket', async () => {
    const epmd = await startEpmd('127.0.0.1', 0)
    try {
      for (const bytes of ['ffff', '0000']) {
        const closed = await new Promise<boolean>((resolve) => {
          const s = net.connect(epmd.port, '127.0.0.1', () => s.write(hex(bytes)))
          s.on('data', () => resolve(false))
          s.on('close', () => resolve(true))
        })
        assert.equal(closed, true)
      }
    } finally {
      await epmd.close()
    }
  })
})
