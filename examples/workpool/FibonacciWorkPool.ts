/**
 * Seed 001's `FibonacciWorkPool`: queues one job per Fibonacci number; each result arrives in
 * the caller's mailbox as soon as its job finishes.
 *
 * Why `fibComp` is a generator that yields: on the BEAM every job is pre-empted after a few
 * thousand reductions, so while the pool grinds through `fib(40)` (or the course's
 * `fib(39..45)`) the shell, the scheduler and every `receive … after` keep running on time. One
 * JavaScript thread cannot pre-empt a running function: a plain recursive `fibComp(40)` would
 * freeze every process and timer for a second or more (half a minute for `39..45`). So the
 * computation cooperates, as `NewWorker`'s `fib` does (examples/heartmonitor/NewWorker.ts):
 * subtrees smaller than `fib(CHUNK)` (about 35,000 calls, a tenth of a millisecond) run as plain
 * recursion, and after each one the job does `yield Process.yield()`, letting every other
 * process run. The chunk is smaller than NewWorker's so that the scheduler's time slices, and
 * with them due timers, come round every few milliseconds: a 20 ms sleep in another process
 * wakes after about 35 ms while fib(40) computes (about 55 ms with NewWorker's chunk), and the
 * computation takes no longer than the plain recursion. The scheduler runs a generator job to its
 * end (Scheduler.ts), so the result is the same number.
 *
 * On the BEAM the jobs also run in parallel on every core; here they share one JS thread and
 * take turns between chunks, so small numbers still come back first and the results arrive in
 * the order the jobs finish.
 */
import { Process } from '../../src/index.ts'
import * as Workpool from './Workpool.ts'

/** `FibonacciWorkPool.fib/1`: returns one `'ok'` per queued number. */
export function fib(fibonacciDigits: Iterable<number>): 'ok'[] {
  return [...fibonacciDigits].map((n) => Workpool.queue(fibComp, n))
}

/** Below this, a subtree is computed in one go before yielding. */
const CHUNK = 22

/** The terribly slow version, in one go. */
function fibNow(n: number): number {
  if (n === 0) return 0
  if (n === 1) return 1
  return fibNow(n - 1) + fibNow(n - 2)
}

/** The terribly slow version: the same recursion, yielding to other processes between chunks. */
function* fibComp(n: number): Generator<unknown, number> {
  if (n < CHUNK) {
    const result = fibNow(n)
    yield Process.yield()
    return result
  }
  return (yield* fibComp(n - 1)) + (yield* fibComp(n - 2))
}

/** `a..b` */
export function range(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i)
}
