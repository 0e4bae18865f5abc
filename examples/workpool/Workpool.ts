/**
 * Seed 001's `Workpool`: the public face of the pool. `start()` starts the scheduler and
 * registers it as `scheduler`; `queue(fun, args)` sends it a job whose result will come back to
 * the caller as a plain message. Callers never see the message format.
 */
import { Process } from '../../src/index.ts'
import * as Scheduler from './Scheduler.ts'

/** `Workpool.start/0`. The scheduler is linked to the caller, as `start_link` makes it. */
export function start(): 'ok' {
  const pid = Scheduler.startLink()
  Process.register('scheduler', pid)
  return 'ok'
}

/** `Workpool.queue/2`. */
export function queue<A>(fun: (args: A) => unknown, args: A): 'ok' {
  Process.send('scheduler', ['queue', fun, args, Process.self()])
  return 'ok'
}
