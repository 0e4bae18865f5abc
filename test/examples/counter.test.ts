import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as Counter from '../../examples/counter/Counter.ts'
import * as MyAppSupervisor from '../../examples/counter/MyAppSupervisor.ts'
import { main } from '../../examples/counter/main.ts'
import { expectOk, type Pid, Process, Supervisor } from '../../src/index.ts'
import { assertReceive, captureLog, run } from '../../src/testing/index.ts'

function* counterOf(sup: Pid | string) {
  const children = yield* Supervisor.whichChildren(sup)
  assert.equal(children.length, 1)
  const [id, pid] = children[0]!
  assert.equal(id, 'Counter')
  return pid as Pid
}

describe('counter (seed 003: everything is a process)', () => {
  it('the Counter keeps its count across messages: increment, decrement, get', () =>
    run(function* () {
      const pid = Counter.start()
      Process.send(pid, 'increment')
      Process.send(pid, ['get', Process.self()])
      yield* assertReceive(1)
      Process.send(pid, 'increment')
      Process.send(pid, 'increment')
      Process.send(pid, 'decrement')
      Process.send(pid, ['get', Process.self()])
      yield* assertReceive(2)
      Process.exit(pid, 'kill')
    }))

  it('MyApp.Supervisor starts a Counter at 0 and registers itself as MyApp.Supervisor', () =>
    run(function* () {
      const sup = expectOk(yield* MyAppSupervisor.startLink())
      assert.equal(Process.whereis('MyApp.Supervisor'), sup)
      const counter = yield* counterOf('MyApp.Supervisor')
      assert.equal(yield* Counter.get(counter), 0)
      assert.deepEqual(yield* Supervisor.countChildren(sup), {
        specs: 1,
        active: 1,
        supervisors: 0,
        workers: 1,
      })
      Process.unlink(sup)
      yield* Supervisor.stop(sup)
    }))

  it('MyApp.Supervisor restarts a crashed Counter from its initial count', () =>
    run(function* () {
      const sup = expectOk(yield* MyAppSupervisor.startLink())
      const first = yield* counterOf(sup)
      for (let i = 0; i < 3; i++) Process.send(first, 'increment')
      assert.equal(yield* Counter.get(first), 3)
      const ref = Process.monitor(first)
      Process.exit(first, 'boom')
      yield* assertReceive(['DOWN', ref, 'process', first, 'boom'])
      const second = yield* counterOf(sup)
      assert.notEqual(second, first)
      assert.equal(Process.alive(second), true)
      assert.equal(yield* Counter.get(second), 0)
      Process.unlink(sup)
      yield* Supervisor.stop(sup)
    }))

  it('the walkthrough prints the article: hello, the count, and the restarted Counter at 0', async () => {
    const lines: string[] = []
    await captureLog(() => run(() => main((l) => lines.push(l))))
    const text = lines.join('\n')
    for (const expected of [
      'Hello from a new process!',
      "iex> send(pid, ['hello', 'world'])\n[ 'hello', 'world' ]\nReceived hello with message: world",
      "iex> send(counterPid, 'increment')\n'increment'",
      'Current count: 1',
      "iex> send(counter, 'increment')  // 3 times\nCurrent count: 3",
    ]) {
      assert.ok(text.includes(expected), `expected the output to include:\n${expected}\n\ngot:\n${text}`)
    }
    assert.match(text, /has started a new Counter, #PID<[\d.]+>, from its initial state:\nCurrent count: 0$/)
    assert.equal(Process.whereis('MyApp.Supervisor'), undefined)
  })
})
