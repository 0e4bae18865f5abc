import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as FibonacciWorkPool from '../../examples/workpool/FibonacciWorkPool.ts'
import { main } from '../../examples/workpool/main.ts'
import * as Scheduler from '../../examples/workpool/Scheduler.ts'
import * as Workpool from '../../examples/workpool/Workpool.ts'
import { P, type Pid, Process } from '../../src/index.ts'
import { assertReceive, captureLog, refuteReceive, run } from '../../src/testing/index.ts'

function stop(pid: Pid) {
  Process.unlink(pid)
  Process.exit(pid, 'kill')
}

/** The first Fibonacci numbers, computed the fast way. */
function fibs(upTo: number): number[] {
  const out = [0, 1]
  while (out.length <= upTo) out.push(out.at(-1)! + out.at(-2)!)
  return out
}

describe('workpool (seed 001: the work pool and job queue)', () => {
  it('the scheduler runs a queued function and sends its result to the requester', () =>
    run(function* () {
      const scheduler = Scheduler.startLink()
      Process.send(scheduler, ['queue', (x: number) => 2 * x * x, 4, Process.self()])
      yield* assertReceive(32)
      stop(scheduler)
    }))

  it('a crashing job is logged, the requester gets a failure, and the scheduler lives on', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const scheduler = Scheduler.startLink()
        const oops = () => {
          throw new Error('oops')
        }
        Process.send(scheduler, ['queue', oops, [], Process.self()])
        yield* assertReceive(['failure', 'pool worker died: Error: oops'], 1000)
        assert.equal(Process.alive(scheduler), true)
        Process.send(scheduler, ['queue', (x: number) => x + 1, 1, Process.self()])
        yield* assertReceive(2)
        stop(scheduler)
      }),
    )
    assert.match(log, /Process #PID<[\d.]+> raised an exception\n\*\* \(Error\) oops/)
  })

  // Elixir: send scheduler, {:queue, :notafun, [], self()}
  //   [error] Process #PID<0.104.0> raised an exception
  //   ** (BadFunctionError) expected a function, got: :notafun
  //   flush → {:failure, "pool worker died: {{:badfun, :notafun}, [...]}"}
  it('a job that is not a function crashes, and the requester is told', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const scheduler = Scheduler.startLink()
        Process.send(scheduler, ['queue', 'notafun', [], Process.self()])
        yield* assertReceive(
          ['failure', "pool worker died: BadFunctionError: expected a function, got: 'notafun'"],
          1000,
        )
        assert.equal(Process.alive(scheduler), true)
        Process.send(scheduler, ['queue', (x: number) => x + 1, 1, Process.self()])
        yield* assertReceive(2)
        stop(scheduler)
      }),
    )
    assert.match(log, /raised an exception\n\*\* \(BadFunctionError\) expected a function, got: 'notafun'/)
  })

  it('a job that exits with a reason other than normal is reported with that reason', () =>
    run(function* () {
      const scheduler = Scheduler.startLink()
      Process.send(scheduler, ['queue', () => Process.exit(Process.self(), 'gave_up'), null, Process.self()])
      yield* assertReceive(['failure', "pool worker died: 'gave_up'"], 1000)
      stop(scheduler)
    }))

  it('finished jobs leave the processing map: no failure is sent for them', () =>
    run(function* () {
      const scheduler = Scheduler.startLink()
      for (let i = 0; i < 10; i++) Process.send(scheduler, ['queue', (x: number) => x, i, Process.self()])
      for (let i = 0; i < 10; i++) yield* assertReceive(i)
      yield* refuteReceive(['failure', P._], 20)
      const info = Process.info(scheduler)!
      assert.deepEqual(info.monitors, [])
      stop(scheduler)
    }))

  it('Workpool.start registers the scheduler and Workpool.queue hides the message format', () =>
    run(function* () {
      assert.equal(Workpool.start(), 'ok')
      const pid = Process.whereis('scheduler')!
      Process.send('scheduler', ['queue', (x: number) => x * x, 7, Process.self()])
      yield* assertReceive(49)
      assert.equal(
        Workpool.queue((x: number) => x * x * 2, 4),
        'ok',
      )
      yield* assertReceive(32)
      stop(pid)
    }))

  it('FibonacciWorkPool.fib queues one job per number and every result arrives', () =>
    run(function* () {
      Workpool.start()
      const pid = Process.whereis('scheduler')!
      const oks = FibonacciWorkPool.fib(FibonacciWorkPool.range(5, 25))
      assert.deepEqual(oks, Array(21).fill('ok'))
      const got: number[] = []
      for (let i = 0; i < oks.length; i++) got.push(yield* assertReceive(P.number, 5000))
      assert.deepEqual(
        got.sort((a, b) => a - b),
        fibs(25).slice(5),
      )
      stop(pid)
    }))

  // On the BEAM a job computing fib(40) is pre-empted: the shell, the scheduler and every
  // `receive … after` keep running on time. A JS thread cannot pre-empt, so the job yields
  // between chunks of work (FibonacciWorkPool.ts); a plain recursive fib(40) would hold the
  // whole node for a second or more.
  it('while a pool job computes fib(40), other processes still wake up on time', () =>
    run(function* () {
      Workpool.start()
      const pool = Process.whereis('scheduler')!
      assert.deepEqual(FibonacciWorkPool.fib([40]), ['ok'])
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now()
        yield* Process.sleep(20)
        const slept = performance.now() - t0
        assert.ok(slept < 200, `a 20 ms sleep took ${slept.toFixed(0)} ms while the pool computed`)
      }
      const [job] = Process.info(pool)!.monitors
      assert.ok(job !== undefined && Process.alive(job), 'the job is still computing')
      yield* refuteReceive(P.number, 0)
      Process.exit(job, 'kill')
      stop(pool)
    }))

  it('the walkthrough prints the lecture: 32, the failure, 49, 32, then the Fibonacci numbers', async () => {
    const lines: string[] = []
    const log = await captureLog(() => run(() => main((l) => lines.push(l), [5, 20])))
    const text = lines.join('\n')
    for (const expected of [
      "iex> send(scheduler, ['queue', (x) => 2 * x * x, 4, self()])\niex> flush()\n32",
      "iex> Process.alive(scheduler)\ntrue\niex> flush()\n[ 'failure', 'pool worker died: Error: oops' ]",
      "iex> Workpool.start()\n'ok'",
      'iex> flush()\n49',
      "iex> Workpool.queue((x) => x * x * 2, 4)\n'ok'\niex> flush()\n32",
      `iex> FibonacciWorkPool.fib(5..20)\n[ ${Array(16).fill("'ok'").join(', ')} ]\niex> flush()\n${fibs(20).slice(5).join('\n')}`,
    ]) {
      assert.ok(text.includes(expected), `expected the output to include:\n${expected}\n\ngot:\n${text}`)
    }
    assert.match(log, /\*\* \(Error\) oops/)
    assert.equal(Process.whereis('scheduler'), undefined)
  })
})
