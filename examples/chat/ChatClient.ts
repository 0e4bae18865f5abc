/**
 * Seed 003's `ChatClient`: one process per connected user. It registers with the server, then
 * prints every message it gets (`IO.inspect(msg, label: "Client message received")`), shows chat
 * messages as `[from] text`, forwards `['send', text]` to the server, and naps 100 ms after each
 * message (the article's `Process.sleep(100)`; `delay` changes it).
 *
 * Like the article's `receive do msg -> … case msg do … end end`, the loop takes *any* message and
 * prints it, then matches it: a message that is neither `{:message, from, text}` nor
 * `{:send, text}` crashes the client with a `CaseClauseError` (see ChatServer.ts), as in Elixir.
 */
import { inspect } from 'node:util'
import { type Pid, Process } from '../../src/index.ts'
import { CaseClauseError, isTuple, type Print } from './ChatServer.ts'

export interface Options {
  readonly print?: Print
  /** The nap after each message, in ms (the article's 100). */
  readonly delay?: number
}

/** `ChatClient.start(server_pid, username)`. */
export function start(
  serverPid: Pid,
  username: string,
  { print = console.log, delay = 100 }: Options = {},
): Pid {
  return Process.spawn(function* () {
    Process.send(serverPid, ['register', Process.self(), username])
    yield* messageLoop(serverPid, print, delay)
  })
}

function* messageLoop(serverPid: Pid, print: Print, delay: number): Generator<unknown, never> {
  for (;;) {
    const msg = yield* Process.receive()
    print(`Client message received: ${inspect(msg, { breakLength: Number.POSITIVE_INFINITY })}`)
    if (isTuple(msg, 'message', 3)) print(`[${msg[1]}] ${msg[2]}`)
    else if (isTuple(msg, 'send', 2)) Process.send(serverPid, ['message', Process.self(), msg[1]])
    else throw new CaseClauseError(msg)
    yield* Process.sleep(delay)
  }
}

/** `ChatClient.send_message(client_pid, message)`. */
export function sendMessage(clientPid: Pid, message: string): readonly ['send', string] {
  return Process.send(clientPid, ['send', message] as const)
}
