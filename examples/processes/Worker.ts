/**
 * The course's `Worker` (seed 001, "Spawn" and "Spawning with links"): squares numbers sent as
 * `['compute', x, pid]`, replying `['result', x * x]`.
 *
 * Elixir raises `ArithmeticError` for `"square this" * "square this"`; JavaScript would quietly
 * give `NaN`, so `square` checks its argument the way the BEAM's `*` does and throws an
 * `ArithmeticError` of its own. The worker does not catch it: it crashes, the crash is logged
 * (`Process #PID<…> raised an exception`), and it is no longer alive.
 *
 * Numbers are JavaScript numbers: squares are exact up to 2^53 (the course squares 4 and 16).
 * Elixir's integers have no limit; squaring past 2^53 (`123456789` → 15241578750190521) is
 * outside the course's examples, and here it rounds.
 */
import { exit, P, Pid, Process } from '../../src/index.ts'

export class ArithmeticError extends Error {
  override name = 'ArithmeticError'
  constructor() {
    super('bad argument in arithmetic expression')
  }
}

export function square(x: unknown): number {
  if (typeof x !== 'number') throw new ArithmeticError()
  return x * x
}

/** `Worker.do_work/0`, first version: compute forever. */
export function* doWork(): Generator<unknown, never> {
  for (;;) {
    const [, x, pid] = yield* Process.receive(['compute', P._, P.instanceOf(Pid)])
    Process.send(pid, ['result', square(x)])
  }
}

/** `Worker.do_work/0`, second version: also `['exit', reason]`, which ends it with that reason. */
export function* doWorkWithExit(): Generator<unknown, never> {
  for (;;) {
    const msg = yield* Process.receive(['compute', P._, P.instanceOf(Pid)], ['exit', P._])
    if (msg[0] === 'exit') exit(msg[1])
    const [, x, pid] = msg
    Process.send(pid, ['result', square(x)])
  }
}
