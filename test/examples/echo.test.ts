import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as EchoClient from '../../examples/echo/EchoClient.ts'
import * as EchoServer from '../../examples/echo/EchoServer.ts'
import { main } from '../../examples/echo/main.ts'
import { expectOk, Logger, P, type Pid, Process, Tcp } from '../../src/index.ts'
import { assertReceive, captureLog, run } from '../../src/testing/index.ts'

/** How many clients at once, and how many messages each (the full run: 1000 × 100). */
const CLIENTS = Number(process.env.BEAMISH_ECHO_CLIENTS ?? 100)
const MESSAGES = Number(process.env.BEAMISH_ECHO_MESSAGES ?? 20)

const gc = (globalThis as { gc?: () => void }).gc

function stop(pid: Pid) {
  Process.unlink(pid)
  Process.exit(pid, 'shutdown')
}

/** Lets the event loop turn (closed sockets release their handles) and collects garbage. */
function* settledHeap(): Generator<unknown, number> {
  for (let i = 0; i < 5; i++) {
    yield new Promise((resolve) => setImmediate(resolve))
    gc?.()
  }
  return process.memoryUsage().heapUsed
}

/** A process that samples the heap every 20 ms until told `['stop', from]`, then replies its peak. */
function startHeapSampler(): Pid {
  return Process.spawn(function* () {
    let peak = process.memoryUsage().heapUsed
    for (;;) {
      const stop = yield* Process.receive(
        ['stop', P.instanceOf(Process.Pid)],
        Process.after(20, () => null),
      )
      peak = Math.max(peak, process.memoryUsage().heapUsed)
      if (stop !== null) return Process.send(stop[1], ['peak', peak])
    }
  })
}

/** Forwards every log message to `to` as `['log', message]`. */
function logTo(to: Pid) {
  Logger.addHandler('echo-test', (e) => Process.send(to, ['log', e.message]))
}

/**
 * Starts `n` client processes that each talk `m` lines over their own connection, and waits until
 * every one has finished. Returns how many lines came back intact, and why clients failed, if any.
 */
function* clients(port: number, n: number, m: number, tag: string): Generator<unknown, [number, unknown[]]> {
  const me = Process.self()
  for (let c = 0; c < n; c++) {
    Process.spawnMonitor(function* () {
      const lines = Array.from({ length: m }, (_, i) => `${tag} client ${c} message ${i}`)
      const echoed = yield* EchoClient.talk(port, lines)
      Process.send(me, ['done', echoed.filter((line, i) => line === lines[i]).length])
    })
  }
  let intact = 0
  const failures: unknown[] = []
  // Each client sends its count before it exits, so its `done` comes before its `DOWN`.
  for (let ended = 0; ended < n; ) {
    const r = yield* Process.receive(
      ['done', P.number],
      ['DOWN', P._, 'process', P._, P._],
      Process.after(60_000, () => ['no news for 60 s'] as const),
    )
    if (r[0] === 'done') intact += r[1]
    else {
      ended++
      if (r[0] !== 'DOWN') failures.push(r[0])
      else if (r[4] !== 'normal') failures.push(r[4])
    }
  }
  return [intact, failures]
}

/** Waits for `n` "Failed to receive data: closed" logs: one per connection process as it ends. */
function* connectionsEnded(n: number) {
  for (let i = 0; i < n; i++) yield* assertReceive(['log', 'Failed to receive data: closed'], 10_000)
}

