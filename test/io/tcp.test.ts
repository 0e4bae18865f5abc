import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { P, Process, Tcp } from '../../src/index.ts'
import { assertReceive, refuteReceive, run } from '../../src/testing/index.ts'
import { listenAny, type Ok } from './helpers.ts'

/** An echo acceptor: one process per connection, like the seeds' echo server. */
function startEcho(listener: Tcp.ListenSocket) {
  return Process.spawn(function* () {
    for (;;) {
      const a = yield* Tcp.accept(listener)
      if (a[0] !== 'ok') return
      const sock = a[1]
      const worker = Process.spawn(function* () {
        for (;;) {
          const r = yield* Tcp.recv(sock)
          if (r[0] === 'error') return
          yield* Tcp.send(sock, r[1])
        }
      })
      Tcp.controllingProcess(sock, worker)
    }
  })
}

describe('Tcp', () => {
  it('echoes lines over loopback in passive mode', () =>
    run(function* () {
      const listener = yield* listenAny({ packet: 'line', mode: 'string' })
      startEcho(listener)
      const c = yield* Tcp.connect('127.0.0.1', Tcp.port(listener), { packet: 'line', mode: 'string' })
      const sock = (c as Ok<Tcp.Socket>)[1]
      yield* Tcp.send(sock, 'one\ntwo\n')
      assert.deepEqual(yield* Tcp.recv(sock, 0, 2000), ['ok', 'one\n'])
      assert.deepEqual(yield* Tcp.recv(sock, 0, 2000), ['ok', 'two\n'])
      Tcp.close(sock)
      Tcp.close(listener)
    }))

  it('delivers tcp and tcp_closed messages to the owner in active mode', () =>
    run(function* () {
      const listener = yield* listenAny()
      const me = Process.self()
      Process.spawn(function* () {
        const [, s] = (yield* Tcp.accept(listener)) as Ok<Tcp.Socket>
        yield* Tcp.send(s, 'hi')
        Tcp.close(s)
        Process.send(me, 'server closed')
      })
      const [, sock] = (yield* Tcp.connect('127.0.0.1', Tcp.port(listener), {
        active: true,
      })) as Ok<Tcp.Socket>
      const [, , data] = yield* assertReceive(['tcp', sock, P.instanceOf(Uint8Array)], 2000)
      assert.equal(Buffer.from(data).toString(), 'hi')
      yield* assertReceive(['tcp_closed', sock], 2000)
    }))

  it("active 'once' delivers one message and then waits to be re-armed", () =>
    run(function* () {
      const listener = yield* listenAny({ packet: 'line', mode: 'string' })
      startEcho(listener)
      const [, sock] = (yield* Tcp.connect('127.0.0.1', Tcp.port(listener), {
        active: 'once',
        packet: 'line',
        mode: 'string',
      })) as Ok<Tcp.Socket>
      yield* Tcp.send(sock, 'a\nb\n')
      yield* assertReceive(['tcp', sock, 'a\n'], 2000)
      const none = yield* Process.receive(
        ['tcp', sock, P._],
        Process.after(50, () => 'quiet' as const),
      )
      assert.equal(none, 'quiet')
      Tcp.setActive(sock, 'once')
      yield* assertReceive(['tcp', sock, 'b\n'], 2000)
    }))

  it('reports a port in use as eaddrinuse without disturbing other processes', () =>
    run(function* () {
      const listener = yield* listenAny()
      const bystander = Process.spawn(function* () {
        yield* Process.receive()
      })
      assert.deepEqual(yield* Tcp.listen(Tcp.port(listener)), ['error', 'eaddrinuse'])
      assert.equal(Process.alive(bystander), true)
      Process.exit(bystander, 'kill')
    }))

  it('refuses a connection to a closed port with econnrefused', () =>
    run(function* () {
      const listener = yield* listenAny()
      const port = Tcp.port(listener)
      Tcp.close(listener)
      assert.deepEqual(yield* Tcp.connect('127.0.0.1', port), ['error', 'econnrefused'])
    }))

  it('closes a socket when its owner exits', () =>
    run(function* () {
      const listener = yield* listenAny()
      const me = Process.self()
      Process.spawn(function* () {
        const [, s] = (yield* Tcp.accept(listener)) as Ok<Tcp.Socket>
        Process.send(me, ['accepted', s])
        yield* Process.receive('never')
      })
      const [, sock] = (yield* Tcp.connect('127.0.0.1', Tcp.port(listener), {
        active: true,
      })) as Ok<Tcp.Socket>
      yield* assertReceive(['accepted', P._], 2000)
      // The accepting process owns the server side; killing the *client's* owner (us) is not
      // what we test: kill a fresh owner of another connection instead.
      const owner = Process.spawn(function* () {
        const c = (yield* Tcp.connect('127.0.0.1', Tcp.port(listener))) as Ok<Tcp.Socket>
        Process.send(me, ['client', c[1]])
        yield* Process.receive('never')
      })
      const [, client] = yield* assertReceive(['client', P._], 2000)
      Process.exit(owner, 'kill')
      assert.equal((client as Tcp.Socket).closed, true)
      assert.deepEqual(yield* Tcp.send(client as Tcp.Socket, 'x'), ['error', 'closed'])
      Tcp.close(sock)
    }))

  it('makes send wait while the peer does not read (backpressure)', () =>
    run(function* () {
      const listener = yield* listenAny()
      const me = Process.self()
      // A server that accepts and never reads.
      Process.spawn(function* () {
        const [, s] = (yield* Tcp.accept(listener)) as Ok<Tcp.Socket>
        Process.send(me, ['slow reader ready', s])
        yield* Process.receive('never')
      })
      const [, sock] = (yield* Tcp.connect('127.0.0.1', Tcp.port(listener))) as Ok<Tcp.Socket>
      yield* assertReceive(['slow reader ready', P._], 2000)
      const chunk = Buffer.alloc(64 * 1024, 1)
      const writer = Process.spawn(function* () {
        for (;;) {
          const r = yield* Tcp.send(sock, chunk)
          if (r !== 'ok') return
          Process.send(me, ['sent', chunk.length])
        }
      })
      // Count what the writer gets through until it goes quiet: it must stall, blocked in send,
      // once the kernel buffers are full, instead of queueing everything in memory.
      let sent = 0
      for (;;) {
        const n = yield* Process.receive(
          ['sent', P.number],
          Process.after(300, () => null),
        )
        if (n === null) break
        sent += n[1]
        assert.ok(sent < 256 * 1024 * 1024, 'the writer never stalled')
      }
      yield* refuteReceive(['sent', P._], 100)
      assert.ok(sent > 0)
      Process.exit(writer, 'kill')
      Tcp.close(sock)
    }))

  it('rejects bad arguments with clear errors', () => {
    assert.throws(() => Tcp.listen(70000), {
      code: 'ERR_BEAMISH_BADARG',
      message: /port number from 0 to 65535/,
    })
    assert.throws(() => Tcp.listen(0, { active: 'twice' as never }), { code: 'ERR_BEAMISH_INVALID_OPTION' })
    assert.throws(() => Tcp.send({} as never, 'x'), { code: 'ERR_BEAMISH_BADARG' })
  })
})
