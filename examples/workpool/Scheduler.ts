/**
 * Seed 001's `Workpool.Scheduler`: a FIFO scheduler that runs each queued job in its own
 * monitored process. The job's result goes straight to the requester; if the job crashes, the
 * scheduler's monitor gets the `DOWN` and tells the requester
 * `['failure', 'pool worker died: …']`. Monitors, not links: a crashing job never takes the
 * scheduler down.
 *
 * Elixir → TypeScript: `state.processing` (a `HashDict` of worker pid → requester) is a `Map`
 * owned by the loop; `{pid, _ref} = spawn_monitor(fn -> send sender, func.(args) end)` is
 * `Process.spawnMonitor(() => Process.send(sender, func(args)))` — functions travel in messages by
 * reference, like funs on the BEAM.
 */
import { inspect } from 'node:util'
import { P, Pid, Process } from '../../src/index.ts'

/** A job: any one-argument function, applied to the queued argument. */
export type Job = (args: any) => unknown

/** `Workpool.Scheduler.start_link/0`. */
export function startLink(): Pid {
  return Process.spawnLink(() => loop({ processing: new Map() }))
}

interface State {
  readonly processing: Map<Pid, Pid>
}

/** Elixir's `inspect reason` for the failure message: an error reads as `Error: oops`. */
function inspectReason(reason: unknown): string {
  if (Array.isArray(reason) && reason[0] instanceof Error) return `${reason[0].name}: ${reason[0].message}`
  return inspect(reason)
}

function* loop(state: State): Generator<unknown, never> {
  for (;;) {
    const msg = yield* Process.receive(
      ['queue', P.when((f): f is Job => typeof f === 'function'), P._, P.instanceOf(Pid)],
      ['DOWN', P._, 'process', P.instanceOf(Pid), P._],
    )
    if (msg[0] === 'queue') {
      const [, func, args, sender] = msg
      const [pid] = Process.spawnMonitor(() => {
        Process.send(sender, func(args))
      })
      state.processing.set(pid, sender)
    } else {
      const [, , , pid, reason] = msg
      if (reason !== 'normal') {
        const sender = state.processing.get(pid)
        if (sender !== undefined)
          Process.send(sender, ['failure', `pool worker died: ${inspectReason(reason)}`])
      }
      state.processing.delete(pid)
    }
  }
}
