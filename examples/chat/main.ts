/**
 * `npm run example -- chat` — seed 003's chat server: a `ChatServer` process and three
 * `ChatClient` processes (Ada, Bob, Charles). Every message is broadcast to every client, so
 * each appears three times; then the same conversation with the improved broadcast
 * (`skipSender: true`), where it appears twice: never back to its author.
 *
 * The clients print as they go. So that each step's output is complete before the next step
 * starts (IEx shows it as it arrives while you type), the shell gets a note for every printed
 * line and waits for the number of lines the step produces.
 *
 * Elixir → TypeScript: see ChatServer.ts and ChatClient.ts; `:server` is the string `'server'`,
 * `IO.inspect(msg, label: …)` prints the message as a TypeScript value.
 */
import { Process } from '../../src/index.ts'
import * as ChatClient from './ChatClient.ts'
import * as ChatServer from './ChatServer.ts'

export interface Options {
  readonly print?: ChatServer.Print
  /** The clients' nap after each message (the article's 100 ms). */
  readonly delay?: number
}

export function* main({ print = console.log, delay = 100 }: Options = {}): Generator<unknown, void> {
  const shell = Process.self()
  // Prints, and tells the shell a line was printed.
  const say: ChatServer.Print = (line) => {
    print(line)
    Process.send(shell, ['printed'])
  }
  function* lines(n: number) {
    for (let i = 0; i < n; i++) yield* Process.receive(['printed'])
  }

  for (const skipSender of [false, true]) {
    print(skipSender ? '\n# The improved broadcast: not back to the sender' : '# The chat server')
    const serverPid = ChatServer.start({ skipSender, print: say })
    print(`iex> serverPid = ChatServer.start(${skipSender ? '{ skipSender: true }' : ''})\n${serverPid}`)
    const clients: Record<string, Process.Pid> = {}
    for (const name of ['Ada', 'Bob', 'Charles']) {
      const n = Object.keys(clients).length + 1 // clients after this one joins
      clients[name] = ChatClient.start(serverPid, name, { print: say, delay })
      print(`iex> ${name.toLowerCase()} = ChatClient.start(serverPid, '${name}')\n${clients[name]}`)
      // The server's line, then two lines per client told.
      yield* lines(1 + 2 * (skipSender ? n - 1 : n))
    }
    for (const [name, text] of [
      ['Ada', 'Hello, from Ada'],
      ['Bob', "Hi, Ada! I'm Bob"],
      ['Charles', 'Hey folks!'],
    ] as const) {
      print(`iex> ChatClient.sendMessage(${name.toLowerCase()}, ${JSON.stringify(text)})`)
      ChatClient.sendMessage(clients[name]!, text)
      // The sender's own line for ['send', …], then two lines per client told.
      yield* lines(1 + 2 * (skipSender ? 2 : 3))
    }
    for (const pid of Object.values(clients)) Process.exit(pid, 'kill')
    Process.exit(serverPid, 'kill')
  }
}

if (import.meta.filename === process.argv[1]) await Process.run(() => main())
