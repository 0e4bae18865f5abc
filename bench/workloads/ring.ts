/**
 * Joe Armstrong's ring (`ring.exs`): N processes in a circle pass one integer token around M
 * times (N × M hops). Each process decrements the token and forwards it; the one that receives
 * 0 tells the main process. Ring construction is timed separately.
 *
 * Check: the 0 arrives after exactly N × M hops, M whole laps, so it must land back on the head
 * (the node that got the token first).
 */
import { P, type Pid, Process } from '../../src/index.ts'
import { expect, now, type Workload } from '../lib.ts'

const { receive, send, spawn, self } = Process

export interface RingSize {
  readonly n: number
  readonly m: number
}

function* node(index: number, next: Pid, main: Pid) {
  for (;;) {
    const k = yield* receive(P.number, 'stop')
    if (k === 'stop') {
      send(next, 'stop')
      return
    }
    if (k === 0) send(main, ['ring_done', index])
    else send(next, k - 1)
  }
}

function build(n: number, main: Pid): Pid {
  const first = spawn(function* () {
    const [, next] = yield* receive(['next', P.instanceOf(Process.Pid)])
    yield* node(0, next, main)
  })
  let head = first
  for (let i = 1; i < n; i++) {
    const next = head
    head = spawn(() => node(i, next, main))
  }
  send(first, ['next', head])
  return head
}

function run({ n, m }: RingSize) {
  return Process.run(function* () {
    const main = self()
    const t0 = now()
    const head = build(n, main)
    const t1 = now()
    const hops = n * m
    send(head, hops)
    const [, at] = yield* receive(['ring_done', P.number])
    const t2 = now()
    send(head, 'stop')
    const secs = (t2 - t1) / 1e3
    return {
      metrics: { hops_per_sec: hops / secs, ns_per_hop: (secs * 1e9) / hops, ms: t2 - t1, setup_ms: t1 - t0 },
      result: { doneAt: at },
    }
  })
}

function ring(name: string, full: RingSize, quick: RingSize): Workload<RingSize, { doneAt: number }> {
  return {
    name,
    full,
    quick,
    warm: (s) => ({ n: s.n, m: Math.max(1, Math.floor(s.m / 10)) }),
    run,
    check({ n }, { doneAt }) {
      // The head (index n-1) gets the token first; n × m hops are m whole laps, ending there.
      expect(doneAt === n - 1, `token reached 0 at node ${doneAt}, expected the head, node ${n - 1}`)
    },
  }
}

export const ring10k = ring('ring_10000x1000', { n: 10_000, m: 1_000 }, { n: 100, m: 100 })
export const ring100 = ring('ring_100x100000', { n: 100, m: 100_000 }, { n: 10, m: 1_000 })
