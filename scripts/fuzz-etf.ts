#!/usr/bin/env node
/**
 * Fuzzes the ETF decoder with random and mutated inputs (reliability plan R10): every input must
 * either decode or throw an `EtfError` (not ERR_BEAMISH_ETF_INTERNAL), within a time budget, and
 * `Object.prototype` must stay untouched. Mutations start from the real `term_to_binary` vectors:
 * bit flips, byte swaps to tag values, truncations, length-field inflation, splices, region
 * copies, re-compressed mutated bodies, atom-cache refs and raw random bytes.
 *
 *   node --import tsx scripts/fuzz-etf.ts [--count 1000000] [--seed 1] [--budget-ms 100]
 *
 * Prints the counts and exits non-zero when any input failed.
 */
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { deflateSync } from 'node:zlib'
import { type DecodeOptions, decode, EtfError, encode } from '../src/internal/etf/index.ts'
import { Atom, atomCount } from '../src/internal/term/atom.ts'
import { Float, List } from '../src/internal/term/misc.ts'

export interface FuzzOptions {
  count: number
  seed: number
  /** An input taking longer than this (twice, to rule out a GC pause) is a failure. */
  budgetMs: number
  log?: (line: string) => void
}

export interface FuzzResult {
  inputs: number
  decoded: number
  rejected: Record<string, number>
  failures: { reason: string; hex: string }[]
  slowestMs: number
  /** The slowest input, to replay it (a slow outlier is often a GC pause, not the input). */
  slowestHex: string
  elapsedMs: number
  rssGrowthMiB: number
}

const TAGS = [
  70, 77, 80, 82, 88, 89, 90, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112,
].concat([113, 114, 115, 116, 117, 118, 119, 120, 121, 131, 68])
const U32 = [0, 1, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff]
const BYTES = [0, 1, 2, 0x7f, 0x80, 0xfe, 0xff]

/** mulberry32: a tiny seeded PRNG, so a failing run can be replayed with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function corpus(): Buffer[] {
  const file = new URL('../test/internal/fixtures/etf-vectors.json', import.meta.url)
  const vectors: Record<string, string>[] = JSON.parse(readFileSync(file, 'utf8')).vectors
  const out: Buffer[] = []
  for (const v of vectors) {
    for (const key of ['hex', 'hex_minor2', 'hex_compressed'])
      if (v[key]) out.push(Buffer.from(v[key]!, 'hex'))
  }
  const key = [Atom.of('k'), new List([1, 2], 3)]
  out.push(
    encode(
      new Map<unknown, unknown>([
        [key, new Float(2)],
        ['s', [1.5, -(7n ** 40n), new Uint8Array([0xc3])]],
      ]),
    ),
    encode(new List(['x', 'y', new Map([[1, 2]])]), { atomEncoding: 'latin1' }),
    Buffer.from([131, 104, 3, 82, 0, 82, 1, 88, 82, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]),
    Buffer.concat([Buffer.from([131]), Buffer.alloc(600, Buffer.from([104, 1])), Buffer.from([106])]),
  )
  return out
}

class Mutator {
  readonly rand: () => number
  readonly seeds: Buffer[]
  constructor(seed: number, seeds: Buffer[]) {
    this.rand = prng(seed)
    this.seeds = seeds
  }
  int(n: number): number {
    return Math.floor(this.rand() * n)
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!
  }

  input(): Buffer {
    const r = this.rand()
    if (r < 0.08) return this.random()
    if (r < 0.14) return this.recompressed()
    let b: Buffer = Buffer.from(this.pick(this.seeds))
    const rounds = 1 + this.int(3)
    for (let i = 0; i < rounds; i++) b = this.mutate(b)
    return b
  }

  random(): Buffer {
    const b = Buffer.alloc(1 + this.int(64))
    b[0] = 131
    for (let i = 1; i < b.length; i++) b[i] = this.rand() < 0.4 ? this.pick(TAGS) : this.int(256)
    return b
  }

  /** Mutates the body, then compresses it properly, so the inner decoder sees the damage. */
  recompressed(): Buffer {
    const body = this.mutate(Buffer.from(this.pick(this.seeds)).subarray(1))
    const head = Buffer.alloc(6)
    head[0] = 131
    head[1] = 80
    head.writeUInt32BE(Math.max(0, body.length + this.pick([0, 0, 0, -1, 1, 1000])), 2)
    return Buffer.concat([head, deflateSync(body)])
  }

  mutate(b: Buffer): Buffer {
    if (b.length === 0) return this.random()
    const at = this.int(b.length)
    switch (this.int(8)) {
      case 0: {
        const out = Buffer.from(b)
        for (let i = 1 + this.int(4); i > 0; i--) out[this.int(out.length)]! ^= 1 << this.int(8)
        return out
      }
      case 1: {
        const out = Buffer.from(b)
        out[at] = this.rand() < 0.5 ? this.pick(TAGS) : this.pick(BYTES)
        return out
      }
      case 2:
        return b.subarray(0, at)
      case 3: {
        const out = Buffer.from(b)
        const v = this.rand() < 0.7 ? this.pick(U32) : (b.length + this.int(16) - 8) >>> 0
        if (this.rand() < 0.6 && at + 4 <= out.length) out.writeUInt32BE(v, at)
        else if (at + 2 <= out.length) out.writeUInt16BE(v & 0xffff, at)
        return out
      }
      case 4: {
        const other = this.pick(this.seeds)
        const from = this.int(other.length)
        const piece = other.subarray(from, from + 1 + this.int(32))
        const cut = this.rand() < 0.5 ? at : Math.min(b.length, at + this.int(16))
        return Buffer.concat([b.subarray(0, at), piece, b.subarray(cut)])
      }
      case 5: {
        const len = 1 + this.int(Math.min(32, b.length - at))
        return Buffer.concat([b.subarray(0, at), b.subarray(at, at + len), b.subarray(at)])
      }
      case 6:
        return Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + this.int(8)))])
      default:
        return Buffer.concat([b, Buffer.from([this.pick(TAGS), this.int(256)])])
    }
  }
}

