/**
 * semantics.md §5: exit/2, trapExit, and the exit-signal truth table (E-a … E-g, §5.1 rows).
 * Not here: row 7 (`noconnection` from a lost node connection), which needs two nodes.
 *
 * In the truth table, B is a process that forwards what it receives to the test process as
 * `['got', msg]` and is monitored by it, so both columns show up as messages: a trapping B
 * forwards its EXIT messages, a B that dies sends a DOWN with its death reason.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { exit, P, type Pid, Process, type Ref } from '../../src/index.ts'
import { assertReceive, captureLog, refuteReceive, run } from '../../src/testing/index.ts'
import { idle, spawnB } from './helpers.ts'

const { receive, self, send } = Process

/** B is still alive: no DOWN came, and it still forwards a ping. */
function* expectAlive(b: Pid, ref: Ref): Generator<unknown, void, unknown> {
  yield* refuteReceive(['DOWN', ref, 'process', b, P._], 20)
  send(b, 'ping')
  yield* assertReceive(['got', 'ping'])
}

/** Spawns A, which links to `b`, then ends the way `end` says (return = normal). */
function spawnLinkedA(b: Pid, end: () => unknown): Pid {
  return Process.spawn(() => {
    Process.link(b)
    return end()
  })
}

/** Spawns A linked to `b` that tells the caller `'linked'` and then waits forever. */
function* spawnLinkedWaitingA(b: Pid): Generator<unknown, Pid, unknown> {
  const me = self()
  const a = Process.spawn(function* () {
    Process.link(b)
    send(me, 'linked')
    yield* receive('never')
  })
  yield* assertReceive('linked')
  return a
}

