/**
 * `npm run example -- basic` — seed 002 (the talk "A Winner is You"), slide "Very Basic
 * Example": the four building blocks — `self`, `spawn`, `send`, `receive`. Another process
 * waits for `{sender, contents}` and answers `"You sent me: …"`; the main process prints the
 * answer.
 *
 * Elixir → TypeScript: `spawn(fn -> receive do … end end)` is `Process.spawn(function* () {
 * yield* Process.receive(…) })`; the tuple `{self, "Hello, world!"}` is the array
 * `[self(), 'Hello, world!']`; `inspect(x)` is Node's `util.inspect`, so the string prints with
 * JavaScript's quotes.
 */
import { inspect } from 'node:util'
import { P, Pid, Process } from '../../src/index.ts'

const { receive, self, send, spawn } = Process

export function* main(print: (line: string) => void = console.log): Generator<unknown, void> {
  const otherPid = spawn(function* () {
    const [sender, contents] = yield* receive([P.instanceOf(Pid), P._])
    send(sender, `You sent me: ${inspect(contents)}`)
  })

  send(otherPid, [self(), 'Hello, world!'])

  const message = yield* receive()
  print(`Main Process received: ${inspect(message)}`)
}

if (import.meta.filename === process.argv[1]) await Process.run(() => main())
