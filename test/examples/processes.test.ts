import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as KV from '../../examples/processes/KV.ts'
import { main } from '../../examples/processes/main.ts'
import * as Worker from '../../examples/processes/Worker.ts'
import { P, Process } from '../../src/index.ts'
import { assertReceive, captureLog, refuteReceive, run } from '../../src/testing/index.ts'

describe('processes (seed 001: the course notes)', () => {
  it('messages sent to self are received oldest first and flush takes the rest', () =>
    run(function* () {
      const me = Process.self()
      assert.deepEqual(
        [1, 2, 3, 4, 5].map((n) => Process.send(me, n * n)),
        [1, 4, 9, 16, 25],
      )
      assert.equal(yield* Process.receive(), 1)
      assert.deepEqual(Process.flush(), [4, 9, 16, 25])
    }))

  it('a spawned computation is dead once it returns, and its result must be sent back', () =>
    run(function* () {
      const [pid, ref] = Process.spawnMonitor(() => 6 * 7)
      yield* assertReceive(['DOWN', ref, 'process', pid, 'normal'])
      assert.equal(Process.alive(pid), false)
      const parent = Process.self()
      Process.spawn(() => Process.send(parent, 6 * 7))
      yield* assertReceive(42)
    }))

  it('a spawned process that raises is logged and does not affect its parent', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const [pid, ref] = Process.spawnMonitor(() => {
          throw new Error('oops')
        })
        yield* assertReceive(['DOWN', ref, 'process', pid, P._])
        assert.equal(Process.alive(Process.self()), true)
      }),
    )
    assert.match(log, /\[error\] Process #PID<[\d.]+> raised an exception\n\*\* \(Error\) oops/)
  })

  it('the Worker squares numbers and stays alive for more work', () =>
    run(function* () {
      const pid = Process.spawn(Worker.doWork)
      Process.send(pid, ['compute', 4, Process.self()])
      yield* assertReceive(['result', 16])
      assert.equal(Process.alive(pid), true)
      Process.send(pid, ['compute', 16, Process.self()])
      yield* assertReceive(['result', 256])
      Process.exit(pid, 'kill')
    }))

  it('the Worker crashes with an ArithmeticError on a string, logged, and is no longer alive', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const pid = Process.spawn(Worker.doWork)
        const ref = Process.monitor(pid)
        Process.send(pid, ['compute', 'square this', Process.self()])
        const [, , , , reason] = yield* assertReceive(['DOWN', ref, 'process', pid, P._])
        assert.ok((reason as [Error])[0] instanceof Worker.ArithmeticError)
        assert.equal(Process.alive(pid), false)
        yield* refuteReceive(['result', P._], 0)
      }),
    )
    assert.match(log, /raised an exception\n\*\* \(ArithmeticError\) bad argument in arithmetic expression/)
  })

  it('a child that fails at once takes its linked parent down with the same error', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const [parent, ref] = Process.spawnMonitor(function* () {
          Process.spawnLink(() => {
            throw new Error('boom')
          })
          yield* Process.receive()
        })
        const [, , , , reason] = yield* assertReceive(['DOWN', ref, 'process', parent, P._])
        assert.equal((reason as [Error])[0].message, 'boom')
      }),
    )
    assert.match(log, /\*\* \(Error\) boom/)
  })

  it('a linked Worker told {:exit, :normal} ends without harming its parent', () =>
    run(function* () {
      const pid = Process.spawnLink(Worker.doWorkWithExit)
      Process.send(pid, ['compute', 4, Process.self()])
      yield* assertReceive(['result', 16])
      const ref = Process.monitor(pid)
      Process.send(pid, ['exit', 'normal'])
      yield* assertReceive(['DOWN', ref, 'process', pid, 'normal'])
      assert.equal(Process.alive(pid), false)
      assert.equal(Process.alive(Process.self()), true)
    }))

  it('a linked Worker told {:exit, reason} takes a trapping parent an EXIT with that reason', () =>
    run(function* () {
      Process.trapExit(true)
      const pid = Process.spawnLink(Worker.doWorkWithExit)
      Process.send(pid, ['exit', 'bored'])
      yield* assertReceive(['EXIT', pid, 'bored'])
    }))

  it('spawnMonitor delivers a DOWN with reason normal when the process finishes', () =>
    run(function* () {
      const [pid, ref] = Process.spawnMonitor(function* () {
        yield* Process.sleep(5)
      })
      yield* assertReceive(['DOWN', ref, 'process', pid, 'normal'], 1000)
      assert.equal(Process.alive(pid), false)
    }))

  it('KV answers null for a missing key, ok for a put, and the value afterwards', () =>
    run(function* () {
      const pid = KV.startLink()
      Process.send(pid, ['get', 'a', Process.self()])
      yield* assertReceive(null)
      Process.send(pid, ['put', 'a', 42, Process.self()])
      Process.send(pid, ['get', 'a', Process.self()])
      yield* assertReceive('ok')
      yield* assertReceive(42)
      Process.unlink(pid)
      Process.exit(pid, 'kill')
    }))

  it('KV registered as kv is reachable by name', () =>
    run(function* () {
      const pid = KV.startLink()
      assert.equal(Process.register('kv', pid), true)
      Process.send('kv', ['put', 'a', 42, Process.self()])
      yield* assertReceive('ok')
      Process.send('kv', ['get', 'a', Process.self()])
      yield* assertReceive(42)
      Process.unlink(pid)
      Process.exit(pid, 'kill')
    }))

  it('the walkthrough prints the transcript of the course', async () => {
    const lines: string[] = []
    const log = await captureLog(() => run(() => main((l) => lines.push(l), 5)))
    const text = lines.join('\n')
    for (const expected of [
      "iex> send(me, 'ping')\n'ping'",
      '[ 1, 4, 9, 16, 25 ]\niex> yield* receive()\n1\niex> Process.flush()\n4\n9\n16\n25',
      'iex> Process.alive(pid)\nfalse',
      'iex> yield* receive() → print(inspect(x))\n42',
      "Process.flush()\n[ 'result', 16 ]\niex> Process.alive(pid)\ntrue",
      "[ 'result', 256 ]",
      "['compute', 'square this', self()])  // logged: ** (ArithmeticError)",
      "[ 'exit', 'normal' ]\niex> Process.alive(pid)\nfalse\niex> Process.alive(self())  // the parent is unaffected\ntrue",
      "'process', #PID<",
      "iex> Process.flush()\nnull\niex> send(pid, ['put', 'a', 42, self()])",
      "iex> Process.flush()\n'ok'\n42",
      "iex> Process.register('kv', pid)\ntrue",
    ]) {
      assert.ok(text.includes(expected), `expected the output to include:\n${expected}\n\ngot:\n${text}`)
    }
    assert.match(text, /\[ 'DOWN', #Reference<[\d.]+>, 'process', #PID<[\d.]+>, 'normal' \]/)
    assert.equal(lines.at(-1), '42')
    assert.match(log, /\*\* \(Error\) oops/)
    assert.match(log, /\*\* \(ArithmeticError\) bad argument in arithmetic expression/)
  })
})
