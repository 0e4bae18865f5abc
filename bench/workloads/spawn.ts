/**
 * Spawn (`spawn.exs`): one process spawns N processes that each block in `receive('stop')`.
 * Times the spawn loop and the time until every new process has run and is waiting (measured by
 * yielding: the spawner goes to the back of the run queue, behind all of them). Memory per
 * process = growth of the V8 heap (after a full GC) divided by N, the pid list included (as in
 * perf-baseline's method). Then kills them all and waits until they are gone.
 *
 * Check: N processes are alive and waiting before the kill, none after.
 */
import { type Pid, Process } from '../../src/index.ts'
import { expect, fullGc, now, type Workload } from '../lib.ts'

const { receive, spawn } = Process

function* waiter() {
  yield* receive('stop')
}

interface SpawnResult {
  readonly alive: number
  readonly waiting: boolean
  readonly aliveAfterKill: number
}

export const spawnWorkload: Workload<{ n: number }, SpawnResult> = {
  name: 'spawn',
  full: { n: 1_000_000 },
  quick: { n: 10_000 },
  warm: (s) => ({ n: Math.min(s.n, 100_000) }),
  run: ({ n }) =>
    Process.run(function* () {
      const before = Process.list().length
      fullGc()
      const h0 = process.memoryUsage().heapUsed
      const pids: Pid[] = new Array(n)
      const t0 = now()
      for (let i = 0; i < n; i++) pids[i] = spawn(waiter)
      const t1 = now()
      yield Process.yield()
      const t2 = now()
      fullGc()
      const h1 = process.memoryUsage().heapUsed
      const alive = Process.list().length - before
      const waiting =
        Process.info(pids[0]!)?.status === 'waiting' && Process.info(pids[n - 1]!)?.status === 'waiting'
      const t3 = now()
      for (const pid of pids) Process.exit(pid, 'kill')
      const t4 = now()
      while (Process.alive(pids[n - 1]!)) yield Process.yield()
      const t5 = now()
      const aliveAfterKill = Process.list().length - before
      return {
        metrics: {
          spawn_loop_ms: t1 - t0,
          all_blocked_ms: t2 - t0,
          spawns_per_sec: n / ((t1 - t0) / 1e3),
          spawn_and_block_per_sec: n / ((t2 - t0) / 1e3),
          bytes_per_process: (h1 - h0) / n,
          kill_signal_ms: t4 - t3,
          kill_until_gone_ms: t5 - t3,
        },
        result: { alive, waiting, aliveAfterKill },
      }
    }),
  check({ n }, r) {
    expect(r.alive === n, `${r.alive} processes alive after spawning ${n}`)
    expect(r.waiting, 'the spawned processes are waiting in receive')
    expect(r.aliveAfterKill === 0, `${r.aliveAfterKill} processes still alive after killing them all`)
  },
}
