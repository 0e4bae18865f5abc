/**
 * The chat over TCP: one process listens and accepts, and every connection gets a process of its
 * own (a temporary child of the `ChatConnections` dynamic supervisor) that joins the `ChatRoom`.
 *
 * A connection speaks lines: each line a client sends goes to everyone else in the room, and
 * everything the room broadcasts is written back. `/nick NAME` (typically the first line) picks a
 * nickname instead of the `guestN` one each connection starts with. Try it with
 * `nc localhost 4041` in two terminals.
 *
 * The connection process handles two kinds of message in one receive: the socket's data, in
 * `active: 'once'` mode (one `['tcp', socket, line]` message at a time, so a client that sends
 * faster than we handle is held back by TCP), and the room's `['chat', line]` broadcasts.
 */
import { inspect } from 'node:util'
import {
  DynamicSupervisor,
  exit,
  expectOk,
  Logger,
  P,
  type Pid,
  Process,
  type Supervisor,
  Tcp,
} from '../../src/index.ts'
import * as ChatRoom from './ChatRoom.ts'

/** The dynamic supervisor of the connection processes. */
export const CONNECTIONS = 'ChatConnections'

/**
 * Listens on `port` (0 picks a free one) and starts the acceptor, linked to the caller. Returns
 * the acceptor's pid and the port, as `EchoServer.startLink` does.
 */
export function* startLink(port: number): Generator<unknown, { pid: Pid; port: number }> {
  const listener = expectOk(yield* Tcp.listen(port, { mode: 'string', packet: 'line' }))
  const pid = Process.spawnLink(() => acceptLoop(listener))
  Tcp.controllingProcess(listener, pid)
  return { pid, port: Tcp.port(listener) }
}

function* acceptLoop(listener: Tcp.ListenSocket): Generator<unknown, void> {
  for (;;) {
    const client = expectOk(yield* Tcp.accept(listener))
    const started = yield* DynamicSupervisor.startChild(CONNECTIONS, connectionSpec())
    if (started === 'ignore' || started[0] === 'error') {
      Logger.error(`could not start a chat connection: ${inspect(started)}`)
      Tcp.close(client)
      continue
    }
    // The socket is ours until we hand it over; then we tell the connection it may use it.
    Tcp.controllingProcess(client, started[1])
    Process.send(started[1], ['socket', client])
  }
}

function connectionSpec(): Supervisor.ChildSpec {
  return {
    id: 'ChatConnection',
    start: () => ['ok', Process.spawnLink(connection)],
    restart: 'temporary',
  }
}

/** A connection's process: waits for its socket, joins the room, then relays lines both ways. */
function* connection(): Generator<unknown, void> {
  // Trapping exits lets us say goodbye when the chat server shuts down.
  Process.trapExit(true)
  const [, socket] = yield* Process.receive(['socket', P.instanceOf(Tcp.Socket)])
  let name = yield* ChatRoom.join()
  yield* Tcp.send(
    socket,
    `* welcome, ${name}! Type /nick NAME to pick a name; every line goes to the room.\n`,
  )
  for (;;) {
    Tcp.setActive(socket, 'once')
    const msg = yield* Process.receive(
      ['tcp', socket, P.string],
      ['chat', P.string],
      ['tcp_closed', socket],
      ['tcp_error', socket, P._],
      ['EXIT', P._, P._],
    )
    switch (msg[0]) {
      case 'chat':
        yield* Tcp.send(socket, `${msg[1]}\n`)
        break
      case 'tcp': {
        const line = msg[2].trim()
        const nick = /^\/nick\s+(.*)$/.exec(line)
        if (nick !== null) {
          const renamed = yield* ChatRoom.rename(nick[1]!)
          if (renamed[0] === 'ok') name = renamed[1]
          yield* Tcp.send(
            socket,
            renamed[0] === 'ok'
              ? `* you are now ${name}\n`
              : `* cannot rename to ${JSON.stringify(nick[1])}: ${renamed[1]}\n`,
          )
        } else if (line !== '') ChatRoom.say(line)
        break
      }
      case 'EXIT':
        // Our supervisor is shutting the chat down: say goodbye, then exit as told.
        yield* Tcp.send(socket, '* the chat server is shutting down, bye!\n')
        Tcp.close(socket)
        return exit(msg[2])
      default: // tcp_closed / tcp_error: the client hung up; the room sees us go.
        return
    }
  }
}
