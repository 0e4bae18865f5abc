/**
 * semantics.md §4: links (L-a … L-g). Not here: L-b's remote-pid case and L-f's wire protocol
 * (UNLINK_ID / UNLINK_ID_ACK), which only exist between nodes.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { exit, P, Process } from '../../src/index.ts'
import { assertReceive, captureLog, refuteReceive, run } from '../../src/testing/index.ts'
import { idle } from './helpers.ts'

const { after, receive, self, send } = Process

function linksOf(pid: Process.Pid): Process.Pid[] {
  return Process.info(pid)?.links ?? []
}

/** A process that exits with `boom` once it gets `'crash'`. */
function* crashesOnRequest(): Generator<unknown, void, unknown> {
  yield* receive('crash')
  exit('boom')
}

/**
 * Checks that the monitored `m` (which waits for `'stop'`) outlived the crash of the monitored `x`
 * it had unlinked from: `x` went down with `boom`, `m` did not, and `m` ends normally once told to stop.
 */
function* assertOutlivesCrash(
  x: Process.Pid,
  xRef: Process.Ref,
  m: Process.Pid,
  ref: Process.Ref,
): Generator<unknown, void, unknown> {
  yield* assertReceive(['DOWN', xRef, 'process', x, 'boom'])
  yield* refuteReceive(['DOWN', ref, 'process', m, P._], 0)
  send(m, 'stop')
  yield* assertReceive(['DOWN', ref, 'process', m, 'normal'])
}

