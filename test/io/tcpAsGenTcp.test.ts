/**
 * Tcp as gen_tcp does it (Erlang/OTP 25, the default inet backend, each behaviour checked on a
 * real BEAM with `erl`):
 * - recv(n) returns exactly n bytes or an error: a peer closing before n bytes is `closed` (the
 *   short tail dropped), as is a last line without its newline; n may exceed 64 KiB;
 * - packet 'line' delivers a line longer than the buffer in pieces instead of stalling;
 * - a close (FIN, or a reset: show_econnreset is false by default) seen while passive is kept
 *   and reported once the socket is active again (tcp_closed) or to the next recv (closed);
 * - controlling_process moves the socket's pending tcp / tcp_closed messages to the new owner,
 *   answers ok to anyone naming the current owner, and `closed` for a closed socket first;
 * - setActive on a closed socket is einval; the port of a closed listener is an error;
 * - mode 'string' decodes UTF-8 across reads; timeouts above 2^31-1 ms wait;
 * - close, and the owner's exit, deliver the data send already accepted (a graceful close);
 * - ENOTFOUND is nxdomain; bad host/backlog options and listen-only options on connect are
 *   rejected at the call.
 * Sockets are owned by the test process (closed when it exits, even on a failed assertion);
 * helper processes are killed in `finally`; every wait is bounded.
 */
import assert from 'node:assert/strict'
import * as net from 'node:net'
import { describe, it } from 'node:test'
import type { Pid } from '../../src/index.ts'
import { P, Process, Tcp } from '../../src/index.ts'
import { assertReceive, refuteReceive, run } from '../../src/testing/index.ts'
import { listenAny, type Ok } from './helpers.ts'

const T = { timeout: 15_000 }

/** A connected pair over loopback, both ends owned by the caller; the listener is closed. */
function* pair(serverOpts?: Tcp.ListenOptions, clientOpts?: Tcp.ConnectOptions) {
  const listener = yield* listenAny(serverOpts)
  try {
    const c = yield* Tcp.connect('127.0.0.1', Tcp.port(listener), clientOpts, 2000)
    assert.equal(c[0], 'ok')
    const a = yield* Tcp.accept(listener, 2000)
    assert.equal(a[0], 'ok')
    return { client: (c as Ok<Tcp.Socket>)[1], server: (a as Ok<Tcp.Socket>)[1] }
  } finally {
    Tcp.close(listener)
  }
}

/** Waits (bounded) until the caller's mailbox holds at least `n` messages, without taking any. */
function* mailboxHolds(n: number, within = 2000) {
  const deadline = Date.now() + within
  while ((Process.info(Process.self())?.messageQueueLen ?? 0) < n) {
    assert.ok(Date.now() < deadline, `the mailbox never held ${n} messages`)
    yield* Process.sleep(5)
  }
}

function kill(pids: Pid[]): void {
  for (const p of pids) Process.exit(p, 'kill')
}

const bytes = (d: unknown) => Buffer.from(d as Uint8Array)

/**
 * A writer that sends `chunk` on `sock` until a send fails, telling `to` `'sent'` after each send
 * that returned ok (the tests' peer reads nothing, so the sends end up blocked).
 */
function writeUntilStalled(sock: Tcp.Socket, chunk: Buffer, to: Pid): Pid {
  return Process.spawn(function* () {
    for (;;) {
      if ((yield* Tcp.send(sock, chunk)) !== 'ok') return
      Process.send(to, 'sent')
    }
  })
}

/** Adds up the writer's `'sent'` reports until none has come for 300 ms: the bytes sent ok. */
function* bytesSentUntilStalled(chunkLength: number): Generator<unknown, number, unknown> {
  let sentOk = 0
  for (;;) {
    const m = yield* Process.receive(
      'sent',
      Process.after(300, () => null),
    )
    if (m === null) return sentOk
    sentOk += chunkLength
    assert.ok(sentOk < 256 * 1024 * 1024, 'the writer never stalled')
  }
}

