/**
 * What a process owns dies with it: timers aimed at it, sockets and pending accepts, and the
 * code of an async body that resumes after the process was killed. The BEAM releases all of it
 * when a process dies. Every wait is bounded, and every test cleans up what it could leak, so a
 * failure cannot keep the runner alive.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import * as net from 'node:net'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { P, type Pid, Process, type Ref, Tcp } from '../../src/index.ts'
import { assertReceive, refuteReceive, run } from '../../src/testing/index.ts'
import { listenAny, type Ok } from '../io/helpers.ts'
import { turn, within } from '../process/helpers.ts'

describe('Process.sendAfter: a timer whose destination is a pid dies with that process', () => {
  // erlang:send_after/3: "If Dest is a pid(), the timer is automatically canceled if the process
  // referred to by the pid() is not alive, or if the process exits." Process.ts documents the same.
  it('is cancelled when the destination exits: readTimer and cancelTimer then return false', () =>
    run(function* () {
      const pid = Process.spawn(function* () {
        yield* Process.receive('stop')
      })
      const ref = Process.sendAfter(pid, 'tick', 60_000)
      const mref = Process.monitor(pid)
      Process.send(pid, 'stop')
      yield* assertReceive(['DOWN', mref, 'process', pid, 'normal'], 1000)
      const read = Process.readTimer(ref)
      const cancelled = Process.cancelTimer(ref) // also the clean-up when the assertion fails
      assert.equal(read, false, 'readTimer of a timer whose destination pid is dead')
      assert.equal(cancelled, false, 'cancelTimer of a timer whose destination pid is dead')
    }))

  it('arms nothing when the destination pid is already dead', () =>
    run(function* () {
      const [pid, mref] = Process.spawnMonitor(function* () {})
      yield* assertReceive(['DOWN', mref, 'process', pid, 'normal'], 1000)
      const ref = Process.sendAfter(pid, 'tick', 60_000)
      const read = Process.readTimer(ref)
      Process.cancelTimer(ref)
      assert.equal(read, false)
    }))

  it('does not keep Node alive once its destination is dead (a script exits by itself)', async () => {
    const src = fileURLToPath(new URL('../../src/index.ts', import.meta.url))
    const script = `
      import { Process } from ${JSON.stringify(src)}
      await Process.run(function* () {
        const pid = Process.spawn(function* () { yield* Process.receive('stop') })
        Process.sendAfter(pid, 'tick', 60000)
        Process.send(pid, 'stop')
      })
    `
    const began = Date.now()
    const outcome = await new Promise<string>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        { timeout: 8000, killSignal: 'SIGKILL' },
        (err) => resolve(err === null ? 'exited' : err.killed ? 'still running after 8 s' : String(err)),
      )
    })
    assert.equal(outcome, 'exited', `after ${Date.now() - began} ms`)
  })
})

/**
 * An async process body killed while it awaits a plain promise (I/O, a fetch, a timer): JS cannot
 * stop it, so its code resumes after the await, inside the dead process's async context. On the
 * BEAM a dead process runs no more code; here whatever it does next must at least fail instead of
 * creating processes, monitors, aliases and messages on behalf of a dead pid.
 */
function* killedWhileAwaiting(
  afterTheAwait: () => void,
): Generator<unknown, { pid: Pid; error: unknown }, unknown> {
  let release!: () => void
  const gate = new Promise<void>((r) => {
    release = r
  })
  let finished!: (e: unknown) => void
  const done = new Promise<unknown>((r) => {
    finished = r
  })
  const me = Process.self()
  const [pid, mref] = Process.spawnMonitor(async () => {
    Process.send(me, 'parked')
    await gate
    let error: unknown = null
    try {
      afterTheAwait()
    } catch (e) {
      error = e
    } finally {
      finished(error)
    }
  })
  yield* assertReceive('parked', 1000)
  Process.exit(pid, 'kill')
  yield* assertReceive(['DOWN', mref, 'process', pid, 'killed'], 1000)
  release()
  const error = yield within(done, 2000)
  assert.notEqual(error, 'timeout', 'the continuation after the await never finished')
  return { pid, error }
}

