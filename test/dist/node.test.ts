/**
 * The Node API: options and their errors, the cookie sources, the node's name on local pids,
 * and EPMD hand-over when the node hosting the embedded EPMD stops.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { GenServer, Node, Process } from '../../src/index.ts'
import { readCookieFile, resolveCookie } from '../../src/internal/dist/cookie.ts'
import { running } from '../../src/internal/dist/node.ts'
import { assertReceive, run } from '../../src/testing/index.ts'
import { freePort, startPeer } from './helpers.ts'

const code = (c: string) => (e: any) => e.name === 'BeamishError' && e.code === c

describe('Node options', () => {
  it('refuses bad options with stable codes and Elixir-style messages', () => {
    assert.throws(() => Node.start({ sname: 'x', colour: 1 } as never), code('ERR_BEAMISH_INVALID_OPTION'))
    assert.throws(() => Node.start({ sname: 'x', name: 'x@h' }), code('ERR_BEAMISH_INVALID_NODE_NAME'))
    assert.throws(() => Node.start({}), /exactly one of the name \(long\) and sname \(short\)/)
    assert.throws(() => Node.start({ sname: 'x@a.b.c' }), code('ERR_BEAMISH_INVALID_NODE_NAME'))
    assert.throws(() => Node.start({ sname: 'a b' }), code('ERR_BEAMISH_INVALID_NODE_NAME'))
    assert.throws(() => Node.start({ sname: 'x', port: 70000 }), /port to be an integer from 0 to 65535/)
    assert.throws(() => Node.start({ sname: 'x', cookie: 'é'.repeat(300) }), /invalid cookie/)
    assert.throws(() => Node.start({ sname: 'x', netTickTime: 0 }), code('ERR_BEAMISH_INVALID_OPTION'))
    assert.throws(() => Node.connect('nohost'), code('ERR_BEAMISH_INVALID_NODE_NAME'))
    assert.throws(() => Node.list('all' as never), code('ERR_BEAMISH_BADARG'))
  })

  it('takes the cookie from the option, then BEAMISH_COOKIE, then ~/.erlang.cookie (created like erl does)', () => {
    const home = mkdtempSync(join(tmpdir(), 'beamish-cookie-'))
    assert.equal(resolveCookie('opt', { HOME: home, BEAMISH_COOKIE: 'env' }), 'opt')
    assert.equal(resolveCookie(undefined, { HOME: home, BEAMISH_COOKIE: 'env' }), 'env')
    const made = resolveCookie(undefined, { HOME: home })
    assert.match(made, /^[A-Z]{32}$/)
    assert.equal(statSync(join(home, '.erlang.cookie')).mode & 0o777, 0o400)
    assert.equal(resolveCookie(undefined, { HOME: home }), made)
    const other = join(home, 'other')
    writeFileSync(other, '  spaced\n')
    assert.equal(readCookieFile(other), 'spaced')
    assert.equal(readFileSync(join(home, '.erlang.cookie'), 'latin1'), made)
  })
})

describe('a node', () => {
  it('is nonode@nohost until started; then local pids carry its name; stop undoes it', async () => {
    assert.equal(Node.self(), 'nonode@nohost')
    assert.equal(Node.alive(), false)
    assert.equal(await Node.connect('x@localhost'), 'ignored')
    assert.equal(Node.disconnect('x@localhost'), 'ignored')
    const before = Process.spawn(() => Process.receive('stop'))
    const epmdPort = await freePort()
    assert.deepEqual(await Node.start({ sname: 'api', cookie: 'c', epmdPort }), ['ok', 'api@localhost'])
    try {
      assert.equal(Node.self(), 'api@localhost')
      assert.equal(before.node.name, 'api@localhost')
      assert.deepEqual(Node.list('this'), ['api@localhost'])
      assert.equal(Node.getCookie(), 'c')
      assert.deepEqual(await Node.start({ sname: 'api2', cookie: 'c', epmdPort }), [
        'error',
        'already_started',
      ])
      assert.equal((running!.server.address() as { address: string }).address, '127.0.0.1')
      // Node.monitor on a node that cannot be reached: nodedown at once.
      await run(function* () {
        Node.monitor('nobody@localhost')
        yield* assertReceive(['nodedown', 'nobody@localhost'], 2000)
      })
    } finally {
      Process.send(before, 'stop')
      assert.equal(await Node.stop(), 'ok')
    }
    assert.equal(Node.self(), 'nonode@nohost')
    assert.deepEqual(await Node.stop(), ['error', 'not_found'])
  })

  it('refuses a name already registered in EPMD', async () => {
    const epmdPort = await freePort()
    const peer = await startPeer({ sname: 'taken', cookie: 'c', epmdPort })
    try {
      assert.deepEqual(await Node.start({ sname: 'taken', cookie: 'c', epmdPort }), [
        'error',
        'duplicate_name',
      ])
      assert.equal(Node.alive(), false)
    } finally {
      await peer.kill()
    }
  })

  it('keeps the cluster reachable when the node hosting the embedded EPMD stops', async () => {
    const epmdPort = await freePort()
    await Node.start({ sname: 'host1', cookie: 'c', epmdPort })
    const peer = await startPeer({ sname: 'guest', cookie: 'c', epmdPort })
    try {
      await Node.stop() // our embedded EPMD goes; the peer registers again, hosting its own
      for (let i = 0; i < 100; i++) {
        const r = await Node.start({ sname: 'host2', cookie: 'c', epmdPort })
        if (r[0] === 'ok') break
        await new Promise((res) => setTimeout(res, 50))
      }
      assert.equal(Node.self(), 'host2@localhost')
      let connected = false
      for (let i = 0; i < 100 && !connected; i++) {
        connected = (await Node.connect(peer.name)) === true
        if (!connected) await new Promise((res) => setTimeout(res, 50))
      }
      assert.equal(connected, true)
      assert.deepEqual(await GenServer.call(['echo', peer.name], ['echo', 1]), ['echo', 1])
    } finally {
      await peer.kill()
      await Node.stop()
    }
  })
})
