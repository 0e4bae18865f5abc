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
    // Elixir logs a plain process that threw as `** (ErlangError) Erlang error: {:nocatch, %{code: 42}}`.
    assert.match(log, /\*\* \(ErlangError\) Erlang error: \[ 'nocatch', \{ code: 42 \} \]/)
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

describe('the process dictionary', () => {
  it('put, get, get() with no key, delete and getKeys, as Elixir’s Process functions', () =>
    run(function* () {
      assert.deepEqual(Process.get(), [])
      assert.deepEqual(Process.getKeys(), [])
      assert.equal(Process.delete('none'), undefined)
      assert.equal(Process.put('a', 1), undefined)
      assert.equal(Process.put('b', ['x', 2]), undefined)
      assert.equal(Process.put('c', 1), undefined)
      assert.equal(Process.put('a', 3), 1)
      assert.deepEqual(Process.get(), [
        ['a', 3],
        ['b', ['x', 2]],
        ['c', 1],
      ])
      assert.equal(Process.get('missing'), undefined)
      assert.equal(Process.get('missing', 'default'), 'default')
      assert.deepEqual(Process.getKeys(), ['a', 'b', 'c'])
      assert.deepEqual(Process.getKeys(1), ['c'])
      // get_keys/1 compares values as terms (=:=): data structurally.
      assert.deepEqual(Process.getKeys(['x', 2]), ['b'])
      assert.deepEqual(Process.getKeys(undefined), [])
      assert.equal(Process.delete('a'), 3)
      assert.equal(Process.delete('a'), undefined)
      assert.deepEqual(Process.getKeys(), ['b', 'c'])
      assert.deepEqual(Process.get(), [
        ['b', ['x', 2]],
        ['c', 1],
      ])
    }))

  it('each process has its own dictionary', () =>
    run(function* () {
      Process.put('k', 'parent')
      const me = Process.self()
      Process.spawn(function* () {
        Process.send(me, ['child', Process.get(), Process.getKeys(), Process.delete('k')])
      })
      yield* assertReceive(['child', [], [], undefined])
      assert.equal(Process.get('k'), 'parent')
    }))
})

describe('hibernate', () => {
  /** Tells `to` it woke up, with the message count then, then takes one message and reports it. */
  function* wake(to: Process.Pid, tag: string): Generator<unknown, string, unknown> {
    Process.send(to, [tag, 'woke', Process.info(Process.self())!.messageQueueLen])
    Process.send(to, [tag, 'msg', yield* Process.receive()])
    return 'returned'
  }

  it('waits for a message without taking it, then continues as fn(...args) and ends normal when it returns', () =>
    run(function* () {
      const me = Process.self()
      const [pid, ref] = Process.spawnMonitor(function* () {
        try {
          yield* Process.hibernate(wake, [me, 'a'])
        } finally {
          // Erlang: the call stack is discarded, `after` blocks included.
          Process.send(me, 'finally ran')
        }
        Process.send(me, 'came back')
      })
      yield* refuteReceive(P._, 20)
      assert.equal(Process.info(pid)!.status, 'waiting')
      Process.send(pid, 'hello')
      yield* assertReceive(['a', 'woke', 1])
      yield* assertReceive(['a', 'msg', 'hello'])
      yield* assertReceive(['DOWN', ref, 'process', pid, 'normal'])
      yield* refuteReceive(P.union('finally ran', 'came back'), 20)
    }))

  it('wakes at once when the mailbox already holds a message, which fn then receives first', () =>
    run(function* () {
      const me = Process.self()
      const [pid, ref] = Process.spawnMonitor(function* () {
        Process.send(Process.self(), 'queued')
        Process.send(Process.self(), 'second')
        return yield* Process.hibernate(wake, [me, 'b'])
      })
      yield* assertReceive(['b', 'woke', 2])
      yield* assertReceive(['b', 'msg', 'queued'])
      yield* assertReceive(['DOWN', ref, 'process', pid, 'normal'])
    }))

  it('a loop can hibernate between messages, keeping its state in the arguments', () =>
    run(function* () {
      const me = Process.self()
      function* loop(count: number): Generator<unknown, void, unknown> {
        const msg = yield* Process.receive()
        if (msg === 'stop') return void Process.send(me, ['count', count])
        return yield* Process.hibernate(loop, [count + 1])
      }
      const [pid, ref] = Process.spawnMonitor(() => Process.hibernate(loop, [0]))
      for (let i = 0; i < 5; i++) Process.send(pid, i)
      Process.send(pid, 'stop')
      yield* assertReceive(['count', 5])
      yield* assertReceive(['DOWN', ref, 'process', pid, 'normal'])
    }))

  it('from deep inside helper generators, also drops their frames', () =>
    run(function* () {
      const me = Process.self()
      function* inner() {
        try {
          yield* Process.hibernate(() => Process.send(me, 'continued'))
        } catch {
          Process.send(me, 'inner catch ran')
        }
      }
      function* outer() {
        yield* inner()
        Process.send(me, 'outer came back')
      }
      const [pid, ref] = Process.spawnMonitor(outer)
      Process.send(pid, 'wake')
      yield* assertReceive('continued')
      yield* assertReceive(['DOWN', ref, 'process', pid, 'normal'])
      yield* refuteReceive(P.union('inner catch ran', 'outer came back'), 20)
    }))

  it('an async process continues as fn(...args); its pending await never settles', () =>
    run(function* () {
      const me = Process.self()
      const [pid, ref] = Process.spawnMonitor(async () => {
        await Process.hibernate(
          async (tag: string) => {
            await Promise.resolve()
            Process.send(me, [tag, Process.self(), Process.flush()])
          },
          ['async'],
        )
        Process.send(me, 'came back')
      })
      yield* refuteReceive(P._, 20)
      Process.send(pid, 'ping')
      yield* assertReceive(['async', pid, ['ping']])
      yield* assertReceive(['DOWN', ref, 'process', pid, 'normal'])
      yield* refuteReceive('came back', 20)
    }))

  it('a throw in fn crashes the process as usual; Process.run resolves with what fn returns', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const [pid, ref] = Process.spawnMonitor(function* () {
          return yield* Process.hibernate(() => {
            throw exit('woke up badly')
          })
        })
        Process.send(pid, 'wake')
        yield* assertReceive(['DOWN', ref, 'process', pid, 'woke up badly'])
      }),
    )
    assert.equal(log, '')
    const result = await Process.run(function* () {
      Process.send(Process.self(), 'go')
      return yield* Process.hibernate((n: number) => n * 2, [21])
    })
    assert.equal(result, 42)
  })

  it('checks its arguments and needs a process', () =>
    run(function* () {
      assert.throws(() => Process.hibernate(42 as never), { code: 'ERR_BEAMISH_BADARG' })
      assert.throws(() => Process.hibernate(() => 1, 'args' as never), { code: 'ERR_BEAMISH_BADARG' })
      yield* Process.receive(Process.after(0))
    }).then(() => {
      assert.throws(() => Process.hibernate(() => 1), { code: 'ERR_BEAMISH_NOT_IN_PROCESS' })
    }))
})
