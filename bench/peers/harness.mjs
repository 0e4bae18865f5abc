// Shared driver of the peer benchmarks: `node <peer>.mjs <workload> <size-json> [<warm-size-json>]`
// runs the warm-up size (the runner passes the one Beamish runs, from the workload's `warm`), then
// the measured run, checks the result, and prints one JSON line `{"metrics": {...}}` (the runner
// reads the last line). A wrong result exits non-zero.

export const now = () => performance.now()

export function expect(ok, what) {
  if (!ok) throw new Error(`wrong result: ${what}`)
}

export function fullGc() {
  if (typeof globalThis.gc !== 'function') throw new Error('run node with --expose-gc')
  globalThis.gc()
  globalThis.gc()
}

export const heapUsed = () => process.memoryUsage().heapUsed

/** Resolves after pending I/O and immediates (lets setImmediate-driven actors settle). */
export const tick = () => new Promise((r) => setImmediate(r))

/** A promise and the function that resolves it (`Promise.withResolvers`, which Node 20 lacks). */
export function deferred() {
  let resolve
  const promise = new Promise((r) => {
    resolve = r
  })
  return { promise, resolve }
}

// ------------------------------------------------------------------ each workload's check and metrics
// The same checks, metric names and formulas as bench/workloads/*.ts (the runner's table reads
// the metrics by name). `ringResult`, `skynetResult`, `pingpongResult` and `callRate` throw when
// the run computed the wrong thing; each peer checks its spawn itself (what "all blocked" means
// differs by library).

/**
 * spawn: `n` processes spawned from t0 to t1, all blocked by t2, the heap h0 before and h1 with
 * them all, killed from t3 until gone at t4.
 */
export function spawnResult({ n, t0, t1, t2, t3, t4, h0, h1 }) {
  return {
    spawn_loop_ms: t1 - t0,
    all_blocked_ms: t2 - t0,
    spawn_and_block_per_sec: n / ((t2 - t0) / 1e3),
    bytes_per_process: (h1 - h0) / n,
    kill_until_gone_ms: t4 - t3,
  }
}

/** ring: built from t0 to t1, then n × m hops until the token reached 0 at node `at` at t2. */
export function ringResult({ n, m, at, t0, t1, t2 }) {
  expect(at === n - 1, `token reached 0 at node ${at}, expected ${n - 1}`)
  const hops = n * m
  const secs = (t2 - t1) / 1e3
  return { hops_per_sec: hops / secs, ns_per_hop: (secs * 1e9) / hops, ms: t2 - t1, setup_ms: t1 - t0 }
}

/** skynet: the root got `sum` at t1 from a tree started at t0. */
export function skynetResult({ size, sum, t0, t1 }) {
  expect(sum === (size * (size - 1)) / 2, `skynet sum ${sum}`)
  return { ms: t1 - t0 }
}

/** ping-pong: n round trips from t0 to t1, whose replies summed to `sum`. */
export function pingpongResult({ n, sum, t0, t1 }) {
  expect(sum === (n * (n + 1)) / 2, `ping got back a sum of ${sum}`)
  const secs = (t1 - t0) / 1e3
  return { round_trips_per_sec: n / secs, rtt_ns: (secs * 1e9) / n }
}

/** One GenServer.call configuration: `calls` calls from t0 to t1 left the counter at `final`; calls/s. */
export function callRate({ calls, final, t0, t1 }) {
  expect(final === calls, `counter at ${final} after ${calls} calls`)
  return calls / ((t1 - t0) / 1e3)
}

/** genserver_call: `rate(c)` measures the calls per second with c clients, for each c in turn. */
export async function genserverCallResult(clients, rate) {
  const metrics = {}
  for (const c of clients) {
    const r = await rate(c)
    metrics[`clients_${c}.calls_per_sec`] = r
    metrics[`clients_${c}.ns_per_call`] = 1e9 / r
  }
  return metrics
}

// ------------------------------------------------------------------ the driver

/** `impls`: workload name → async (size) => metrics (throws on a wrong result). */
export function main(impls) {
  const [name, sizeJson, warmJson] = process.argv.slice(2)
  const run = impls[name]
  if (run === undefined) {
    process.stderr.write(`no ${name} here; this peer has ${Object.keys(impls).join(', ')}\n`)
    process.exit(2)
  }
  const size = JSON.parse(sizeJson)
  const warm = warmJson === undefined ? null : JSON.parse(warmJson)
  ;(async () => {
    if (warm !== null && process.env.BENCH_NO_WARM !== '1') await run(warm)
    const metrics = await run(size)
    process.stdout.write(`${JSON.stringify({ metrics })}\n`)
  })().then(
    () => process.exit(0),
    (e) => {
      process.stderr.write(`${e?.stack ?? String(e)}\n`)
      process.exit(1)
    },
  )
}
