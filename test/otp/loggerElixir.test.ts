/**
 * Logger as an Elixir 1.14.0 (OTP 25) user knows it: the eight levels and their aliases, lazy
 * messages, metadata, truncation, application and process crash messages, and `captureLog` as
 * ExUnit's `capture_log`. Each test has, in the comment above it, the Elixir snippet and what
 * Elixir printed (`elixir file.exs`, or `elixir --logger-sasl-reports true file.exs`). Atoms are
 * written as Beamish strings; where Beamish's term formatting quotes what `inspect/1` shows as an
 * atom, the match is loose.
 */
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { Application, Logger, Node, P, Process, Supervisor } from '../../src/index.ts'
import { type LogEvent, state as loggerState } from '../../src/internal/logger.ts'
import { assertReceive, captureLog, run } from '../../src/testing/index.ts'
import { quietly, uniqueName } from './helpers.ts'

const T = { timeout: 10_000 }

let saved: { level: string; sasl: boolean; handlers: Map<string, Logger.Handler> }
beforeEach(() => {
  saved = {
    level: loggerState.level,
    sasl: loggerState.handleSaslReports,
    handlers: new Map(loggerState.handlers),
  }
})
afterEach(() => {
  // Set directly, whatever level a test left (Logger.configure would check it again).
  loggerState.level = saved.level as never
  loggerState.handleSaslReports = saved.sasl
  loggerState.handlers.clear()
  for (const [k, h] of saved.handlers) loggerState.handlers.set(k, h)
})

/** Events handed to a handler while `body` runs (the structured side of what captureLog shows). */
function collect(body: () => void): LogEvent[] {
  const events: LogEvent[] = []
  const id = uniqueName('collect')
  Logger.addHandler(id, (e) => {
    events.push(e)
  })
  try {
    body()
  } finally {
    Logger.removeHandler(id)
  }
  return events
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\<>]/g, '\\$&')

describe('Logger levels, as in Elixir 1.14', () => {
  // require Logger
  // for l <- [:debug, :info, :notice, :warning, :warn, :error, :critical, :alert, :emergency],
  //   do: Logger.log(l, "msg at #{l}")
  // 13:55:43.337 [debug] msg at debug
  // 13:55:43.339 [info] msg at info
  // 13:55:43.339 [notice] msg at notice
  // 13:55:43.339 [warning] msg at warning
  // 13:55:43.339 [warning] msg at warn
  // 13:55:43.339 [error] msg at error
  // 13:55:43.339 [critical] msg at critical
  // 13:55:43.339 [alert] msg at alert
  // 13:55:43.339 [emergency] msg at emergency
  it('Logger.log accepts all eight levels, and warn as an alias of warning', T, async () => {
    const levels = ['debug', 'info', 'notice', 'warning', 'warn', 'error', 'critical', 'alert', 'emergency']
    const log = await captureLog(() => {
      for (const l of levels) Logger.log(l as Logger.Level, `msg at ${l}`)
    })
    for (const l of levels) {
      const shown = l === 'warn' ? 'warning' : l
      assert.match(log, new RegExp(`\\[${shown}\\] msg at ${l}$`, 'm'))
    }
  })

  // Logger.configure(level: :critical)
  // Logger.level()                    #=> :critical
  // Logger.error("error hidden?")     # nothing
  // Logger.critical("critical shown") # 13:55:43.340 [critical] critical shown
  // (Logger.critical/alert/emergency/warn are all macros of Logger 1.14)
  it(
    'critical, alert, emergency and warn have their own functions, and critical filters error out',
    T,
    async () => {
      for (const f of ['critical', 'alert', 'emergency', 'warn'] as const)
        assert.equal(typeof Logger[f], 'function', `Logger.${f}`)
      const log = await captureLog(() => {
        Logger.configure({ level: 'critical' })
        assert.equal(Logger.level(), 'critical')
        Logger.error('error hidden')
        Logger.critical('critical shown')
        Logger.alert('alert shown')
        Logger.emergency('emergency shown')
      })
      assert.doesNotMatch(log, /error hidden/)
      assert.match(log, /\[critical\] critical shown/)
      assert.match(log, /\[alert\] alert shown/)
      assert.match(log, /\[emergency\] emergency shown/)
    },
  )

  // Logger.configure(level: :warn)
  // Logger.level()   #=> :warning
  it("configure({ level: 'warn' }) sets the level warning, as Elixir 1.14 does", T, () => {
    Logger.configure({ level: 'warn' })
    assert.equal(Logger.level(), 'warning')
  })

  // Logger.configure(level: :all);  Logger.level() #=> :all;  Logger.debug("with all") is shown
  // Logger.configure(level: :none); Logger.level() #=> :none; Logger.emergency("with none") is not
  it("the levels 'all' and 'none' let everything through and nothing", T, async () => {
    const log = await captureLog(() => {
      Logger.configure({ level: 'all' })
      assert.equal(Logger.level(), 'all')
      Logger.debug('with all')
      Logger.configure({ level: 'none' })
      assert.equal(Logger.level(), 'none')
      Logger.log('emergency', 'with none')
    })
    assert.match(log, /\[debug\] with all/)
    assert.doesNotMatch(log, /with none/)
  })
})

