/**
 * A chat client over TCP, for the tour and the tests (`nc` does the same by hand): connects,
 * sends lines, and reads the lines the server sends, one at a time (`packet: 'line'`). The
 * socket belongs to the calling process; a failed connection or read exits it.
 */
import { expectOk, Tcp } from '../../src/index.ts'

/** Connects and reads the server's welcome line; returns the socket and that line. */
export function* connect(port: number, host = '127.0.0.1'): Generator<unknown, [Tcp.Socket, string]> {
  const socket = expectOk(yield* Tcp.connect(host, port, { mode: 'string', packet: 'line' }))
  return [socket, yield* readLine(socket)]
}

/** Sends one line. */
export function* sendLine(socket: Tcp.Socket, line: string): Generator<unknown, void> {
  yield* Tcp.send(socket, `${line}\n`)
}

/** The next line from the server, without its newline (waits up to `timeout` ms). */
export function* readLine(socket: Tcp.Socket, timeout = 5000): Generator<unknown, string> {
  return String(expectOk(yield* Tcp.recv(socket, 0, timeout))).replace(/\r?\n$/, '')
}
