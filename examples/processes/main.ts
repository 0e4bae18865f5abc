/**
 * `npm run example -- processes` — seed 001, the course notes on Elixir processes: `self`,
 * `send`/`receive`/`flush` with the squares, `spawn` and getting a result back, the `Worker` that
 * squares numbers (and crashes on a string), `spawn_link` and `{:exit, reason}`, `spawn_monitor`
 * and its `:DOWN`, the `KV` store, and registering it as `kv`.
 *
 * The output is an IEx-like transcript: `iex>` and the TypeScript expression, then its result.
 * Elixir terms print in their TypeScript form: atoms are strings (`'ping'`), tuples are arrays
 * (`[ 'result', 16 ]`), `nil` is `null`.
 *
 * Where IEx relies on the time a human takes to type the next line (the spawned process has long
 * finished when `Process.alive?` is typed), we wait for the event itself: a monitor's `DOWN`,
 * or the reply.
 *
 * Elixir → TypeScript: each `receive do … end` loop is a generator with
 * `for (;;) { yield* Process.receive(…) }` (Worker.ts, KV.ts); `spawn/3` with a module function is
 * `Process.spawn(Worker.doWork)`; `{:compute, x, pid}` is `['compute', x, pid]`; `flush()` is
 * `Process.flush()`, which returns the messages instead of printing them.
 *
 * `raise "oops"` is `throw new Error('oops')`, so its crash log names JavaScript's class:
 * `** (Error) oops`, where Elixir's says `** (RuntimeError) oops`. (The Worker's
 * `ArithmeticError` is a class of its own, so that one reads as in Elixir.)
 */
import { inspect } from 'node:util'
import { P, type Pid, Process } from '../../src/index.ts'
import * as KV from './KV.ts'
import * as Worker from './Worker.ts'

const { receive, self, send, spawn, spawnLink, spawnMonitor } = Process

export type Print = (line: string) => void

/** Waits until `pid` has exited; returns its reason. */
function* exited(pid: Pid): Generator<unknown, unknown> {
  const ref = Process.monitor(pid)
  const [, , , , reason] = yield* receive(['DOWN', ref, 'process', pid, P._])
  return reason
}

export function* main(print: Print = console.log, sleepMs = 500): Generator<unknown, void> {
  // `iex> expr`, then the result as IEx shows it (inspected).
  const iex = (expr: string, ...result: [unknown?]) => {
    print(`iex> ${expr}`)
    if (result.length > 0) show(result[0])
  }
  const show = (value: unknown) => print(inspect(value, { breakLength: Number.POSITIVE_INFINITY }))

  print('# Self')
  iex('self()', self())

  print('\n# Sending and receiving messages')
  const me = self()
  iex("send(me, 'ping')", send(me, 'ping'))
  const x = yield* receive()
  iex('yield* receive() → print(inspect(x))')
  show(x)

  iex(
    '[1, 2, 3, 4, 5].map((n) => send(me, n * n))',
    [1, 2, 3, 4, 5].map((n) => send(me, n * n)),
  )
  iex('yield* receive()', yield* receive())
  iex('Process.flush()')
  for (const m of Process.flush()) show(m)

  print('\n# Spawn')
  const answer = spawn(() => 6 * 7)
  iex('spawn(() => 6 * 7)', answer)
  yield* exited(answer)
  iex('Process.alive(pid)', Process.alive(answer))

  const oops = spawn(() => {
    throw new Error('oops')
  })
  iex("spawn(() => { throw new Error('oops') })  // logged by Logger, life goes on", oops)
  yield* exited(oops)

  const parent = self()
  iex(
    'spawn(() => send(parent, 6 * 7))',
    spawn(() => send(parent, 6 * 7)),
  )
  iex('yield* receive() → print(inspect(x))')
  show(yield* receive())

  print('\n# The Worker')
  const pid = spawn(Worker.doWork)
  iex('pid = spawn(Worker.doWork)', pid)
  iex("send(pid, ['compute', 4, self()])", send(pid, ['compute', 4, self()]))
  iex('Process.flush()', yield* receive(['result', P._]))
  iex('Process.alive(pid)', Process.alive(pid))
  iex("send(pid, ['compute', 16, self()])", send(pid, ['compute', 16, self()]))
  iex('Process.flush()', yield* receive(['result', P._]))
  const workerDown = Process.monitor(pid)
  iex(
    "send(pid, ['compute', 'square this', self()])  // logged: ** (ArithmeticError)",
    send(pid, ['compute', 'square this', self()]),
  )
  yield* receive(['DOWN', workerDown, 'process', pid, P._])
  iex('Process.alive(pid)', Process.alive(pid))

  print('\n# Spawning with links')
  iex(
    'spawnLink(() => 6 * 7)',
    spawnLink(() => 6 * 7),
  )
  // A child that fails at once takes its linked parent (here a stand-in for the shell) with it.
  const [shell, shellRef] = spawnMonitor(function* () {
    spawnLink(() => {
      throw new Error('failed during startup')
    })
    yield* receive()
  })
  const [, , , , shellReason] = yield* receive(['DOWN', shellRef, 'process', shell, P._])
  print(`(a linked child raised: its parent ${shell} exited with: ${(shellReason as [Error])[0].message})`)

  const linked = spawnLink(Worker.doWorkWithExit)
  iex('pid = spawnLink(Worker.doWorkWithExit)', linked)
  iex("send(pid, ['compute', 4, self()])", send(linked, ['compute', 4, self()]))
  iex('Process.flush()', yield* receive(['result', P._]))
  iex('Process.alive(pid)', Process.alive(linked))
  const linkedDown = Process.monitor(linked)
  iex("send(pid, ['exit', 'normal'])", send(linked, ['exit', 'normal']))
  yield* receive(['DOWN', linkedDown, 'process', linked, P._])
  iex('Process.alive(pid)', Process.alive(linked))
  iex('Process.alive(self())  // the parent is unaffected', Process.alive(self()))

  print('\n# Process monitor')
  const [sleeper, ref] = spawnMonitor(function* () {
    yield* Process.sleep(sleepMs)
  })
  iex(`[pid, ref] = spawnMonitor(function* () { yield* Process.sleep(${sleepMs}) })`, [sleeper, ref])
  const down = yield* receive(['DOWN', ref, 'process', sleeper, P._])
  iex('Process.alive(pid)', Process.alive(sleeper))
  iex('Process.flush()', down)

  print('\n# Storing state inside processes: KV')
  const kv = KV.startLink()
  iex('pid = KV.startLink()', kv)
  iex("send(pid, ['get', 'a', self()])", send(kv, ['get', 'a', self()]))
  iex('Process.flush()', yield* receive())
  iex("send(pid, ['put', 'a', 42, self()])", send(kv, ['put', 'a', 42, self()]))
  iex("send(pid, ['get', 'a', self()])", send(kv, ['get', 'a', self()]))
  iex('Process.flush()')
  show(yield* receive())
  show(yield* receive())

  print('\n# Naming processes')
  iex("Process.register('kv', pid)", Process.register('kv', kv))
  iex("send('kv', ['put', 'a', 42, self()])", send('kv', ['put', 'a', 42, self()]))
  iex('Process.flush()', yield* receive())
  iex("send('kv', ['get', 'a', self()])", send('kv', ['get', 'a', self()]))
  iex('Process.flush()', yield* receive())
  Process.unlink(kv)
  Process.exit(kv, 'shutdown')
}

if (import.meta.filename === process.argv[1]) await Process.run(() => main())