describe('§5 exit/2 and trapExit', () => {
  it('E-a: trapExit returns the old value, and the default is false', () =>
    run(function* () {
      const me = self()
      Process.spawn(() => {
        send(me, ['first', Process.trapExit(true)])
        send(me, ['second', Process.trapExit(false)])
        send(me, ['third', Process.trapExit(false)])
      })
      yield* assertReceive(['first', false])
      yield* assertReceive(['second', true])
      yield* assertReceive(['third', false])
      const trapping = Process.spawn(idle, { trapExit: true })
      assert.equal(Process.info(trapping)?.trapExit, true)
      send(trapping, 'stop')
    }))

  it('E-b: exit(pid, reason) returns true, also for a dead pid, and the sender named in the EXIT is the caller', () =>
    run(function* () {
      const [b, ref] = spawnB(true)
      assert.equal(Process.exit(b, 'hello'), true)
      yield* assertReceive(['got', ['EXIT', self(), 'hello']])
      Process.exit(b, 'kill')
      yield* assertReceive(['DOWN', ref, 'process', b, 'killed'])
      assert.equal(Process.exit(b, 'again'), true)
      assert.equal(Process.exit(b, 'kill'), true)
      // exit/1 by contrast raises in the caller.
      assert.throws(() => exit('raised'), { name: 'ExitError' })
    }))

  it('E-b: exit/2 raises nothing in the caller, whatever it does to the target', () =>
    run(function* () {
      const [b, ref] = spawnB(false)
      Process.exit(b, 'boom')
      yield* assertReceive(['DOWN', ref, 'process', b, 'boom'])
      assert.equal(Process.alive(self()), true)
    }))

  it('E-c: exit(pid, "kill") cannot be trapped; the target dies with killed, and its links and monitors see killed', () =>
    run(function* () {
      Process.trapExit(true)
      const [b, ref] = spawnB(true)
      Process.link(b)
      Process.exit(b, 'kill')
      yield* assertReceive(['DOWN', ref, 'process', b, 'killed'])
      yield* assertReceive(['EXIT', b, 'killed'])
      yield* refuteReceive(['got', P._], 20)
    }))

  it('E-d: exit(self(), "normal") ends a process that does not trap, with reason normal', () =>
    run(function* () {
      const me = self()
      const [pid, ref] = Process.spawnMonitor(() => {
        Process.exit(Process.self(), 'normal')
        send(me, 'still running')
      })
      yield* assertReceive(['DOWN', ref, 'process', pid, 'normal'])
      yield* refuteReceive('still running', 20)
    }))

  it('E-d: exit(self(), "normal") in a trapping process becomes the message ["EXIT", self, "normal"]', () =>
    run(function* () {
      Process.trapExit(true)
      assert.equal(Process.exit(self(), 'normal'), true)
      yield* assertReceive(['EXIT', self(), 'normal'])
    }))

  it('E-d: exit(pid, "normal") from another process is dropped by a process that does not trap', () =>
    run(function* () {
      const [b, ref] = spawnB(false)
      Process.exit(b, 'normal')
      yield* expectAlive(b, ref)
    }))

  it('E-d: exit(pid, "normal") from outside any process is dropped too (it is not the target’s own)', () =>
    run(function* () {
      const [b, ref] = spawnB(false)
      const [t, tref] = spawnB(true)
      // A setImmediate callback runs outside every process.
      yield new Promise<void>((resolve) =>
        setImmediate(() => {
          Process.exit(b, 'normal')
          Process.exit(t, 'normal')
          resolve()
        }),
      )
      yield* expectAlive(b, ref)
      yield* assertReceive(['got', ['EXIT', P.instanceOf(Process.Pid), 'normal']])
      yield* expectAlive(t, tref)
    }))

  it('E-e: exit(self(), other) ends a process that does not trap, even if it catches the exception', () =>
    run(function* () {
      const me = self()
      const [pid, ref] = Process.spawnMonitor(function* () {
        try {
          Process.exit(Process.self(), 'goodbye')
        } catch {
          // A catch cannot undo the exit.
        }
        yield* receive(Process.after(0))
        send(me, 'still running')
      })
      yield* assertReceive(['DOWN', ref, 'process', pid, 'goodbye'])
      yield* refuteReceive('still running', 20)
    }))

  it('E-e: exit(self(), other) in a trapping process becomes the message ["EXIT", self, other]', () =>
    run(function* () {
      Process.trapExit(true)
      Process.exit(self(), ['other', 1])
      yield* assertReceive(['EXIT', self(), ['other', 1]])
    }))

  it('E-f: the reason changes only for exit/2 with kill: a linked process exiting with kill sends a trappable kill', () =>
    run(function* () {
      const [b, ref] = spawnB(true)
      const a = spawnLinkedA(b, () => exit('kill'))
      yield* assertReceive(['got', ['EXIT', a, 'kill']])
      yield* expectAlive(b, ref)
      Process.exit(b, 'killed') // the atom killed itself is an ordinary, trappable reason
      yield* assertReceive(['got', ['EXIT', self(), 'killed']])
      Process.exit(b, 'kill')
      yield* assertReceive(['DOWN', ref, 'process', b, 'killed'])
    }))

  it('E-g: a process killed by an exit signal dies with its reason and passes that reason on to its links', () =>
    run(function* () {
      Process.trapExit(true)
      for (const [sent, seen] of [
        ['kill', 'killed'],
        ['custom', 'custom'],
      ]) {
        const [b, ref] = spawnB(false)
        Process.link(b)
        Process.exit(b, sent)
        yield* assertReceive(['DOWN', ref, 'process', b, seen])
        yield* assertReceive(['EXIT', b, seen])
      }
    }))

  it('E-g: the reason travels unchanged along a chain of linked processes', () =>
    run(function* () {
      Process.trapExit(true)
      const me = self()
      const chain = Process.spawnLink(function* () {
        const middle = Process.spawnLink(function* () {
          const last = Process.spawnLink(idle)
          send(me, ['last', last])
          yield* receive('never')
        })
        send(me, ['middle', middle])
        yield* receive('never')
      })
      const [, last] = yield* assertReceive(['last', P.instanceOf(Process.Pid)])
      const [, middle] = yield* assertReceive(['middle', P.instanceOf(Process.Pid)])
      const refs = [last, middle].map((p) => Process.monitor(p))
      Process.exit(last, 'chain reaction')
      yield* assertReceive(['DOWN', refs[0]!, 'process', last, 'chain reaction'])
      yield* assertReceive(['DOWN', refs[1]!, 'process', middle, 'chain reaction'])
      yield* assertReceive(['EXIT', chain, 'chain reaction'])
    }))

  it('E-g: a process whose own exit/2 kills it through a link runs on until it yields, and its new links still hear of its death', () =>
    run(function* () {
      Process.trapExit(true)
      const me = self()
      const [a, ref] = Process.spawnMonitor(function* () {
        const peer = Process.spawnLink(idle)
        Process.exit(peer, 'boom') // the peer's EXIT comes back: this process is going down
        const child = Process.spawnLink(
          function* () {
            for (;;) send(me, ['child got', yield* receive()])
          },
          { trapExit: true },
        )
        send(me, ['child', child, Process.alive(Process.self())])
        yield* receive('never')
      })
      const [, child] = yield* assertReceive(['child', P.instanceOf(Process.Pid), true])
      yield* assertReceive(['DOWN', ref, 'process', a, 'boom'])
      yield* assertReceive(['child got', ['EXIT', a, 'boom']])
      Process.exit(child, 'kill')
    }))
})

