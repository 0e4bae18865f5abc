/**
 * The floor under the message-passing targets: `npm run bench:floor [-- --rounds N] [--quick]`
 * (`--quick`: sizes divided by 100, one round, so the tests can run it).
 *
 * How fast can a runtime with Beamish's process model pass a message on this V8 at all? Two
 * minimal runtimes, with nothing else (no links, monitors, exits, timers, copying, fairness
 * budget, pattern matching or error handling), run the suite's ring and ping-pong shapes:
 *
 * - `yield`: a process is a generator, `const m = yield RECV` receives (untyped: TypeScript
 *   gives every `yield` in a generator one type), a run queue resumes it with `gen.next(m)`;
 * - `yield*`: the same runtime with the typed receive Beamish offers, `const m = yield* recv()`,
 *   where `recv()` returns an op that is its own iterator and iterator result (the cheapest form
 *   of `yield*` there is: no generator per receive, no result object).
 *
 * The table puts each floor next to the BEAM's figure from `bench/results/latest.json` and the
 * time per hop a "≥ 3× the BEAM" target allows. A target below the `yield*` floor cannot be met
 * by any runtime that keeps typed receives, whatever else it does.
 */
import { readFileSync } from 'node:fs'
import { latestJson, median } from './lib.ts'
// Types only (erased): table.ts itself loads the suite, and with it src/.
import type { Results } from './table.ts'

// ------------------------------------------------------------------ the minimal runtime
// Written out here on purpose, nothing imported from src/: the floor must not run on Beamish's
// code, or a change there would move the floor Beamish is measured against. `Queue` is a copy of
// the ring buffer of src/internal/runtime/deque.ts cut down to push and shift, sized as Beamish
// sizes them (a mailbox starts at 4 slots, the run queue at 1024), so the floor pays for its
// mailboxes and run queue what Beamish pays.

class Queue<T> {
  private buf: (T | undefined)[]
  private mask: number
  private head = 0
  length = 0
  /** `capacity`: a power of two. */
  constructor(capacity = 4) {
    this.buf = new Array(capacity).fill(undefined)
    this.mask = capacity - 1
  }
  push(x: T): void {
    if (this.length === this.buf.length) this.grow()
    this.buf[(this.head + this.length) & this.mask] = x
    this.length++
  }
  shift(): T | undefined {
    if (this.length === 0) return undefined
    const x = this.buf[this.head]
    this.buf[this.head] = undefined
    this.head = (this.head + 1) & this.mask
    this.length--
    return x
  }
  private grow(): void {
    const n = this.buf.length
    const nb = new Array<T | undefined>(n * 2).fill(undefined)
    for (let i = 0; i < this.length; i++) nb[i] = this.buf[(this.head + i) & this.mask]
    this.buf = nb
    this.mask = n * 2 - 1
    this.head = 0
  }
}

class Proc {
  gen: Generator<unknown, void, unknown> | null = null
  box: Queue<unknown> | null = null
  waiting = false
  input: unknown = undefined
}

const RECV = Symbol('recv')
const runq = new Queue<Proc>(1024)

function send(p: Proc, m: unknown): void {
  if (p.waiting) {
    p.waiting = false
    p.input = m
    runq.push(p)
  } else (p.box ??= new Queue()).push(m)
}

/** Runs until no process is runnable. A process blocks when it yields and its mailbox is empty. */
function drain(): void {
  for (let p = runq.shift(); p !== undefined; p = runq.shift()) {
    let input = p.input
    p.input = undefined
    for (;;) {
      const r = p.gen!.next(input)
      if (r.done === true) break
      const box = p.box
      if (box === null || box.length === 0) {
        p.waiting = true
        break
      }
      input = box.shift()
    }
  }
}

/** The typed receive: an op that is its own iterator and its own iterator result. */
class Op {
  done = false
  value: unknown = RECV
  started = false;
  [Symbol.iterator](): this {
    this.done = false
    this.started = false
    this.value = RECV
    return this
  }
  next(v: unknown): this {
    if (!this.started) {
      this.started = true
      return this
    }
    this.done = true
    this.value = v
    return this
  }
  /** The op as the typed iterable a `recv<T>()` would return (a type cast only). */
  typed<T>(): Iterable<unknown, T> {
    return this as unknown as Iterable<unknown, T>
  }
}

// ------------------------------------------------------------------ the shapes
// Each shape's process bodies are written out twice, once per style: the receive expression is
// what is measured, so the bodies cannot share code without a call that would cost in both.

type Style = 'yield' | 'yield*'

