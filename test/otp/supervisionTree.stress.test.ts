/**
 * A supervision tree of three levels (root → 10 supervisors → 10 supervisors each → 10 workers
 * each: 1,000 workers) survives random kills of its workers: afterwards every supervisor has all
 * its children alive with distinct pids, the process table holds exactly the tree and the test,
 * and no process is linked to a dead one.
 *
 * BEAMISH_STRESS_KILLS sets how many workers are killed (default 5,000; the full run is
 * `BEAMISH_STRESS_KILLS=100000 node scripts/test.mjs test/otp/supervisionTree.stress.test.ts`).
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { GenServer, Logger, P, type Pid, Process, Supervisor } from '../../src/index.ts'
import { state as loggerState } from '../../src/internal/logger.ts'
import type { ChildSpec } from '../../src/Supervisor.ts'
import { assertReceive, run } from '../../src/testing/index.ts'

// Supervisor reports are `sasl`-domain events, off by default as in Elixir; these tests
// check them, so they turn them on (like ExUnit tests setting handle_sasl_reports).
loggerState.handleSaslReports = true

const KILLS = Number(process.env.BEAMISH_STRESS_KILLS ?? 5_000)
const WIDTH = 10
const WORKERS = WIDTH * WIDTH * WIDTH
const LEAF_STRATEGIES: readonly Supervisor.Strategy[] = ['one_for_one', 'rest_for_one', 'one_for_all']
// High enough that the intensity never trips: the point is that nothing is lost, not the limit.
const FLAGS = { maxRestarts: 100_000_000, maxSeconds: 1 }

interface Slot {
  readonly slot: number
  readonly parent: Pid
}

/** A worker that tells the test its pid every time it (re)starts. */
const Leaf = GenServer.define({
  name: 'Leaf',
  init(s: Slot) {
    Process.send(s.parent, ['started', s.slot, Process.self()])
    return GenServer.ok(s)
  },
})