describe('§5.1 exit-signal truth table', () => {
  it('T5.1-row1 (not trapping): a link exit with normal is dropped; B lives', () =>
    run(function* () {
      const [b, ref] = spawnB(false)
      const a = spawnLinkedA(b, () => 'done')
      const aref = Process.monitor(a)
      yield* assertReceive(['DOWN', aref, 'process', a, P._])
      yield* expectAlive(b, ref)
    }))

  it('T5.1-row1 (trapping): a link exit with normal becomes ["EXIT", A, "normal"]', () =>
    run(function* () {
      const [b, ref] = spawnB(true)
      const a = spawnLinkedA(b, () => 'done')
      yield* assertReceive(['got', ['EXIT', a, 'normal']])
      yield* expectAlive(b, ref)
    }))

  it('T5.1-row2 (not trapping): A exiting with kill kills B with kill (not killed), and B’s links then get kill', () =>
    run(function* () {
      Process.trapExit(true)
      const [b, ref] = spawnB(false)
      Process.link(b)
      spawnLinkedA(b, () => exit('kill'))
      yield* assertReceive(['DOWN', ref, 'process', b, 'kill'])
      yield* assertReceive(['EXIT', b, 'kill'])
    }))

  it('T5.1-row2 (trapping): A exiting with kill is a trappable ["EXIT", A, "kill"]', () =>
    run(function* () {
      const [b, ref] = spawnB(true)
      const a = spawnLinkedA(b, () => exit('kill'))
      yield* assertReceive(['got', ['EXIT', a, 'kill']])
      yield* expectAlive(b, ref)
    }))

  it('T5.1-row3 (not trapping): A killed by exit(A, "kill") kills B with killed', () =>
    run(function* () {
      const [b, ref] = spawnB(false)
      const a = yield* spawnLinkedWaitingA(b)
      Process.exit(a, 'kill')
      yield* assertReceive(['DOWN', ref, 'process', b, 'killed'])
    }))

  it('T5.1-row3 (trapping): A killed by exit(A, "kill") gives ["EXIT", A, "killed"]', () =>
    run(function* () {
      const [b, ref] = spawnB(true)
      const a = yield* spawnLinkedWaitingA(b)
      Process.exit(a, 'kill')
      yield* assertReceive(['got', ['EXIT', a, 'killed']])
      yield* expectAlive(b, ref)
    }))

  const otherReasons: [string, () => never, unknown][] = [
    ['shutdown', () => exit('shutdown'), 'shutdown'],
    ['["shutdown", term]', () => exit(['shutdown', 'why']), ['shutdown', 'why']],
    ['noconnection', () => exit('noconnection'), 'noconnection'],
    ['any term', () => exit({ reason: 'mine' }), { reason: 'mine' }],
    [
      '[error, stack]',
      () => {
        throw new Error('crash')
      },
      [P.instanceOf(Error), P.string],
    ],
  ]

  it('T5.1-row4 (not trapping): A ending with any other reason R (shutdown, ["shutdown", _], [error, stack], …) kills B with R', async () => {
    await captureLog(() =>
      run(function* () {
        for (const [, end, reason] of otherReasons) {
          const [b, ref] = spawnB(false)
          spawnLinkedA(b, end)
          yield* assertReceive(['DOWN', ref, 'process', b, reason])
        }
      }),
    )
  })

  it('T5.1-row4 (trapping): A ending with any other reason R gives ["EXIT", A, R]', async () => {
    await captureLog(() =>
      run(function* () {
        const [b, ref] = spawnB(true)
        for (const [, end, reason] of otherReasons) {
          const a = spawnLinkedA(b, end)
          yield* assertReceive(['got', ['EXIT', a, reason]])
        }
        yield* expectAlive(b, ref)
      }),
    )
  })

  it('T5.1-row5: after unlink, the link’s exit signal is dropped, trapping or not', () =>
    run(function* () {
      for (const trap of [false, true]) {
        const [b, ref] = spawnB(trap)
        const a = spawnLinkedA(b, () => {
          Process.unlink(b)
          exit('boom')
        })
        const aref = Process.monitor(a)
        yield* assertReceive(['DOWN', aref, 'process', a, P._])
        yield* refuteReceive(['got', ['EXIT', P._, P._]], 20)
        yield* expectAlive(b, ref)
      }
    }))

  it('T5.1-row6 (not trapping): link to a process that does not exist raises noproc in B', () =>
    run(function* () {
      const me = self()
      const [dead, dref] = Process.spawnMonitor(() => 'gone')
      yield* assertReceive(['DOWN', dref, 'process', dead, 'normal'])
      const [b, ref] = Process.spawnMonitor(function* () {
        try {
          Process.link(dead)
        } catch (e) {
          send(me, ['raised', (e as { code: string }).code])
        }
        yield* receive('never')
      })
      yield* assertReceive(['raised', 'ERR_BEAMISH_NOPROC'])
      yield* refuteReceive(['DOWN', ref, 'process', b, P._], 20)
      Process.exit(b, 'kill')
    }))

  it('T5.1-row6 (trapping): link to a process that does not exist gives ["EXIT", pid, "noproc"]', () =>
    run(function* () {
      const me = self()
      const [dead, dref] = Process.spawnMonitor(() => 'gone')
      yield* assertReceive(['DOWN', dref, 'process', dead, 'normal'])
      const b = Process.spawn(
        function* () {
          send(me, ['link returned', Process.link(dead)])
          send(me, ['got', yield* receive()])
        },
        { trapExit: true },
      )
      yield* assertReceive(['link returned', true])
      yield* assertReceive(['got', ['EXIT', dead, 'noproc']])
      void b
    }))

  it('T5.1-row8 (not trapping): exit(B, "normal") from another process is dropped', () =>
    run(function* () {
      const [b, ref] = spawnB(false)
      Process.exit(b, 'normal')
      yield* expectAlive(b, ref)
    }))

  it('T5.1-row8 (trapping): exit(B, "normal") from A gives ["EXIT", A, "normal"]', () =>
    run(function* () {
      const [b, ref] = spawnB(true)
      Process.exit(b, 'normal')
      yield* assertReceive(['got', ['EXIT', self(), 'normal']])
      yield* expectAlive(b, ref)
    }))

  it('T5.1-row9 (not trapping): exit(self(), "normal") kills B with normal', () =>
    run(function* () {
      const [b, ref] = Process.spawnMonitor(function* () {
        yield Process.yield()
        Process.exit(Process.self(), 'normal')
      })
      yield* assertReceive(['DOWN', ref, 'process', b, 'normal'])
    }))

  it('T5.1-row9 (trapping): exit(self(), "normal") gives ["EXIT", B, "normal"]', () =>
    run(function* () {
      const me = self()
      const b = Process.spawn(
        function* () {
          Process.exit(Process.self(), 'normal')
          send(me, ['got', yield* receive(), Process.self()])
        },
        { trapExit: true },
      )
      yield* assertReceive(['got', ['EXIT', b, 'normal'], b])
    }))

  it('T5.1-row10: exit(B, "kill") kills B with killed whether it traps or not, also from B itself', () =>
    run(function* () {
      for (const trap of [false, true]) {
        const [b, ref] = spawnB(trap)
        Process.exit(b, 'kill')
        yield* assertReceive(['DOWN', ref, 'process', b, 'killed'])
        const [c, cref] = Process.spawnMonitor(
          function* () {
            yield Process.yield()
            Process.exit(Process.self(), 'kill')
          },
          { trapExit: trap },
        )
        yield* assertReceive(['DOWN', cref, 'process', c, 'killed'])
      }
      yield* refuteReceive(['got', P._], 20)
    }))

  it('T5.1-row11 (not trapping): exit(B, R) with any other R (killed, shutdown, …) kills B with R', () =>
    run(function* () {
      for (const reason of ['killed', 'shutdown', ['shutdown', 1], 'boom']) {
        const [b, ref] = spawnB(false)
        Process.exit(b, reason)
        yield* assertReceive(['DOWN', ref, 'process', b, reason])
      }
    }))

  it('T5.1-row11 (trapping): exit(B, R) with any other R gives ["EXIT", A, R]', () =>
    run(function* () {
      const [b, ref] = spawnB(true)
      for (const reason of ['killed', 'shutdown', ['shutdown', 1], 'boom']) {
        Process.exit(b, reason)
        yield* assertReceive(['got', ['EXIT', self(), reason]])
      }
      yield* expectAlive(b, ref)
    }))

  it('T5.1 note: monitors never deliver exit signals; a DOWN never kills or disturbs the watcher', () =>
    run(function* () {
      const me = self()
      for (const trap of [false, true]) {
        const [w, wref] = Process.spawnMonitor(
          function* () {
            for (;;) {
              const m = yield* receive()
              if (m instanceof Process.Pid) {
                Process.monitor(m)
                send(me, 'watching')
              } else send(me, ['got', m])
            }
          },
          { trapExit: trap },
        )
        for (const end of ['kill', 'killed', 'boom']) {
          const a = Process.spawn(function* () {
            yield* receive('go')
            exit(end)
          })
          send(w, a)
          yield* assertReceive('watching')
          send(a, 'go')
          yield* assertReceive(['got', ['DOWN', P.instanceOf(Process.Ref), 'process', a, end]])
        }
        const killed = Process.spawn(idle)
        send(w, killed)
        yield* assertReceive('watching')
        Process.exit(killed, 'kill')
        yield* assertReceive(['got', ['DOWN', P.instanceOf(Process.Ref), 'process', killed, 'killed']])
        yield* expectAlive(w, wref)
      }
    }))
})