function ring(n: number, m: number, style: Style): number {
  let doneAt = -1
  const procs: Proc[] = []
  for (let i = 0; i < n; i++) procs.push(new Proc())
  // Each process holds its successor, as Beamish's ring node holds the next pid.
  function* plain(next: Proc, index: number): Generator<unknown, void, unknown> {
    for (;;) {
      const k = (yield RECV) as number
      if (k === 0) {
        doneAt = index
        return
      }
      send(next, k - 1)
    }
  }
  function* star(next: Proc, index: number): Generator<unknown, void, unknown> {
    const recv = new Op() // pooled per process, as Beamish pools a process's receive
    for (;;) {
      const k = yield* recv.typed<number>()
      if (k === 0) {
        doneAt = index
        return
      }
      send(next, k - 1)
    }
  }
  for (let i = 0; i < n; i++) {
    const p = procs[i]!
    p.gen = style === 'yield' ? plain(procs[(i + 1) % n]!, i) : star(procs[(i + 1) % n]!, i)
    runq.push(p)
  }
  drain()
  const t0 = performance.now()
  send(procs[0]!, n * m)
  drain()
  const ns = ((performance.now() - t0) * 1e6) / (n * m)
  // the token starts at process 0 and reaches 0 after n × m hops, m whole laps: back at process 0
  if (doneAt !== 0) throw new Error(`ring ended at ${doneAt}, expected 0`)
  return ns
}

function pingpong(rounds: number, style: Style): number {
  let sum = 0
  const ping = new Proc()
  const pong = new Proc()
  function* pingPlain(): Generator<unknown, void, unknown> {
    for (let k = rounds; k > 0; k--) {
      send(pong, k)
      sum += (yield RECV) as number
    }
    send(pong, 0)
  }
  function* pongPlain(): Generator<unknown, void, unknown> {
    for (;;) {
      const k = (yield RECV) as number
      if (k === 0) return
      send(ping, k)
    }
  }
  function* pingStar(): Generator<unknown, void, unknown> {
    const recv = new Op()
    for (let k = rounds; k > 0; k--) {
      send(pong, k)
      sum += yield* recv.typed<number>()
    }
    send(pong, 0)
  }
  function* pongStar(): Generator<unknown, void, unknown> {
    const recv = new Op()
    for (;;) {
      const k = yield* recv.typed<number>()
      if (k === 0) return
      send(ping, k)
    }
  }
  ping.gen = style === 'yield' ? pingPlain() : pingStar()
  pong.gen = style === 'yield' ? pongPlain() : pongStar()
  runq.push(ping)
  runq.push(pong)
  const t0 = performance.now()
  drain()
  const ns = ((performance.now() - t0) * 1e6) / rounds
  if (sum !== (rounds * (rounds + 1)) / 2)
    throw new Error(`ping-pong sum ${sum}, expected ${(rounds * (rounds + 1)) / 2}`)
  return ns
}

// ------------------------------------------------------------------ the table

interface Row {
  readonly name: string
  readonly unit: string
  readonly run: (style: Style) => number
}

const quick = process.argv.includes('--quick')
const scale = quick ? 100 : 1

const rows: Row[] = [
  { name: 'ring_10000x1000', unit: 'ns/hop', run: (s) => ring(10_000, 1_000 / scale, s) },
  { name: 'ring_100x100000', unit: 'ns/hop', run: (s) => ring(100, 100_000 / scale, s) },
  { name: 'pingpong', unit: 'ns/round trip', run: (s) => pingpong(1_000_000 / scale, s) },
]

/** The committed results, or `undefined` when there are none yet. */
function readLatest(): Results | undefined {
  try {
    return JSON.parse(readFileSync(latestJson, 'utf8')) as Results
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw e
  }
}

/** The BEAM's and Beamish's medians (as ns per hop or round trip) from the committed table. */
function committed(
  latest: Results | undefined,
  name: string,
): { beam?: number | undefined; beamish?: number | undefined } {
  const row = latest?.table.find((r) => r.workload === name)
  const ns = (rate: number | undefined) => (rate === undefined ? undefined : 1e9 / rate)
  return { beam: ns(row?.beamAll?.median), beamish: ns(row?.beamish?.median) }
}

function main(): void {
  const i = process.argv.indexOf('--rounds')
  const rounds = quick ? 1 : i >= 0 ? Number(process.argv[i + 1]) : 5
  const fmt = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(1))
  const latest = readLatest()
  console.log(
    `The floor of a message hop on Node ${process.version} (V8 ${process.versions.v8}), ${rounds} rounds, medians;`,
  )
  console.log('BEAM and Beamish from bench/results/latest.json.\n')
  console.log('| workload | unit | BEAM | 3× the BEAM needs | floor, `yield` | floor, `yield*` | Beamish |')
  console.log('|---|---|---:|---:|---:|---:|---:|')
  for (const row of rows) {
    const plain: number[] = []
    const star: number[] = []
    row.run('yield')
    row.run('yield*')
    for (let r = 0; r < rounds; r++) {
      plain.push(row.run('yield'))
      star.push(row.run('yield*'))
    }
    const c = committed(latest, row.name)
    console.log(
      `| ${row.name} | ${row.unit} | ${fmt(c.beam)} | ${fmt(c.beam === undefined ? undefined : c.beam / 3)} | ${fmt(median(plain))} | ${fmt(median(star))} | ${fmt(c.beamish)} |`,
    )
  }
}

main()
