/**
 * `npm run example -- workpool` — seed 001, the course's work pool lecture: the
 * `Workpool.Scheduler` (one monitored process per job, a `{:failure, …}` reply for a job that
 * crashed), `Workpool.start`/`Workpool.queue` behind the registered name `scheduler`, and
 * `FibonacciWorkPool.fib(5..35)` with the results flushed from the shell's mailbox.
 *
 * IEx's `flush` prints whatever has arrived by the time a human types it; here the shell waits
 * for the replies it expects (one per job) and prints them in arrival order.
 *
 * Elixir → TypeScript: see Scheduler.ts (the loop, `spawn_monitor`, the `:DOWN` clauses);
 * `Workpool.start/0` and `queue/2` are plain functions in Workpool.ts; `fn(x) -> 2 * x * x end`
 * is `(x) => 2 * x * x`, sent in a message as the BEAM sends a fun; `fn(_) -> raise "oops" end`
 * is `() => { throw new Error('oops') }`, so the crash is logged with JavaScript's class name,
 * `** (Error) oops`, where Elixir's log says `** (RuntimeError) oops`. FibonacciWorkPool's jobs
 * yield to the other processes as they compute (see FibonacciWorkPool.ts): a JS thread cannot
 * pre-empt them as the BEAM does.
 */
import { inspect } from 'node:util'
import { P, Process } from '../../src/index.ts'
import * as FibonacciWorkPool from './FibonacciWorkPool.ts'
import * as Scheduler from './Scheduler.ts'
import * as Workpool from './Workpool.ts'

const { receive, self, send } = Process

export type Print = (line: string) => void

function show(value: unknown): string {
  return inspect(value, { breakLength: Number.POSITIVE_INFINITY })
}

export function* main(
  print: Print = console.log,
  fibRange: readonly [number, number] = [5, 35],
): Generator<unknown, void> {
  print('# The scheduler on its own')
  const scheduler = Scheduler.startLink()
  print(`iex> scheduler = Workpool.Scheduler.startLink()\n${scheduler}`)
  print(`iex> send(scheduler, ['queue', (x) => 2 * x * x, 4, self()])`)
  send(scheduler, ['queue', (x: number) => 2 * x * x, 4, self()])
  print(`iex> flush()\n${show(yield* receive(P.number))}`)

  print(`iex> send(scheduler, ['queue', () => { throw new Error('oops') }, [], self()])  // logged`)
  send(scheduler, [
    'queue',
    () => {
      throw new Error('oops')
    },
    [],
    self(),
  ])
  const failure = yield* receive(['failure', P.string])
  print(`iex> Process.alive(scheduler)\n${Process.alive(scheduler)}`)
  print(`iex> flush()\n${show(failure)}`)
  Process.unlink(scheduler)
  Process.exit(scheduler, 'shutdown')

  print('\n# Workpool.start and Workpool.queue')
  print(`iex> Workpool.start()\n${show(Workpool.start())}`)
  print(`iex> send('scheduler', ['queue', (x) => x * x, 7, self()])`)
  send('scheduler', ['queue', (x: number) => x * x, 7, self()])
  print(`iex> flush()\n${show(yield* receive(P.number))}`)
  print(`iex> Workpool.queue((x) => x * x * 2, 4)\n${show(Workpool.queue((x: number) => x * x * 2, 4))}`)
  print(`iex> flush()\n${show(yield* receive(P.number))}`)

  const [first, last] = fibRange
  print(`\n# FibonacciWorkPool.fib(${first}..${last})`)
  const oks = FibonacciWorkPool.fib(FibonacciWorkPool.range(first, last))
  print(`iex> FibonacciWorkPool.fib(${first}..${last})\n[ ${oks.map(show).join(', ')} ]`)
  print('iex> flush()')
  for (let i = 0; i < oks.length; i++) print(show(yield* receive(P.number)))

  const pool = Process.whereis('scheduler')!
  Process.unlink(pool)
  Process.exit(pool, 'shutdown')
}

if (import.meta.filename === process.argv[1]) await Process.run(() => main())
