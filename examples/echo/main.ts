/**
 * `npm run example -- echo [--serve]` — seed 004, "Mastering the Actor Model Concurrency
 * Paradigm in Elixir": the networked echo server. `EchoServer.startLink(8080)` listens (set
 * `PORT` to use another port, `PORT=0` for any free one); then three clients talk to it at once,
 * each over its own connection served by its own process. When a client hangs up, its connection
 * process logs the article's `Failed to receive data: closed` and ends.
 *
 * With `--serve` the server keeps running afterwards: try `nc localhost 8080`, Ctrl-C to stop.
 *
 * Elixir → TypeScript: see EchoServer.ts (`:gen_tcp` is the `Tcp` module; `loop_accept/1` and
 * `loop_recv/1` are generator loops); EchoClient.ts plays the part of `telnet`.
 */
import { P, Process } from '../../src/index.ts'
import * as EchoClient from './EchoClient.ts'
import * as EchoServer from './EchoServer.ts'

export type Print = (line: string) => void

export function* main(print: Print = console.log, port = 8080, serve = false): Generator<unknown, void> {
  const server = yield* EchoServer.startLink(port)
  print(`EchoServer.startLink(${port}) → listening on port ${server.port} (acceptor ${server.pid})`)

  const clients = ['Ada', 'Bob', 'Charles'].map((name) => {
    const [pid, ref] = Process.spawnMonitor(function* () {
      const lines = [1, 2, 3].map((i) => `${name} says hello #${i}`)
      for (const echoed of yield* EchoClient.talk(server.port, lines)) print(`${name} got back: ${echoed}`)
    })
    return { pid, ref }
  })
  for (const { pid, ref } of clients) yield* Process.receive(['DOWN', ref, 'process', pid, P._])
  print('All clients are done.')

  if (serve) {
    print(`Still serving on port ${server.port}: try \`nc localhost ${server.port}\`. Ctrl-C to stop.`)
    yield* Process.receive()
  }
  Process.unlink(server.pid)
  Process.exit(server.pid, 'shutdown')
}

if (import.meta.filename === process.argv[1]) {
  await Process.run(() =>
    main(console.log, Number(process.env.PORT ?? 8080), process.argv.includes('--serve')),
  )
}
