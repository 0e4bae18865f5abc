/**
 * `npm run example -- hashit` — seed 000, "phoenix/elixir - concurrency actor model with 'let it
 * crash' philosophy": the md5 `HashIt` actor, from a bare receive loop to a supervised,
 * registered, caching actor linked to a sha256 twin.
 *
 * Each section below is one of the article's IEx snippets. Where the article waits (`sleep(1000)`)
 * or relies on the time between two IEx prompts, we wait for the event itself instead: a
 * monitor's `DOWN`, a trapped `EXIT`, or the supervisor re-registering the name.
 *
 * Elixir → TypeScript: see HashIt.ts (the receive loops, the cache map, `make_ref`/`^ref`) and
 * HashItSupervisor.ts (`trap_exit` and `{:EXIT, ^pid, reason}`). `Process.info(name, :status)`
 * prints `undefined` where IEx prints `nil`; `inspect reason` prints `'forced_kill'` for
 * `:forced_kill`, and `TypeError: …` for a raised error.
 */
import { P, type Pid, Process } from '../../src/index.ts'
import * as HashIt from './HashIt.ts'
import * as HashItSupervisor from './HashItSupervisor.ts'

const { receive, self, send, spawn, spawnLink } = Process

/** `Process.info(name, :status)`: the status of the process registered as `name`, or undefined. */
function status(name: string): string | undefined {
  const pid = Process.whereis(name)
  return pid === undefined ? undefined : Process.info(pid)?.status
}

/** Waits until `pid` has exited (a monitor's DOWN). */
function* exited(pid: Pid): Generator<unknown, unknown> {
  const ref = Process.monitor(pid)
  const [, , , , reason] = yield* receive(['DOWN', ref, 'process', pid, P._])
  return reason
}

/** Waits until `name` is registered to a process other than `old` (the supervisor (re)started it). */
function* registered(name: string, old?: Pid): Generator<unknown, Pid> {
  for (;;) {
    const pid = Process.whereis(name)
    if (pid !== undefined && pid !== old) return pid
    yield Process.yield()
  }
}

/** The walkthrough. `timeout` is the article's `after 1000` (tests pass a shorter one). */
export function* main(print: HashIt.Print = console.log, timeout = 1000): Generator<unknown, void> {
  print('# pid = spawn(&HashIt.loop/0); send(pid, {:compute, "bipin"})')
  const printer = spawn(() => HashIt.printLoop(print))
  send(printer, ['compute', 'bipin'])
  send(printer, ['shutdown'])
  yield* exited(printer)

  print('')
  print('# Process.flag(:trap_exit, true); pid = spawn_link(&HashIt.loop/0); … {:shutdown}')
  Process.trapExit(true)
  const pid = spawnLink(() => HashIt.printLoop(print))
  send(pid, ['compute', 'bipin'])
  send(pid, ['shutdown'])
  const [, , reason] = yield* receive(['EXIT', pid, P._])
  print(`HashIt has exited (${String(reason)})`)
  Process.trapExit(false)

  print('')
  print('# :hashItMD5 |> HashIt.start([%{}, :md5]); :hashItMD5 |> HashIt.compute("bipin")')
  HashIt.start('hashItMD5', new Map(), 'md5')
  print(yield* HashIt.compute('hashItMD5', 'bipin'))
  print(`${yield* HashIt.compute('hashItMD5', 'bipin')} (from the cache)`)

  print('')
  print('# link :hashItMD5 and :hashItSHA256, then exit :hashItMD5 with :forced_kill')
  const sha = HashIt.start('hashItSHA256', new Map(), 'sha256')
  print(`sha256("bipin") = ${yield* HashIt.compute('hashItSHA256', 'bipin')}`)
  yield* HashIt.link('hashItMD5', sha)
  Process.exit(Process.whereis('hashItMD5')!, 'forced_kill')
  yield* exited(sha)
  print(`Process.info(:hashItMD5, :status)    → ${status('hashItMD5')}`)
  print(`Process.info(:hashItSHA256, :status) → ${status('hashItSHA256')}`)

  print('')
  print('# the same, but :hashItMD5 exits with :normal')
  const md5 = HashIt.start('hashItMD5', new Map(), 'md5')
  HashIt.start('hashItSHA256', new Map(), 'sha256')
  yield* HashIt.link('hashItSHA256', md5)
  send('hashItMD5', ['shutdown'])
  yield* exited(md5)
  print(`Process.info(:hashItMD5, :status)    → ${status('hashItMD5')}`)
  print(`Process.info(:hashItSHA256, :status) → ${status('hashItSHA256')}`)
  send('hashItSHA256', ['shutdown'])

  print('')
  print('# HashItSupervisor.start')
  const supervisor = HashItSupervisor.start('hashItMD5', print)
  let worker = yield* registered('hashItMD5')
  print(`hashItMD5 is ${worker}: ${yield* HashIt.compute('hashItMD5', 'bipin')}`)
  Process.exit(worker, 'forced_kill')
  worker = yield* registered('hashItMD5', worker)
  print(`hashItMD5 is now ${worker}: ${yield* HashIt.compute('hashItMD5', 'bipin')}`)
  // A bug: hashing a number raises in the actor (as :crypto.hash(:md5, 42) would).
  send('hashItMD5', ['compute', 42, self(), Process.makeRef()])
  worker = yield* registered('hashItMD5', worker)
  print(`hashItMD5 is now ${worker}: ${yield* HashIt.compute('hashItMD5', 'bipin')}`)

  print('')
  print('# receive do {:ok, ^ref, value} -> IO.puts(value) after 1000 -> nil end')
  const dead = spawn(function* () {})
  yield* exited(dead)
  print(`asking a dead actor: ${yield* HashIt.computeWithin(dead, 'bipin', timeout)}`)
  print(`asking hashItMD5:    ${yield* HashIt.computeWithin('hashItMD5', 'bipin', timeout)}`)

  send('hashItMD5', ['shutdown'])
  yield* exited(supervisor)
}

if (import.meta.filename === process.argv[1]) await Process.run(() => main())