describe('Logger.configure and logging calls given bad values', () => {
  // Elixir 1.14 answers :ok to Logger.configure(level: :bogus) and handle_sasl_reports: :yes and
  // ignores them. Beamish rejects a bad level with ERR_BEAMISH_INVALID_OPTION, and the other bad
  // values with a coded error too.
  it('configure with no options object, or a non-boolean handleSaslReports, throws a coded error', T, () => {
    assert.throws(
      () => Logger.configure(undefined as never),
      (e: { code?: unknown }) => typeof e.code === 'string' && e.code.startsWith('ERR_BEAMISH'),
    )
    assert.throws(
      () => Logger.configure({ handleSaslReports: 'yes' as never }),
      (e: { code?: unknown }) => e.code === 'ERR_BEAMISH_INVALID_OPTION',
    )
  })

  // try do Logger.info("m", nil) rescue e -> e end
  // #=> %Protocol.UndefinedError{protocol: Enumerable, value: nil}
  // (an error naming the bad metadata)
  it('null metadata is accepted, or rejected with a coded error', T, () => {
    for (const call of [
      () => Logger.info('m', null as never),
      () => Logger.log('info', 'm', null as never),
    ]) {
      try {
        collect(call)
      } catch (e) {
        assert.match(String((e as { code?: unknown }).code), /^ERR_BEAMISH/, String(e))
      }
    }
  })

  // Logger.info(%{a: 1, b: "x"})   # 14:07:13.268 [info] [a: 1, b: "x"]
  // (a report is logged as its inspected contents)
  it('an object given as the message is logged as its inspected contents', T, async () => {
    const log = await captureLog(() => Logger.info({ a: 1, b: 'x' } as never))
    assert.doesNotMatch(log, /\[object Object\]/)
    assert.match(log, /a: 1/)
  })
})

describe('Logger messages, as in Elixir 1.14', () => {
  // Logger.debug(fn -> "lazy msg" end)                 # 13:56:03.259 [debug] lazy msg
  // Logger.configure(level: :info)
  // Logger.debug(fn -> IO.puts("EVALUATED"); "x" end)  # nothing, and EVALUATED is not printed
  it(
    'a function as the message is called only when the level is enabled, and its result logged',
    T,
    async () => {
      let calls = 0
      const lazy = () => {
        calls++
        return 'lazy msg'
      }
      const log = await captureLog(() => {
        Logger.configure({ level: 'info' })
        Logger.debug(lazy as never)
        assert.equal(calls, 0)
        Logger.configure({ level: 'debug' })
        Logger.debug(lazy as never)
      })
      assert.match(log, /\[debug\] lazy msg$/m)
      assert.equal(calls, 1)
    },
  )

  // Logger.info(String.duplicate("a", 8096))  # printed whole
  // Logger.info(String.duplicate("a", 8097))  # 8096 a's then " (truncated)"
  // (Logger's :truncate, 8096 bytes by default; crash reports are cut the same way)
  it('a message over 8096 bytes is cut at 8096 and marked (truncated)', T, async () => {
    const log = await captureLog(() => {
      Logger.info('b'.repeat(8096))
      Logger.info('a'.repeat(9000))
    })
    // Lengths only: a failure printing 17,000 characters of a's says nothing. Each event is
    // "\n<event>\n" (see the captureLog tests below): the blank lines are no events.
    const lines = log
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.replace(/^\S+ \[info\] /, ''))
    assert.deepEqual(
      lines.map((l) => [l[0], l.length, l.endsWith(' (truncated)')]),
      [
        ['b', 8096, false],
        ['a', 8096 + ' (truncated)'.length, true],
      ],
    )
  })
})

