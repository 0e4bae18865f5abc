/**
 * Supervisor restarts (`supervisor.exs`): a one_for_one Supervisor with W GenServer workers and
 * max_restarts 1,000,000,000 per second. A killer kills a random live worker
 * (`Process.exit(pid, 'kill')`) K times as fast as it can; each worker reports its pid to the
 * killer from `init`, so the killer only waits when the worker it picked is still restarting.
 * Rate = K / time from the first kill until the last restarted worker has reported.
 *
 * Check: exactly K restarts were reported, and the supervisor still has W live workers.
 */
import { GenServer, P, type Pid, Process, Supervisor } from '../../src/index.ts'
import { expect, now, type Workload } from '../lib.ts'

const { receive, self, after } = Process

const Worker = GenServer.define({
  name: 'Worker',
  init: ([i, killer]: [number, Pid]) => {
    Process.send(killer, ['up', i, Process.self()])
    return GenServer.ok(i)
  },
})

const UP = ['up', P.number, P.instanceOf(Process.Pid)] as const

export interface SupSize {
  readonly workers: number
  readonly kills: number
}

interface SupResult {
  readonly ups: number
  readonly active: number
}

export const supervisor: Workload<SupSize, SupResult> = {
  name: 'supervisor',
  full: { workers: 1_000, kills: 100_000 },
  quick: { workers: 50, kills: 1_000 },
  warm: (s) => ({ workers: s.workers, kills: Math.floor(s.kills / 10) }),
  run: ({ workers, kills }) =>
    Process.run(function* () {
      Process.trapExit(true)
      const me = self()
      const children = []
      for (let i = 1; i <= workers; i++) children.push(Supervisor.childSpec([Worker, [i, me]], { id: i }))
      const started = yield* Supervisor.startLink(children, {
        strategy: 'one_for_one',
        maxRestarts: 1_000_000_000,
        maxSeconds: 1,
      })
      if (started === 'ignore' || started[0] !== 'ok')
        throw new Error(`supervisor did not start: ${String(started)}`)
      const sup = started[1]
      const live = new Map<number, Pid>()
      for (let k = 0; k < workers; k++) {
        const [, i, pid] = yield* receive(UP)
        live.set(i, pid)
      }

      const chunk = Math.max(Math.floor(kills / 10), 1)
      const marks: number[] = []
      let ups = 0
      /** A worker's report from its `init`: it is live again. */
      const restarted = ([, i, pid]: readonly [unknown, number, Pid]) => {
        live.set(i, pid)
        if (++ups % chunk === 0) marks.push(now())
      }
      const t0 = now()
      for (let k = kills; k > 0; ) {
        const i = 1 + Math.floor(Math.random() * workers)
        const pid = live.get(i)
        if (pid !== undefined) {
          Process.exit(pid, 'kill')
          live.delete(i)
          k--
          // take the reports that are already there, without waiting
          for (;;) {
            const up = yield* receive(UP, after(0))
            if (up === undefined) break
            restarted(up)
          }
        } else restarted(yield* receive(UP))
      }
      while (ups < kills) restarted(yield* receive(UP))
      const t1 = now()
      const counts = yield* Supervisor.countChildren(sup)
      yield* Supervisor.stop(sup)
      const secs = (t1 - t0) / 1e3
      const metrics: Record<string, number> = { restarts_per_sec: kills / secs, ms: t1 - t0 }
      let prev = t0
      marks.forEach((t, c) => {
        metrics[`chunk_rate_${c + 1}`] = chunk / ((t - prev) / 1e3)
        prev = t
      })
      return { metrics, result: { ups, active: counts.active } }
    }),
  check({ workers, kills }, { ups, active }) {
    expect(ups === kills, `${ups} workers reported back after ${kills} kills`)
    expect(active === workers, `${active} active workers at the end, expected ${workers}`)
  },
}