/** A pseudo-random generator with a seed, so a failing run can be replayed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 0x100000000
  }
}

function tree(parent: Pid): ChildSpec[] {
  const mids: ChildSpec[] = []
  for (let m = 0; m < WIDTH; m++) {
    const leaves: ChildSpec[] = []
    for (let l = 0; l < WIDTH; l++) {
      const workers: ChildSpec[] = []
      for (let w = 0; w < WIDTH; w++) {
        const slot = (m * WIDTH + l) * WIDTH + w
        workers.push({
          id: `w${w}`,
          start: [GenServer.startLink, [Leaf, { slot, parent }]],
          shutdown: 'brutal_kill',
        })
      }
      const strategy = LEAF_STRATEGIES[(m * WIDTH + l) % LEAF_STRATEGIES.length]!
      leaves.push({
        id: `leaf${l}`,
        type: 'supervisor',
        start: () => Supervisor.startLink(workers, { strategy, ...FLAGS }),
      })
    }
    mids.push({
      id: `mid${m}`,
      type: 'supervisor',
      start: () => Supervisor.startLink(leaves, { strategy: 'one_for_one', ...FLAGS }),
    })
  }
  return mids
}

function* childrenOf(sup: Pid): Generator<unknown, Pid[], unknown> {
  const which = yield* Supervisor.whichChildren(sup)
  assert.equal(which.length, WIDTH, `${sup} has ${which.length} children`)
  const pids = which.map(([id, pid]) => {
    assert.ok(
      pid instanceof Process.Pid && Process.alive(pid),
      `child ${String(id)} of ${sup} is ${String(pid)}`,
    )
    return pid
  })
  assert.equal(new Set(pids).size, WIDTH, `${sup} has children with the same pid`)
  return pids
}

it(`a 3-level tree of ${WORKERS} workers survives ${KILLS} random kills with no child lost and no orphan left`, {
  timeout: 600_000,
}, () => {
  const errors = new Map<string, number>()
  const count = (e: Logger.LogEvent) => {
    const label = e.report?.label
    const key = Array.isArray(label) ? label.join(':') : String(label)
    errors.set(key, (errors.get(key) ?? 0) + 1)
  }
  const level = Logger.level()
  Logger.setLevel('info')
  Logger.removeHandler('console')
  Logger.addHandler('stress', count)
  const t0 = performance.now()
  return run(function* () {
    const me = Process.self()
    const r = yield* Supervisor.startLink(tree(me), { strategy: 'one_for_one', ...FLAGS })
    assert.equal(r[0], 'ok')
    const root = (r as readonly ['ok', Pid])[1]
    const current: Pid[] = new Array(WORKERS)
    for (let i = 0; i < WORKERS; i++) {
      const [, slot, pid] = yield* assertReceive(['started', P.number, P.instanceOf(Process.Pid)], 5000)
      current[slot] = pid
    }
    const tBuilt = performance.now()
    const random = rng(Number(process.env.BEAMISH_STRESS_SEED ?? 20_250_101))
    const pending = new Map<number, Pid>()
    let kills = 0
    while (kills < KILLS) {
      // A batch of distinct random workers dies at once; then wait until each has a new pid.
      const batch = Math.min(1 + Math.floor(random() * 16), KILLS - kills)
      while (pending.size < batch) {
        const slot = Math.floor(random() * WORKERS)
        if (!pending.has(slot)) pending.set(slot, current[slot]!)
      }
      for (const pid of pending.values()) Process.exit(pid, 'kill')
      kills += batch
      while (pending.size > 0) {
        const [, slot, pid] = yield* assertReceive(['started', P.number, P.instanceOf(Process.Pid)], 5000)
        current[slot] = pid
        const killed = pending.get(slot)
        if (killed !== undefined && killed !== pid) pending.delete(slot)
      }
    }
    const killTime = performance.now() - tBuilt

    // Every supervisor has all its children, alive, with distinct pids.
    const all = new Set<Pid>([root])
    const workers = new Set<Pid>()
    for (const mid of yield* childrenOf(root)) {
      all.add(mid)
      for (const leaf of yield* childrenOf(mid)) {
        all.add(leaf)
        for (const w of yield* childrenOf(leaf)) {
          all.add(w)
          workers.add(w)
        }
      }
    }
    assert.equal(all.size, 1 + WIDTH + WIDTH * WIDTH + WORKERS)
    // Restarts announced after the last batch settled may still be in the mailbox: take them in.
    for (;;) {
      const m = yield* Process.receive(['started', P.number, P.instanceOf(Process.Pid)], Process.after(0))
      if (m === undefined) break
      current[m[1]] = m[2]
    }
    // The last pid each worker slot announced is the one its supervisor holds.
    assert.deepEqual(new Set(current), workers)

    // The process table holds the tree and the test process, nothing else.
    const live = Process.list()
    assert.equal(live.length, all.size + 1, `${live.length - all.size - 1} processes outside the tree`)
    for (const pid of live) assert.ok(pid === me || all.has(pid), `${pid} is not part of the tree`)

    // Nobody is linked to a dead process.
    for (const pid of live) {
      for (const l of Process.info(pid)!.links) assert.ok(Process.alive(l), `${pid} is linked to dead ${l}`)
    }

    // Only the expected reports: workers terminated, nothing else went wrong.
    assert.deepEqual(
      [...errors.keys()].filter((k) => k !== 'supervisor:child_terminated' && k !== 'supervisor:progress'),
      [],
    )
    assert.ok((errors.get('supervisor:child_terminated') ?? 0) > 0, JSON.stringify([...errors]))

    yield* Supervisor.stop(root)
    assert.deepEqual(Process.list(), [me])
    process.stderr.write(
      `stress: tree built in ${(tBuilt - t0).toFixed(0)} ms; ${KILLS} kills in ${(killTime / 1000).toFixed(2)} s (${Math.round(KILLS / (killTime / 1000))} kills/s)\n`,
    )
  }).finally(() => {
    Logger.removeHandler('stress')
    Logger.addHandler('console', Logger.consoleHandler)
    Logger.setLevel(level)
  })
})