describe('Logger metadata, as in Elixir 1.14', () => {
  // Logger.configure_backend(:console, metadata: [:pid, :user])
  // Logger.info("hello", user: 42)
  // spawn(fn -> Logger.info("from other process", user: 1) end)
  // 14:06:38.410 pid=<0.96.0> user=42 [info] hello
  // 14:06:38.410 pid=<0.101.0> user=1 [info] from other process
  // (every event logged from a process carries its pid in the metadata)
  it('an event logged from a process carries its pid in meta, beside the metadata given', T, () =>
    quietly(function* () {
      const events = collect(() => Logger.info('hello', { user: 42 }))
      assert.equal(events.length, 1)
      assert.equal(events[0]!.meta.user, 42)
      assert.equal(String(events[0]!.meta.pid), String(Process.self()))
    }),
  )

  // Logger.configure_backend(:console, metadata: [:request_id])
  // Logger.metadata(request_id: "abc")
  // Logger.info("hello2")       # 14:06:38.410 request_id=abc [info] hello2
  // spawn(fn -> Logger.info("from other process") end)   # no request_id: metadata is per process
  it('Logger.metadata sets metadata for every later event of the calling process only', T, () =>
    quietly(function* () {
      Logger.metadata({ request_id: 'abc' })
      const mine = collect(() => Logger.info('hello2'))
      assert.equal(mine[0]!.meta.request_id, 'abc')
      const me = Process.self()
      const [pid, ref] = Process.spawnMonitor(() => {
        const theirs = collect(() => Logger.info('from other process'))
        Process.send(me, ['theirs', theirs[0]!.meta.request_id ?? null])
      })
      yield* assertReceive(['theirs', null], 1000)
      yield* assertReceive(['DOWN', ref, 'process', pid, 'normal'], 1000)
    }),
  )
})

describe('crash messages of plain processes, as in Elixir 1.14', () => {
  // spawn(fn -> throw %{code: 42} end)
  // 13:56:02.300 [error] Process #PID<0.101.0> raised an exception
  // ** (ErlangError) Erlang error: {:nocatch, %{code: 42}}
  //     p1.exs:7: anonymous fn/0 in :elixir_compiler_0.__FILE__/1
  // (the emulator's report is translated with Exception.format(:error, {:nocatch, v}, stack); the
  // exit reason itself is checked in test/process/processes.test.ts, P3)
  it('a throw of a non-error is logged as ** (ErlangError) Erlang error: [nocatch, value]', T, async () => {
    const log = await captureLog(() =>
      run(function* () {
        const [pid, ref] = Process.spawnMonitor(() => {
          throw { code: 42 }
        })
        yield* assertReceive(['DOWN', ref, 'process', pid, P._], 1000)
      }),
    )
    assert.match(log, /raised an exception\n\*\* \(ErlangError\) Erlang error: .*nocatch.*code: 42/)
  })

  // spawn(fn -> raise "boom" end)
  // 13:56:02.099 [error] Process #PID<0.99.0> raised an exception
  // ** (RuntimeError) boom
  //     p1.exs:3: anonymous fn/0 in :elixir_compiler_0.__FILE__/1
  // (only the user's frames: a body that is a plain function is entered through
  // AsyncLocalStorage.run, whose node:async_hooks frame is the runtime's, not the user's)
  it('the stack of a plain function body that raised shows no frame of the runtime', T, async () => {
    const log = await captureLog(() =>
      run(function* () {
        const [pid, ref] = Process.spawnMonitor(function plainBody() {
          throw new Error('boom')
        })
        yield* assertReceive(['DOWN', ref, 'process', pid, P._], 1000)
      }),
    )
    assert.match(log, /\*\* \(Error\) boom\n {4}at plainBody /)
    assert.doesNotMatch(log, /node:async_hooks/)
  })
})

