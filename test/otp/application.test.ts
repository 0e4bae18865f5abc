import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { describe, it } from 'node:test'
import { Application, GenServer, P, Process, Supervisor } from '../../src/index.ts'
import { setNodeStopper } from '../../src/internal/application.ts'
import { assertReceive, captureLog, refuteReceive, run } from '../../src/testing/index.ts'
import { uniqueName } from './helpers.ts'

/** A worker that tells `observer` when it starts and when it terminates. */
const Reporter = GenServer.define({
  name: 'Reporter',
  init([tag, observer]: [string, Process.Pid]) {
    Process.trapExit(true)
    Process.send(observer, ['started', tag])
    return GenServer.ok([tag, observer] as const)
  },
  handleCall: (req: 'env', _from, s: readonly [string, Process.Pid]) => GenServer.reply(req, s),
  terminate(_reason, [tag, observer]: readonly [string, Process.Pid]) {
    Process.send(observer, ['terminated', tag])
  },
})

function appWith(
  name: string,
  observer: Process.Pid,
  deps: string[] = [],
  extra: Record<string, unknown> = {},
) {
  return Application.define({
    name,
    applications: deps,
    env: { greeting: 'hello', ...extra },
    start: () =>
      Supervisor.startLink(
        [
          { id: 'a', start: () => GenServer.startLink(Reporter, [`${name}.a`, observer]) },
          { id: 'b', start: () => GenServer.startLink(Reporter, [`${name}.b`, observer]) },
        ],
        { strategy: 'one_for_one' },
      ),
    stop: () => Process.send(observer, ['stopped', name]),
  })
}

describe('Application', () => {
  it('starts its tree, exposes its environment, and stops the tree in reverse order', () =>
    run(function* () {
      const me = Process.self()
      const name = uniqueName('app')
      const app = appWith(name, me)
      assert.equal(yield* Application.start(app, { handleSignals: false }), 'ok')
      yield* assertReceive(['started', `${name}.a`])
      yield* assertReceive(['started', `${name}.b`])
      assert.equal(Application.getEnv(name, 'greeting'), 'hello')
      assert.deepEqual(Application.fetchEnv(name, 'missing'), 'error')
      Application.putEnv(name, 'greeting', 'hi')
      assert.deepEqual(Application.fetchEnv(name, 'greeting'), ['ok', 'hi'])
      assert.ok(Application.startedApplications().includes(name))
      assert.equal(yield* Application.stop(name), 'ok')
      // Children shut down in reverse start order, then the stop callback runs.
      yield* assertReceive(['terminated', `${name}.b`])
      yield* assertReceive(['terminated', `${name}.a`])
      yield* assertReceive(['stopped', name])
      assert.ok(!Application.startedApplications().includes(name))
      assert.deepEqual(yield* Application.stop(name), ['error', ['not_started', name]])
    }))

  it('an async start and stop run in the application master, before and after their awaits', () =>
    run(function* () {
      const me = Process.self()
      const name = uniqueName('async_app')
      const ticks: string[] = []
      const app = Application.define({
        name,
        async start() {
          await new Promise((resolve) => setImmediate(resolve))
          ticks.push('start awaited')
          // Started after an await: still linked to the master, which outlives this callback.
          return Supervisor.startLink(
            [{ id: 'a', start: () => GenServer.startLink(Reporter, [`${name}.a`, me]) }],
            { strategy: 'one_for_one' },
          )
        },
        async stop() {
          await new Promise((resolve) => setImmediate(resolve))
          Process.send(me, ['stopped', name, Process.self() !== me])
        },
      })
      assert.equal(yield* Application.start(app, { handleSignals: false }), 'ok')
      assert.deepEqual(ticks, ['start awaited'])
      yield* assertReceive(['started', `${name}.a`])
      yield* refuteReceive(['terminated', P._], 50)
      assert.equal(yield* Application.stop(name), 'ok')
      yield* assertReceive(['terminated', `${name}.a`])
      yield* assertReceive(['stopped', name, true])
    }))

  it('refuses to start twice, and before its dependencies', () =>
    run(function* () {
      const me = Process.self()
      const dep = uniqueName('dep')
      const top = uniqueName('top')
      appWith(dep, me)
      const app = appWith(top, me, [dep])
      assert.deepEqual(yield* Application.start(app, { handleSignals: false }), [
        'error',
        ['not_started', dep],
      ])
      const r = yield* Application.ensureAllStarted(top, { handleSignals: false })
      assert.deepEqual(r, ['ok', [dep, top]])
      assert.deepEqual(yield* Application.start(top, { handleSignals: false }), [
        'error',
        ['already_started', top],
      ])
      yield* Application.stop(top)
      yield* Application.stop(dep)
    }))

  it('reports a start callback that fails', () =>
    run(function* () {
      const name = uniqueName('bad')
      Application.define({ name, start: () => ['error', 'no_db'] })
      const r = yield* Application.start(name, { handleSignals: false })
      assert.deepEqual(r, ['error', ['no_db', [name, 'start', ['normal', undefined]]]])
    }))

  it('rejects unknown applications and bad restart types with clear errors', () => {
    assert.throws(() => Application.ensureAllStarted(uniqueName('nope')), {
      code: 'ERR_BEAMISH_BADARG',
      message: /unknown application/,
    })
    const name = uniqueName('x')
    Application.define({ name, start: () => 'ignore' })
    assert.throws(() => Application.start(name, { type: 'forever' as never }), {
      code: 'ERR_BEAMISH_INVALID_OPTION',
      message: /restart type/,
    })
  })

  it('a temporary application whose root dies is only logged; a permanent one stops the node', async () => {
    const stops: number[] = []
    setNodeStopper((code) => stops.push(code))
    const names = { temporary: uniqueName('temporary'), permanent: uniqueName('permanent') }
    const log = await captureLog(() =>
      run(function* () {
        const me = Process.self()
        for (const type of ['temporary', 'permanent'] as const) {
          const name = names[type]
          Application.define({
            name,
            *start() {
              const r = yield* Supervisor.startLink([], { strategy: 'one_for_one' })
              Process.send(me, ['root', name, r[1]])
              return r
            },
          })
          assert.equal(yield* Application.start(name, { type, handleSignals: false }), 'ok')
          const [, , root] = yield* assertReceive(['root', name, P.instanceOf(Process.Pid)])
          Process.exit(root, 'kill')
          const ref = Process.monitor(root)
          yield* assertReceive(['DOWN', ref, 'process', root, P._])
        }
        // The application masters react to the root's EXIT asynchronously: wait until both are gone.
        for (
          let i = 0;
          i < 100 &&
          Application.startedApplications().some((a) => a === names.temporary || a === names.permanent);
          i++
        ) {
          yield Process.yield()
        }
      }),
    )
    assert.match(log, new RegExp(`\\[notice\\] Application ${names.temporary} exited: killed`))
    assert.match(log, new RegExp(`\\[notice\\] Application ${names.permanent} exited: killed`))
    assert.match(
      log,
      new RegExp(`Application ${names.permanent} \\(permanent\\) terminated: stopping the node`),
    )
    assert.deepEqual(stops, [1])
  })

  it('SIGTERM stops the applications, each tree in reverse order, and the node exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/sigtermApp.ts'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        if (out.includes('started ok')) resolve()
      })
    })
    child.kill('SIGTERM')
    const code = await exited
    assert.equal(code, 0)
    assert.deepEqual(out.trim().split('\n'), [
      'started ok',
      'terminate three',
      'terminate two',
      'terminate one',
      'app stopped',
    ])
  })
})