function protoSnapshot(): string {
  return [Object.prototype, Array.prototype, Function.prototype, Map.prototype]
    .map((p) => Object.getOwnPropertyNames(p).sort().join(','))
    .join('|')
}

/**
 * Runs `count` fuzz inputs through `decode` and reports what happened to them. It yields to the
 * event loop every few thousand inputs, as network code would between frames: Node releases zlib
 * buffers of failed inflates and runs FinalizationRegistry callbacks only on a later tick.
 *
 * @example
 * const r = await runFuzz({ count: 20_000, seed: 1, budgetMs: 100 }) // r.failures should be []
 */
export async function runFuzz(opts: FuzzOptions): Promise<FuzzResult> {
  const log = opts.log ?? (() => {})
  const m = new Mutator(opts.seed, corpus())
  const proto = protoSnapshot()
  const rss0 = process.memoryUsage().rss
  // Keep the run's footprint bounded: new atoms are never freed, so cap how many it may create.
  const maxAtoms = atomCount() + 50_000
  const cache = ['ok', 'ref@localhost', 'echo', undefined, 'x'.repeat(255)]
  const result: FuzzResult = {
    inputs: 0,
    decoded: 0,
    rejected: {},
    failures: [],
    slowestMs: 0,
    slowestHex: '',
    elapsedMs: 0,
    rssGrowthMiB: 0,
  }
  const fail = (reason: string, input: Buffer) => {
    if (result.failures.length < 50)
      result.failures.push({ reason, hex: input.toString('hex').slice(0, 400) })
  }
  const t0 = performance.now()
  for (let i = 0; i < opts.count; i++) {
    const input = m.input()
    const dopts: DecodeOptions = { maxAtoms }
    const r = m.rand()
    if (r < 0.1) dopts.atomCache = cache
    else if (r < 0.15) dopts.atomCache = (k) => cache[k % 7]
    else if (r < 0.2) Object.assign(dopts, { maxTerms: 50, maxDepth: 6, maxBinarySize: 16, maxMapSize: 3 })
    const bare = m.rand() < 0.05
    if (bare) dopts.versionByte = false
    const bytes = bare ? input.subarray(1) : input
    const once = () => {
      const start = performance.now()
      let outcome: string
      try {
        decode(bytes, dopts)
        outcome = 'ok'
      } catch (e) {
        outcome =
          e instanceof EtfError ? e.code : `non-EtfError ${(e as Error)?.name}: ${(e as Error)?.message}`
      }
      return { outcome, ms: performance.now() - start }
    }
    let { outcome, ms } = once()
    if (ms > opts.budgetMs) ({ outcome, ms } = once())
    result.inputs++
    if (ms > result.slowestMs) {
      result.slowestMs = ms
      result.slowestHex = bytes.toString('hex').slice(0, 400)
    }
    if (ms > opts.budgetMs) fail(`took ${ms.toFixed(1)} ms`, input)
    if (outcome === 'ok') result.decoded++
    else if (outcome.startsWith('ERR_BEAMISH_ETF_') && outcome !== 'ERR_BEAMISH_ETF_INTERNAL') {
      result.rejected[outcome] = (result.rejected[outcome] ?? 0) + 1
    } else fail(outcome, input)
    if ((i + 1) % 5_000 === 0) await new Promise((resolve) => setImmediate(resolve))
    if ((i + 1) % 100_000 === 0) {
      if (protoSnapshot() !== proto) fail('a built-in prototype changed', input)
      log(
        `${i + 1} inputs, ${result.failures.length} failures, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      )
    }
  }
  if (protoSnapshot() !== proto) fail('a built-in prototype changed', Buffer.alloc(0))
  result.elapsedMs = performance.now() - t0
  result.rssGrowthMiB = (process.memoryUsage().rss - rss0) / 1024 / 1024
  return result
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a number, got ${process.argv[i + 1]}`)
  return v
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const opts = {
    count: flag('count', 1_000_000),
    seed: flag('seed', Date.now() % 2 ** 31),
    budgetMs: flag('budget-ms', 100),
  }
  console.log(
    `fuzzing the ETF decoder: ${opts.count} inputs, seed ${opts.seed}, budget ${opts.budgetMs} ms per input`,
  )
  const r = await runFuzz({ ...opts, log: (line) => console.log(`  ${line}`) })
  const rate = Math.round(r.inputs / (r.elapsedMs / 1000))
  console.log(`inputs:   ${r.inputs} in ${(r.elapsedMs / 1000).toFixed(1)} s (${rate}/s)`)
  console.log(`decoded:  ${r.decoded}`)
  for (const [code, n] of Object.entries(r.rejected).sort((a, b) => b[1] - a[1]))
    console.log(`rejected: ${n} ${code}`)
  console.log(
    `slowest:  ${r.slowestMs.toFixed(2)} ms (${r.slowestHex.slice(0, 80)}…); RSS growth ${r.rssGrowthMiB.toFixed(1)} MiB`,
  )
  console.log(`failures: ${r.failures.length}`)
  for (const f of r.failures) console.log(`  ${f.reason}\n    ${f.hex}`)
  process.exit(r.failures.length === 0 ? 0 : 1)
}
