/**
 * Seed 004's `EchoServer` ("Mastering the Actor Model Concurrency Paradigm in Elixir"): one
 * process listens and accepts connections, and every connection gets a process of its own that
 * receives data and sends it straight back.
 *
 * Elixir → TypeScript:
 * - `:gen_tcp.listen(port, [:binary, active: false, reuseaddr: true])` is
 *   `Tcp.listen(port, { mode: 'binary', active: false })` (Node sets SO_REUSEADDR on listening
 *   sockets itself), and `{:ok, socket} = …` is `expectOk(…)`.
 * - `loop_accept/1` and `loop_recv/1` are generator loops; `{:ok, client} = :gen_tcp.accept(s)`
 *   is `yield* Tcp.accept(s)` returning `['ok', client]`.
 * - The article spawns the connection process and lets it use the socket without handing it
 *   over, and so does this port: the acceptor, which accepted the socket, stays its controlling
 *   process. No handover is needed to serve it: as with `:gen_tcp`, any process may `recv`,
 *   `send` and `close` on a passive socket; the owner only gets active-mode messages and takes
 *   its sockets down when it exits. That last part is the article's behaviour too: when the
 *   acceptor dies, the live connections close with it (each connection process logs
 *   `Failed to receive data: closed`). Erlang code that wants a connection to outlive its
 *   acceptor hands it over with `:gen_tcp.controlling_process` (`Tcp.controllingProcess`); the
 *   article does not.
 * - The article pipes the listen result into `spawn_link`, which does not compile; the intent
 *   (listen, then a linked acceptor process) is what `startLink` does.
 */
import { expectOk, Logger, type Pid, Process, Tcp } from '../../src/index.ts'

export interface Options {
  /**
   * The accept queue's length (default 511). Not in the article; raise it when more clients than
   * that may connect at the same instant: past it, the kernel holds their handshakes back and
   * retries only after one second, then two, four…
   */
  readonly backlog?: number
}

/**
 * `EchoServer.start_link(port)`: listens on `port` (0 picks a free one) and starts the acceptor,
 * linked to the caller. Returns the acceptor's pid and the port.
 */
export function* startLink(
  port: number,
  { backlog = 511 }: Options = {},
): Generator<unknown, { pid: Pid; port: number }> {
  const listener = expectOk(yield* Tcp.listen(port, { mode: 'binary', active: false, backlog }))
  const pid = Process.spawnLink(() => loopAccept(listener))
  Tcp.controllingProcess(listener, pid)
  return { pid, port: Tcp.port(listener) }
}

function* loopAccept(socket: Tcp.ListenSocket): Generator<unknown, void> {
  for (;;) {
    const accepted = yield* Tcp.accept(socket)
    if (accepted[0] === 'ok') {
      const clientSocket = accepted[1]
      Process.spawn(function* () {
        yield* loopRecv(clientSocket)
        Tcp.close(clientSocket)
      })
    } else if (accepted[1] !== 'eagain') {
      Logger.error(`Failed to accept connection: ${accepted[1]}`)
      return
    }
  }
}

function* loopRecv(socket: Tcp.Socket): Generator<unknown, void> {
  for (;;) {
    const received = yield* Tcp.recv(socket, 0)
    if (received[0] === 'error') {
      Logger.error(`Failed to receive data: ${received[1]}`)
      Tcp.close(socket)
      return
    }
    yield* Tcp.send(socket, received[1])
  }
}