describe('application messages, as in Elixir 1.14', () => {
  function* startApp(name: string, me: Process.Pid) {
    Application.define({
      name,
      *start() {
        const r = yield* Supervisor.startLink([], { strategy: 'one_for_one' })
        Process.send(me, ['root', name, r[1]])
        return r
      },
    })
    assert.equal(yield* Application.start(name, { handleSignals: false }), 'ok')
    const [, , root] = yield* assertReceive(['root', name, P.instanceOf(Process.Pid)], 1000)
    return root
  }

  // Application.start(:myapp); Application.stop(:myapp)
  // 13:56:12.755 [notice] Application myapp exited: :stopped
  // (application_controller's exit report is a notice, whatever the reason, so
  // Logger.configure(level: :notice) still shows it)
  it('Application.stop logs "Application x exited: stopped" at notice', T, async () => {
    const name = uniqueName('app')
    const log = await captureLog(() =>
      run(function* () {
        yield* startApp(name, Process.self())
        assert.equal(yield* Application.stop(name), 'ok')
      }),
    )
    assert.match(log, new RegExp(`\\[notice\\] Application ${name} exited: :?stopped`))
  })

  // Application.start(:myapp)
  // Process.exit(Process.whereis(MyApp.Sup), :kill)
  // 13:56:12.864 [notice] Application myapp exited: killed
  // (and for a root that stops with :shutdown, {:shutdown, :x}, :normal: `exited: shutdown`,
  // `exited: shutdown: :x`, `exited: normal`: Exception.format_exit/1, Beamish's formatExit)
  it('an application whose root was killed logs "exited: killed", the reason in words', T, async () => {
    const name = uniqueName('app')
    const log = await captureLog(() =>
      run(function* () {
        const root = yield* startApp(name, Process.self())
        const ref = Process.monitor(root)
        Process.exit(root, 'kill')
        yield* assertReceive(['DOWN', ref, 'process', root, P._], 1000)
        for (let i = 0; i < 100 && Application.startedApplications().includes(name); i++)
          yield Process.yield()
      }),
    )
    assert.match(log, new RegExp(`Application ${name} exited: killed$`, 'm'))
  })

  // elixir --logger-sasl-reports true app.exs
  // Application.start(:myapp)
  // 13:56:13.833 [info] Application myapp started at :nonode@nohost
  it(
    'with handleSaslReports on, starting an application logs "Application x started at node"',
    T,
    async () => {
      const name = uniqueName('app')
      Logger.configure({ handleSaslReports: true })
      const log = await captureLog(() =>
        run(function* () {
          yield* startApp(name, Process.self())
          assert.equal(yield* Application.stop(name), 'ok')
        }),
      )
      assert.match(log, new RegExp(`\\[info\\] Application ${name} started at :?${esc(Node.self())}`))
    },
  )
})

