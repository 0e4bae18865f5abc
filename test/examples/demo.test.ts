import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import * as net from 'node:net'
import { afterEach, describe, it } from 'node:test'
import * as ChatClient from '../../examples/demo/ChatClient.ts'
import * as ChatRoom from '../../examples/demo/ChatRoom.ts'
import { Demo, ports } from '../../examples/demo/Demo.ts'
import { main, parseConfig } from '../../examples/demo/main.ts'
import * as EchoClient from '../../examples/echo/EchoClient.ts'
import * as HighScoresRegistry from '../../examples/highscores/HighScoresRegistry.ts'
import { Application, expectOk, Logger, Process, Supervisor, Tcp } from '../../src/index.ts'
import { assertReceive, captureLog, run } from '../../src/testing/index.ts'

/** Starts the demo in this process on free ports, without signal handlers. */
function* startDemo() {
  Application.putEnv('demo', 'echo_port', 0)
  Application.putEnv('demo', 'chat_port', 0)
  assert.equal(yield* Application.start(Demo, { handleSignals: false }), 'ok')
  return yield* ports()
}

/** Forwards every log message to the caller as `['log', message]`. */
function logToMe() {
  const me = Process.self()
  Logger.addHandler('demo-test', (e) => Process.send(me, ['log', e.message]))
}

/** A chat client that has connected and taken `name`. */
function* chatter(port: number, name: string) {
  const [socket] = yield* ChatClient.connect(port)
  yield* ChatClient.sendLine(socket, `/nick ${name}`)
  assert.equal(yield* ChatClient.readLine(socket), `* you are now ${name}`)
  return socket
}

