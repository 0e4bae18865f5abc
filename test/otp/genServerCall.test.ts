/**
 * GenServer calls, casts and replies (semantics.md §9.2, §8 AL2), Elixir 1.14's "call/3 exit
 * messages", and the three kinds of callbacks (plain, async, generator) and callers (generator
 * process, async process, plain async code outside any process).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BeamishError, ExitError } from '../../src/Errors.ts'
import { GenServer, List, P, Pid, Process, Ref } from '../../src/index.ts'
import { setGlobalNames } from '../../src/internal/gen.ts'
import { assertReceive, refuteReceive, run } from '../../src/testing/index.ts'
import { Stack, startLinkOk, startOk, tinyVia } from './genServerHelpers.ts'
import { catchExit, quietly, uniqueName } from './helpers.ts'

const { self, send } = Process
const anyPid = P.instanceOf(Pid)

/** A server whose calls run the function they carry: `call(pid, (from, state) => result)`. */
const Scripted = GenServer.define({
  name: 'Scripted',
  init: (s: unknown) => GenServer.ok(s),
  handleCall: (fn: (from: GenServer.From, s: unknown) => unknown, from: GenServer.From, s: unknown) =>
    fn(from, s) as GenServer.CallResult<unknown, unknown>,
  handleCast: (fn: (s: unknown) => unknown, s: unknown) => fn(s) as GenServer.NoReplyResult<unknown>,
})

/** The exit reason an awaited operation rejects with. */
async function exitReasonOf(op: PromiseLike<unknown>): Promise<unknown> {
  try {
    await op
  } catch (e) {
    if (e instanceof ExitError) return e.reason
    throw e
  }
  return assert.fail('expected the operation to exit')
}

