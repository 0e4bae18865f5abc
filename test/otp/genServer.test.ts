/**
 * GenServer: starting, init results, continue, idle timeouts, names, terminate and stop
 * (semantics.md §9.1, §9.3), and the matching cases of Elixir 1.14's gen_server_test.exs.
 * Calls, casts and replies (§9.2, AL2) are in genServerCall.test.ts.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BeamishError } from '../../src/Errors.ts'
import { exit, GenServer, P, Pid, Process } from '../../src/index.ts'
import { setGlobalNames } from '../../src/internal/gen.ts'
import { nodeRef } from '../../src/internal/term/nodeRef.ts'
import { assertReceive, captureLog, refuteReceive, run } from '../../src/testing/index.ts'
import { Stack, startLinkOk, startOk, tinyVia } from './genServerHelpers.ts'
import { catchExit, linked, quietly, uniqueName } from './helpers.ts'

const { self, send } = Process
const anyPid = P.instanceOf(Pid)

/** A server that reports `terminate` to `to` and otherwise does what its requests say. */
function reporter(to: Pid) {
  return GenServer.define({
    name: 'Reporter',
    init: (s: unknown) => GenServer.ok(s),
    handleCall: (req: unknown, _from: GenServer.From, s: unknown): GenServer.CallResult<unknown, unknown> => {
      if (req === 'crash') throw new Error('boom')
      if (Array.isArray(req) && req[0] === 'return') return req[1]
      return GenServer.reply(req, s)
    },
    handleCast: (req: unknown, s: unknown): GenServer.NoReplyResult<unknown> => {
      if (Array.isArray(req) && req[0] === 'return') return req[1]
      if (req === 'crash') throw new Error('boom')
      return GenServer.noreply(s)
    },
    handleInfo: (msg: unknown, s: unknown) => {
      send(to, ['info', msg])
      return GenServer.noreply(s)
    },
    terminate: (reason: unknown, s: unknown) => {
      send(to, ['terminate', reason, s])
    },
  })
}

/** `reporter(to)` that traps exits from `init` on. */
function trappingReporter(to: Pid) {
  return GenServer.define({
    ...reporter(to),
    init: (s: unknown) => {
      Process.trapExit(true)
      return GenServer.ok(s)
    },
  })
}

