/**
 * Interop against real Elixir nodes (OTP 25+) on loopback, in both directions. The Elixir nodes
 * run test/interop/fixtures/ex_node.exs and register in this test's embedded EPMD (a port of its
 * own, so a system `epmd` is neither needed nor disturbed).
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { Atom, GenServer, List, Logger, Node, P, Pid, Process, Ref } from '../../src/index.ts'
import { BitBinary, ExportFun, Float } from '../../src/Term.ts'
import { assertReceive, refuteReceive, run } from '../../src/testing/index.ts'
import { freePort } from '../dist/helpers.ts'
import { type OsNode, startElixir } from './harness.ts'

const A = (s: string) => Atom.of(s)
const TS = 'ts_interop@localhost'
let epmdPort = 0
let ex: OsNode
let dialer: OsNode
let bad: OsNode
const logged: string[] = []

const Counter = GenServer.define({
  init: (n: number) => GenServer.ok(n),
  handleCall(req: unknown, _from: unknown, n: number) {
    if (req === 'never') return GenServer.noreply(n)
    return GenServer.reply([A('count'), n, req], n)
  },
  handleCast: (req: unknown, n: number) => GenServer.noreply(typeof req === 'number' ? n + req : n),
})

before(async () => {
  Logger.addHandler('interop', (e) => logged.push(e.message))
  epmdPort = await freePort()
  const r = await Node.start({ sname: 'ts_interop', cookie: 'secret', epmdPort })
  assert.deepEqual(r, ['ok', TS])
  await GenServer.start(Counter, 0, { name: 'ts_server' })
  ;[ex, dialer, bad] = await Promise.all([
    startElixir('ex_main', { cookie: 'secret', epmdPort }),
    startElixir('ex_dialer', { cookie: 'secret', epmdPort, connect: TS }),
    startElixir('ex_bad', { cookie: 'not-secret', epmdPort, connect: TS }),
  ])
})

after(async () => {
  Logger.removeHandler('interop')
  await Promise.all([ex?.kill(), dialer?.kill(), bad?.kill()])
  await Node.stop()
})

function* callExit(
  server: GenServer.ServerRef,
  req: unknown,
  timeout: number,
): Generator<unknown, unknown, any> {
  try {
    return ['returned', yield* GenServer.call(server, req, timeout)]
  } catch (e: any) {
    return e.reason
  }
}

const echo = () => ['echo', ex.name] as const

describe('interop with Elixir (OTP 25+)', () => {
  it('connects to an Elixir node by name, and an Elixir node connects to us by name', () =>
    run(function* () {
      assert.equal(yield* Node.connect(ex.name), true)
      assert.ok(Node.list().includes(ex.name))
      const theirs = (yield* GenServer.call(['echo', ex.name], A('nodes'))) as List<Atom>
      assert.ok(theirs.items.includes(A(TS)))
      assert.equal(dialer.lines.includes('CONNECT true'), true)
      assert.ok(Node.list().includes(dialer.name))
    }))

  it('round-trips every kind of term from Beamish through Elixir and back', () =>
    run(function* () {
      const me = Process.self()
      const ref = Process.makeRef()
      const terms = [
        'héllo wörld 🎉 ✓',
        2n ** 100n,
        -(2n ** 70n),
        [0, 255, 256, -1, 2147483647, -2147483648, 2147483648, Number.MAX_SAFE_INTEGER],
        [1.5, -0.25, new Float(2), new Float(1e300)] as unknown[],
        new Map<unknown, unknown>([
          [[1, A('a')], new Map([['k', List.of(1, 2, 3)]])],
          [List.of(1, 2), [A('tuple'), 'v']],
        ]),
        [A('some_atom'), A('with space'), 'ok', true, false, null, undefined],
        new List([1, 2], 3),
        new BitBinary(new Uint8Array([0xa0]), 3),
        new Uint8Array([0, 255, 128]),
        [new List([]), new Map(), [], ''],
        me,
        ref,
        new ExportFun(A('lists'), A('reverse'), 1),
        Array.from({ length: 300 }, (_, i) => i),
      ]
      Process.send(echo(), [me, terms])
      const [, back] = (yield* assertReceive([A('echo'), P._], 2000)) as [Atom, unknown[]]
      // A local pid comes back as the very same Pid; a ref as an equal one.
      assert.equal(back[11], me)
      assert.ok(back[12] instanceof Ref && Ref.equals(back[12], ref))
      assert.deepEqual([...back.slice(0, 12), ...back.slice(13)], [...terms.slice(0, 12), ...terms.slice(13)])
    }))

  it('decodes what Elixir builds, and Elixir finds our re-encoding equal', () =>
    run(function* () {
      const t = (yield* GenServer.call(echo(), A('terms'))) as Map<Atom, unknown>
      const get = (k: string) => t.get(A(k))
      assert.equal(get('unicode'), 'héllo wörld 🎉 ✓')
      assert.equal(get('bignum'), 2n ** 100n)
      assert.equal(get('negbig'), -(2n ** 70n))
      assert.deepEqual(get('ints'), List.of(0, 255, 256, -1, 2147483647, -2147483648, 2147483648))
      assert.deepEqual(get('floats'), List.of<unknown>(1.5, -0.25, new Float(2), new Float(1e300)))
      assert.deepEqual(
        get('nested'),
        new Map<unknown, unknown>([
          [[1, A('a')], new Map([['k', List.of(1, 2, 3)]])],
          [List.of(1, 2), [A('tuple'), 'v']],
        ]),
      )
      assert.deepEqual(
        get('atoms'),
        List.of<unknown>('ok', A('some_atom'), A('with space'), true, false, null),
      )
      assert.deepEqual(get('improper'), new List([1, 2], 3))
      assert.deepEqual(get('charlist'), List.of(97, 98, 99))
      assert.ok(get('pid') instanceof Pid)
      assert.equal((get('pid') as Pid).node.name, ex.name)
      assert.ok(get('ref') instanceof Ref)
      assert.ok(get('fun') instanceof ExportFun)
      assert.equal((get('large_tuple') as unknown[]).length, 300)
      assert.equal(yield* GenServer.call(echo(), [A('same_terms?'), t]), true)
    }))

  it('sends to registered names in both directions', () =>
    run(function* () {
      const me = Process.self()
      Process.send(['echo', ex.name], [me, 'by name'])
      yield* assertReceive([A('echo'), 'by name'], 2000)
      Process.register('ts_inbox', me)
      try {
        yield* GenServer.call(echo(), [A('send'), [A('ts_inbox'), A(TS)], [A('from_elixir'), 1]])
        yield* assertReceive([A('from_elixir'), 1], 2000)
      } finally {
        Process.unregister('ts_inbox')
      }
    }))

  it('calls and casts an Elixir GenServer from Beamish, failing with noproc, timeout and nodedown', () =>
    run(function* () {
      assert.deepEqual(yield* GenServer.call(echo(), [A('echo'), 42]), [A('echo'), 42])
      assert.equal(GenServer.cast(echo(), [A('send'), Process.self(), 'cast_arrived']), 'ok')
      yield* assertReceive('cast_arrived', 2000)
      assert.deepEqual(yield* callExit(['nobody', ex.name], 'x', 1000), [
        'noproc',
        ['GenServer', 'call', [['nobody', ex.name], 'x', 1000]],
      ])
      assert.deepEqual(yield* callExit(echo(), [A('sleep'), 300], 50), [
        'timeout',
        ['GenServer', 'call', [echo(), [A('sleep'), 300], 50]],
      ])
      yield* refuteReceive(P._, 300) // the late reply never arrives: the alias is gone
      assert.deepEqual(yield* callExit(['echo', 'nobody@localhost'], 'x', 1000), [
        ['nodedown', 'nobody@localhost'],
        ['GenServer', 'call', [['echo', 'nobody@localhost'], 'x', 1000]],
      ])
    }))

  it('lets Elixir call and cast a Beamish GenServer, with noproc and timeout', () =>
    run(function* () {
      const server = [A('ts_server'), A(TS)]
      assert.deepEqual(yield* GenServer.call(echo(), [A('call'), server, 'hi', 1000]), [
        'ok',
        [A('count'), 0, 'hi'],
      ])
      assert.equal(yield* GenServer.call(echo(), [A('cast'), server, 5]), 'ok')
      assert.deepEqual(yield* GenServer.call(echo(), [A('call'), server, 'again', 1000]), [
        'ok',
        [A('count'), 5, 'again'],
      ])
      const [tag, [reason]] = (yield* GenServer.call(echo(), [
        A('call'),
        [A('nobody'), A(TS)],
        'x',
        1000,
      ])) as any
      assert.equal(tag, A('exit'))
      assert.equal(reason, 'noproc')
      const [tag2, [reason2]] = (yield* GenServer.call(echo(), [A('call'), server, 'never', 100])) as any
      assert.equal(tag2, A('exit'))
      assert.equal(reason2, 'timeout')
    }))

  it('links, exits and monitors work across the wire in both directions', () =>
    run(function* () {
      const me = Process.self()
      Process.trapExit(true)
      const crasher = (yield* GenServer.call(echo(), [A('spawn_linked_crasher'), me])) as Pid
      yield* refuteReceive(P._, 50)
      Process.send(crasher, A('crash'))
      yield* assertReceive(['EXIT', crasher, A('crashed_on_purpose')], 2000)
      // Unlinked (UNLINK_ID) before it crashes: no EXIT.
      const quiet = (yield* GenServer.call(echo(), [A('spawn_linked_crasher'), me])) as Pid
      const qref = Process.monitor(quiet)
      yield* refuteReceive(P._, 50)
      Process.unlink(quiet)
      Process.send(quiet, A('crash'))
      yield* assertReceive(['DOWN', qref, 'process', quiet, A('crashed_on_purpose')], 2000)
      yield* refuteReceive(['EXIT', quiet, P._], 100)
      // exit/2 with kill from Beamish: the Elixir process dies `killed`.
      const victim = (yield* GenServer.call(echo(), [A('spawn_linked_crasher'), me])) as Pid
      Process.unlink(victim)
      const vref = Process.monitor(victim)
      Process.exit(victim, 'kill')
      yield* assertReceive(['DOWN', vref, 'process', victim, 'killed'], 2000)
      // Elixir monitors and links a Beamish process, which then exits.
      yield* GenServer.call(echo(), [A('observe'), me])
      const local = Process.spawn(function* () {
        yield* Process.receive('go')
        throw new Error('boom from ts')
      })
      const mref = (yield* GenServer.call(echo(), [A('monitor'), local])) as Ref
      yield* GenServer.call(echo(), [A('link'), local])
      Process.send(local, 'go')
      const [, [, , , , reason]] = yield* assertReceive(
        [A('echo_saw'), ['DOWN', mref, 'process', local, P._]],
        2000,
      )
      assert.equal((reason as unknown[])[0], '** (Error) boom from ts')
      yield* assertReceive([A('echo_saw'), ['EXIT', local, P._]], 2000)
      // A monitor by name on the Elixir node names {name, node}.
      const nref = Process.monitor(['nobody', ex.name])
      yield* assertReceive(['DOWN', nref, 'process', ['nobody', ex.name], 'noproc'], 2000)
    }))

  it('carries a 1 MB message both ways (the BEAM fragments it)', () =>
    run(function* () {
      const big = new Uint8Array(1024 * 1024).map(() => (Math.random() * 256) | 0)
      const md5 = createHash('md5').update(big).digest()
      assert.deepEqual(yield* GenServer.call(echo(), [A('md5'), big]), new Uint8Array(md5))
      const [bin, sum] = (yield* GenServer.call(echo(), [A('big'), 1024 * 1024])) as [Uint8Array, Uint8Array]
      assert.equal(bin.length, 1024 * 1024)
      assert.deepEqual(new Uint8Array(createHash('md5').update(bin).digest()), sum)
    }))

  it('answers spawn_request and rpc from Elixir with notsup', () =>
    run(function* () {
      const r = (yield* GenServer.call(echo(), [A('node_spawn'), A(TS)])) as Map<Atom, unknown>
      assert.deepEqual(r.get(A('rpc')), [A('badrpc'), A('notsup')])
      assert.deepEqual(r.get(A('erpc')), ['error', [A('erpc'), A('notsup')]])
    }))

  it('refuses an Elixir node with the wrong cookie, both ways, and logs it', () =>
    run(function* () {
      // ex_bad dialed us at start: refused, and logged here.
      assert.equal(bad.lines.includes('CONNECT false'), true)
      assert.ok(
        logged.some((m) =>
          m.includes('Connection attempt from node ex_bad@localhost rejected. Invalid challenge reply'),
        ),
        logged.join('\n'),
      )
      // We dial it: it refuses us.
      assert.equal(yield* Node.connect(bad.name), false)
      assert.ok(!Node.list(['visible', 'hidden']).includes(bad.name))
    }))

  it('delivers nodedown, noconnection and DOWN when the Elixir node is killed', () =>
    run(function* () {
      const me = Process.self()
      const far = (yield* GenServer.call(['echo', dialer.name], [A('spawn_linked_crasher'), me])) as Pid
      Process.trapExit(true)
      const ref = Process.monitor(far)
      Node.monitor(dialer.name)
      yield* Process.receive(Process.after(0))
      yield Promise.resolve(dialer.kill())
      yield* assertReceive(['nodedown', dialer.name], 5000)
      yield* assertReceive(['EXIT', far, 'noconnection'], 1000)
      yield* assertReceive(['DOWN', ref, 'process', far, 'noconnection'], 1000)
      assert.ok(!Node.list().includes(dialer.name))
    }))
})