describe('§9.2 call, cast and reply', () => {
  it('G-c1: a call sends ["$gen_call", [caller, [alias | monitorRef]], request] and takes [tag, reply]', () =>
    run(function* () {
      const me = self()
      // A raw process playing the server: it shows what it got, and answers through the pid
      // the first time and through the alias the second.
      const raw = Process.spawnLink(function* () {
        for (const via of ['pid', 'alias']) {
          const m = yield* Process.receive(['$gen_call', [anyPid, P._], P._])
          send(me, ['seen', m])
          const [, [from, tag]] = m
          send(via === 'pid' ? from : ((tag as List).tail as Ref), [tag, `pong via ${via}`])
        }
      })
      assert.equal(yield* GenServer.call(raw, 'ping'), 'pong via pid')
      const [, seen] = yield* assertReceive(['seen', P._])
      const [, [from, tag], request] = seen as [string, [Pid, unknown], unknown]
      assert.equal(from, me)
      assert.equal(request, 'ping')
      assert.ok(tag instanceof List)
      assert.deepEqual(tag.items, ['alias'])
      assert.ok(tag.tail instanceof Ref)
      assert.equal(yield* GenServer.call(raw, 'ping'), 'pong via alias')
      // The reply consumed the monitor: no DOWN follows when the raw server ends.
      yield* refuteReceive(['DOWN', P._, P._, P._, P._], 20)
    }))

  it('G-c1: handleCall gets from = [callerPid, tag], and the default timeout is 5000 ms', () =>
    run(function* () {
      const pid = yield* startLinkOk(Scripted, null)
      const from = (yield* GenServer.call(pid, (f: GenServer.From, s: unknown) =>
        GenServer.reply(f, s),
      )) as GenServer.From
      assert.equal(from[0], self())
      assert.ok(from[1] instanceof List && from[1].tail instanceof Ref)
      yield* GenServer.stop(pid)
      assert.deepEqual(yield* catchExit(GenServer.call(pid as Pid, 'req')), [
        'noproc',
        ['GenServer', 'call', [pid, 'req', 5000]],
      ])
    }))

  it('G-c1: the timeout is an integer ≥ 0 or Infinity; anything else throws ERR_BEAMISH_INVALID_TIMEOUT', () =>
    run(function* () {
      const pid = yield* startLinkOk(Stack, ['a', 'b'])
      assert.equal(yield* GenServer.call(pid, 'pop', Number.POSITIVE_INFINITY), 'a')
      // 0 is valid, and as on the BEAM the server cannot answer before it runs.
      assert.deepEqual(yield* catchExit(GenServer.call(pid, 'pop', 0)), [
        'timeout',
        ['GenServer', 'call', [pid, 'pop', 0]],
      ])
      for (const t of [-1, 1.5, Number.NaN, '100', null]) {
        assert.throws(
          () => GenServer.call(pid, 'pop', t as never),
          (e: unknown) =>
            e instanceof BeamishError && e.code === 'ERR_BEAMISH_INVALID_TIMEOUT' && /got: /.test(e.message),
        )
      }
      assert.throws(() => GenServer.call(42 as never, 'pop'), { code: 'ERR_BEAMISH_BADARG' })
      yield* GenServer.stop(pid)
    }))

  it('G-c2: cast sends ["$gen_cast", request] and returns ok, even to dead pids, unknown names and other nodes', () =>
    run(function* () {
      const me = self()
      const raw = Process.spawnLink(function* () {
        send(me, ['seen', yield* Process.receive()])
      })
      assert.equal(GenServer.cast(raw, { hello: 'world' }), 'ok')
      yield* assertReceive(['seen', ['$gen_cast', { hello: 'world' }]])
      const dead = Process.spawn(() => undefined)
      const ref = Process.monitor(dead)
      yield* assertReceive(['DOWN', ref, 'process', dead, P._])
      assert.equal(GenServer.cast(dead, 'x'), 'ok')
      assert.equal(GenServer.cast('nobody', 'x'), 'ok')
      assert.equal(GenServer.cast(['nobody', 'bogus@node'], 'x'), 'ok')
      assert.equal(GenServer.cast([uniqueName('nobody'), Process.nodeName()], 'x'), 'ok')
      assert.equal(GenServer.cast({ via: tinyVia(), key: 'nobody' }, 'x'), 'ok')
      assert.equal(GenServer.cast({ global: 'nobody' }, 'x'), 'ok')
    }))

  it('G-c3: a call that times out exits with timeout and leaves the server running', () =>
    run(function* () {
      const pid = yield* startLinkOk(Stack, ['still here'])
      assert.deepEqual(yield* catchExit(GenServer.call(pid, 'noreply', 1)), [
        'timeout',
        ['GenServer', 'call', [pid, 'noreply', 1]],
      ])
      assert.equal(Process.alive(pid), true)
      assert.equal(yield* GenServer.call(pid, 'pop'), 'still here')
      yield* GenServer.stop(pid)
    }))

  it("G-c3: a call to a dead pid or an unregistered name exits with noproc in Elixir's shape", () =>
    run(function* () {
      const pid = yield* startOk(Stack, [])
      yield* GenServer.stop(pid)
      assert.deepEqual(yield* catchExit(GenServer.call(pid, 'pop', 5000)), [
        'noproc',
        ['GenServer', 'call', [pid, 'pop', 5000]],
      ])
      assert.deepEqual(yield* catchExit(GenServer.call('no such name', 'pop')), [
        'noproc',
        ['GenServer', 'call', ['no such name', 'pop', 5000]],
      ])
      const local = uniqueName('gone')
      assert.deepEqual(yield* catchExit(GenServer.call([local, Process.nodeName()], 'pop')), [
        'noproc',
        ['GenServer', 'call', [[local, Process.nodeName()], 'pop', 5000]],
      ])
      const via = tinyVia()
      assert.deepEqual(yield* catchExit(GenServer.call({ via, key: 'k' }, 'pop')), [
        'noproc',
        ['GenServer', 'call', [{ via, key: 'k' }, 'pop', 5000]],
      ])
      assert.deepEqual(yield* catchExit(GenServer.call({ global: 'g' }, 'pop')), [
        'noproc',
        ['GenServer', 'call', [{ global: 'g' }, 'pop', 5000]],
      ])
    }))

  it('G-c3: a call to a name on an unreachable node exits with ["nodedown", node]', () =>
    run(function* () {
      assert.deepEqual(yield* catchExit(GenServer.call(['stack', 'bogus@node'], 'pop', 5000)), [
        ['nodedown', 'bogus@node'],
        ['GenServer', 'call', [['stack', 'bogus@node'], 'pop', 5000]],
      ])
    }))

  it('G-c3: calling yourself exits with calling_self, by pid, local name, via and global name', () =>
    run(function* () {
      const me = self()
      const name = uniqueName('self')
      Process.register(name, me)
      const via = tinyVia()
      via.registerName('me', me)
      const globals = tinyVia()
      globals.registerName('me', me)
      setGlobalNames(globals)
      try {
        for (const server of [
          me,
          name,
          [name, Process.nodeName()] as const,
          { via, key: 'me' },
          { global: 'me' },
        ]) {
          assert.deepEqual(yield* catchExit(GenServer.call(server, 'pop', 5000)), [
            'calling_self',
            ['GenServer', 'call', [server, 'pop', 5000]],
          ])
        }
      } finally {
        setGlobalNames(null)
      }
    }))

  it("G-c3: when the server dies during the call, the caller exits with the server's reason", () =>
    quietly(function* () {
      const pid = yield* startOk(Scripted, null)
      const [crash, where] = (yield* catchExit(
        GenServer.call(pid, () => {
          throw new Error('boom')
        }),
      )) as [[Error, string], unknown]
      assert.ok(crash[0] instanceof Error && crash[0].message === 'boom')
      assert.equal(typeof crash[1], 'string')
      assert.equal((where as unknown[])[0], 'GenServer')

      for (const reason of ['custom', 'normal', 'shutdown', ['shutdown', 'tidy']]) {
        const server = yield* startOk(Scripted, 's')
        const fn = (_f: GenServer.From, s: unknown) => ['stop', reason, s]
        assert.deepEqual(yield* catchExit(GenServer.call(server, fn, 1000)), [
          reason,
          ['GenServer', 'call', [server, fn, 1000]],
        ])
      }
    }))

  it('G-c4: reply may carry a timeout, hibernate or continue as a fourth element', () =>
    run(function* () {
      const me = self()
      const M = GenServer.define({
        init: (_: null) => GenServer.ok(0),
        handleCall: (extra: GenServer.Extra, _f: GenServer.From, n: number) =>
          GenServer.reply(extra, n + 1, extra),
        handleInfo: (m: unknown, n: number) => {
          send(me, ['info', m, n])
          return GenServer.noreply(n)
        },
        handleContinue: (c: unknown, n: number) => {
          send(me, ['continue', c, n])
          return GenServer.noreply(n)
        },
      })
      const pid = yield* startLinkOk(M, null)
      assert.equal(yield* GenServer.call(pid, 'hibernate'), 'hibernate')
      assert.deepEqual(yield* GenServer.call(pid, ['continue', 'c']), ['continue', 'c'])
      yield* assertReceive(['continue', 'c', 2])
      assert.equal(yield* GenServer.call(pid, 5), 5)
      yield* assertReceive(['info', 'timeout', 3], 1000)
      yield* GenServer.stop(pid)
    }))

  it('G-c4: noreply defers the reply, which another process may send with replyTo', () =>
    run(function* () {
      const M = GenServer.define({
        init: (_: null) => GenServer.ok(null),
        handleCall: (req: string, from: GenServer.From, s: null) => {
          Process.spawn(() => GenServer.replyTo(from, `deferred ${req}`))
          return GenServer.noreply(s)
        },
      })
      const pid = yield* startLinkOk(M, null)
      assert.equal(yield* GenServer.call(pid, 'answer'), 'deferred answer')
      assert.throws(() => GenServer.replyTo('not a from' as never, 1), { code: 'ERR_BEAMISH_BADARG' })
      yield* GenServer.stop(pid)
    }))

  it('G-c4: stop with a reply answers the caller first, then runs terminate', () =>
    run(function* () {
      Process.trapExit(true)
      const me = self()
      const M = GenServer.define({
        init: (_: null) => GenServer.ok('s'),
        handleCall: (_r: 'bye', _f: GenServer.From, s: string) =>
          ['stop', 'normal', 'goodbye', `${s}!`] as const,
        terminate: (reason: unknown, s: string) => {
          send(me, ['terminate', reason, s])
        },
      })
      const pid = yield* startLinkOk(M, null)
      assert.equal(yield* GenServer.call(pid, 'bye'), 'goodbye')
      yield* assertReceive(['terminate', 'normal', 's!'])
      yield* assertReceive(['EXIT', pid, 'normal'])
    }))

  it('G-c4: stop without a reply makes the caller exit with the stop reason after terminate', () =>
    run(function* () {
      const me = self()
      const M = GenServer.define({
        init: (_: null) => GenServer.ok('s'),
        handleCall: (_r: 'bye', _f: GenServer.From, s: string) => ['stop', 'shutdown', s] as const,
        terminate: (reason: unknown) => {
          send(me, ['terminate', reason])
        },
      })
      const pid = yield* startOk(M, null)
      assert.deepEqual(yield* catchExit(GenServer.call(pid, 'bye')), [
        'shutdown',
        ['GenServer', 'call', [pid, 'bye', 5000]],
      ])
      yield* assertReceive(['terminate', 'shutdown'])
    }))

  it('G-c4: handleCast, handleInfo and handleContinue return noreply or stop', () =>
    quietly(function* () {
      Process.trapExit(true)
      const M = GenServer.define({
        init: (_: null) => GenServer.ok(0),
        handleCast: (r: 'inc' | 'stop', n: number) =>
          r === 'inc' ? GenServer.noreply(n + 1) : (['stop', 'cast stop', n] as const),
        handleInfo: (r: 'inc' | 'stop', n: number) =>
          r === 'inc' ? GenServer.noreply(n + 1) : (['stop', 'info stop', n] as const),
        handleContinue: (r: 'stop', n: number) => ['stop', r, n] as const,
        handleCall: (_r: 'get' | 'continue', _f: GenServer.From, n: number) =>
          GenServer.reply(n, n, _r === 'get' ? 'infinity' : ['continue', 'stop']),
      })
      const a = yield* startLinkOk(M, null)
      GenServer.cast(a, 'inc')
      send(a, 'inc')
      assert.equal(yield* GenServer.call(a, 'get'), 2)
      GenServer.cast(a, 'stop')
      yield* assertReceive(['EXIT', a, 'cast stop'])
      const b = yield* startLinkOk(M, null)
      send(b, 'stop')
      yield* assertReceive(['EXIT', b, 'info stop'])
      const c = yield* startLinkOk(M, null)
      assert.equal(yield* GenServer.call(c, 'continue'), 0)
      yield* assertReceive(['EXIT', c, 'stop'])
    }))

  it('G-c4: a bad handleCall result stops the server with bad_return_value, which the caller exits with', () =>
    quietly(function* () {
      const pid = yield* startOk(Scripted, null)
      const fn = () => ['reply', 'too short']
      assert.deepEqual(yield* catchExit(GenServer.call(pid, fn)), [
        ['bad_return_value', ['reply', 'too short']],
        ['GenServer', 'call', [pid, fn, 5000]],
      ])
    }))

  it('G-c5: messages that are not calls, casts or system messages go to handleInfo', () =>
    run(function* () {
      const me = self()
      const M = GenServer.define({
        init: (_: null) => GenServer.ok(null),
        handleInfo: (m: unknown, s: null) => {
          send(me, ['info', m])
          return GenServer.noreply(s)
        },
      })
      const pid = yield* startLinkOk(M, null)
      for (const m of ['plain', ['$gen_call', 'malformed'], ['$gen_cast'], ['system', 'malformed', 1], 42]) {
        send(pid, m)
        yield* assertReceive(['info', m])
      }
      yield* GenServer.stop(pid)
    }))

  it('AL2: a reply that comes after the call timed out never reaches the caller mailbox', () =>
    run(function* () {
      const me = self()
      const Late = GenServer.define({
        init: (_: null) => GenServer.ok(null as GenServer.From | null),
        handleCall: (_r: 'slow', from: GenServer.From) => GenServer.noreply(from),
        handleCast: (_r: 'answer now', from: GenServer.From | null) => {
          if (from !== null) GenServer.replyTo(from, 'too late')
          send(me, 'replied')
          return GenServer.noreply(null)
        },
      })
      const pid = yield* startLinkOk(Late, null)
      assert.deepEqual(yield* catchExit(GenServer.call(pid, 'slow', 5)), [
        'timeout',
        ['GenServer', 'call', [pid, 'slow', 5]],
      ])
      GenServer.cast(pid, 'answer now')
      // Messages from one sender arrive in order: had the reply been delivered, it would be first.
      yield* assertReceive('replied')
      assert.deepEqual(Process.flush(), [])
      yield* GenServer.stop(pid)
    }))

  it('AL2: a reply that reached the mailbox before the timed-out caller resumed is still returned (OTP 25 do_call)', () =>
    run(function* () {
      const me = self()
      // X's timer is armed just before the call's, so both fire in one batch, X's first: X
      // replies after the caller's timeout has fired but before the caller runs again.
      const x = Process.spawnLink(function* () {
        send(me, 'sleeping')
        yield* Process.sleep(1)
        const [, from] = yield* Process.receive(['from', P._])
        GenServer.replyTo(from as GenServer.From, 'raced')
      })
      const Relay = GenServer.define({
        init: (_: null) => GenServer.ok(null),
        handleCall: (_r: 'relay', from: GenServer.From, s: null) => {
          send(x, ['from', from])
          return GenServer.noreply(s)
        },
      })
      const pid = yield* startLinkOk(Relay, null)
      yield* assertReceive('sleeping')
      assert.equal(yield* GenServer.call(pid, 'relay', 2), 'raced')
      assert.deepEqual(Process.flush(), [])
      yield* GenServer.stop(pid)
    }))
})

