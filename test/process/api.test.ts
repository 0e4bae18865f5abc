/**
 * The API's bad-input contract and crash isolation: misuse is a synchronous BeamishError with a
 * stable code and a message saying what was expected and what was got; a crashing process never
 * takes the scheduler or an unlinked process down.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Errors, P, Process } from '../../src/index.ts'
import { assertReceive, captureLog, run } from '../../src/testing/index.ts'
import { idle, uniqueName } from './helpers.ts'

const { after, receive, self, send } = Process

/** Asserts `fn` throws a BeamishError with `code` whose message says what was expected and got. */
function throwsBeamish(
  fn: () => unknown,
  code: Errors.ErrorCode,
  message: RegExp = /expected .+, got: /,
): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof Errors.BeamishError, `not a BeamishError: ${String(e)}`)
    assert.equal(e.code, code)
    assert.match(e.message, message)
    return true
  })
}

describe('API contract: bad input is a synchronous BeamishError with a stable code', () => {
  it('wrong argument types are ERR_BEAMISH_BADARG, naming what was expected and what was got', () =>
    run(function* () {
      const ref = Process.makeRef()
      throwsBeamish(
        () => Process.spawn(42 as never),
        'ERR_BEAMISH_BADARG',
        /expected a process body .*, got: 42/,
      )
      throwsBeamish(
        () => Process.spawn(async function* () {} as never),
        'ERR_BEAMISH_BADARG',
        /async generator cannot be a process body/,
      )
      throwsBeamish(() => send(42 as never, 'x'), 'ERR_BEAMISH_BADARG', /expected a pid, .*, got: 42/)
      throwsBeamish(() => send(['a', 'b', 'c'] as never, 'x'), 'ERR_BEAMISH_BADARG')
      throwsBeamish(
        () => Process.link('pid' as never),
        'ERR_BEAMISH_BADARG',
        /expected a pid to link to, got: "pid"/,
      )
      throwsBeamish(() => Process.unlink({} as never), 'ERR_BEAMISH_BADARG')
      throwsBeamish(() => Process.monitor(42 as never), 'ERR_BEAMISH_BADARG')
      throwsBeamish(() => Process.monitor(['name'] as never), 'ERR_BEAMISH_BADARG')
      throwsBeamish(() => Process.demonitor(self() as never), 'ERR_BEAMISH_BADARG')
      throwsBeamish(() => Process.exit('pid' as never, 'kill'), 'ERR_BEAMISH_BADARG')
      throwsBeamish(
        () => Process.trapExit('yes' as never),
        'ERR_BEAMISH_BADARG',
        /expected a boolean, got: "yes"/,
      )
      throwsBeamish(() => Process.alive(null as never), 'ERR_BEAMISH_BADARG')
      throwsBeamish(() => Process.info(undefined as never), 'ERR_BEAMISH_BADARG')
      throwsBeamish(() => Process.unalias(self() as never), 'ERR_BEAMISH_BADARG')
      throwsBeamish(() => Process.cancelTimer('t' as never), 'ERR_BEAMISH_BADARG')
      throwsBeamish(() => Process.readTimer(1 as never), 'ERR_BEAMISH_BADARG')
      throwsBeamish(() => Process.sendAfter(42 as never, 'x', 10), 'ERR_BEAMISH_BADARG')
      throwsBeamish(() => Process.register('name', 'pid' as never), 'ERR_BEAMISH_BADARG')
      throwsBeamish(
        () => receive(after(0), 'x'),
        'ERR_BEAMISH_BADARG',
        /after\(…\) must be the last argument/,
      )
      // Nothing above had an effect.
      assert.equal(Process.demonitor(ref), true)
      yield* receive(after(0))
    }))

  it('invalid names are ERR_BEAMISH_INVALID_NAME', () =>
    run(function* () {
      for (const bad of ['', 'undefined', 42, null, {}]) {
        throwsBeamish(() => Process.register(bad as never, self()), 'ERR_BEAMISH_INVALID_NAME')
        throwsBeamish(() => Process.unregister(bad as never), 'ERR_BEAMISH_INVALID_NAME')
        throwsBeamish(() => Process.whereis(bad as never), 'ERR_BEAMISH_INVALID_NAME')
        throwsBeamish(() => Process.spawn(idle, { name: bad as never }), 'ERR_BEAMISH_INVALID_NAME')
      }
      yield* receive(after(0))
    }))

  it('negative, fractional or too large timeouts are ERR_BEAMISH_INVALID_TIMEOUT', () =>
    run(function* () {
      for (const bad of [-1, 0.5, 2 ** 32, Number.NaN, '100']) {
        throwsBeamish(
          () => after(bad as never),
          'ERR_BEAMISH_INVALID_TIMEOUT',
          /expected a timeout in milliseconds/,
        )
        throwsBeamish(() => Process.sleep(bad as never), 'ERR_BEAMISH_INVALID_TIMEOUT')
        throwsBeamish(() => Process.sendAfter(self(), 'x', bad as never), 'ERR_BEAMISH_INVALID_TIMEOUT')
      }
      yield* receive(after(0))
    }))

  it('unknown or malformed options are ERR_BEAMISH_INVALID_OPTION', () =>
    run(function* () {
      throwsBeamish(
        () => Process.spawn(idle, { lnk: true } as never),
        'ERR_BEAMISH_INVALID_OPTION',
        /unknown spawn option "lnk"/,
      )
      throwsBeamish(() => Process.spawn(idle, 'link' as never), 'ERR_BEAMISH_INVALID_OPTION')
      throwsBeamish(() => Process.spawnLink(idle, [] as never), 'ERR_BEAMISH_INVALID_OPTION')
      throwsBeamish(() => Process.monitor(self(), { alias: 'always' as never }), 'ERR_BEAMISH_INVALID_OPTION')
      throwsBeamish(
        () => Process.demonitor(Process.makeRef(), { flsh: true } as never),
        'ERR_BEAMISH_INVALID_OPTION',
      )
      yield* receive(after(0))
    }))

  it('registering a taken name is ERR_BEAMISH_NAME_TAKEN and registering a dead pid is ERR_BEAMISH_NOPROC', () =>
    run(function* () {
      const name = uniqueName('api')
      const holder = Process.spawn(idle, { name })
      const count = Process.list().length
      throwsBeamish(
        () => Process.register(name, self()),
        'ERR_BEAMISH_NAME_TAKEN',
        /already registered to #PID</,
      )
      throwsBeamish(
        () => Process.spawn(idle, { name }),
        'ERR_BEAMISH_NAME_TAKEN',
        /already registered to #PID</,
      )
      assert.equal(Process.list().length, count, 'a spawn with a taken name starts nothing')
      const [dead, ref] = Process.spawnMonitor(() => 'gone')
      yield* assertReceive(['DOWN', ref, 'process', dead, 'normal'])
      throwsBeamish(() => Process.register(uniqueName('api'), dead), 'ERR_BEAMISH_NOPROC', /is not alive/)
      send(holder, 'stop')
    }))

  it('process-only functions called outside any process are ERR_BEAMISH_NOT_IN_PROCESS', () =>
    run(function* () {
      const errors: unknown[] = []
      yield new Promise<void>((resolve) =>
        setImmediate(() => {
          // A setImmediate callback runs outside every process.
          for (const fn of [
            () => self(),
            () => Process.spawnLink(idle),
            () => Process.trapExit(true),
            () => Process.flush(),
          ]) {
            try {
              fn()
            } catch (e) {
              errors.push(e)
            }
          }
          resolve()
        }),
      )
      assert.equal(errors.length, 4)
      for (const e of errors) assert.equal((e as Errors.BeamishError).code, 'ERR_BEAMISH_NOT_IN_PROCESS')
    }))
})