describe('§9.1 starting', () => {
  it('G-s1: startLink links the server to the caller and returns only after init has returned', () =>
    run(function* () {
      let initDone = false
      const Slow = GenServer.define({
        *init(n: number) {
          // Why yields: init spans several scheduler steps, so an early return would show.
          yield Process.yield()
          yield Process.yield()
          initDone = true
          return GenServer.ok(n)
        },
      })
      const pid = yield* startLinkOk(Slow, 1)
      assert.equal(initDone, true)
      assert.ok(linked(pid))
      assert.deepEqual(Process.info(pid)!.ancestors[0], self())
      const stack = yield* startLinkOk(Stack, [])
      assert.equal(Process.info(stack)!.initialCall, 'Stack.init/1')
      yield* GenServer.stop(pid)
      yield* GenServer.stop(stack)
    }))

  it('G-s1: start does not link the server to the caller', () =>
    run(function* () {
      const pid = yield* startOk(Stack, [])
      assert.equal(linked(pid), false)
      assert.equal(Process.info(pid)!.links.length, 0)
      yield* GenServer.stop(pid)
    }))

  it('G-s2: init returning ok with a timeout, hibernate or continue gives ["ok", pid]', () =>
    run(function* () {
      for (const extra of [10, 'infinity', 'hibernate', ['continue', 'go']] as const) {
        const M = GenServer.define({
          init: (_: null) => GenServer.ok('s', extra),
          handleContinue: (_c: unknown, s: string) => GenServer.noreply(s),
          handleInfo: (_m: unknown, s: string) => GenServer.noreply(s),
          handleCall: (_r: 'get', _f: GenServer.From, s: string) => GenServer.reply(s, s),
        })
        const r = yield* GenServer.start(M, null)
        assert.ok(Array.isArray(r) && r[0] === 'ok' && r[1] instanceof Pid, `extra ${String(extra)}`)
        assert.equal(yield* GenServer.call(r[1], 'get'), 's')
        yield* GenServer.stop(r[1])
      }
    }))

  it('G-s2: init returning ignore gives "ignore"; the server exits normal without terminate', () =>
    run(function* () {
      Process.trapExit(true)
      const me = self()
      const M = GenServer.define({
        init: (_: null) => 'ignore' as const,
        terminate: () => {
          send(me, 'terminate called')
        },
      })
      assert.equal(yield* GenServer.startLink(M, null), 'ignore')
      // OTP 25: the trapping starter keeps the EXIT of the ignored server.
      yield* assertReceive(['EXIT', anyPid, 'normal'])
      yield* refuteReceive('terminate called', 20)
    }))

  it('G-s2: init returning stop gives ["error", reason] and kills a non-trapping linked starter', () =>
    run(function* () {
      const me = self()
      const M = GenServer.define({
        init: (_: null) => ['stop', 'no_way'] as const,
        terminate: () => {
          send(me, 'terminate called')
        },
      })
      const [starter, ref] = Process.spawnMonitor(function* () {
        const r = yield* GenServer.startLink(M, null)
        send(me, ['returned', r])
      })
      yield* assertReceive(['DOWN', ref, 'process', starter, 'no_way'])
      yield* refuteReceive('terminate called', 20)

      // Not linked, the caller just gets the error.
      assert.deepEqual(yield* GenServer.start(M, null), ['error', 'no_way'])
    }))

  it('G-s2: init returning stop leaves ["EXIT", pid, reason] with a trapping starter (OTP 25)', () =>
    run(function* () {
      Process.trapExit(true)
      const M = GenServer.define({ init: (_: null) => ['stop', 'no_way'] as const })
      assert.deepEqual(yield* GenServer.startLink(M, null), ['error', 'no_way'])
      yield* assertReceive(['EXIT', anyPid, 'no_way'])
    }))

  it('G-s2: init raising gives ["error", [error, stack]] and the same exit signal to the linked starter', () =>
    run(function* () {
      Process.trapExit(true)
      const M = GenServer.define({
        init: (_: null): GenServer.InitResult<null> => {
          throw new Error('init failed')
        },
      })
      const r = yield* GenServer.startLink(M, null)
      assert.ok(Array.isArray(r) && r[0] === 'error')
      const reason = r[1] as [Error, string]
      assert.ok(reason[0] instanceof Error)
      assert.equal(reason[0].message, 'init failed')
      assert.equal(typeof reason[1], 'string')
      const [, , exitReason] = yield* assertReceive(['EXIT', anyPid, P._])
      // The same term (an EXIT carries its own copy of the reason; the Error in it is shared).
      assert.deepEqual(exitReason, reason)
      assert.equal((exitReason as [Error, string])[0], reason[0])

      // exit(reason) in init gives exactly that reason.
      const Exits = GenServer.define({ init: (_: null): GenServer.InitResult<null> => exit('bye') })
      assert.deepEqual(yield* GenServer.startLink(Exits, null), ['error', 'bye'])
      yield* assertReceive(['EXIT', anyPid, 'bye'])
    }))

  it('G-s2: init raising kills a non-trapping linked starter with the error', () =>
    quietly(function* () {
      const M = GenServer.define({
        init: (_: null): GenServer.InitResult<null> => {
          throw new Error('init failed')
        },
      })
      const [starter, ref] = Process.spawnMonitor(function* () {
        yield* GenServer.startLink(M, null)
      })
      const [, , , , reason] = yield* assertReceive(['DOWN', ref, 'process', starter, P._])
      assert.ok(Array.isArray(reason) && reason[0] instanceof Error && reason[0].message === 'init failed')
    }))

  it('G-s2: a name that is already registered gives ["error", ["already_started", pid]]', () =>
    run(function* () {
      const name = uniqueName('clash')
      const first = yield* startLinkOk(Stack, [], { name })
      assert.deepEqual(yield* GenServer.startLink(Stack, [], { name }), ['error', ['already_started', first]])
      const via = tinyVia()
      const viaFirst = yield* startLinkOk(Stack, [], { name: { via, key: 'k' } })
      assert.deepEqual(yield* GenServer.start(Stack, [], { name: { via, key: 'k' } }), [
        'error',
        ['already_started', viaFirst],
      ])
      yield* GenServer.stop(first)
      yield* GenServer.stop(viaFirst)
    }))

  it('G-s2: exceeding the start timeout gives ["error", "timeout"] and kills the server', () =>
    run(function* () {
      Process.trapExit(true)
      const me = self()
      const Stuck = GenServer.define({
        *init(_: null) {
          send(me, ['init', self()])
          yield* Process.receive('never')
          return GenServer.ok(null)
        },
      })
      assert.deepEqual(yield* GenServer.startLink(Stuck, null, { timeout: 20 }), ['error', 'timeout'])
      const [, pid] = yield* assertReceive(['init', anyPid])
      assert.equal(Process.alive(pid), false)
      // The starter unlinked before killing it: no EXIT is left behind.
      yield* refuteReceive(['EXIT', pid, P._], 20)
    }))

  it('G-s2: a bad init return gives ["error", ["bad_return_value", value]]', () =>
    run(function* () {
      const M = GenServer.define({ init: (_: null) => 'nope' as never })
      assert.deepEqual(yield* GenServer.start(M, null), ['error', ['bad_return_value', 'nope']])
      const Short = GenServer.define({ init: (_: null) => ['ok'] as never })
      assert.deepEqual(yield* GenServer.start(Short, null), ['error', ['bad_return_value', ['ok']]])
    }))

  it('G-s2: a failed init frees the name before start returns, so a retry can take it', () =>
    run(function* () {
      const name = uniqueName('retry')
      let fail = true
      const M = GenServer.define({
        init: (_: null) => (fail ? (['stop', 'not yet'] as const) : GenServer.ok(null)),
      })
      assert.deepEqual(yield* GenServer.start(M, null, { name }), ['error', 'not yet'])
      assert.equal(Process.whereis(name), undefined)
      fail = false
      const pid = yield* startOk(M, null, { name })
      assert.equal(Process.whereis(name), pid)
      yield* GenServer.stop(pid)
    }))

  it('G-s3: continue runs right after init, and a continue chain runs before the first message', () =>
    run(function* () {
      const me = self()
      const M = GenServer.define({
        init: (_: null) => {
          send(self(), 'first message')
          return GenServer.ok([] as string[], ['continue', 1])
        },
        handleContinue: (n: number, seen: string[]) =>
          n < 3
            ? GenServer.noreply([...seen, `continue ${n}`], ['continue', n + 1])
            : GenServer.noreply([...seen, `continue ${n}`]),
        handleInfo: (msg: string, seen: string[]) => {
          send(me, [...seen, msg])
          return GenServer.noreply([])
        },
      })
      const pid = yield* startLinkOk(M, null)
      yield* assertReceive(['continue 1', 'continue 2', 'continue 3', 'first message'])
      yield* GenServer.stop(pid)
    }))

  it('G-s3: handleCall, handleCast and handleInfo may return a continue too', () =>
    run(function* () {
      const me = self()
      const M = GenServer.define({
        init: (_: null) => GenServer.ok(0),
        handleCall: (_r: 'go', _f: GenServer.From, n: number) =>
          GenServer.reply('went', n, ['continue', 'after call']),
        handleCast: (_r: 'go', n: number) => GenServer.noreply(n, ['continue', 'after cast']),
        handleInfo: (_m: unknown, n: number) => GenServer.noreply(n, ['continue', 'after info']),
        handleContinue: (c: string, n: number) => {
          send(me, c)
          return GenServer.noreply(n)
        },
      })
      const pid = yield* startLinkOk(M, null)
      assert.equal(yield* GenServer.call(pid, 'go'), 'went')
      yield* assertReceive('after call')
      GenServer.cast(pid, 'go')
      yield* assertReceive('after cast')
      send(pid, 'hello')
      yield* assertReceive('after info')
      yield* GenServer.stop(pid)
    }))

  it('G-s4: with an idle timeout and no message, handleInfo gets "timeout"', () =>
    run(function* () {
      const pid = yield* startLinkOk(
        GenServer.define({ ...reporter(self()), init: (_: null) => GenServer.ok('s', 10) }),
        null,
      )
      yield* assertReceive(['info', 'timeout'], 1000)
      // The timeout fires once: it is not re-armed unless a callback returns one again.
      yield* refuteReceive(['info', 'timeout'], 50)
      yield* GenServer.stop(pid)
    }))

  it('G-s4: any message cancels the idle timeout', () =>
    run(function* () {
      const Early = GenServer.define({
        ...reporter(self()),
        init: (_: null) => {
          // Queued before the timeout is armed: the server takes it instead of timing out.
          send(self(), 'early')
          return GenServer.ok('s', 10)
        },
      })
      const pid = yield* startLinkOk(Early, null)
      yield* assertReceive(['info', 'early'])
      yield* refuteReceive(['info', 'timeout'], 50)
      // A reply with a timeout arms it again.
      const Timed = GenServer.define({
        ...reporter(self()),
        handleCall: (_r: 'arm', _f: GenServer.From, s: unknown) => GenServer.reply('armed', s, 5),
      })
      const timed = yield* startLinkOk(Timed, null)
      assert.equal(yield* GenServer.call(timed, 'arm'), 'armed')
      yield* assertReceive(['info', 'timeout'], 1000)
      yield* GenServer.stop(pid)
      yield* GenServer.stop(timed)
    }))

  it('G-s4: a message with no handleInfo to take it cancels the idle timeout too (Elixir’s default handle_info returns noreply)', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const NoInfo = GenServer.define({
          init: (_: null) => {
            send(self(), 'early')
            return GenServer.ok('s', 10)
          },
          handleCall: (_r: 'ping', _f: GenServer.From, s: string) => GenServer.reply('pong', s),
        })
        const pid = yield* startLinkOk(NoInfo, null)
        yield* Process.sleep(50)
        assert.equal(yield* GenServer.call(pid, 'ping'), 'pong')
        yield* GenServer.stop(pid)
      }),
    )
    assert.match(log, /received unexpected message in handleInfo: "early"/)
    assert.doesNotMatch(log, /received unexpected message in handleInfo: "timeout"/)
  })

  it('G-s4: an idle timeout with no handleInfo is logged as an unexpected "timeout" message', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const pid = yield* startLinkOk(GenServer.define({ init: (_: null) => GenServer.ok('s', 10) }), null)
        yield* Process.sleep(50)
        yield* GenServer.stop(pid)
      }),
    )
    assert.match(log, /received unexpected message in handleInfo: "timeout"/)
  })

  it('G-s5: the name may be undefined, null, a string, { via, key } or { global }', () =>
    run(function* () {
      const none = yield* startLinkOk(Stack, [], { name: undefined })
      assert.equal(Process.info(none)!.registeredName, undefined)
      const nil = yield* startLinkOk(Stack, [], { name: null as never })
      assert.equal(Process.info(nil)!.registeredName, undefined)

      const name = uniqueName('local')
      const local = yield* startLinkOk(Stack, ['a'], { name })
      assert.equal(Process.info(local)!.registeredName, name)
      assert.equal(yield* GenServer.call(name, 'pop'), 'a')

      const via = tinyVia()
      const key = 'viaKey'
      const viaPid = yield* startLinkOk(Stack, ['c'], { name: { via, key } })
      assert.equal(via.whereisName(key), viaPid)
      assert.equal(yield* GenServer.call({ via, key }, 'pop'), 'c')

      const globals = tinyVia()
      setGlobalNames(globals)
      try {
        const g = yield* startLinkOk(Stack, ['d'], { name: { global: 'g' } })
        assert.equal(globals.whereisName('g'), g)
        assert.equal(yield* GenServer.call({ global: 'g' }, 'pop'), 'd')
        yield* GenServer.stop(g)
      } finally {
        setGlobalNames(null)
      }
      for (const pid of [none, nil, local, viaPid]) yield* GenServer.stop(pid)
    }))

  it('G-s5: any other name throws ERR_BEAMISH_INVALID_NAME listing the valid forms and what was got', () =>
    run(function* () {
      for (const name of [
        42,
        '',
        ['invalid_tuple', 'my_gen_server_name'],
        { via: 'Via', key: 'x' },
        { local: 'x' },
        true,
      ]) {
        assert.throws(
          () => GenServer.startLink(Stack, [], { name: name as never }),
          (e: unknown) => {
            assert.ok(e instanceof BeamishError)
            assert.equal(e.code, 'ERR_BEAMISH_INVALID_NAME')
            assert.match(e.message, /expected the name option to be one of the following/)
            assert.match(e.message, /\n\nGot: /)
            return true
          },
        )
      }
      assert.throws(() => GenServer.start(Stack, [], { name: 42 as never }), /Got: 42/)
      // Nothing was started: the caller has no new links.
      assert.equal(Process.info(self())!.links.length, 0)
    }))

  it('G-s5: a global name without a global registry (no distribution) throws at start', () =>
    run(function* () {
      assert.throws(
        () => GenServer.start(Stack, [], { name: { global: 'g' } }),
        (e: unknown) => e instanceof BeamishError && e.code === 'ERR_BEAMISH_INVALID_NAME',
      )
    }))

  it('start options other than name, timeout and label throw ERR_BEAMISH_INVALID_OPTION', () =>
    run(function* () {
      assert.throws(
        () => GenServer.start(Stack, [], { nmae: 'x' } as never),
        (e: unknown) =>
          e instanceof BeamishError &&
          e.code === 'ERR_BEAMISH_INVALID_OPTION' &&
          /Got: "nmae"/.test(e.message),
      )
      assert.throws(() => GenServer.start(Stack, [], { timeout: -5 }), {
        code: 'ERR_BEAMISH_INVALID_TIMEOUT',
      })
      assert.throws(() => GenServer.start({} as never, [] as never), { code: 'ERR_BEAMISH_BADARG' })
    }))

  it('startLink outside any process throws ERR_BEAMISH_NOT_IN_PROCESS (the link needs an owner)', () => {
    assert.throws(() => GenServer.startLink(Stack, []), { code: 'ERR_BEAMISH_NOT_IN_PROCESS' })
  })
})

