/**
 * Seed 003's `ChatClient`: one process per connected user. It registers with the server, then
 * prints every message it gets (`IO.inspect(msg, label: "Client message received")`), shows chat
 * messages as `[from] text`, forwards `['send', text]` to the server, and naps 100 ms after each
 * message (the article's `Process.sleep(100)`; `delay` changes it).
 */
import { inspect } from 'node:util'
import { P, type Pid, Process } from '../../src/index.ts'
import type { Print } from './ChatServer.ts'

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
    const msg = yield* Process.receive(['message', P.string, P.string], ['send', P.string])
    print(`Client message received: ${inspect(msg, { breakLength: Number.POSITIVE_INFINITY })}`)
    if (msg[0] === 'message') print(`[${msg[1]}] ${msg[2]}`)
    else Process.send(serverPid, ['message', Process.self(), msg[1]])
    yield* Process.sleep(delay)
  }
}

/** `ChatClient.send_message(client_pid, message)`. */
export function sendMessage(clientPid: Pid, message: string): readonly ['send', string] {
  return Process.send(clientPid, ['send', message] as const)
}