/** Reads `sock` until the peer's close (`['error', 'closed']`, no other error): the bytes read. */
function* bytesUntilClosed(sock: Tcp.Socket): Generator<unknown, number, unknown> {
  let received = 0
  for (;;) {
    const r = yield* Tcp.recv(sock, 0, 2000)
    if (r[0] === 'error') {
      assert.equal(r[1], 'closed')
      return received
    }
    received += bytes(r[1]).length
  }
}

describe('Tcp as gen_tcp does it', () => {
  it('recv(n): the peer closing after fewer than n bytes gives closed, not a short read', T, () =>
    // gen_tcp:recv(S, 10) after the peer sent <<"abcde">> and closed: {error, closed}.
    // "If Length > 0, exactly Length bytes are returned, or an error."
    run(function* () {
      const { client, server } = yield* pair()
      assert.equal(yield* Tcp.send(client, 'abcde'), 'ok')
      Tcp.close(client)
      assert.deepEqual(yield* Tcp.recv(server, 10, 2000), ['error', 'closed'])
    }),
  )

  it('recv(n) with n above 64 KiB returns exactly n bytes', T, () =>
    // gen_tcp:recv(S, 100000, 2000) -> {ok, <<...100000 bytes...>>}
    run(function* () {
      const { client, server } = yield* pair()
      const big = Buffer.alloc(100_000, 7)
      const writer = Process.spawn(function* () {
        yield* Tcp.send(client, big)
      })
      try {
        const r = yield* Tcp.recv(server, 100_000, 3000)
        assert.equal(r[0], 'ok', `recv(100000) gave ${String(r[1])}`)
        assert.equal(bytes(r[1]).length, 100_000)
      } finally {
        kill([writer])
      }
    }),
  )

  it("packet 'line': a line longer than 64 KiB is delivered, in pieces, instead of stalling recv", T, () =>
    // gen_tcp with {packet, line} delivers a long line in pieces of the `buffer` size (1460 by
    // default); concatenated they are the line, the last piece ending in "\n".
    run(function* () {
      const { client, server } = yield* pair({ packet: 'line' }, {})
      const line = Buffer.concat([Buffer.alloc(100_000, 97), Buffer.from('\n')])
      const writer = Process.spawn(function* () {
        yield* Tcp.send(client, line)
      })
      try {
        const got: Buffer[] = []
        let total = 0
        while (total < line.length) {
          const r = yield* Tcp.recv(server, 0, 3000)
          assert.equal(r[0], 'ok', `recv gave ${String(r[1])} after ${total} bytes of the line`)
          got.push(bytes(r[1]))
          total += bytes(r[1]).length
        }
        assert.ok(Buffer.concat(got).equals(line))
      } finally {
        kill([writer])
      }
    }),
  )

  it("active 'once': re-arming after the peer closed delivers tcp_closed", T, () =>
    // {active, once}: {tcp, S, <<"hello">>}; the peer closes; inet:setopts(S, [{active, once}])
    // -> ok, then {tcp_closed, S}. The usual re-arm loop must learn that the peer is gone.
    run(function* () {
      const { client, server } = yield* pair()
      Tcp.setActive(server, 'once')
      yield* Tcp.send(client, 'hello')
      Tcp.close(client)
      const [, , data] = yield* assertReceive(['tcp', server, P._], 2000)
      assert.equal(bytes(data).toString(), 'hello')
      // Passive again: nothing may arrive until re-armed (and the peer's FIN gets here meanwhile).
      yield* refuteReceive(['tcp_closed', server], 100)
      Tcp.setActive(server, 'once')
      yield* assertReceive(['tcp_closed', server], 2000)
    }),
  )

  it(
    'a passive socket that has been read from and whose peer closed reports tcp_closed once made active',
    T,
    () =>
      // Passive socket: recv -> {ok, <<"hi">>}; the peer closes; inet:setopts(S, [{active, true}])
      // -> {tcp_closed, S} (a header read with recv, then the rest as messages, say).
      run(function* () {
        const { client, server } = yield* pair()
        yield* Tcp.send(client, 'hi')
        const r = yield* Tcp.recv(server, 2, 2000)
        assert.equal(r[0], 'ok')
        Tcp.close(client)
        yield* refuteReceive(['tcp_closed', server], 100)
        Tcp.setActive(server, true)
        yield* assertReceive(['tcp_closed', server], 2000)
      }),
  )

  it('setActive on a closed socket is an error (einval), not ok', T, () =>
    // inet:setopts(S, [{active, once}]) on a closed socket -> {error, einval}.
    run(function* () {
      const { server } = yield* pair()
      Tcp.close(server)
      assert.deepEqual(Tcp.setActive(server, 'once') as unknown, ['error', 'einval'])
    }),
  )

  it("controllingProcess hands the socket's pending tcp messages to the new owner", T, () =>
    // {active, true}: {tcp, S, <<"early">>} is in the old owner's mailbox when
    // gen_tcp:controlling_process(S, Worker) runs; OTP moves it, so Worker gets it, then
    // {tcp_closed, S}, and the old owner keeps none.
    run(function* () {
      const me = Process.self()
      const { client, server } = yield* pair({ active: true })
      yield* Tcp.send(client, 'early')
      yield* mailboxHolds(1)
      const worker = Process.spawn(function* () {
        const first = yield* Process.receive(
          ['tcp', server, P._],
          ['tcp_closed', server],
          Process.after(2000, () => 'none'),
        )
        const second = yield* Process.receive(
          ['tcp', server, P._],
          ['tcp_closed', server],
          Process.after(2000, () => 'none'),
        )
        Process.send(me, ['worker got', first, second])
      })
      try {
        assert.equal(Tcp.controllingProcess(server, worker), 'ok')
        Tcp.close(client)
        const [, first, second] = yield* assertReceive(['worker got', P._, P._], 5000)
        assert.ok(Array.isArray(first) && first[0] === 'tcp', `the worker's first message: ${String(first)}`)
        assert.equal(bytes((first as unknown[])[2]).toString(), 'early')
        assert.deepEqual(second, ['tcp_closed', server])
        yield* refuteReceive(['tcp', server, P._], 0)
      } finally {
        kill([worker])
      }
    }),
  )

  it('a reset from the peer is tcp_closed in active mode, like a close (show_econnreset false)', T, () =>
    // The peer closes with {linger, {true, 0}} (an RST): the active owner gets {tcp_closed, S}.
    // tcp_error with econnreset only with {show_econnreset, true}.
    run(function* () {
      const listener = yield* listenAny({ active: true })
      const raw = net.connect(Tcp.port(listener), '127.0.0.1')
      raw.on('error', () => {})
      try {
        const a = yield* Tcp.accept(listener, 2000)
        assert.equal(a[0], 'ok')
        const server = (a as Ok<Tcp.Socket>)[1]
        if (raw.connecting) yield new Promise((r) => raw.once('connect', r))
        raw.resetAndDestroy()
        const m = yield* assertReceive(
          (x: unknown) =>
            Array.isArray(x) && (x[0] === 'tcp_closed' || x[0] === 'tcp_error') && x[1] === server,
          2000,
        )
        assert.deepEqual(m, ['tcp_closed', server])
      } finally {
        raw.destroy()
        Tcp.close(listener)
      }
    }),
  )

  it("mode 'string' keeps a UTF-8 character split across two reads intact", T, () =>
    // gen_tcp's list mode hands over bytes ([195] then [169]): nothing is lost and the caller
    // can join them. Beamish's strings must not turn each half into U+FFFD.
    run(function* () {
      const { client, server } = yield* pair({ mode: 'string' })
      const e = Buffer.from('é') // C3 A9
      assert.equal(yield* Tcp.send(client, e.subarray(0, 1)), 'ok')
      let text = ''
      const r1 = yield* Tcp.recv(server, 0, 500)
      if (r1[0] === 'ok') text += r1[1] as string
      else assert.deepEqual(r1, ['error', 'timeout']) // holding the half character back is fine too
      assert.equal(yield* Tcp.send(client, Buffer.concat([e.subarray(1), Buffer.from('b')])), 'ok')
      Tcp.close(client)
      for (;;) {
        const r = yield* Tcp.recv(server, 0, 2000)
        if (r[0] === 'error') {
          assert.equal(r[1], 'closed')
          break
        }
        text += r[1] as string
      }
      assert.equal(text, 'éb')
    }),
  )

  it('recv with a timeout above 2^31-1 ms waits instead of timing out at once', T, () =>
    // gen_tcp:recv(S, 0, 3000000000) waits (~35 days); Node turns such a setTimeout into 1 ms.
    run(function* () {
      const me = Process.self()
      const { client, server } = yield* pair()
      const reader = Process.spawn(function* () {
        Process.send(me, ['read', yield* Tcp.recv(server, 0, 3_000_000_000)])
      })
      try {
        yield* refuteReceive(['read', P._], 100)
        yield* Tcp.send(client, 'x')
        const [, r] = yield* assertReceive(['read', P._], 2000)
        assert.equal((r as readonly unknown[])[0], 'ok')
      } finally {
        kill([reader])
      }
    }),
  )

  it('accept with a timeout above 2^31-1 ms waits instead of timing out at once', T, () =>
    run(function* () {
      const me = Process.self()
      const listener = yield* listenAny()
      const acceptor = Process.spawn(function* () {
        Process.send(me, ['accepted', yield* Tcp.accept(listener, 3_000_000_000)])
      })
      try {
        yield* refuteReceive(['accepted', P._], 100)
      } finally {
        kill([acceptor])
        Tcp.close(listener)
      }
    }),
  )

  it('close delivers the data send already accepted (gen_tcp:close flushes its queue)', T, () =>
    // A writer sends 16383-byte chunks to a peer that does not read, until send blocks; the
    // owner kills it and closes. With gen_tcp the peer then reads every byte of every send that
    // returned ok (measured: 4194048 sent ok, 4210431 received).
    run(function* () {
      const { client, server } = yield* pair()
      const chunk = Buffer.alloc(16383, 1)
      const writer = writeUntilStalled(server, chunk, Process.self())
      let sentOk: number
      try {
        sentOk = yield* bytesSentUntilStalled(chunk.length)
      } finally {
        kill([writer])
      }
      Tcp.close(server)
      const received = yield* bytesUntilClosed(client)
      assert.ok(received >= sentOk, `sent ok: ${sentOk} bytes, the peer got ${received}`)
    }),
  )

  it('connect to a host that does not exist gives nxdomain', T, () =>
    // gen_tcp:connect("no-such-host.invalid", 80, []) -> {error, nxdomain} (Node says ENOTFOUND).
    run(function* () {
      assert.deepEqual(yield* Tcp.connect('no-such-host.invalid', 80, {}, 5000), ['error', 'nxdomain'])
    }),
  )

  it('the port of a closed listener is einval, or an error with a code', T, () =>
    // inet:port(ClosedListener) -> {error, einval}.
    run(function* () {
      const listener = yield* listenAny()
      Tcp.close(listener)
      let r: unknown
      try {
        r = Tcp.port(listener)
      } catch (e) {
        assert.match(String((e as { code?: unknown }).code), /^ERR_BEAMISH_/, `Tcp.port threw ${String(e)}`)
        return
      }
      assert.deepEqual(r, ['error', 'einval'])
    }),
  )

  it('bad host and backlog options are rejected at the call, with a code', T, () => {
    // gen_tcp:listen(0, [{ip, 42}]) -> badarg. Beamish checks its other options up front.
    assert.throws(() => Tcp.listen(0, { host: 42 as never }), { code: 'ERR_BEAMISH_INVALID_OPTION' })
    assert.throws(() => Tcp.listen(0, { backlog: 'x' as never }), { code: 'ERR_BEAMISH_INVALID_OPTION' })
  })

  it("packet 'line': a last line without its newline is dropped at the close", T, () =>
    // {packet, line}: the peer sends <<"ab\ncd">> and closes. Passive: recv -> {ok, <<"ab\n">>},
    // then {error, closed}. Active: {tcp, S, <<"ab\n">>}, then {tcp_closed, S}.
    run(function* () {
      const passive = yield* pair({ packet: 'line' })
      yield* Tcp.send(passive.client, 'ab\ncd')
      Tcp.close(passive.client)
      assert.equal(bytes((yield* Tcp.recv(passive.server, 0, 2000))[1]).toString(), 'ab\n')
      assert.deepEqual(yield* Tcp.recv(passive.server, 0, 2000), ['error', 'closed'])
      const active = yield* pair({ packet: 'line', active: true, mode: 'string' })
      yield* Tcp.send(active.client, 'ab\ncd')
      Tcp.close(active.client)
      yield* assertReceive(['tcp', active.server, 'ab\n'], 2000)
      yield* assertReceive(['tcp_closed', active.server], 2000)
      yield* refuteReceive(['tcp', active.server, P._], 50)
    }),
  )

  it('recv(n) that times out keeps the bytes for the next recv', T, () =>
    // gen_tcp:recv(S, 5, 100) with <<"abc">> buffered -> {error, timeout}; recv(S, 0) -> {ok, <<"abc">>}.
    run(function* () {
      const { client, server } = yield* pair()
      yield* Tcp.send(client, 'abc')
      assert.deepEqual(yield* Tcp.recv(server, 5, 100), ['error', 'timeout'])
      assert.equal(bytes((yield* Tcp.recv(server, 0, 2000))[1]).toString(), 'abc')
    }),
  )

  it('controllingProcess: ok for anyone naming the current owner, closed for a closed socket', T, () =>
    // From a process that does not own S: controlling_process(S, Owner) -> ok, and
    // controlling_process(S, self()) -> {error, not_owner}; once closed, the owner gets {error, closed}.
    run(function* () {
      const me = Process.self()
      const { server } = yield* pair()
      const other = Process.spawn(function* () {
        Process.send(me, [
          'asked',
          Tcp.controllingProcess(server, me),
          Tcp.controllingProcess(server, Process.self()),
        ])
      })
      try {
        const [, toOwner, toSelf] = yield* assertReceive(['asked', P._, P._], 2000)
        assert.equal(toOwner, 'ok')
        assert.deepEqual(toSelf, ['error', 'not_owner'])
        Tcp.close(server)
        assert.deepEqual(Tcp.controllingProcess(server, me), ['error', 'closed'])
      } finally {
        kill([other])
      }
    }),
  )

  it("the owner's exit still delivers the data send already accepted (the port is flushed)", T, () =>
    // As the close test, but the owner exits instead of calling close: with gen_tcp the peer
    // still reads every byte of every send that returned ok (measured: 4194048 sent ok, 4210431
    // received), then {error, closed}.
    run(function* () {
      const me = Process.self()
      const listener = yield* listenAny()
      const chunk = Buffer.alloc(16383, 1)
      const owner = Process.spawn(function* () {
        const [, s] = (yield* Tcp.accept(listener, 2000)) as Ok<Tcp.Socket>
        const writer = writeUntilStalled(s, chunk, me)
        yield* Process.receive('stop')
        Process.exit(writer, 'kill')
      })
      try {
        const c = yield* Tcp.connect('127.0.0.1', Tcp.port(listener), {}, 2000)
        const client = (c as Ok<Tcp.Socket>)[1]
        const sentOk = yield* bytesSentUntilStalled(chunk.length)
        Process.send(owner, 'stop')
        const received = yield* bytesUntilClosed(client)
        assert.ok(received >= sentOk, `sent ok: ${sentOk} bytes, the peer got ${received}`)
      } finally {
        kill([owner])
        Tcp.close(listener)
      }
    }),
  )

  it('connect rejects the listen-only options', T, () => {
    // gen_tcp:connect(Host, Port, [{backlog, 5}]) -> badarg.
    assert.throws(() => Tcp.connect('127.0.0.1', 1, { backlog: 5 } as never), {
      code: 'ERR_BEAMISH_INVALID_OPTION',
    })
    assert.throws(() => Tcp.connect('127.0.0.1', 1, { host: '127.0.0.1' } as never), {
      code: 'ERR_BEAMISH_INVALID_OPTION',
    })
    assert.throws(() => Tcp.listen(0, { backlog: -1 }), { code: 'ERR_BEAMISH_INVALID_OPTION' })
    assert.throws(() => Tcp.listen(0, { host: '' }), { code: 'ERR_BEAMISH_INVALID_OPTION' })
  })
})