describe('API contract: crashes stay inside the crashing process', () => {
  it('a thrown error becomes the exit reason [error, stack], in generator and async bodies alike', async () => {
    const pids: string[] = []
    const log = await captureLog(() =>
      run(function* () {
        const bodies = [
          function* generatorBody() {
            yield Process.yield()
            throw new Error('boom')
          },
          async function asyncBody() {
            await Promise.resolve()
            throw new Error('boom')
          },
          async function asyncAfterReceive() {
            await receive(after(0))
            throw new Error('boom')
          },
        ]
        for (const body of bodies) {
          const [pid, ref] = Process.spawnMonitor(body)
          pids.push(String(pid))
          const [, , , , [err, stack]] = yield* assertReceive([
            'DOWN',
            ref,
            'process',
            pid,
            [P.instanceOf(Error), P.string],
          ])
          assert.equal(err.message, 'boom')
          assert.match(stack, new RegExp(body.name))
        }
      }),
    )
    for (const pid of pids)
      assert.ok(log.includes(`Process ${pid} raised an exception\n** (Error) boom`), log)
  })

  it('a crashing process never takes down the scheduler or an unlinked process', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const me = self()
        const bystander = Process.spawn(function* () {
          for (;;) {
            const [from, n] = yield* receive([P.instanceOf(Process.Pid), P.number])
            send(from, ['pong', n])
          }
        })
        const crashers = [
          function* throwsInBody() {
            yield Process.yield()
            throw new TypeError('bad')
          },
          async function rejects() {
            await Promise.reject(new Error('rejected'))
          },
          function* throwsInHandler() {
            send(Process.self(), 'x')
            yield* receive(
              Process.on('x', () => {
                throw new RangeError('in handler')
              }),
            )
          },
          function* throwsInAfter() {
            yield* receive(
              'never',
              after(0, () => {
                throw new Error('in after')
              }),
            )
          },
          function* yieldsAPromiseThatRejects() {
            yield Promise.reject(new Error('awaited'))
          },
          function* yieldsNonsense() {
            yield 42
          },
          () => {
            throw 'a string'
          },
        ]
        const refs = crashers.map((body) => Process.spawnMonitor(body))
        for (let i = 0; i < 3; i++) {
          send(bystander, [me, i])
          yield* assertReceive(['pong', i])
        }
        for (const [pid, ref] of refs) {
          const [, , , , reason] = yield* assertReceive(['DOWN', ref, 'process', pid, P._], 500)
          assert.notEqual(reason, 'normal')
        }
        send(bystander, [me, 99])
        yield* assertReceive(['pong', 99])
        assert.equal(Process.alive(bystander), true)
        Process.exit(bystander, 'kill')
      }),
    )
    assert.match(log, /\*\* \(TypeError\) bad/)
    assert.match(log, /\*\* \(RangeError\) in handler/)
    assert.match(log, /did you mean yield\* \?/)
    assert.match(log, /\*\* \(ErlangError\) Erlang error: \[ 'nocatch', 'a string' \]/)
  })

  it('a receive guard that throws is a non-match (as in an Erlang guard), for the receiver and the sender alike', () =>
    run(function* () {
      const me = self()
      const guard = (m: unknown) => (m as { kind: string }).kind === 'wanted'
      const receiver = Process.spawn(function* () {
        send(me, 'ready')
        const m = yield* receive(guard)
        send(me, ['got', m])
      })
      yield* assertReceive('ready')
      send(receiver, null) // the guard throws on null: in the sender's send, during delivery
      send(receiver, undefined)
      send(receiver, { kind: 'wanted' })
      yield* assertReceive(['got', { kind: 'wanted' }])
      // And during a mailbox scan.
      send(self(), null)
      send(self(), { kind: 'wanted', n: 2 })
      assert.deepEqual(yield* receive(guard, after(0)), { kind: 'wanted', n: 2 })
      assert.deepEqual(Process.flush(), [null])
      // ts-pattern guards too.
      send(self(), 7)
      assert.equal(
        yield* receive(
          P.when((m: any) => m.deep.field === 1),
          after(0, () => 'no match'),
        ),
        'no match',
      )
    }))

  it('pids and refs inside ts-pattern patterns match equal pids and refs', () =>
    run(function* () {
      const other = Process.spawn(idle)
      const ref = Process.makeRef()
      send(self(), ['from', other, ref])
      send(self(), ['from', self(), ref])
      // (ts-pattern's types do not admit class instances in P.union; at run time they work.)
      const pin = (x: unknown) => x as string
      const got = yield* receive(
        ['from', P.union(pin(self()), pin(Process.makeRef())), P.union(pin(ref), 'x')],
        after(0),
      )
      assert.deepEqual(got, ['from', self(), ref])
      assert.deepEqual(Process.flush(), [['from', other, ref]])
      send(other, 'stop')
    }))
})