describe('§4 links', () => {
  it('L-a: link is bidirectional, idempotent, and a no-op on yourself; one unlink removes it', () =>
    run(function* () {
      const other = Process.spawn(idle)
      assert.equal(Process.link(other), true)
      assert.equal(Process.link(other), true)
      assert.deepEqual(linksOf(self()), [other])
      assert.deepEqual(linksOf(other), [self()])
      assert.equal(Process.link(self()), true)
      assert.deepEqual(linksOf(self()), [other])
      assert.equal(Process.unlink(other), true)
      assert.deepEqual(linksOf(self()), [])
      assert.deepEqual(linksOf(other), [])
      send(other, 'stop')
      yield* receive(after(0))
    }))

  it('L-a: after linking twice and unlinking once, the other’s crash no longer reaches you', () =>
    run(function* () {
      const me = self()
      const [x, xRef] = Process.spawnMonitor(crashesOnRequest)
      const [m, ref] = Process.spawnMonitor(function* () {
        Process.link(x)
        Process.link(x)
        Process.unlink(x)
        send(me, 'unlinked')
        yield* receive('stop')
      })
      yield* assertReceive('unlinked')
      send(x, 'crash')
      yield* assertOutlivesCrash(x, xRef, m, ref)
    }))

  it('L-b: link to a dead local process throws noproc when not trapping, and delivers an EXIT noproc when trapping', () =>
    run(function* () {
      const [dead, ref] = Process.spawnMonitor(() => 'done')
      yield* assertReceive(['DOWN', ref, 'process', dead, 'normal'])
      assert.throws(
        () => Process.link(dead),
        (e: any) => e.name === 'BeamishError' && e.code === 'ERR_BEAMISH_NOPROC' && /noproc/.test(e.message),
      )
      assert.deepEqual(linksOf(self()), [])
      Process.trapExit(true)
      assert.equal(Process.link(dead), true)
      yield* assertReceive(['EXIT', dead, 'noproc'])
    }))

  it('L-b: an uncaught noproc from link/1 ends the caller with that error', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const [dead, ref] = Process.spawnMonitor(() => 'done')
        yield* assertReceive(['DOWN', ref, 'process', dead, 'normal'])
        const [pid, ref2] = Process.spawnMonitor(() => Process.link(dead))
        const [, , , , [err]] = yield* assertReceive([
          'DOWN',
          ref2,
          'process',
          pid,
          [P.instanceOf(Error), P.string],
        ])
        assert.equal((err as any).code, 'ERR_BEAMISH_NOPROC')
      }),
    )
    assert.match(log, /raised an exception/)
  })

  it('L-c: a linked process’s exit reason reaches the other side unchanged, and kill stays kill', () =>
    run(function* () {
      Process.trapExit(true)
      const reason = ['any', { term: 1 }]
      for (const r of ['normal', 'shutdown', reason, 'kill', 'killed']) {
        const pid = Process.spawnLink(function* () {
          yield Process.yield()
          exit(r)
        })
        const [, , got] = yield* assertReceive(['EXIT', pid, P._])
        assert.deepEqual(got, r)
      }
    }))

  it('L-d: unlink takes effect at once: a later crash of the other side no longer reaches the caller', () =>
    run(function* () {
      const me = self()
      const [x, xRef] = Process.spawnMonitor(crashesOnRequest)
      const [m, ref] = Process.spawnMonitor(function* () {
        Process.link(x)
        Process.unlink(x)
        send(x, 'crash')
        send(me, 'crash requested')
        yield* receive('stop')
      })
      yield* assertReceive('crash requested')
      yield* assertOutlivesCrash(x, xRef, m, ref)
    }))

  it('L-d: an EXIT already queued stays after unlink, and can be flushed with receive … after(0)', () =>
    run(function* () {
      Process.trapExit(true)
      const x = Process.spawnLink(() => exit('boom'))
      const ref = Process.monitor(x)
      yield* assertReceive(['DOWN', ref, 'process', x, 'boom'])
      assert.equal(Process.unlink(x), true)
      assert.equal(Process.info(self())?.messageQueueLen, 1)
      const flushed = yield* receive(
        ['EXIT', x, P._],
        after(0, () => 'nothing'),
      )
      assert.deepEqual(flushed, ['EXIT', x, 'boom'])
      assert.equal(
        yield* receive(
          ['EXIT', x, P._],
          after(0, () => 'nothing'),
        ),
        'nothing',
      )
    }))

  it('L-d: unlink with no link (or a dead pid) is a no-op returning true; a non-pid is a badarg', () =>
    run(function* () {
      const other = Process.spawn(idle)
      assert.equal(Process.unlink(other), true)
      const [dead, ref] = Process.spawnMonitor(() => 'done')
      yield* assertReceive(['DOWN', ref, 'process', dead, 'normal'])
      assert.equal(Process.unlink(dead), true)
      assert.throws(() => Process.unlink('not a pid' as never), { code: 'ERR_BEAMISH_BADARG' })
      send(other, 'stop')
    }))

  it('L-e: links are symmetric: whichever side dies, the other gets the signal', () =>
    run(function* () {
      const me = self()
      // The linker dies: the process it linked to hears of it.
      const target = Process.spawn(
        function* () {
          for (;;) send(me, ['target got', yield* receive()])
        },
        { trapExit: true },
      )
      const linker = Process.spawn(function* () {
        Process.link(target)
        send(me, 'linked')
        yield* receive('die')
        exit('linker died')
      })
      yield* assertReceive('linked')
      send(linker, 'die')
      yield* assertReceive(['target got', ['EXIT', linker, 'linker died']])

      // The linked-to process dies: the linker hears of it.
      Process.trapExit(true)
      const other = Process.spawn(function* () {
        yield* receive('die')
        exit('target died')
      })
      Process.link(other)
      send(other, 'die')
      yield* assertReceive(['EXIT', other, 'target died'])
      Process.exit(target, 'kill')
    }))

  it('L-f: an exit signal arriving on a link the receiver has removed is dropped', () =>
    run(function* () {
      Process.trapExit(true)
      const x = Process.spawnLink(function* () {
        yield* receive('die')
        exit('boom')
      })
      Process.unlink(x)
      send(x, 'die')
      const ref = Process.monitor(x)
      yield* assertReceive(['DOWN', ref, 'process', x, P._])
      yield* refuteReceive(['EXIT', x, P._], 20)
    }))

  it('L-f: links from both sides and re-links after unlink make one active link', () =>
    run(function* () {
      Process.trapExit(true)
      const me = self()
      const x = Process.spawn(function* () {
        Process.link(me) // the peer links too while our link exists: still one link
        send(me, 'linked back')
        yield* receive('die')
        exit('boom')
      })
      Process.link(x)
      yield* assertReceive('linked back')
      assert.deepEqual(linksOf(self()), [x])
      Process.unlink(x)
      assert.deepEqual(linksOf(x), [])
      Process.link(x)
      Process.link(x)
      send(x, 'die')
      yield* assertReceive(['EXIT', x, 'boom'])
      yield* refuteReceive(['EXIT', x, P._], 20)
    }))

  it('L-g: spawnLink creates the link atomically: a child that dies at once is still reported', async () => {
    await captureLog(() =>
      run(function* () {
        Process.trapExit(true)
        const a = Process.spawnLink(() => {
          throw new Error('at once')
        })
        yield* assertReceive(['EXIT', a, [P.instanceOf(Error), P.string]])
        const b = Process.spawnLink(() => exit('right away'))
        yield* assertReceive(['EXIT', b, 'right away'])
        const c = Process.spawnLink(() => undefined)
        yield* assertReceive(['EXIT', c, 'normal'])
      }),
    )
  })

  it('L-g: spawnMonitor and spawn with link and monitor report the real reason, never noproc', () =>
    run(function* () {
      Process.trapExit(true)
      const [a, ra] = Process.spawnMonitor(() => exit('right away'))
      yield* assertReceive(['DOWN', ra, 'process', a, 'right away'])
      const [b, rb] = Process.spawn(() => exit('both'), { link: true, monitor: true })
      yield* assertReceive(['EXIT', b, 'both'])
      yield* assertReceive(['DOWN', rb, 'process', b, 'both'])
    }))

  it('L-g: a non-trapping parent dies with a spawnLinked child that crashes at once', () =>
    run(function* () {
      const [parent, ref] = Process.spawnMonitor(function* () {
        Process.spawnLink(() => exit('child crashed'))
        yield* receive('never')
      })
      yield* assertReceive(['DOWN', ref, 'process', parent, 'child crashed'])
    }))
})
