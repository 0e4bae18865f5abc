/**
 * A client for the echo server (not in the article, which leaves that to `telnet`): connects,
 * sends each line, and waits for it to come back before sending the next. `packet: 'line'`
 * makes each `recv` return exactly one line, however TCP split or merged the bytes.
 */
import { expectOk, Tcp } from '../../src/index.ts'

/**
 * Sends `lines` one by one over one connection; returns what came back for each. A connection
 * that fails exits the calling process with the error.
 */
export function* talk(
  port: number,
  lines: readonly string[],
  host = '127.0.0.1',
): Generator<unknown, string[]> {
  const socket = expectOk(yield* Tcp.connect(host, port, { mode: 'string', packet: 'line' }))
  const echoed: string[] = []
  for (const line of lines) {
    yield* Tcp.send(socket, `${line}\n`)
    // Like Elixir's `{:ok, data} = :gen_tcp.recv(socket, 0)`: an error exits the client.
    const reply = expectOk(yield* Tcp.recv(socket, 0))
    echoed.push(String(reply).replace(/\n$/, ''))
  }
  Tcp.close(socket)
  return echoed
}
