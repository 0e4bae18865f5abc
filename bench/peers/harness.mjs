// Shared driver of the peer benchmarks: `node <peer>.mjs <workload> <size-json>` runs a warm-up
// (the same one Beamish runs), then the measured run, checks the result, and prints one JSON line
// `{"metrics": {...}}` (the runner reads the last line). A wrong result exits non-zero.

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

const warm = {
  spawn: (s) => ({ n: Math.min(s.n, 100_000) }),
  ring_10000x1000: (s) => ({ n: s.n, m: Math.max(1, Math.floor(s.m / 10)) }),
  ring_100x100000: (s) => ({ n: s.n, m: Math.max(1, Math.floor(s.m / 10)) }),
  skynet: (s) => ({ size: s.size / 10, div: s.div }),
  pingpong: (s) => ({ n: Math.floor(s.n / 10) }),
  genserver_call: (s) => ({ total: Math.floor(s.total / 10), clients: s.clients }),
  supervisor: (s) => ({ workers: s.workers, kills: Math.floor(s.kills / 10) }),
}

/** `impls`: workload name → async (size) => metrics (throws on a wrong result). */
export function main(impls) {
  const [name, sizeJson] = process.argv.slice(2)
  const run = impls[name]
  if (run === undefined) {
    process.stderr.write(`no ${name} here; this peer has ${Object.keys(impls).join(', ')}\n`)
    process.exit(2)
  }
  const size = JSON.parse(sizeJson)
  ;(async () => {
    const w = warm[name]
    if (w !== undefined && process.env.BENCH_NO_WARM !== '1') await run(w(size))
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