describe('captureLog, as ExUnit.CaptureLog.capture_log', () => {
  // log = capture_log(fn -> Logger.info("one"); Logger.error("two\nlines") end)
  // #=> "\n14:06:55.147 [info] one\n\n14:06:55.148 [error] two\nlines\n"
  // (each event in the console format "\n$time $metadata[$level] $message\n")
  it('returns each event in the console format, with its leading and trailing newline', T, async () => {
    const log = await captureLog(() => {
      Logger.info('one')
      Logger.error('two\nlines')
    })
    assert.match(
      log,
      /^\n\d\d:\d\d:\d\d\.\d{3} \[info\] one\n\n\d\d:\d\d:\d\d\.\d{3} \[error\] two\nlines\n$/,
    )
  })

  // t = Task.async(fn -> capture_log(fn -> send(parent, :started); receive do :go -> :ok end
  //                                        Logger.info("from task"); Process.sleep(20) end) end)
  // receive do :started -> :ok end
  // outer = capture_log(fn -> send(t.pid, :go); Logger.info("from outer"); Process.sleep(50) end)
  // outer                #=> "\n… [info] from outer\n\n… [info] from task\n"
  // Task.await(t)        #=> "\n… [info] from outer\n\n… [info] from task\n"
  // (overlapping captures each get every event logged while they run, and the console comes back
  // after both: neither capture goes deaf when the other starts or ends, and the handlers in
  // place before are the ones in place after.)
  it(
    'two overlapping captures each get the events logged while they run, and the handlers come back',
    T,
    async () => {
      const sentinel: Logger.Handler = () => {}
      loggerState.handlers.clear()
      loggerState.handlers.set('console', sentinel)
      let bStarted!: () => void
      const bStartedP = new Promise<void>((r) => {
        bStarted = r
      })
      const a = captureLog(async () => {
        Logger.info('a1')
        await bStartedP
        Logger.info('a2')
      })
      const b = captureLog(async () => {
        bStarted()
        Logger.info('b1')
        await a
        Logger.info('b2')
      })
      const [logA, logB] = await Promise.all([a, b])
      assert.deepEqual([...loggerState.handlers.entries()], [['console', sentinel]])
      assert.match(logA, /\[info\] a1/)
      assert.match(logA, /\[info\] b1/)
      assert.match(logA, /\[info\] a2/)
      assert.match(logB, /\[info\] b1/)
      assert.match(logB, /\[info\] a2/)
      assert.match(logB, /\[info\] b2/)
    },
  )
})

describe('crash reports and failing handlers, as in Elixir 1.14', () => {
  // spawn(fn -> spawn_link(fn -> raise "inner" end); Process.sleep(1000) end)
  // 13:56:02.705 [error] Process #PID<0.106.0> raised an exception
  // ** (RuntimeError) inner
  // (one report: the linked process killed by the signal logs nothing)
  // spawn(fn -> Process.exit(self(), :kill) end)   # nothing logged
  // spawn(fn -> exit(:bad) end)                    # nothing logged
  it('a linked crash logs the raiser only; exit(self(), kill) and a plain exit log nothing', T, async () => {
    let inner = ''
    const log = await captureLog(() =>
      run(function* () {
        const me = Process.self()
        const [outer, ref] = Process.spawnMonitor(function* () {
          const p = Process.spawnLink(function* () {
            yield Process.yield()
            throw new Error('inner')
          })
          Process.send(me, ['inner', String(p)])
          yield* Process.receive()
        })
        ;[, inner] = yield* assertReceive(['inner', P.string], 1000)
        yield* assertReceive(['DOWN', ref, 'process', outer, P._], 1000)
        for (const body of [
          () => Process.exit(Process.self(), 'kill'),
          () => Process.exit(Process.self(), 'bad'),
        ]) {
          const [pid, r] = Process.spawnMonitor(body)
          yield* assertReceive(['DOWN', r, 'process', pid, P._], 1000)
        }
      }),
    )
    assert.equal(log.match(/raised an exception/g)?.length, 1, log)
    assert.match(log, new RegExp(`Process ${esc(inner)} raised an exception\n\\*\\* \\(Error\\) inner`))
  })

  // :logger.add_handler(:bad, Bad, %{}) with a log/2 that raises; Logger.error("first")
  // Logger - error: {removed_failing_handler,bad}
  // 14:06:58.278 [error] first
  // (the caller goes on and the other handlers get the event; the failing handler is removed
  // and reported, as OTP does)
  it('a handler that throws crashes neither the logging process nor the other handlers', T, () =>
    run(function* () {
      const write = process.stderr.write
      process.stderr.write = (() => true) as never
      try {
        Logger.addHandler(uniqueName('bad'), () => {
          throw new Error('handler boom')
        })
        const events = collect(() => Logger.error('first'))
        assert.deepEqual(
          events.map((e) => e.message),
          ['first'],
        )
        const [pid, ref] = Process.spawnMonitor(() => Logger.error('from a process'))
        yield* assertReceive(['DOWN', ref, 'process', pid, 'normal'], 1000)
      } finally {
        process.stderr.write = write
      }
    }),
  )
})
