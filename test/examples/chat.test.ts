import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as ChatClient from '../../examples/chat/ChatClient.ts'
import * as ChatServer from '../../examples/chat/ChatServer.ts'
import { main } from '../../examples/chat/main.ts'
import { P, type Pid, Process } from '../../src/index.ts'
import { assertReceive, captureLog, refuteReceive, run } from '../../src/testing/index.ts'

/** A `print` that turns each printed line into a `['printed', line]` message to the caller. */
function printToMe(): ChatServer.Print {
  const me = Process.self()
  return (line) => Process.send(me, ['printed', line])
}

function* printed(line: string, times = 1) {
  for (let i = 0; i < times; i++) yield* assertReceive(['printed', line], 1000)
}

function kill(...pids: Pid[]) {
  for (const pid of pids) Process.exit(pid, 'kill')
}

describe('chat (seed 003: the chat server)', () => {
  it('prints who joined and tells every client, the one who joined included', () =>
    run(function* () {
      const server = ChatServer.start({ print: printToMe() })
      Process.send(server, ['register', Process.self(), 'Tester'])
      yield* printed('Tester joined the chat')
      yield* assertReceive(['message', 'server', 'Tester joined the chat'])
      const ada = ChatClient.start(server, 'Ada', { print: printToMe(), delay: 0 })
      yield* printed('Ada joined the chat')
      yield* assertReceive(['message', 'server', 'Ada joined the chat'])
      yield* printed("Client message received: [ 'message', 'server', 'Ada joined the chat' ]")
      yield* printed('[server] Ada joined the chat')
      kill(ada, server)
    }))

  it('broadcasts a message to every client, its author included: with three clients it shows three times', () =>
    run(function* () {
      const print = printToMe()
      const server = ChatServer.start({ print })
      const [ada, bob, charles] = ['Ada', 'Bob', 'Charles'].map((n) =>
        ChatClient.start(server, n, { print, delay: 0 }),
      )
      yield* printed('[server] Charles joined the chat', 3)
      assert.deepEqual(ChatClient.sendMessage(ada!, 'Hello, from Ada'), ['send', 'Hello, from Ada'])
      yield* printed("Client message received: [ 'send', 'Hello, from Ada' ]")
      yield* printed('[Ada] Hello, from Ada', 3)
      yield* refuteReceive(['printed', '[Ada] Hello, from Ada'], 20)
      kill(ada!, bob!, charles!, server)
    }))

  it('with the improved broadcast (skipSender), a message never goes back to its author', () =>
    run(function* () {
      const print = printToMe()
      const server = ChatServer.start({ skipSender: true, print })
      const me = Process.self()
      Process.send(server, ['register', me, 'Tester'])
      yield* printed('Tester joined the chat')
      yield* refuteReceive(['message', 'server', 'Tester joined the chat'], 0)
      const bob = ChatClient.start(server, 'Bob', { print, delay: 0 })
      yield* assertReceive(['message', 'server', 'Bob joined the chat'])
      Process.send(server, ['message', me, 'hi Bob'])
      yield* printed('[Tester] hi Bob')
      yield* refuteReceive(['message', 'Tester', 'hi Bob'], 20)
      ChatClient.sendMessage(bob, 'hi Tester')
      yield* assertReceive(['message', 'Bob', 'hi Tester'])
      yield* refuteReceive(['printed', '[Bob] hi Tester'], 20)
      kill(bob, server)
    }))

  it('ignores messages from processes that never registered', () =>
    run(function* () {
      const server = ChatServer.start({ print: printToMe() })
      Process.send(server, ['register', Process.self(), 'Tester'])
      yield* assertReceive(['message', 'server', 'Tester joined the chat'])
      Process.spawn(() => Process.send(server, ['message', Process.self(), 'spam']))
      yield* refuteReceive(['message', P._, 'spam'], 20)
      kill(server)
    }))

  it('unregister prints who left and tells the clients that remain', () =>
    run(function* () {
      const server = ChatServer.start({ print: printToMe() })
      Process.send(server, ['register', Process.self(), 'Tester'])
      const ada = Process.spawn(function* () {
        Process.send(server, ['register', Process.self(), 'Ada'])
        Process.send(server, ['unregister', Process.self()])
        yield* Process.receive('never')
      })
      yield* printed('Ada left the chat')
      yield* assertReceive(['message', 'server', 'Ada left the chat'])
      kill(ada, server)
    }))

  // Elixir: the loop is `receive do message -> case message do … end end`, with no other clause:
  //   [error] Process #PID<0.106.0> raised an exception
  //   ** (CaseClauseError) no case clause matching: :hello
  it('the server crashes on a message it does not know', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const server = ChatServer.start({ print: printToMe() })
        const ref = Process.monitor(server)
        Process.send(server, 'hello')
        const [, , , , reason] = yield* assertReceive(['DOWN', ref, 'process', server, P._], 1000)
        assert.ok(Array.isArray(reason) && reason[0] instanceof ChatServer.CaseClauseError)
      }),
    )
    assert.match(log, /raised an exception\n\*\* \(CaseClauseError\) no case clause matching: 'hello'/)
  })

  it("the server takes any terms in a known message, as Elixir's patterns do", () =>
    run(function* () {
      const server = ChatServer.start({ print: printToMe() })
      Process.send(server, ['register', Process.self(), 42])
      yield* printed('42 joined the chat')
      yield* assertReceive(['message', 'server', '42 joined the chat'])
      Process.send(server, ['message', Process.self(), ['not', 'a', 'string']])
      yield* assertReceive(['message', 42, ['not', 'a', 'string']])
      kill(server)
    }))

  // Elixir: the client receives any message and IO.inspects it before its `case`:
  //   Client message received: :hello
  //   [error] Process #PID<0.107.0> raised an exception
  //   ** (CaseClauseError) no case clause matching: :hello
  it('a client prints any message it receives, then crashes on one it does not know', async () => {
    const log = await captureLog(() =>
      run(function* () {
        // The test process plays the server (it just gets the client's register message).
        const client = ChatClient.start(Process.self(), 'Ada', { print: printToMe(), delay: 0 })
        yield* assertReceive(['register', client, 'Ada'])
        const ref = Process.monitor(client)
        Process.send(client, 'hello')
        yield* printed("Client message received: 'hello'")
        const [, , , , reason] = yield* assertReceive(['DOWN', ref, 'process', client, P._], 1000)
        assert.ok(Array.isArray(reason) && reason[0] instanceof ChatServer.CaseClauseError)
      }),
    )
    assert.match(log, /raised an exception\n\*\* \(CaseClauseError\) no case clause matching: 'hello'/)
  })

  it('the walkthrough shows each message three times, then twice with the improved broadcast', () =>
    run(function* () {
      const lines: string[] = []
      yield* main({ print: (l) => lines.push(l), delay: 1 })
      const split = lines.findIndex((l) => l.includes('# The improved broadcast: not back to the sender'))
      assert.ok(split > 0)
      const [before, after] = [lines.slice(0, split), lines.slice(split)]
      const count = (ls: string[], l: string) => ls.filter((x) => x === l).length
      for (const line of ['[Ada] Hello, from Ada', "[Bob] Hi, Ada! I'm Bob", '[Charles] Hey folks!']) {
        assert.equal(count(before, line), 3, line)
        assert.equal(count(after, line), 2, line)
      }
      assert.equal(count(before, '[server] Charles joined the chat'), 3)
      assert.equal(count(after, '[server] Charles joined the chat'), 2)
      assert.equal(count(before, 'Charles joined the chat'), 1)
    }))
})
