/**
 * Seed 001's `NewWorker`: answers pings, and computes Fibonacci numbers the terribly slow way
 * (`fib(n-1) + fib(n-2)`) for `['compute', n, sender]`, replying `['result', fib(n)]`.
 *
 * Why `fib` is a generator that yields: the BEAM pre-empts a process after a few thousand
 * reductions, so while the worker grinds through `fib(40)` the heart monitor still runs, pings,
 * and marks the busy worker dead. A JavaScript thread cannot be pre-empted: a plain recursive
 * `fib(40)` would freeze every process (and every timer) for a second or more, and the monitor
 * would never notice anything. So the computation cooperates: subtrees smaller than `fib(CHUNK)`
 * (about 75,000 calls, well under a millisecond) run as plain recursion, and after each one the
 * generator does `yield Process.yield()`, letting every other process run. We chose this over a
 * worker thread because the semantics stay the article's: the worker is one process, busy and
 * not reading its mailbox, so its pings really go unanswered until the result is sent; only the
 * rest of the node stays responsive.
 */
import { P, Pid, Process } from '../../src/index.ts'

/** `NewWorker.start/0`. */
export function start(): Pid {
  return Process.spawn(loop)
}

function* loop(): Generator<unknown, never> {
  for (;;) {
    const msg = yield* Process.receive(['ping', P.instanceOf(Pid)], ['compute', P.number, P.instanceOf(Pid)])
    if (msg[0] === 'ping') Process.send(msg[1], ['pong', Process.self()])
    else {
      const [, n, sender] = msg
      Process.send(sender, ['result', yield* fib(n)])
    }
  }
}

/** Below this, a subtree is computed in one go before yielding. */
const CHUNK = 25

function fibNow(n: number): number {
  return n < 2 ? n : fibNow(n - 1) + fibNow(n - 2)
}

/** The article's `fib/1`, same recursion, yielding to other processes between chunks of work. */
export function* fib(n: number): Generator<unknown, number> {
  if (n < CHUNK) {
    const result = fibNow(n)
    yield Process.yield()
    return result
  }
  return (yield* fib(n - 1)) + (yield* fib(n - 2))
}
