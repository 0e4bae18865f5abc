/**
 * Seed 001's `FibonacciWorkPool`: queues one job per Fibonacci number; each result arrives in
 * the caller's mailbox as soon as its job finishes.
 *
 * On the BEAM the jobs run in parallel on every core; here they share one JS thread, so they run
 * one after the other (each job is a single synchronous call, like the article's `fib_comp`),
 * and the results arrive in the order the jobs finish.
 */
import * as Workpool from './Workpool.ts'

/** `FibonacciWorkPool.fib/1`: returns one `'ok'` per queued number. */
export function fib(fibonacciDigits: Iterable<number>): 'ok'[] {
  return [...fibonacciDigits].map((n) => Workpool.queue(fibComp, n))
}

/** The terribly slow version. */
function fibComp(n: number): number {
  if (n === 0) return 0
  if (n === 1) return 1
  return fibComp(n - 1) + fibComp(n - 2)
}

/** `a..b` */
export function range(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i)
}
