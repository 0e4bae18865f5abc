/**
 * semantics.md §1: processes, termination, exit reasons (P1–P7).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { exit, P, Process } from '../../src/index.ts'
import { assertReceive, captureLog, refuteReceive, run } from '../../src/testing/index.ts'
import { idle, uniqueName } from './helpers.ts'

describe('§1 processes, termination and exit reasons', () => {
  it('P1: a process that returns from its body ends with reason normal (generator, async and plain bodies)', () =>
    run(function* () {
      const [a, ra] = Process.spawnMonitor(function* () {
        yield Process.yield()
      })
      const [b, rb] = Process.spawnMonitor(async () => {
        await Promise.resolve()
      })
      const [c, rc] = Process.spawnMonitor(() => 42)
      yield* assertReceive(['DOWN', ra, 'process', a, 'normal'])
      yield* assertReceive(['DOWN', rb, 'process', b, 'normal'])
      yield* assertReceive(['DOWN', rc, 'process', c, 'normal'])
    }))

  it('P1: any term can be an exit reason, and it reaches the monitor unchanged', () =>
    run(function* () {
      const reason = ['custom', 1, { deep: [true, null] }]
      const [pid, ref] = Process.spawnMonitor(() => exit(reason))
      const [, , , , got] = yield* assertReceive(['DOWN', ref, 'process', pid, P._])
      assert.deepEqual(got, reason)
    }))

  it('P2: exit(reason) ends the process with exactly that reason, without a stack', () =>
    run(function* () {
      const [a, ra] = Process.spawnMonitor(function* () {
        yield Process.yield()
        exit('bye')
      })
      const [b, rb] = Process.spawnMonitor(async () => {
        await Promise.resolve()
        exit(['shutdown', 'done'])
      })
      const [, , , , reasonA] = yield* assertReceive(['DOWN', ra, 'process', a, P._])
      assert.equal(reasonA, 'bye')
      const [, , , , reasonB] = yield* assertReceive(['DOWN', rb, 'process', b, P._])
      assert.deepEqual(reasonB, ['shutdown', 'done'])
    }))

  it('P2: exit(reason) is an exception the process itself can catch, like exit/1', () =>
    run(function* () {
      const [pid, ref] = Process.spawnMonitor(function* () {
        try {
          exit('caught')
        } catch {
          yield Process.yield()
        }
        exit('after catch')
      })
      yield* assertReceive(['DOWN', ref, 'process', pid, 'after catch'])
    }))

  it('P3: an uncaught error ends the process with [error, stack] and logs a crash report', async () => {
    let pid: Process.Pid | undefined
    const log = await captureLog(() =>
      run(function* () {
        const [p, ref] = Process.spawnMonitor(function* () {
          yield Process.yield()
          throw new Error('boom')
        })
        pid = p
        const [, , , , reason] = yield* assertReceive([
          'DOWN',
          ref,
          'process',
          p,
          [P.instanceOf(Error), P.string],
        ])
        const [err, stack] = reason
        assert.equal(err.message, 'boom')
        assert.equal(stack, err.stack)
        assert.match(stack, /boom/)
      }),
    )
    assert.match(log, new RegExp(`Process ${String(pid).replace(/[.<>]/g, '\\$&')} raised an exception`))
    assert.match(log, /\*\* \(Error\) boom/)
  })

  it('P3: an uncaught throw of a non-error ends the process with [["nocatch", value], stack]', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const [pid, ref] = Process.spawnMonitor(() => {
          throw { code: 42 }
        })
        const [, , , , reason] = yield* assertReceive([
          'DOWN',
          ref,
          'process',
          pid,
          [['nocatch', P._], P.string],
        ])
        assert.deepEqual(reason[0], ['nocatch', { code: 42 }])
      }),
    )
    assert.match(log, /\*\* \(throw\) \{ code: 42 \}/)
  })

  it('P4: only the atom normal is a normal exit for links; shutdown and ["shutdown", term] kill a linked process', () =>
    run(function* () {
      for (const reason of ['normal', 'shutdown', ['shutdown', 'because']] as const) {
        const me = Process.self()
        const [middle, ref] = Process.spawnMonitor(function* () {
          Process.spawnLink(() => exit(reason))
          Process.send(me, 'spawned')
          yield* Process.receive('stop')
        })
        yield* assertReceive('spawned')
        if (reason === 'normal') {
          yield* refuteReceive(['DOWN', ref, 'process', middle, P._], 20)
          Process.send(middle, 'stop')
          yield* assertReceive(['DOWN', ref, 'process', middle, 'normal'])
        } else {
          const [, , , , got] = yield* assertReceive(['DOWN', ref, 'process', middle, P._])
          assert.deepEqual(got, reason)
        }
      }
    }))

  it('P5: the name is released before DOWN goes out', () =>
    run(function* () {
      const name = uniqueName('p5')
      const pid = Process.spawn(idle, { name })
      const ref = Process.monitor(pid)
      assert.equal(Process.whereis(name), pid)
      Process.send(pid, 'stop')
      yield* assertReceive(['DOWN', ref, 'process', pid, 'normal'])
      assert.equal(Process.whereis(name), undefined)
      // The name is free for anyone at once.
      Process.register(name, Process.self())
      assert.equal(Process.whereis(name), Process.self())
      Process.unregister(name)
    }))

  it('P5: the name is released before link EXIT signals go out', () =>
    run(function* () {
      Process.trapExit(true)
      const name = uniqueName('p5-link')
      const pid = Process.spawnLink(idle, { name })
      Process.send(pid, 'stop')
      yield* assertReceive(['EXIT', pid, 'normal'])
      assert.equal(Process.whereis(name), undefined)
      assert.deepEqual(
        Process.registered().filter((n) => n === name),
        [],
      )
    }))

  it('P6: alive and info report a dead process as false and undefined, already right after exit(pid, "kill")', () =>
    run(function* () {
      const pid = Process.spawn(idle)
      assert.equal(Process.alive(pid), true)
      assert.notEqual(Process.info(pid), undefined)
      Process.exit(pid, 'kill')
      assert.equal(Process.alive(pid), false)
      assert.equal(Process.info(pid), undefined)

      const [done, ref] = Process.spawnMonitor(() => 'ok')
      yield* assertReceive(['DOWN', ref, 'process', done, 'normal'])
      assert.equal(Process.alive(done), false)
      assert.equal(Process.info(done), undefined)
    }))

  it('P7: when several exit signals race, the first one that terminates the process wins', () =>
    run(function* () {
      const [pid, ref] = Process.spawnMonitor(idle)
      Process.exit(pid, 'first')
      Process.exit(pid, 'second')
      Process.exit(pid, 'kill')
      yield* assertReceive(['DOWN', ref, 'process', pid, 'first'])
      yield* refuteReceive(['DOWN', ref, P._, P._, P._], 20)
    }))

  it('P7: a process linked to two dying processes dies once, with the reason of the first', () =>
    run(function* () {
      const a = Process.spawn(idle)
      const c = Process.spawn(idle)
      const me = Process.self()
      const [b, ref] = Process.spawnMonitor(function* () {
        Process.link(a)
        Process.link(c)
        Process.send(me, 'linked')
        yield* Process.receive('never')
      })
      yield* assertReceive('linked')
      Process.exit(a, 'from a')
      Process.exit(c, 'from c')
      yield* assertReceive(['DOWN', ref, 'process', b, 'from a'])
      yield* refuteReceive(['DOWN', ref, P._, P._, P._], 20)
    }))

  it('a process that keeps feeding its own mailbox still lets the others run, and stops when told', () =>
    run(function* () {
      const me = Process.self()
      const busy = Process.spawn(function* () {
        const self = Process.self()
        Process.send(self, 0)
        for (;;) {
          const n = yield* Process.receive(P.number, 'stop')
          if (n === 'stop') return
          Process.send(self, n + 1)
        }
      })
      const ref = Process.monitor(busy)
      const other = Process.spawn(function* () {
        Process.send(me, 'the other process ran')
      })
      yield* assertReceive('the other process ran')
      assert.equal(Process.alive(other), false)
      Process.send(busy, 'stop')
      yield* assertReceive(['DOWN', ref, 'process', busy, 'normal'])
    }))

  it('info names the initial call: name/arity of the body, anonymous/N for an unnamed function', () =>
    run(function* () {
      function* worker(_a: number, _b: string) {
        yield* Process.receive('stop')
      }
      const named = Process.spawn(worker, { args: [1, 'x'] })
      const arrow = Process.spawn(() => worker(1, 'x'))
      const unstarted = Process.spawn((_n: number) => worker(2, 'y'), { args: [2] })
      assert.equal(Process.info(unstarted)?.initialCall, 'anonymous/1')
      yield Process.yield()
      assert.equal(Process.info(named)?.initialCall, 'worker/2')
      assert.equal(Process.info(arrow)?.initialCall, 'anonymous/0')
      for (const pid of [named, arrow, unstarted]) Process.send(pid, 'stop')
    }))
})