describe('echo (seed 004: the networked echo server)', () => {
  it('echoes back exactly the bytes a client sends, whatever their size', async () => {
    await captureLog(() =>
      run(function* () {
        logTo(Process.self())
        const server = yield* EchoServer.startLink(0)
        const sock = expectOk(yield* Tcp.connect('127.0.0.1', server.port, { mode: 'binary' }))
        const payload = Buffer.alloc(200_000, 'abc')
        yield* Tcp.send(sock, payload)
        const chunks: Buffer[] = []
        for (let got = 0; got < payload.length; got += chunks.at(-1)!.length) {
          chunks.push(expectOk(yield* Tcp.recv(sock, 0, 5000)) as Buffer)
        }
        assert.ok(Buffer.concat(chunks).equals(payload))
        Tcp.close(sock)
        yield* connectionsEnded(1)
        stop(server.pid)
      }),
    )
  })

  it('serves each connection in its own process, which logs the closed connection and ends', async () => {
    const log = await captureLog(() =>
      run(function* () {
        logTo(Process.self())
        const before = Process.list().length
        const server = yield* EchoServer.startLink(0)
        const sock = expectOk(
          yield* Tcp.connect('127.0.0.1', server.port, { mode: 'string', packet: 'line' }),
        )
        yield* Tcp.send(sock, 'hello\n')
        assert.deepEqual(yield* Tcp.recv(sock, 0, 5000), ['ok', 'hello\n'])
        assert.equal(Process.list().length, before + 2) // the acceptor and this connection's process
        Tcp.close(sock)
        yield* connectionsEnded(1)
        assert.equal(Process.list().length, before + 1)
        stop(server.pid)
      }),
    )
    assert.match(log, /\[error\] Failed to receive data: closed/)
  })

  // Elixir: the acceptor called :gen_tcp.accept, so it owns every client socket; the connection
  // process only uses it. When the acceptor dies, its live connections close:
  //   [error] Failed to receive data: closed
  //   client: :gen_tcp.recv(c, 0, 1000) → {:error, :closed}
  it('killing the acceptor closes the connections it accepted', async () => {
    await captureLog(() =>
      run(function* () {
        logTo(Process.self())
        const server = yield* EchoServer.startLink(0)
        const sock = expectOk(
          yield* Tcp.connect('127.0.0.1', server.port, { mode: 'string', packet: 'line' }),
        )
        yield* Tcp.send(sock, 'hello\n')
        assert.deepEqual(yield* Tcp.recv(sock, 0, 5000), ['ok', 'hello\n'])
        const ref = Process.monitor(server.pid)
        Process.unlink(server.pid)
        Process.exit(server.pid, 'kill')
        yield* assertReceive(['DOWN', ref, 'process', server.pid, 'killed'], 1000)
        yield* connectionsEnded(1)
        yield* Tcp.send(sock, 'again\n')
        assert.deepEqual(yield* Tcp.recv(sock, 0, 1000), ['error', 'closed'])
        Tcp.close(sock)
      }),
    )
  })

  it(`serves ${CLIENTS} concurrent clients echoing ${MESSAGES} messages each, nothing lost, memory back near its start`, async () => {
    await captureLog(() =>
      run(function* () {
        logTo(Process.self())
        // All clients connect at once: the accept queue must hold them all.
        const server = yield* EchoServer.startLink(0, { backlog: Math.max(511, CLIENTS) })
        // Warm up (JIT, socket pools, the log path) before taking the baseline.
        assert.deepEqual(yield* clients(server.port, 20, 5, 'warm-up'), [100, []])
        yield* connectionsEnded(20)
        const processesBefore = Process.list().length
        const heapBefore = yield* settledHeap()

        const rssBefore = process.memoryUsage().rss
        const sampler = startHeapSampler()
        const t0 = performance.now()
        const [intact, failures] = yield* clients(server.port, CLIENTS, MESSAGES, 'run')
        const elapsed = performance.now() - t0
        Process.send(sampler, ['stop', Process.self()])
        const [, peak] = yield* assertReceive(['peak', P.number], 1000)
        assert.deepEqual(failures.slice(0, 5), [], `${failures.length} clients failed`)
        assert.equal(intact, CLIENTS * MESSAGES, 'every message came back to its sender, unchanged')
        yield* connectionsEnded(CLIENTS)
        assert.equal(Process.list().length, processesBefore, 'every connection process has ended')

        const heapAfter = yield* settledHeap()
        const rssAfter = process.memoryUsage().rss
        const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1)
        const grownMB = (heapAfter - heapBefore) / 2 ** 20
        // With --expose-gc the heap is measured after full collections: it must come back to
        // within a few MB (the captured log lines stay until the test ends). Without it, only a
        // generous bound makes sense.
        const boundMB = gc === undefined ? 200 : 8 + (CLIENTS * 1) / 1024
        process.stdout.write(
          `# echo: ${CLIENTS} clients × ${MESSAGES} messages in ${elapsed.toFixed(0)} ms; ` +
            `heapUsed ${mb(heapBefore)} MB → peak ${mb(peak)} MB → ${mb(heapAfter)} MB after ` +
            `(${grownMB >= 0 ? '+' : ''}${grownMB.toFixed(2)} MB, bound ${boundMB.toFixed(1)} MB` +
            `${gc === undefined ? ', no --expose-gc' : ''}); rss ${mb(rssBefore)} MB → ${mb(rssAfter)} MB\n`,
        )
        assert.ok(grownMB < boundMB, `heap grew by ${grownMB.toFixed(2)} MB (bound ${boundMB.toFixed(1)} MB)`)
        stop(server.pid)
      }),
    )
  })

  it('the walkthrough prints every echo for three clients at once', async () => {
    const lines: string[] = []
    const log = await captureLog(() =>
      run(function* () {
        logTo(Process.self())
        yield* main((l) => lines.push(l), 0)
        yield* connectionsEnded(3)
      }),
    )
    assert.match(lines[0]!, /^EchoServer\.startLink\(0\) → listening on port \d+ \(acceptor #PID<[\d.]+>\)$/)
    for (const name of ['Ada', 'Bob', 'Charles']) {
      assert.deepEqual(
        lines.filter((l) => l.startsWith(`${name} got back:`)),
        [1, 2, 3].map((i) => `${name} got back: ${name} says hello #${i}`),
      )
    }
    assert.equal(lines.at(-1), 'All clients are done.')
    assert.equal(log.match(/Failed to receive data: closed/g)?.length, 3)
  })
})