describe('callbacks and callers of every kind', () => {
  it('an async handleCall may await a promise and call another server; messages queue meanwhile', () =>
    run(function* () {
      const other = yield* startLinkOk(Stack, ['from the other server'])
      const me = self()
      const Async = GenServer.define({
        init: (_: null) => GenServer.ok([] as string[]),
        async handleCall(req: 'work', _f: GenServer.From, log: string[]) {
          const a = await new Promise<string>((resolve) => setImmediate(() => resolve('awaited')))
          const b = await GenServer.call(other, 'pop')
          return GenServer.reply([req, a, b], [...log, 'call'])
        },
        handleCast: (m: string, log: string[]) => GenServer.noreply([...log, m]),
        handleInfo: (m: 'report', log: string[]) => {
          send(me, [m, log])
          return GenServer.noreply(log)
        },
      })
      const pid = yield* startLinkOk(Async, null)
      const helper = Process.spawn(function* () {
        yield* Process.receive('go')
        GenServer.cast(pid, 'cast during the await')
      })
      send(helper, 'go')
      assert.deepEqual(yield* GenServer.call(pid, 'work'), ['work', 'awaited', 'from the other server'])
      send(pid, 'report')
      yield* assertReceive(['report', ['call', 'cast during the await']])
      yield* GenServer.stop(pid)
      yield* GenServer.stop(other)
    }))

  it('calls made before waiting in any of them each get their own reply, in whatever order they are awaited', () =>
    run(function* () {
      const a = yield* startLinkOk(Stack, ['a1', 'a2'])
      const b = yield* startLinkOk(Stack, ['b1', 'b2'])
      const first = GenServer.call(a, 'pop')
      const second = GenServer.call(b, 'pop')
      assert.equal(yield* second, 'b1')
      assert.equal(yield* first, 'a1')
      // A finished call's op may serve the next call; the old one keeps its answer out of it.
      assert.equal(yield* GenServer.call(a, 'pop'), 'a2')
      const late = GenServer.call(a, 'noreply', 10)
      const other = GenServer.call(b, 'pop')
      const [reason] = (yield* catchExit(late)) as [unknown, unknown]
      assert.equal(reason, 'timeout')
      assert.equal(yield* other, 'b2')
      yield* refuteReceive(P._, 20)
      yield* GenServer.stop(a)
      yield* GenServer.stop(b)
    }))

  it('after a callback that blocks, the server goes on in order: its continue, its timeout, then the next messages', () =>
    run(function* () {
      const me = self()
      const M = GenServer.define({
        init: (_: null) => GenServer.ok([] as string[]),
        handleCall(req: 'slow' | 'log', _f: GenServer.From, log: string[]): any {
          if (req === 'log') return GenServer.reply(log, log)
          // A plain callback that returns a generator blocks only this once.
          return (function* () {
            yield new Promise((resolve) => setImmediate(resolve))
            return GenServer.reply('slow done', [...log, 'slow'], ['continue', 'go on'])
          })()
        },
        handleContinue: (c: string, log: string[]) => GenServer.noreply([...log, c], 0),
        handleCast: (m: string, log: string[]) => GenServer.noreply([...log, m]),
        handleInfo: (m: unknown, log: string[]) => {
          send(me, ['info', m])
          return GenServer.noreply([...log, String(m)])
        },
      })
      const pid = yield* startLinkOk(M, null)
      assert.equal(yield* GenServer.call(pid, 'slow'), 'slow done')
      yield* assertReceive(['info', 'timeout'])
      GenServer.cast(pid, 'cast')
      assert.deepEqual(yield* GenServer.call(pid, 'log'), ['slow', 'go on', 'timeout', 'cast'])
      assert.equal(yield* GenServer.call(pid, 'slow'), 'slow done')
      assert.deepEqual(yield* GenServer.call(pid, 'log'), [
        'slow',
        'go on',
        'timeout',
        'cast',
        'slow',
        'go on',
        'timeout',
      ])
      yield* GenServer.stop(pid)
    }))

  it('an async callback that rejects crashes the server like a throw', () =>
    quietly(function* () {
      const M = GenServer.define({
        init: (_: null) => GenServer.ok(null),
        async handleCall(
          _r: 'fail',
          _f: GenServer.From,
          _s: null,
        ): Promise<GenServer.CallResult<never, null>> {
          await null
          throw new Error('async boom')
        },
      })
      const pid = yield* startOk(M, null)
      const [[err]] = (yield* catchExit(GenServer.call(pid, 'fail'))) as [[Error], unknown]
      assert.equal(err.message, 'async boom')
    }))

  it('a generator handleCall may yield* a call to another server, and async and generator init work', () =>
    run(function* () {
      const other = yield* startLinkOk(Stack, ['x', 'y'])
      const Gen = GenServer.define({
        *init(_: null) {
          const first = yield* GenServer.call(other, 'pop')
          return GenServer.ok([first])
        },
        *handleCall(_r: 'more', _f: GenServer.From, got: unknown[]) {
          const next = yield* GenServer.call(other, 'pop')
          const all = [...got, next]
          return GenServer.reply(all, all)
        },
      })
      const pid = yield* startLinkOk(Gen, null)
      assert.deepEqual(yield* GenServer.call(pid, 'more'), ['x', 'y'])
      const AsyncInit = GenServer.define({
        async init(n: number) {
          await null
          return GenServer.ok(n * 2)
        },
      })
      const a = yield* startLinkOk(AsyncInit, 21)
      assert.equal(yield* GenServer.getState(a), 42)
      for (const p of [pid, other, a]) yield* GenServer.stop(p)
    }))

  it('an async or generator terminate runs to completion before the server exits', () =>
    run(function* () {
      const me = self()
      const other = yield* startLinkOk(Stack, ['flushed'])
      const M = GenServer.define({
        init: (_: null) => GenServer.ok(null),
        *terminate(reason: unknown) {
          const v = yield* GenServer.call(other, 'pop')
          send(me, ['generator terminate', reason, v])
        },
      })
      const pid = yield* startOk(M, null)
      const ref = Process.monitor(pid)
      yield* GenServer.stop(pid, 'shutdown')
      yield* assertReceive(['generator terminate', 'shutdown', 'flushed'])
      // The exit came after terminate: its message is already here, before the DOWN.
      yield* assertReceive(['DOWN', ref, 'process', pid, 'shutdown'])
      const N = GenServer.define({
        init: (_: null) => GenServer.ok(null),
        async terminate(reason: unknown) {
          await new Promise((r) => setImmediate(r))
          send(me, ['async terminate', reason])
        },
      })
      const pid2 = yield* startOk(N, null)
      yield* GenServer.stop(pid2, 'shutdown')
      yield* assertReceive(['async terminate', 'shutdown'], 0)
      yield* GenServer.stop(other)
    }))

  it('an async process calls with await and fails with the same reasons', () =>
    run(async () => {
      const [, pid] = (await GenServer.startLink(Stack, ['async'])) as readonly ['ok', Pid]
      assert.equal(await GenServer.call(pid, 'pop'), 'async')
      assert.deepEqual(await exitReasonOf(GenServer.call(pid, 'noreply', 1)), [
        'timeout',
        ['GenServer', 'call', [pid, 'noreply', 1]],
      ])
      assert.equal(await GenServer.stop(pid), 'ok')
    }))

  it('plain async code outside any process can start, call and stop; failures reject with the same reasons', async () => {
    const r = await GenServer.start(Stack, ['outside'])
    assert.ok(Array.isArray(r) && r[0] === 'ok')
    const pid = r[1]
    assert.equal(await GenServer.call(pid, 'pop'), 'outside')
    assert.deepEqual(await exitReasonOf(GenServer.call(pid, 'noreply', 1)), [
      'timeout',
      ['GenServer', 'call', [pid, 'noreply', 1]],
    ])
    assert.deepEqual(await GenServer.getState(pid), [])
    assert.equal(await GenServer.stop(pid), 'ok')
    assert.deepEqual(await exitReasonOf(GenServer.call(pid, 'pop')), [
      'noproc',
      ['GenServer', 'call', [pid, 'pop', 5000]],
    ])
    assert.deepEqual(await exitReasonOf(GenServer.stop(pid)), [
      'noproc',
      ['GenServer', 'stop', [pid, 'normal', Number.POSITIVE_INFINITY]],
    ])
  })
})

