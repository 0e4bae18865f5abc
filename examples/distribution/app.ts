/**
 * A Beamish node for an Elixir shell to talk to (README "Distribution"):
 *
 *   npx beamish --sname ts --cookie secret examples/distribution/app.ts
 *
 * then, in `iex --sname ex --cookie secret`:
 *
 *   Node.connect(:"ts@localhost")                               # true
 *   send({:some_name, :"ts@localhost"}, {:hello, self()})        # some_name prints it, replies
 *   flush()                                                      # {:hello_from, :"ts@localhost"}
 *   GenServer.call({:some_server, :"ts@localhost"}, :ping)       # {:pong, :"ts@localhost", 1}
 */
import { inspect } from 'node:util'
import { Atom, GenServer, Node, Pid, Process } from '../../src/index.ts'

/** Answers every call with `{:pong, node, calls_so_far}`; a cast `{:add, n}` bumps the count. */
export const SomeServer = GenServer.define({
  init: (calls: number) => GenServer.ok(calls),
  handleCall: (_request: unknown, _from: unknown, calls: number) =>
    GenServer.reply([Atom.of('pong'), Atom.of(Node.self()), calls + 1], calls + 1),
  handleCast: (request: unknown, calls: number) =>
    GenServer.noreply(Array.isArray(request) && typeof request[1] === 'number' ? calls + request[1] : calls),
})

/** Prints what it gets; a `{tag, pid}` message is answered with `{:hello_from, node}`. */
function* someName() {
  for (;;) {
    const msg = yield* Process.receive()
    console.log(`some_name got ${inspect(msg, { depth: 5 })}`)
    if (Array.isArray(msg) && msg.length === 2 && msg[1] instanceof Pid) {
      Process.send(msg[1], [Atom.of('hello_from'), Atom.of(Node.self())])
    }
  }
}

/** Called by `npx beamish … app.ts` once the node is up. */
export function* start() {
  const started = yield* GenServer.start(SomeServer, 0, { name: 'some_server' })
  if (started === 'ignore' || started[0] !== 'ok') throw new Error(`some_server: ${inspect(started)}`)
  Process.spawn(someName, { name: 'some_name' })
  console.log(`ready: ${Node.self()} has some_server and some_name`)
}