describe('§9.3 terminate and stop', () => {
  it('G-t1: terminate runs when a callback returns stop', () =>
    quietly(function* () {
      Process.trapExit(true)
      const pid = yield* startLinkOk(reporter(self()), 'state')
      GenServer.cast(pid, ['return', ['stop', 'custom', 'new state']])
      yield* assertReceive(['terminate', 'custom', 'new state'])
      yield* assertReceive(['EXIT', pid, 'custom'])
    }))

  it('G-t1: terminate runs with the error when a callback raises, with the state before the callback', () =>
    quietly(function* () {
      Process.trapExit(true)
      const pid = yield* startLinkOk(reporter(self()), 'state')
      GenServer.cast(pid, 'crash')
      const [, reason, state] = yield* assertReceive(['terminate', P._, P._])
      assert.equal(state, 'state')
      assert.ok(Array.isArray(reason) && reason[0] instanceof Error && reason[0].message === 'boom')
      const [, , exitReason] = yield* assertReceive(['EXIT', pid, P._])
      // terminate's report was a copied message; the link carries the reason itself.
      assert.deepEqual(exitReason, reason)
    }))

  it('G-t1: terminate runs with bad_return_value when a callback returns something invalid', () =>
    quietly(function* () {
      Process.trapExit(true)
      const pid = yield* startLinkOk(reporter(self()), 'state')
      GenServer.cast(pid, ['return', ['reply', 'not for a cast', 'x']])
      yield* assertReceive(['terminate', ['bad_return_value', ['reply', 'not for a cast', 'x']], 'state'])
      yield* assertReceive(['EXIT', pid, ['bad_return_value', ['reply', 'not for a cast', 'x']]])
    }))

  it('G-t1: terminate runs on GenServer.stop with the given reason', () =>
    run(function* () {
      const pid = yield* startLinkOk(reporter(self()), 'state')
      assert.equal(yield* GenServer.stop(pid, 'normal'), 'ok')
      yield* assertReceive(['terminate', 'normal', 'state'])
      const other = yield* startOk(reporter(self()), 'other')
      assert.equal(yield* GenServer.stop(other, ['shutdown', 'bye'], 1000), 'ok')
      yield* assertReceive(['terminate', ['shutdown', 'bye'], 'other'])
    }))

  it("G-t1: a trapping server terminates on its parent's EXIT, whatever the reason, even normal", () =>
    quietly(function* () {
      const me = self()
      const Trapping = trappingReporter(me)
      for (const reason of ['normal', 'shutdown', 'custom']) {
        const parent = Process.spawn(function* () {
          const pid = yield* startLinkOk(Trapping, reason)
          send(me, ['server', pid])
          yield* Process.receive('exit')
        })
        const [, pid] = yield* assertReceive(['server', anyPid])
        const ref = Process.monitor(pid)
        if (reason === 'normal') send(parent, 'exit')
        else Process.exit(parent, reason)
        yield* assertReceive(['terminate', reason, reason])
        yield* assertReceive(['DOWN', ref, 'process', pid, reason])
        yield* refuteReceive(['info', P._], 0)
      }
    }))

  it("G-t2: a non-trapping server ignores its parent's normal exit, and dies without terminate from another", () =>
    run(function* () {
      const me = self()
      for (const reason of ['normal', 'parent failed']) {
        const parent = Process.spawn(function* () {
          send(me, ['server', yield* startLinkOk(reporter(me), reason)])
          yield* Process.receive('exit')
          if (reason !== 'normal') Process.exit(self(), reason)
        })
        const [, pid] = yield* assertReceive(['server', anyPid])
        const ref = Process.monitor(pid)
        send(parent, 'exit')
        if (reason === 'normal') {
          yield* refuteReceive(['DOWN', ref, 'process', pid, P._], 20)
          assert.equal(Process.alive(pid), true)
          yield* GenServer.stop(pid, 'shutdown')
          yield* assertReceive(['terminate', 'shutdown', 'normal'])
        } else {
          yield* assertReceive(['DOWN', ref, 'process', pid, reason])
          yield* refuteReceive(['terminate', P._, P._], 20)
        }
      }
    }))

  it('G-t2: terminate is not called when a non-trapping server gets an exit signal', () =>
    run(function* () {
      const pid = yield* startOk(reporter(self()), 's')
      const ref = Process.monitor(pid)
      Process.exit(pid, 'boom')
      yield* assertReceive(['DOWN', ref, 'process', pid, 'boom'])
      yield* refuteReceive(['terminate', P._, P._], 20)
    }))

  it('G-t2: terminate is not called when the server is killed, even by its own exit(self(), kill)', () =>
    run(function* () {
      const me = self()
      const Trapping = GenServer.define({
        ...trappingReporter(me),
        handleCast: (_r: 'suicide', s: unknown) => {
          Process.exit(self(), 'kill')
          return GenServer.noreply(s)
        },
      })
      const pid = yield* startOk(Trapping, 's')
      const ref = Process.monitor(pid)
      Process.exit(pid, 'kill')
      yield* assertReceive(['DOWN', ref, 'process', pid, 'killed'])
      const self2 = yield* startOk(Trapping, 's')
      const ref2 = Process.monitor(self2)
      GenServer.cast(self2, 'suicide')
      yield* assertReceive(['DOWN', ref2, 'process', self2, 'killed'])
      yield* refuteReceive(['terminate', P._, P._], 20)
    }))

  it('G-t2: terminate is not called when init fails or returns ignore', () =>
    run(function* () {
      const me = self()
      for (const result of ['ignore', ['stop', 'no']] as const) {
        const M = GenServer.define({ ...reporter(me), init: (_: unknown) => result })
        yield* GenServer.start(M, null)
      }
      yield* refuteReceive(['terminate', P._, P._], 20)
    }))

  it("G-t3: a trapping server handles a non-parent's EXIT in handleInfo and keeps running", () =>
    run(function* () {
      const me = self()
      const Trapping = GenServer.define({
        ...trappingReporter(me),
        handleCall: (_r: 'spawnLinked', _f: GenServer.From, s: unknown) =>
          GenServer.reply(
            Process.spawnLink(() => Process.exit(self(), 'worker died')),
            s,
          ),
      })
      const pid = yield* startLinkOk(Trapping, 's')
      const worker = yield* GenServer.call(pid, 'spawnLinked')
      yield* assertReceive(['info', ['EXIT', worker, 'worker died']])
      assert.equal(Process.alive(pid), true)
      yield* refuteReceive(['terminate', P._, P._], 20)
      yield* GenServer.stop(pid)
    }))

  it('G-t4: stop returns ok once the server has exited with the reason', () =>
    run(function* () {
      const pid = yield* startOk(reporter(self()), 's')
      const ref = Process.monitor(pid)
      assert.equal(yield* GenServer.stop(pid), 'ok')
      assert.equal(Process.alive(pid), false)
      yield* assertReceive(['DOWN', ref, 'process', pid, 'normal'])
      yield* assertReceive(['terminate', 'normal', 's'])
    }))

  it("G-t4: stop exits noproc for a dead pid or an unknown name, in Elixir's shape", () =>
    run(function* () {
      const pid = yield* startOk(Stack, [])
      yield* GenServer.stop(pid)
      assert.deepEqual(yield* catchExit(GenServer.stop(pid)), [
        'noproc',
        ['GenServer', 'stop', [pid, 'normal', Number.POSITIVE_INFINITY]],
      ])
      assert.deepEqual(yield* catchExit(GenServer.stop('nobody here', 'shutdown', 10)), [
        'noproc',
        ['GenServer', 'stop', ['nobody here', 'shutdown', 10]],
      ])
      const via = tinyVia()
      assert.deepEqual(yield* catchExit(GenServer.stop({ via, key: 'k' })), [
        'noproc',
        ['GenServer', 'stop', [{ via, key: 'k' }, 'normal', Number.POSITIVE_INFINITY]],
      ])
    }))

  it('G-t4: stop exits calling_self from inside the server', () =>
    run(function* () {
      const pid = yield* startOk(Stack, [])
      assert.deepEqual(yield* GenServer.call(pid, 'stopSelf'), [
        'calling_self',
        ['GenServer', 'stop', [pid, 'normal', Number.POSITIVE_INFINITY]],
      ])
      yield* GenServer.stop(pid)
    }))

  it('G-t4: stop exits timeout when the server does not stop in time, and the server lives on', () =>
    run(function* () {
      const Busy = GenServer.define({
        init: (_: null) => GenServer.ok(null),
        *handleCast(_r: 'block', s: null) {
          yield* Process.receive('unblock')
          return GenServer.noreply(s)
        },
      })
      const pid = yield* startOk(Busy, null)
      GenServer.cast(pid, 'block')
      assert.deepEqual(yield* catchExit(GenServer.stop(pid, 'normal', 10)), [
        'timeout',
        ['GenServer', 'stop', [pid, 'normal', 10]],
      ])
      assert.equal(Process.alive(pid), true)
      const ref = Process.monitor(pid)
      send(pid, 'unblock')
      // The stop request is still queued: the server handles it next.
      yield* assertReceive(['DOWN', ref, 'process', pid, 'normal'], 1000)
    }))

  it('G-t4: stop exits with the actual reason when the server ends with another one', () =>
    quietly(function* () {
      const M = GenServer.define({
        ...reporter(self()),
        terminate: () => {
          throw new Error('terminate failed')
        },
      })
      const pid = yield* startOk(M, 's')
      const reason = (yield* catchExit(GenServer.stop(pid))) as [unknown, unknown]
      const [actual, where] = reason as [[Error, string], unknown]
      assert.ok(actual[0] instanceof Error && actual[0].message === 'terminate failed')
      assert.deepEqual(where, ['GenServer', 'stop', [pid, 'normal', Number.POSITIVE_INFINITY]])
    }))

  it('a stopping server releases only the names it still holds, never their new owner', () =>
    run(function* () {
      const name = uniqueName('moved')
      const via = tinyVia()
      const pid = yield* startLinkOk(Stack, [], { name })
      const viaPid = yield* startLinkOk(Stack, [], { name: { via, key: name } })
      // Both names move to another process while the servers run.
      const other = Process.spawnLink(function* () {
        yield* Process.receive('stop')
      })
      Process.unregister(name)
      Process.register(name, other)
      via.unregisterName(name)
      via.registerName(name, other)
      yield* GenServer.stop(pid)
      yield* GenServer.stop(viaPid)
      assert.equal(Process.whereis(name), other)
      assert.equal(via.whereisName(name), other)
      send(other, 'stop')
    }))

  it('G-t5: the exit signal to links carries the stop reason; only abnormal reasons are logged', async () => {
    const log = await captureLog(() =>
      run(function* () {
        Process.trapExit(true)
        for (const reason of ['normal', 'shutdown', ['shutdown', 'tidy'], 'custom failure']) {
          const pid = yield* startLinkOk(reporter(self()), 's')
          GenServer.cast(pid, ['return', ['stop', reason, 's']])
          yield* assertReceive(['EXIT', pid, reason])
        }
      }),
    )
    assert.equal(log.match(/terminating/g)?.length, 1, log)
    assert.match(log, /\[error\] GenServer #PID<[\d.]+> terminating\n\*\* \(stop\) "custom failure"/)
  })

  it('G-t6: the parent is the startLink caller; a server from start has no parent to obey', () =>
    run(function* () {
      const me = self()
      const Trapping = trappingReporter(me)
      const linkedServer = yield* startLinkOk(Trapping, 'linked')
      assert.deepEqual(Process.info(linkedServer)!.ancestors[0], me)

      // Started without a link, then linked by hand: the starter's EXIT is just a message.
      const starter = Process.spawn(function* () {
        const pid = yield* startOk(Trapping, 'unlinked')
        Process.link(pid)
        send(me, ['server', pid])
        yield* Process.receive('exit')
        Process.exit(self(), 'starter gone')
      })
      const [, pid] = yield* assertReceive(['server', anyPid])
      send(starter, 'exit')
      yield* assertReceive(['info', ['EXIT', starter, 'starter gone']])
      assert.equal(Process.alive(pid), true)
      yield* refuteReceive(['terminate', P._, 'unlinked'], 20)
      yield* GenServer.stop(pid)
      yield* GenServer.stop(linkedServer)
    }))
})

describe('crash reports and default callbacks', () => {
  it("logs an abnormal stop in Elixir's words: terminating, the error, last message, state, client", async () => {
    let server: Pid | undefined
    let client: Pid | undefined
    const log = await captureLog(() =>
      run(function* () {
        Process.trapExit(true)
        client = self()
        server = yield* startLinkOk(reporter(self()), { count: 0 })
        yield* catchExit(GenServer.call(server, 'crash'))
      }),
    )
    assert.ok(server !== undefined && client !== undefined)
    assert.ok(log.includes(`[error] GenServer ${server} terminating\n** (Error) boom\n`), log)
    assert.ok(log.includes(`Last message (from ${client}): "crash"`), log)
    assert.ok(log.includes('State: { count: 0 }'), log)
    assert.ok(log.includes(`Client ${client} is alive`), log)
  })

  it('names the server and shows a cast or plain message as the last message', async () => {
    const name = uniqueName('reported')
    const log = await captureLog(() =>
      run(function* () {
        Process.trapExit(true)
        const pid = yield* startLinkOk(reporter(self()), 's', { name })
        GenServer.cast(pid, 'crash')
        yield* assertReceive(['EXIT', pid, P._])
        const Info = GenServer.define({
          init: (_: null) => GenServer.ok(null),
          handleInfo: (_m: unknown, _s: null): GenServer.NoReplyResult<null> => {
            throw new Error('info boom')
          },
        })
        const info = yield* startLinkOk(Info, null)
        send(info, ['some', 'message'])
        yield* assertReceive(['EXIT', info, P._])
      }),
    )
    assert.match(log, new RegExp(`GenServer ${name} terminating\\n\\*\\* \\(Error\\) boom`))
    assert.match(log, /Last message: \[ '\$gen_cast', 'crash' \]/)
    assert.match(log, /\*\* \(Error\) info boom[\s\S]*Last message: \[ 'some', 'message' \]/)
  })

  it('names a via server by its key, and a client on another node as remote', async () => {
    const log = await captureLog(() =>
      run(function* () {
        Process.trapExit(true)
        const via = tinyVia()
        const pid = yield* startLinkOk(reporter(self()), 's', {
          name: { via, key: ['Registry', 'worker-1'] },
        })
        // A call as it arrives from a peer node: the client pid is remote.
        const remote = new Pid(nodeRef('peer@host', 1), 42, 0)
        send(pid, ['$gen_call', [remote, Process.makeRef()], 'crash'])
        yield* assertReceive(['EXIT', pid, P._])
      }),
    )
    assert.match(log, /GenServer \[ 'Registry', 'worker-1' \] terminating/)
    assert.match(log, /Client #PID<\d+\.42\.0> is remote on node peer@host/)
  })

  it('says the client is dead when the caller died before the server crashed', async () => {
    let caller: Pid | undefined
    const log = await captureLog(() =>
      run(function* () {
        const me = self()
        const Slow = GenServer.define({
          init: (_: null) => GenServer.ok(null),
          *handleCall(_r: 'crash later', _f: GenServer.From, _s: null) {
            yield* Process.receive('crash now')
            throw new Error('late boom')
          },
        })
        const pid = yield* startOk(Slow, null)
        const ref = Process.monitor(pid)
        const [c, cref] = Process.spawnMonitor(function* () {
          send(me, 'calling')
          yield* GenServer.call(pid, 'crash later')
        })
        caller = c
        yield* assertReceive('calling')
        Process.exit(c, 'kill')
        yield* assertReceive(['DOWN', cref, 'process', c, 'killed'])
        send(pid, 'crash now')
        yield* assertReceive(['DOWN', ref, 'process', pid, P._])
      }),
    )
    assert.ok(log.includes(`Client ${caller} is dead`), log)
  })

  it('formatStatus changes the state shown in reports', async () => {
    const log = await captureLog(() =>
      run(function* () {
        Process.trapExit(true)
        const M = GenServer.define({
          ...reporter(self()),
          formatStatus: (status: GenServer.Status) => ({ ...status, state: '<redacted>' }),
        })
        const pid = yield* startLinkOk(M, { password: 'hunter2' })
        GenServer.cast(pid, 'crash')
        yield* assertReceive(['EXIT', pid, P._])
      }),
    )
    assert.match(log, /State: "<redacted>"/)
    assert.doesNotMatch(log, /hunter2/)
  })

  it('without handleInfo, an unexpected message is logged as an error and dropped', async () => {
    let pid: Pid | undefined
    const name = uniqueName('noinfo')
    const log = await captureLog(() =>
      run(function* () {
        pid = yield* startLinkOk(Stack, ['x'])
        send(pid, 'unexpected')
        assert.equal(yield* GenServer.call(pid, 'pop'), 'x')
        const named = yield* startLinkOk(Stack, [], { name })
        send(named, ['also', 'unexpected'])
        yield* GenServer.stop(pid)
        yield* GenServer.stop(named)
      }),
    )
    assert.ok(
      log.includes(`[error] Stack ${pid} received unexpected message in handleInfo: "unexpected"`),
      log,
    )
    assert.ok(
      log.includes(
        `[error] Stack ${name} received unexpected message in handleInfo: [ 'also', 'unexpected' ]`,
      ),
      log,
    )
  })

  it('without handleCall, a call crashes the server with "attempted to call GenServer … but no handleCall callback was provided"', () =>
    quietly(function* () {
      const M = GenServer.define({ init: (_: null) => GenServer.ok(null) })
      const pid = yield* startOk(M, null)
      const reason = (yield* catchExit(GenServer.call(pid, 'hello'))) as [[Error, string], unknown]
      assert.ok(reason[0][0] instanceof Error)
      assert.equal(
        reason[0][0].message,
        `attempted to call GenServer ${pid} but no handleCall callback was provided`,
      )
      assert.deepEqual(reason[1], ['GenServer', 'call', [pid, 'hello', 5000]])
    }))

  it('without handleCast, a cast crashes the server with "attempted to cast GenServer … but no handleCast callback was provided"', () =>
    quietly(function* () {
      const name = uniqueName('nocast')
      const M = GenServer.define({ init: (_: null) => GenServer.ok(null) })
      const pid = yield* startOk(M, null, { name })
      const ref = Process.monitor(pid)
      GenServer.cast(pid, 'hello')
      const [, , , , reason] = yield* assertReceive(['DOWN', ref, 'process', pid, P._])
      assert.ok(Array.isArray(reason) && reason[0] instanceof Error)
      assert.equal(
        reason[0].message,
        `attempted to cast GenServer ${name} but no handleCast callback was provided`,
      )
    }))

  it('returning a continue without handleContinue stops the server with undef', () =>
    quietly(function* () {
      // Why a link: the continue runs before startLink returns, so a monitor would come too late.
      Process.trapExit(true)
      const M = GenServer.define({ init: (_: null) => GenServer.ok(null, ['continue', 'x']) })
      const pid = yield* startLinkOk(M, null)
      yield* assertReceive(['EXIT', pid, 'undef'])
    }))
})

describe('getState and replaceState', () => {
  it('getState returns the state and replaceState swaps it for fn(state)', () =>
    run(function* () {
      const pid = yield* startLinkOk(Stack, ['a', 'b'])
      assert.deepEqual(yield* GenServer.getState(pid), ['a', 'b'])
      assert.deepEqual(yield* GenServer.replaceState(pid, (s: string[]) => ['z', ...s]), ['z', 'a', 'b'])
      assert.equal(yield* GenServer.call(pid, 'pop'), 'z')
      assert.deepEqual(yield* GenServer.getState(pid), ['a', 'b'])
      yield* GenServer.stop(pid)
    }))

  it('a failing replaceState function leaves the state alone and raises in the caller', () =>
    run(function* () {
      const pid = yield* startLinkOk(Stack, ['a'])
      let raised: unknown
      try {
        yield* GenServer.replaceState(pid, () => {
          throw new Error('bad fn')
        })
      } catch (e) {
        raised = e
      }
      assert.ok(raised instanceof Error, String(raised))
      assert.deepEqual(yield* GenServer.getState(pid), ['a'])
      yield* GenServer.stop(pid)
    }))

  it("getState on a dead server exits noproc in :sys's shape", () =>
    run(function* () {
      const pid = yield* startOk(Stack, [])
      yield* GenServer.stop(pid)
      assert.deepEqual(yield* catchExit(GenServer.getState(pid)), [
        'noproc',
        ['sys', 'getState', [pid, 5000]],
      ])
    }))
})

describe("Elixir's gen_server_test.exs", () => {
  it('start_link/2, call/2 and cast/2: a linked Stack pops, pushes and stops; casts to nobody return ok', () =>
    run(function* () {
      const pid = yield* startLinkOk(Stack, ['hello'])
      assert.ok(linked(pid))
      assert.equal(yield* GenServer.call(pid, 'pop'), 'hello')
      assert.equal(GenServer.cast(pid, ['push', 'world']), 'ok')
      assert.equal(yield* GenServer.call(pid, 'pop'), 'world')
      assert.equal(yield* GenServer.stop(pid), 'ok')
      assert.equal(GenServer.cast({ global: 'foo' }, ['push', 'world']), 'ok')
      assert.equal(GenServer.cast({ via: tinyVia(), key: 'bar' }, ['push', 'world']), 'ok')
      assert.equal(GenServer.cast('foo', ['push', 'world']), 'ok')
    }))

  it('start/2: an unlinked Stack is not among the caller links', () =>
    run(function* () {
      const pid = yield* startOk(Stack, ['hello'])
      assert.equal(linked(pid), false)
      yield* GenServer.stop(pid)
    }))

  it('start_link/3: a bad name raises "expected the name option to be one of the following" with Got:', () =>
    run(function* () {
      assert.throws(
        () => GenServer.startLink(Stack, ['hello'], { name: 7 as never }),
        /expected the name option to be one of the following/,
      )
      assert.throws(
        () => GenServer.startLink(Stack, ['hello'], { name: ['invalid_tuple', 'x'] as never }),
        /one of the following/,
      )
      assert.throws(
        () => GenServer.startLink(Stack, ['hello'], { name: { via: 'Via', key: 'x' } as never }),
        /one of the following/,
      )
      assert.throws(() => GenServer.startLink(Stack, ['hello'], { name: 7 as never }), /Got: 7/)
    }))

  it('start_link/3 with via, global and local names answers calls by that name', () =>
    run(function* () {
      const via = tinyVia()
      yield* startLinkOk(Stack, ['via hello'], { name: { via, key: 'via_stack' } })
      assert.equal(yield* GenServer.call({ via, key: 'via_stack' }, 'pop'), 'via hello')
      const globals = tinyVia()
      setGlobalNames(globals)
      try {
        yield* startLinkOk(Stack, ['global hello'], { name: { global: 'global_stack' } })
        assert.equal(yield* GenServer.call({ global: 'global_stack' }, 'pop'), 'global hello')
        yield* GenServer.stop({ global: 'global_stack' })
      } finally {
        setGlobalNames(null)
      }
      const name = uniqueName('stack')
      yield* startLinkOk(Stack, ['local hello'], { name })
      assert.equal(yield* GenServer.call(name, 'pop'), 'local hello')
      yield* GenServer.stop(name)
      yield* GenServer.stop({ via, key: 'via_stack' })
    }))

  it('nil name: a server started with name null is not registered', () =>
    run(function* () {
      const pid = yield* startLinkOk(Stack, ['hello'], { name: null as never })
      assert.equal(Process.info(pid)!.registeredName, undefined)
      yield* GenServer.stop(pid)
    }))

  it('whereis/1: resolves local names, [name, node], pids, via and global names', () =>
    run(function* () {
      const name = uniqueName('whereis_server')
      const pid = yield* startLinkOk(Stack, [], { name })
      assert.equal(GenServer.whereis(name), pid)
      assert.equal(GenServer.whereis([name, Process.nodeName()]), pid)
      assert.deepEqual(GenServer.whereis([name, 'another@node']), [name, 'another@node'])
      assert.equal(GenServer.whereis(pid), pid)
      assert.equal(GenServer.whereis('whereis_bad_server'), undefined)
      const via = tinyVia()
      const viaPid = yield* startLinkOk(Stack, [], { name: { via, key: name } })
      assert.equal(GenServer.whereis({ via, key: name }), viaPid)
      assert.equal(GenServer.whereis({ via, key: 'whereis_bad_server' }), undefined)
      assert.equal(GenServer.whereis({ global: name }), undefined)
      yield* GenServer.stop(pid)
      yield* GenServer.stop(viaPid)
    }))

  it('stop/3: stops with a reason, exits noproc once stopped, calling_self from inside, and works by name', () =>
    run(function* () {
      const pid = yield* startOk(Stack, [])
      assert.equal(yield* GenServer.stop(pid, 'normal'), 'ok')
      assert.deepEqual(yield* catchExit(GenServer.stop(pid)), [
        'noproc',
        ['GenServer', 'stop', [pid, 'normal', Number.POSITIVE_INFINITY]],
      ])
      const other = yield* startOk(Stack, [])
      assert.deepEqual(yield* GenServer.call(other, 'stopSelf'), [
        'calling_self',
        ['GenServer', 'stop', [other, 'normal', Number.POSITIVE_INFINITY]],
      ])
      yield* GenServer.stop(other)
      const name = uniqueName('stop')
      yield* startOk(Stack, [], { name })
      assert.equal(yield* GenServer.stop(name, 'normal'), 'ok')
      assert.equal(Process.whereis(name), undefined)
    }))
})
