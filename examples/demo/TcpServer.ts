/**
 * A TCP server as a supervised GenServer. It wraps a `startLink(port)` that listens and starts a
 * linked acceptor process (`EchoServer.startLink`, `ChatServer.startLink`): the GenServer is
 * registered under the server's name, answers which port it got (useful with port 0), and ties
 * the acceptor's life to its own:
 *
 * - it traps exits, so an acceptor that crashes reaches `handleInfo` as `['EXIT', pid, reason]`,
 *   and the server stops with the same reason for its supervisor to restart it (listening anew);
 * - when its supervisor shuts it down, `terminate` stops the acceptor (which closes the
 *   listening socket with it), waits until it is gone, and logs that the server stopped.
 */
import { GenServer, Logger, P, type Pid, Process, type Supervisor } from '../../src/index.ts'

export interface Args {
  /** The registered name, the child id and what the logs call it: `'EchoServer'`. */
  readonly name: string
  /** The port to listen on (0 = any free port). */
  readonly port: number
  /** Listens and starts the acceptor, linked to the caller. */
  readonly startLink: (port: number) => Generator<unknown, { pid: Pid; port: number }>
}

interface State {
  readonly name: string
  readonly acceptor: Pid
  readonly port: number
}

export const TcpServer = GenServer.define({
  name: 'TcpServer',

  *init(args: Args) {
    Process.trapExit(true)
    const { pid, port } = yield* args.startLink(args.port)
    return GenServer.ok<State>({ name: args.name, acceptor: pid, port })
  },

  handleCall(_request: 'port', _from: GenServer.From, state: State) {
    return GenServer.reply(state.port, state)
  },

  handleInfo([, pid, reason]: readonly ['EXIT', Pid, unknown], state: State) {
    if (pid === state.acceptor) return ['stop', reason, state] as const
    return GenServer.noreply(state)
  },

  *terminate(_reason: unknown, state: State) {
    if (Process.alive(state.acceptor)) {
      const ref = Process.monitor(state.acceptor)
      Process.exit(state.acceptor, 'shutdown')
      yield* Process.receive(['DOWN', ref, 'process', P._, P._])
    }
    Logger.info(`${state.name} on port ${state.port} stopped`)
  },

  childSpec(args: Args): Supervisor.ChildSpec {
    return { id: args.name, start: () => GenServer.startLink(TcpServer, args, { name: args.name }) }
  },
})

/** The port the server named `name` listens on. */
export function* port(name: string): Generator<unknown, number> {
  return (yield* GenServer.call<typeof TcpServer>(name, 'port')) as number
}