describe('demo (npm start: high scores, chat and echo under one tree)', () => {
  // A failed assertion must not leave the application running (it keeps Node alive).
  afterEach(() =>
    Process.run(function* () {
      if (Application.startedApplications().includes('demo')) yield* Application.stop(Demo)
    }),
  )

  it('takes its ports from flags, then ECHO_PORT / CHAT_PORT, then 4040 / 4041', () => {
    assert.deepEqual(parseConfig([], {}), { echoPort: 4040, chatPort: 4041 })
    assert.deepEqual(parseConfig([], { ECHO_PORT: '5000', CHAT_PORT: '0' }), { echoPort: 5000, chatPort: 0 })
    assert.deepEqual(parseConfig(['--echo-port', '6000', '--chat-port=6001'], { ECHO_PORT: '5000' }), {
      echoPort: 6000,
      chatPort: 6001,
    })
    assert.throws(() => parseConfig(['--echo-port', 'x'], {}), /--echo-port: expected a port from 0 to 65535/)
    assert.throws(() => parseConfig([], { CHAT_PORT: '70000' }), /CHAT_PORT/)
    assert.throws(() => parseConfig(['--verbose'], {}), /Unknown option/)
  })

  it('runs the services under Demo.Supervisor, started high scores, chat, echo', () =>
    run(function* () {
      yield* startDemo()
      // whichChildren lists the newest first, as OTP does.
      const children = yield* Supervisor.whichChildren('Demo.Supervisor')
      assert.deepEqual(
        children.map(([id, , type]) => [id, type]),
        [
          ['EchoServer', 'worker'],
          ['Chat', 'supervisor'],
          ['HighScores', 'supervisor'],
        ],
      )
      assert.deepEqual(
        (yield* Supervisor.whichChildren('Chat.Supervisor')).map(([id]) => id),
        ['ChatServer', 'ChatConnections', 'ChatRoom'],
      )
      assert.equal(yield* Application.stop(Demo), 'ok')
      for (const name of ['Demo.Supervisor', 'HighScoresRegistry', 'ChatRoom', 'EchoServer', 'ChatServer']) {
        assert.equal(Process.whereis(name), undefined, `${name} is gone`)
      }
    }))

  it('echoes lines over TCP', async () => {
    const log = await captureLog(() =>
      run(function* () {
        logToMe()
        const { echo } = yield* startDemo()
        assert.deepEqual(yield* EchoClient.talk(echo, ['hello', 'echo']), ['hello', 'echo'])
        // The connection's process logs the hang-up as it ends (the seed's EchoServer).
        yield* assertReceive(['log', 'Failed to receive data: closed'], 5000)
        yield* Application.stop(Demo)
      }),
    )
    assert.match(log, /EchoServer on port \d+ stopped/)
  })

  it('broadcasts each chat line to the other TCP clients, and announces joins, names and leaves', async () => {
    await captureLog(() =>
      run(function* () {
        const { chat } = yield* startDemo()
        const [ada, welcome] = yield* ChatClient.connect(chat)
        assert.match(welcome, /^\* welcome, guest1!/)
        yield* ChatClient.sendLine(ada, '/nick ada')
        assert.equal(yield* ChatClient.readLine(ada), '* you are now ada')

        const bob = yield* chatter(chat, 'bob')
        assert.equal(yield* ChatClient.readLine(ada), '* guest2 joined')
        assert.equal(yield* ChatClient.readLine(ada), '* guest2 is now bob')
        yield* ChatClient.sendLine(bob, '/nick ada')
        assert.equal(yield* ChatClient.readLine(bob), '* cannot rename to "ada": taken')

        yield* ChatClient.sendLine(ada, 'hi bob')
        assert.equal(yield* ChatClient.readLine(bob), '<ada> hi bob')
        yield* ChatClient.sendLine(bob, 'hi ada')
        assert.equal(yield* ChatClient.readLine(ada), '<bob> hi ada')
        assert.deepEqual((yield* ChatRoom.members()).sort(), ['ada', 'bob'])

        Tcp.close(ada)
        assert.equal(yield* ChatClient.readLine(bob), '* ada left')
        // A sender does not get its own lines back: the next thing bob reads is the goodbye.
        yield* Application.stop(Demo)
        assert.equal(yield* ChatClient.readLine(bob), '* the chat server is shutting down, bye!')
        assert.deepEqual(yield* Tcp.recv(bob, 0, 5000), ['error', 'closed'])
      }),
    )
  })

  it('the tour shows a crashed table replaced with the game going on, and a chat line crossing TCP', async () => {
    const lines: string[] = []
    await captureLog(() =>
      run(function* () {
        const served = yield* main(
          { echoPort: 0, chatPort: 0 },
          { print: (l) => lines.push(l), handleSignals: false },
        )
        assert.ok(!Array.isArray(served), `the demo started: ${String(served)}`)
        // After the tour, the service still works with the replacement table.
        assert.deepEqual(
          (yield* HighScoresRegistry.currentScores('pinball')).map((s) => s.name),
          ['EVE'],
        )
        yield* Application.stop(Demo)
      }),
    )
    const text = lines.join('\n')
    assert.match(lines[1]!, /^ {2}echo server {2}port \d+ {3}try: nc localhost \d+$/)
    assert.match(lines[2]!, /^ {2}chat server {2}port \d+ {3}try: nc localhost \d+/)
    const crashed = /the pinball table (#PID<[\d.]+>) crashes/.exec(text)
    const replaced = /HighScoresRegistry has started a new table, (#PID<[\d.]+>), and the game goes on/.exec(
      text,
    )
    assert.ok(crashed !== null && replaced !== null, text)
    assert.notEqual(crashed[1], replaced[1])
    for (const expected of [
      "addScore('pinball', 'EVE', 1000)     → [ 'congrats', 1 ]",
      "currentScores('pinball')             → [ [ 'EVE', 1000 ] ]",
      '   ada sends  hello bob, this went over TCP\n   bob reads  <ada> hello bob, this went over TCP',
      '   bob reads  * ada left',
    ]) {
      assert.ok(text.includes(expected), `expected the output to include:\n${expected}\n\ngot:\n${text}`)
    }
    assert.match(lines.at(-1)!, /^Serving until Ctrl-C or SIGTERM/)
  })

  it('does not start when a port is taken, says why, and stops what had started', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const taken = expectOk(yield* Tcp.listen(0))
        const r = yield* main(
          { echoPort: Tcp.port(taken), chatPort: 0 },
          { print: () => {}, handleSignals: false },
        )
        assert.ok(Array.isArray(r) && r[0] === 'error')
        assert.match(JSON.stringify(r), /eaddrinuse/)
        assert.deepEqual(Application.startedApplications(), [])
        // The chat started before the echo server failed, and was stopped again.
        assert.equal(Process.whereis('ChatRoom'), undefined)
        Tcp.close(taken)
      }),
    )
    assert.match(log, /ChatServer on port \d+ stopped/)
  })

  it('as a process of its own: serves chat until SIGTERM, then stops the tree in reverse start order and exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/demo/main.ts', '--echo-port', '0'], {
      env: { ...process.env, CHAT_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString()
    })
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        if (out.includes('Serving until')) resolve()
      })
      child.on('exit', () => reject(new Error(`the demo exited early:\n${out}\n${err}`)))
    })
    const chatPort = Number(/chat server {2}port (\d+)/.exec(out)![1])
    const echoPort = Number(/echo server {2}port (\d+)/.exec(out)![1])

    // A client stays connected: it is told goodbye, then the connection closes.
    const client = net.connect(chatPort, '127.0.0.1')
    let received = ''
    const closed = new Promise<void>((resolve) => client.on('close', () => resolve()))
    await new Promise<void>((resolve) =>
      client.on('data', (d: Buffer) => {
        received += d.toString()
        if (received.includes('welcome')) resolve()
      }),
    )
    child.kill('SIGTERM')
    assert.equal(await exited, 0, err)
    await closed
    assert.match(received, /\* the chat server is shutting down, bye!\n$/)

    const order = [
      'SIGTERM received - shutting down',
      `EchoServer on port ${echoPort} stopped`,
      `ChatServer on port ${chatPort} stopped`,
      'chat room closed',
      'Application demo exited: stopped',
    ].map((line) => err.indexOf(line))
    assert.ok(
      order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!)),
      `the stop lines in order:\n${err}`,
    )
  })
})