describe("Elixir's gen_server_test.exs: call/3 exit messages", () => {
  it('exits calling_self, timeout, noproc and nodedown, each wrapped as [reason, [GenServer, call, args]]', () =>
    run(function* () {
      const name = uniqueName('self')
      Process.register(name, self())
      const pid = yield* startLinkOk(Stack, ['hello'])
      const stopped = yield* startOk(Stack, ['hello'])
      yield* GenServer.stop(stopped)
      assert.deepEqual(yield* catchExit(GenServer.call(name, 'pop', 5000)), [
        'calling_self',
        ['GenServer', 'call', [name, 'pop', 5000]],
      ])
      assert.deepEqual(yield* catchExit(GenServer.call(self(), 'pop', 5000)), [
        'calling_self',
        ['GenServer', 'call', [self(), 'pop', 5000]],
      ])
      assert.deepEqual(yield* catchExit(GenServer.call(pid, 'noreply', 1)), [
        'timeout',
        ['GenServer', 'call', [pid, 'noreply', 1]],
      ])
      assert.deepEqual(yield* catchExit(GenServer.call(stopped, 'pop', 5000)), [
        'noproc',
        ['GenServer', 'call', [stopped, 'pop', 5000]],
      ])
      assert.deepEqual(yield* catchExit(GenServer.call(['stack', 'bogus_node@nohost'], 'pop', 5000)), [
        ['nodedown', 'bogus_node@nohost'],
        ['GenServer', 'call', [['stack', 'bogus_node@nohost'], 'pop', 5000]],
      ])
    }))
})
