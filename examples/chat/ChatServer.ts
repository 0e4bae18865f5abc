/**
 * Seed 003's `ChatServer`: one process that keeps the connected clients (pid → username) and
 * broadcasts `['message', from, text]` to them: `from` is the author's username, or `'server'`
 * (the atom `:server`) for joins and leaves.
 *
 * `skipSender: true` is the improvement the article leaves as an exercise: a broadcast is not
 * sent back to the client it came from (the author of a message, the client that joined).
 *
 * Elixir → TypeScript: the `clients` map is a `Map` carried by the loop;
 * `Enum.each(clients, fn {pid, _} -> send(pid, …) end)` is a `for … of` over it. The article's
 * loop is `receive do message -> case message do … end end`: it takes *any* message, then
 * matches it against `{:register, …}`, `{:message, …}` and `{:unregister, …}` with no other
 * clause. So does this loop: `Process.receive()` takes the oldest message, and one that is none
 * of the three crashes the server with a {@link CaseClauseError}, as Elixir's does
 * (`** (CaseClauseError) no case clause matching: :hello` there, `'hello'` here). The tuples'
 * fields are not checked, as in Elixir's patterns.
 */
import { inspect } from 'node:util'
import { type Pid, Process } from '../../src/index.ts'

export type Print = (line: string) => void

/** Elixir's `CaseClauseError`: no clause of a `case` matched `term`. */
export class CaseClauseError extends Error {
  override name = 'CaseClauseError'
  readonly term: unknown
  constructor(term: unknown) {
    super(`no case clause matching: ${inspect(term, { breakLength: Number.POSITIVE_INFINITY })}`)
    this.term = term
  }
}

/** Whether `term` is a tuple `{tag, …}` of `size` elements (an array, in the term model). */
export function isTuple(term: unknown, tag: string, size: number): term is readonly unknown[] {
  return Array.isArray(term) && term.length === size && term[0] === tag
}

export interface Options {
  /** Don't send a broadcast back to the client it came from (default false: the article's). */
  readonly skipSender?: boolean
  readonly print?: Print
}

/** `ChatServer.start/0`. */
export function start({ skipSender = false, print = console.log }: Options = {}): Pid {
  return Process.spawn(() => loop(new Map(), skipSender, print))
}

/** Client pid → username (any terms, as in the article's map). */
type Clients = Map<unknown, unknown>

function* loop(clients: Clients, skipSender: boolean, print: Print): Generator<unknown, never> {
  const broadcast = (from: unknown, message: unknown, sender: unknown) => {
    for (const pid of clients.keys()) {
      if (skipSender && pid === sender) continue
      Process.send(pid as Pid, ['message', from, message])
    }
  }
  for (;;) {
    const message = yield* Process.receive()
    if (isTuple(message, 'register', 3)) {
      const [, clientPid, username] = message
      print(`${username} joined the chat`)
      clients = new Map(clients).set(clientPid, username)
      broadcast('server', `${username} joined the chat`, clientPid)
    } else if (isTuple(message, 'message', 3)) {
      const [, fromPid, text] = message
      const username = clients.get(fromPid) ?? null // `nil` for an unknown pid
      if (username !== null) broadcast(username, text, fromPid)
    } else if (isTuple(message, 'unregister', 2)) {
      const [, clientPid] = message
      const username = clients.get(clientPid) ?? null
      if (username !== null) {
        print(`${username} left the chat`)
        clients = new Map(clients)
        clients.delete(clientPid)
        broadcast('server', `${username} left the chat`, clientPid)
      }
    } else throw new CaseClauseError(message)
  }
}
