import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as HeartMonitor from '../../examples/heartmonitor/HeartMonitor.ts'
import { main } from '../../examples/heartmonitor/main.ts'
import * as NewWorker from '../../examples/heartmonitor/NewWorker.ts'
import * as PingPong from '../../examples/heartmonitor/PingPong.ts'
import { P, type Pid, Process } from '../../src/index.ts'
import { assertReceive, refuteReceive, run } from '../../src/testing/index.ts'

const INTERVAL = 10

/** A `print` that turns each printed line into a `['printed', line]` message to the caller. */
function printToMe(): HeartMonitor.Print {
  const me = Process.self()
  return (line) => Process.send(me, ['printed', line])
}

function* ask(heart: Pid, what: 'list_monitors' | 'list_alive' | 'list_dead') {
  Process.send(heart, [what, Process.self()])
  const [, list] = yield* assertReceive(['reply', P.array(P.instanceOf(Process.Pid))], 1000)
  return list
}

function stop(pid: Pid) {
  Process.unlink(pid)
  Process.exit(pid, 'kill')
}

describe('heartmonitor (seed 001: ping pong and the heart monitor)', () => {
  it('PingPong answers a ping with a pong carrying its own pid', () =>
    run(function* () {
      const pid = PingPong.startLink()
      Process.send(pid, ['ping', Process.self()])
      yield* assertReceive(['pong', pid])
      Process.send(pid, ['ping', Process.self()])
      yield* assertReceive(['pong', pid])
      stop(pid)
    }))

  it('a receive with nothing to receive returns the after clause: a sleep timer', () =>
    run(function* () {
      const r = yield* Process.receive(
        Process.on(P._, () => 42),
        Process.after(20, () => -42),
      )
      assert.equal(r, -42)
    }))

  it('pings every monitored process whenever its mailbox stays quiet for the interval', () =>
    run(function* () {
      const heart = HeartMonitor.startLink({ interval: INTERVAL })
      Process.send(heart, ['monitor', Process.self()])
      assert.deepEqual(yield* ask(heart, 'list_monitors'), [Process.self()])
      for (let i = 0; i < 3; i++) yield* assertReceive(['ping', heart], 1000)
      stop(heart)
    }))

  it('lists a process dead after three unanswered pings, and prints that it is alive again when it pongs', () =>
    run(function* () {
      const heart = HeartMonitor.startLink({ interval: INTERVAL, print: printToMe() })
      const me = Process.self()
      Process.send(heart, ['monitor', me])
      for (let i = 0; i < 3; i++) yield* assertReceive(['ping', heart], 1000)
      assert.deepEqual(yield* ask(heart, 'list_dead'), [me])
      assert.deepEqual(yield* ask(heart, 'list_alive'), [])
      Process.send(heart, ['pong', me])
      yield* assertReceive(['printed', `Process ${me} was dead but is now alive`], 1000)
      assert.deepEqual(yield* ask(heart, 'list_dead'), [])
      assert.deepEqual(yield* ask(heart, 'list_alive'), [me])
      stop(heart)
    }))

  it('a pong from a process that was never dead prints nothing', () =>
    run(function* () {
      const heart = HeartMonitor.startLink({ interval: 1000, print: printToMe() })
      Process.send(heart, ['pong', Process.self()])
      assert.deepEqual(yield* ask(heart, 'list_alive'), [Process.self()])
      yield* refuteReceive(['printed', P._], 0)
      stop(heart)
    }))

  it('demonitor stops the pings', () =>
    run(function* () {
      const heart = HeartMonitor.startLink({ interval: INTERVAL })
      Process.send(heart, ['monitor', Process.self()])
      yield* assertReceive(['ping', heart], 1000)
      Process.send(heart, ['demonitor', Process.self()])
      assert.deepEqual(yield* ask(heart, 'list_monitors'), [])
      Process.flush()
      yield* refuteReceive(['ping', heart], 5 * INTERVAL)
      stop(heart)
    }))

  it('NewWorker computes Fibonacci numbers and answers pings', () =>
    run(function* () {
      const w1 = NewWorker.start()
      Process.send(w1, ['compute', 5, Process.self()])
      Process.send(w1, ['compute', 20, Process.self()])
      Process.send(w1, ['ping', Process.self()])
      yield* assertReceive(['result', 5])
      yield* assertReceive(['result', 6765])
      yield* assertReceive(['pong', w1])
      stop(w1)
    }))

  it('a worker busy computing fib is reported dead while the monitor keeps running, then alive again', () =>
    run(function* () {
      const heart = HeartMonitor.startLink({ interval: INTERVAL, print: printToMe() })
      const w1 = NewWorker.start()
      const me = Process.self()
      Process.send(heart, ['monitor', w1])
      Process.send(heart, ['monitor', me])
      Process.send(w1, ['compute', 38, me])
      // The monitor is not blocked by the computation: it keeps pinging us…
      for (let i = 0; i < 4; i++) yield* assertReceive(['ping', heart], 2000)
      // …and by now w1 owes at least three pongs, so it is dead (we are too: we never answered).
      yield* refuteReceive(['result', P._], 0)
      assert.ok((yield* ask(heart, 'list_dead')).includes(w1))
      Process.send(heart, ['demonitor', me])
      yield* assertReceive(['result', 39088169], 10_000)
      yield* assertReceive(['printed', `Process ${w1} was dead but is now alive`], 2000)
      assert.deepEqual(yield* ask(heart, 'list_dead'), [me])
      assert.ok((yield* ask(heart, 'list_alive')).includes(w1))
      stop(heart)
      stop(w1)
    }))

  it('the walkthrough prints the lecture: pong, -42, pings, dead, and back alive', () =>
    run(function* () {
      const lines: string[] = []
      yield* main({ print: (l) => lines.push(l), interval: INTERVAL, sleepTimer: 20, busyFib: 38 })
      const text = lines.join('\n')
      assert.match(text, /iex> send\(pingPong, \['ping', self\(\)\]\)\n\[ 'pong', #PID<[\d.]+> \]/)
      assert.match(text, /after 20 -> -42 end\n-42\n/)
      assert.match(
        text,
        /(\[ 'ping', #PID<[\d.]+> \]\n){3}iex> send\(heart, \['list_dead', self\(\)\]\)\n\[ 'reply', \[ #PID<[\d.]+> \] \]/,
      )
      assert.match(
        text,
        /iex> send\(heart, \['pong', self\(\)\]\)\nProcess #PID<[\d.]+> was dead but is now alive/,
      )
      const w1 = /iex> w1 = NewWorker.start\(\)\n(#PID<[\d.]+>)/.exec(text)?.[1]
      assert.ok(w1 !== undefined, text)
      for (const expected of [
        `[ 'reply', [ ${w1} ] ]\niex> send(w1, ['compute', 5, self()])`,
        "[ 'result', 5 ]\n[ 'result', 6765 ]",
        `// while w1 computes\n[ 'reply', [ ${w1} ] ]\n[ 'result', 39088169 ]`,
        `Process ${w1} was dead but is now alive\niex> send(heart, ['list_alive', self()])\n[ 'reply', [ ${w1} ] ]`,
      ]) {
        assert.ok(text.includes(expected), `expected the output to include:\n${expected}\n\ngot:\n${text}`)
      }
    }))
})
