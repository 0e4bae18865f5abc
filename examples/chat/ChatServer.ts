/**
 * Seed 003's `ChatServer`: one process that keeps the connected clients (pid → username) and
 * broadcasts `['message', from, text]` to them: `from` is the author's username, or `'server'`
 * (the atom `:server`) for joins and leaves.
 *
 * `skipSender: true` is the improvement the article leaves as an exercise: a broadcast is not
 * sent back to the client it came from (the author of a message, the client that joined).
 *
 * Elixir → TypeScript: the `clients` map is a `Map<Pid, string>` carried by the loop;
 * `Enum.each(clients, fn {pid, _} -> send(pid, …) end)` is a `for … of` over it.
 */
import { P, Pid, Process } from '../../src/index.ts'

export type Print = (line: string) => void

export interface Options {
  /** Don't send a broadcast back to the client it came from (default false: the article's). */
  readonly skipSender?: boolean
  readonly print?: Print
}

/** `ChatServer.start/0`. */
export function start({ skipSender = false, print = console.log }: Options = {}): Pid {
  return Process.spawn(() => loop(new Map(), skipSender, print))
}

function* loop(clients: Map<Pid, string>, skipSender: boolean, print: Print): Generator<unknown, never> {
  const broadcast = (from: string, message: string, sender: Pid) => {
    for (const pid of clients.keys()) {
      if (skipSender && pid === sender) continue
      Process.send(pid, ['message', from, message])
    }
  }
  for (;;) {
    const message = yield* Process.receive(
      ['register', P.instanceOf(Pid), P.string],
      ['message', P.instanceOf(Pid), P.string],
      ['unregister', P.instanceOf(Pid)],
    )
    switch (message[0]) {
      case 'register': {
        const [, clientPid, username] = message
        print(`${username} joined the chat`)
        clients = new Map(clients).set(clientPid, username)
        broadcast('server', `${username} joined the chat`, clientPid)
        break
      }
      case 'message': {
        const [, fromPid, text] = message
        const username = clients.get(fromPid)
        if (username !== undefined) broadcast(username, text, fromPid)
        break
      }
      case 'unregister': {
        const [, clientPid] = message
        const username = clients.get(clientPid)
        if (username !== undefined) {
          print(`${username} left the chat`)
          clients = new Map(clients)
          clients.delete(clientPid)
          broadcast('server', `${username} left the chat`, clientPid)
        }
        break
      }
    }
  }
}
