/**
 * The `demo` application: one supervision tree with three services.
 *
 * ```
 * Demo.Supervisor (one_for_one)
 * ├─ HighScores.Supervisor (one_for_one)   examples/highscores
 * │  ├─ HighScoresTableSupervisor           a table per game (dynamic)
 * │  └─ HighScoresRegistry                  game → table; replaces a crashed table
 * ├─ Chat.Supervisor (rest_for_one)
 * │  ├─ ChatRoom                            members and broadcasts
 * │  ├─ ChatConnections                     a process per TCP connection (dynamic)
 * │  └─ ChatServer                          listens and accepts on `chat_port`
 * └─ EchoServer                             examples/echo, on `echo_port`
 * ```
 *
 * Children start in this order and stop in the reverse one: on shutdown the echo server goes
 * first, then the chat (no new connections, then the connections, then the room), then the high
 * scores. The chat is `rest_for_one` because each child needs the ones before it: if the room
 * crashes, its members are gone, so the connections and the acceptor restart after it.
 *
 * The ports come from the application environment (`echo_port`, `chat_port`; 0 = any free
 * port): set them with `Application.putEnv` before starting, as main.ts does from flags and
 * environment variables.
 */
import { Application, DynamicSupervisor, Supervisor } from '../../src/index.ts'
import * as EchoServer from '../echo/EchoServer.ts'
import { HighScoresRegistry } from '../highscores/HighScoresRegistry.ts'
import { HighScoresTableSupervisor } from '../highscores/HighScoresTableSupervisor.ts'
import { ChatRoom } from './ChatRoom.ts'
import * as ChatServer from './ChatServer.ts'
import * as TcpServer from './TcpServer.ts'

/** The high-scores service: the tree of examples/highscores' `HighScores` application. */
const HighScores: Supervisor.ChildSpec = {
  id: 'HighScores',
  type: 'supervisor',
  start: () =>
    Supervisor.startLink([HighScoresTableSupervisor, HighScoresRegistry], {
      strategy: 'one_for_one',
      name: 'HighScores.Supervisor',
    }),
}

/** The chat: the room, the connections' supervisor, and the listener. */
const Chat = Supervisor.define({
  name: 'Chat',
  init: (port: number) =>
    Supervisor.init(
      [
        ChatRoom,
        [DynamicSupervisor, { name: ChatServer.CONNECTIONS }],
        [TcpServer.TcpServer, { name: 'ChatServer', port, startLink: ChatServer.startLink }],
      ],
      { strategy: 'rest_for_one' },
    ),
  childSpec: (port: number): Supervisor.ChildSpec => ({
    id: 'Chat',
    type: 'supervisor',
    start: () => Supervisor.startLink(Chat, port, { name: 'Chat.Supervisor' }),
  }),
})

export const Demo = Application.define({
  name: 'demo',
  env: { echo_port: 4040, chat_port: 4041 },
  start: () =>
    Supervisor.startLink(
      [
        HighScores,
        [Chat, Application.getEnv<number>('demo', 'chat_port')],
        [
          TcpServer.TcpServer,
          {
            name: 'EchoServer',
            port: Application.getEnv<number>('demo', 'echo_port'),
            startLink: EchoServer.startLink,
          },
        ],
      ],
      { strategy: 'one_for_one', name: 'Demo.Supervisor' },
    ),
})

/** The ports the running demo listens on. */
export function* ports(): Generator<unknown, { echo: number; chat: number }> {
  return { echo: yield* TcpServer.port('EchoServer'), chat: yield* TcpServer.port('ChatServer') }
}
