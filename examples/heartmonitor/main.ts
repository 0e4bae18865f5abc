/**
 * `npm run example -- heartmonitor` — seed 001, the course's "Ping pong" lecture: `PingPong`,
 * `receive … after` as a sleep timer, and the `HeartMonitor` watching first the shell, then a
 * `NewWorker` that is too busy computing `fib(40)` to answer: it is listed dead, and when it is
 * done, `Process #PID<…> was dead but is now alive`.
 *
 * Timings are scaled down 30×: the monitor pings after 100 ms of quiet instead of 3 s, and the
 * sleep-timer `receive` waits 500 ms instead of 5 s. Where the article lets time pass between IEx
 * prompts, the shell here polls: it sleeps two ping intervals (sending the monitor a message
 * resets its `after` timer, so asking in a tight loop would stop the pings) and asks again.
 *
 * One JS thread: the BEAM pre-empts the worker while it computes `fib(40)`, so the monitor keeps
 * pinging; JavaScript cannot pre-empt, and a plain recursive `fib(40)` would freeze every process
 * and timer for a second or more — the monitor would notice nothing. We solve it honestly, in the
 * computation: `NewWorker`'s `fib` is a generator that does `yield Process.yield()` after every
 * chunk of about 75,000 calls, letting the other processes (and timers) run. The worker itself
 * stays busy and does not read its mailbox, so its pings really go unanswered, exactly as in the
 * article. (A worker thread would also keep the node responsive, but the worker would no longer
 * be one process with one mailbox, and messages to it would have to be serialized.)
 *
 * Elixir → TypeScript: see HeartMonitor.ts (the state map, `receive … after`), NewWorker.ts and
 * PingPong.ts; IEx's prompts are printed as `iex>` lines, results as TypeScript values.
 */
import { inspect } from 'node:util'
import { P, type Pid, Process } from '../../src/index.ts'
import * as HeartMonitor from './HeartMonitor.ts'
import * as NewWorker from './NewWorker.ts'
import * as PingPong from './PingPong.ts'

const { after, receive, self, send } = Process

export interface Options {
  readonly print?: HeartMonitor.Print
  /** The monitor's ping interval (the article's 3000 ms). */
  readonly interval?: number
  /** The sleep-timer receive's timeout (the article's 5000 ms). */
  readonly sleepTimer?: number
  /** The Fibonacci number that keeps the worker busy (the article's 40). */
  readonly busyFib?: number
}

function show(value: unknown): string {
  return inspect(value, { breakLength: Number.POSITIVE_INFINITY })
}

/** Asks the monitor for one of its lists and returns it. */
function* ask(heart: Pid, what: 'list_monitors' | 'list_alive' | 'list_dead'): Generator<unknown, Pid[]> {
  send(heart, [what, self()])
  const [, list] = yield* receive(['reply', P.array(P.instanceOf(Process.Pid))])
  return list
}

/** Asks `what` every two ping intervals until `done(list)` holds (the human at the IEx prompt). */
function* askUntil(
  heart: Pid,
  what: 'list_alive' | 'list_dead',
  interval: number,
  done: (list: Pid[]) => boolean,
) {
  for (;;) {
    yield* Process.sleep(2 * interval)
    const list = yield* ask(heart, what)
    if (done(list)) return list
  }
}

export function* main(opts: Options = {}): Generator<unknown, void> {
  const { print = console.log, interval = 100, sleepTimer = 500, busyFib = 40 } = opts

  print('# PingPong')
  const pingPong = PingPong.startLink()
  print(`iex> send(pingPong, ['ping', self()])`)
  send(pingPong, ['ping', self()])
  print(show(yield* receive(['pong', pingPong])))

  print(`\n# receive do _ -> 42 after ${sleepTimer} -> -42 end`)
  print(
    String(
      yield* receive(
        Process.on(P._, () => 42),
        after(sleepTimer, () => -42),
      ),
    ),
  )

  print(`\n# HeartMonitor (pings after ${interval} ms of quiet) monitoring the shell`)
  const first = HeartMonitor.startLink({ interval, print })
  send(first, ['monitor', self()])
  print(`iex> send(heart, ['monitor', self()])  // and wait: the pings pile up`)
  for (let i = 0; i < 3; i++) print(show(yield* receive(['ping', first])))
  print(`iex> send(heart, ['list_dead', self()])`)
  print(show(['reply', yield* ask(first, 'list_dead')]))
  print(`iex> send(heart, ['pong', self()])`)
  send(first, ['pong', self()])
  send(first, ['demonitor', self()])
  yield* ask(first, 'list_monitors')
  Process.unlink(first)
  Process.exit(first, 'shutdown')
  Process.flush()

  print('\n# A new session: a HeartMonitor monitoring a NewWorker')
  const heart = HeartMonitor.startLink({ interval, print })
  const w1 = NewWorker.start()
  print(`iex> w1 = NewWorker.start()\n${w1}`)
  send(heart, ['monitor', w1])
  print(`iex> send(heart, ['monitor', w1]); send(heart, ['list_alive', self()])`)
  print(show(['reply', yield* askUntil(heart, 'list_alive', interval, (l) => l.includes(w1))]))
  send(w1, ['compute', 5, self()])
  send(w1, ['compute', 20, self()])
  print(`iex> send(w1, ['compute', 5, self()]); send(w1, ['compute', 20, self()])`)
  print(show(yield* receive(['result', P.number])))
  print(show(yield* receive(['result', P.number])))
  print(`iex> send(w1, ['compute', ${busyFib}, self()])`)
  send(w1, ['compute', busyFib, self()])
  const dead = yield* askUntil(heart, 'list_dead', interval, (l) => l.includes(w1))
  print(`iex> send(heart, ['list_dead', self()])  // while w1 computes\n${show(['reply', dead])}`)
  print(show(yield* receive(['result', P.number])))
  yield* askUntil(heart, 'list_dead', interval, (l) => !l.includes(w1))
  print(`iex> send(heart, ['list_alive', self()])\n${show(['reply', yield* ask(heart, 'list_alive')])}`)

  Process.unlink(heart)
  Process.exit(heart, 'shutdown')
  Process.unlink(pingPong)
  Process.exit(pingPong, 'shutdown')
  Process.exit(w1, 'kill')
}

if (import.meta.filename === process.argv[1]) await Process.run(() => main())
