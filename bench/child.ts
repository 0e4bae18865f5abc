/**
 * One Beamish round in a fresh process: `node --expose-gc dist/bench/child.js <workload> <size-json>`.
 * Runs the warm-up size (if any) and then the given size, checks both results, and prints one
 * JSON line, `{"metrics": {...}}`, as the last line of its output. A wrong result exits non-zero.
 */
import { workload } from './workloads/index.ts'

async function main(): Promise<void> {
  const [name, sizeJson] = process.argv.slice(2)
  if (name === undefined || sizeJson === undefined) throw new Error('usage: child.js <workload> <size-json>')
  const w = workload(name)
  const size = JSON.parse(sizeJson)
  const warm = w.warm(size)
  if (warm !== null && process.env.BENCH_NO_WARM !== '1') {
    const r = await w.run(warm)
    w.check(warm, r.result)
  }
  const r = await w.run(size)
  w.check(size, r.result)
  process.stdout.write(`${JSON.stringify({ metrics: r.metrics })}\n`)
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
    process.exit(1)
  },
)