describe('an async body killed while awaiting a promise, resuming afterwards', () => {
  it('cannot spawn a linked child: no process is left linked only to a dead parent', () =>
    run(function* () {
      let child: Pid | null = null
      const { pid } = yield* killedWhileAwaiting(() => {
        child = Process.spawnLink(function* () {
          yield* Process.receive('never comes')
        })
      })
      const orphan = child as Pid | null
      const alive = orphan !== null && Process.alive(orphan)
      const links = alive ? Process.info(orphan)!.links : []
      if (orphan !== null) Process.exit(orphan, 'kill') // clean-up
      assert.equal(alive, false, `a child spawned by dead ${pid} is alive, linked to ${links.join(', ')}`)
    }))

  it('cannot leave a monitor on a live process (monitoredBy names no dead watcher)', () =>
    run(function* () {
      const target = Process.spawn(function* () {
        yield* Process.receive('stop')
      })
      const { pid } = yield* killedWhileAwaiting(() => {
        Process.monitor(target)
      })
      const watchers = Process.info(target)!.monitoredBy
      Process.send(target, 'stop')
      assert.ok(!watchers.includes(pid), `${target} is still monitored by dead ${pid}`)
    }))

  it('cannot send: nothing from it arrives after its DOWN (O3)', () =>
    run(function* () {
      const me = Process.self()
      yield* killedWhileAwaiting(() => {
        Process.send(me, 'sent by a dead process')
      })
      yield* refuteReceive('sent by a dead process', 0)
    }))

  it('cannot make a GenServer-style call on its behalf (the request never reaches the server)', () =>
    run(function* () {
      const me = Process.self()
      const server = Process.spawn(function* () {
        const m = yield* Process.receive()
        Process.send(me, ['server got', m])
      })
      yield* killedWhileAwaiting(() => {
        // An alias made by the dead process: the server would reply to it.
        const a: Ref = Process.alias()
        Process.send(server, ['$gen_call', [Process.self(), a], 'work'])
      })
      yield* refuteReceive(['server got', P._], 0)
      Process.exit(server, 'kill')
    }))
})

describe('Tcp: sockets and acceptors of a process that died', () => {
  // The BEAM (inet_drv's multi-accept) drops a dead acceptor from the listener's queue: the next
  // connection goes to the next live acceptor.
  it('a dead acceptor does not take (and close) the next connection from a live one', () =>
    run(function* () {
      const listener = yield* listenAny()
      const me = Process.self()
      try {
        const dead = Process.spawn(function* () {
          Process.send(me, 'accepting')
          yield* Tcp.accept(listener)
        })
        yield* assertReceive('accepting', 1000)
        Process.exit(dead, 'kill')
        Process.spawn(function* () {
          const r = yield* Tcp.accept(listener, 2000)
          Process.send(me, ['live acceptor', r[0]])
        })
        const [, client] = (yield* Tcp.connect(
          '127.0.0.1',
          Tcp.port(listener),
          { active: true },
          2000,
        )) as Ok<Tcp.Socket>
        const got = yield* Process.receive(
          ['live acceptor', P._],
          ['tcp_closed', client],
          Process.after(3000, () => 'nothing'),
        )
        Tcp.close(client)
        const what = got[0] === 'tcp_closed' ? 'the connection was closed by the dead acceptor' : got
        assert.deepEqual(what, ['live acceptor', 'ok'])
      } finally {
        Tcp.close(listener)
      }
    }))

  // A listen socket is owned (linked, like a port) by the process that opened it: on the BEAM it
  // is closed when that process dies, whenever that is.
  it('a listener whose owner died before listen completed is closed, not left listening', () =>
    run(function* () {
      const handles = () => (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles()
      const before = new Set(handles())
      const me = Process.self()
      const [owner, mref] = Process.spawnMonitor(function* () {
        Process.send(me, 'listening')
        yield* Tcp.listen(0)
      })
      yield* assertReceive('listening', 1000)
      Process.exit(owner, 'kill')
      yield* assertReceive(['DOWN', mref, 'process', owner, 'killed'], 1000)
      for (let i = 0; i < 3; i++) yield turn()
      const leaked = handles().filter(
        (h): h is net.Server => h instanceof net.Server && h.listening && !before.has(h),
      )
      // Clean-up: a leaked listening server would keep the test runner alive.
      for (const h of leaked) h.close()
      assert.equal(leaked.length, 0, 'a listening server owned by a dead process is still open')
    }))

  it('a socket whose owner died before connect completed is closed (the peer sees it close)', () =>
    run(function* () {
      const listener = yield* listenAny({ active: true })
      const me = Process.self()
      try {
        Process.spawn(function* () {
          const [, s] = (yield* Tcp.accept(listener, 2000)) as Ok<Tcp.Socket>
          Tcp.controllingProcess(s, me)
          Process.send(me, ['accepted', s])
        })
        const [owner, mref] = Process.spawnMonitor(function* () {
          Process.send(me, 'connecting')
          yield* Tcp.connect('127.0.0.1', Tcp.port(listener))
        })
        yield* assertReceive('connecting', 1000)
        Process.exit(owner, 'kill')
        yield* assertReceive(['DOWN', mref, 'process', owner, 'killed'], 1000)
        const [, server] = yield* assertReceive(['accepted', P._], 2000)
        try {
          yield* assertReceive(['tcp_closed', server], 1000)
        } finally {
          Tcp.close(server as Tcp.Socket)
        }
      } finally {
        Tcp.close(listener)
      }
    }))
})
