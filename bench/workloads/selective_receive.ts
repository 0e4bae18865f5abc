/**
 * Selective receive (`selective_receive.exs`): a process puts Q non-matching messages in its own
 * mailbox, then repeatedly sends itself `['match', i]` (which lands last) and receives exactly
 * that message, so every receive first skips all Q messages. Compared with the same loop on an
 * empty mailbox, and with the ref-tagged receive (`ref = makeRef(); send(self(), [ref, i]);
 * receive([ref, P._])`), which skips the messages that were already there when the ref was made
 * (a call's reply behind a deep mailbox). Measured for Q (`deep.*`) and Q/10 (`shallow.*`).
 *
 * Check: every receive got the message it asked for, and the Q messages are still queued, in
 * order, at the end.
 */
import { P, Process } from '../../src/index.ts'
import { expect, type Metrics, now, type Workload } from '../lib.ts'

const { receive, send, self, makeRef } = Process

export interface SelSize {
  readonly q: number
  readonly iters: number
  /** Iterations of the empty-mailbox and ref loops (the BEAM script: 100,000). */
  readonly loops: number
}

function fill(q: number) {
  const me = self()
  for (let n = q; n > 0; n--) send(me, ['junk', n])
}

/** ns per receive; returns the sum of what was received, for the check. */
function* matchLoop(iters: number) {
  const me = self()
  let got = 0
  for (let i = iters; i > 0; i--) {
    send(me, ['match', i])
    const [, j] = yield* receive(['match', i])
    got += j
  }
  return got
}

function* refLoop(iters: number) {
  const me = self()
  let got = 0
  for (let i = iters; i > 0; i--) {
    const ref = makeRef()
    send(me, [ref, i])
    const [, j] = yield* receive([ref, P.number])
    got += j
  }
  return got
}

function* timed(loop: (iters: number) => Generator<unknown, number, unknown>, iters: number) {
  const t0 = now()
  const got = yield* loop(iters)
  const ns = ((now() - t0) * 1e6) / iters
  expect(got === (iters * (iters + 1)) / 2, `received a sum of ${got}, expected ${(iters * (iters + 1)) / 2}`)
  return ns
}

function* runOnce(q: number, iters: number, loops: number) {
  const base = yield* timed(matchLoop, loops)
  const refEmpty = yield* timed(refLoop, loops)
  fill(q)
  expect(Process.info(self())?.messageQueueLen === q, `${q} messages queued`)
  const scan = yield* timed(matchLoop, iters)
  const refFull = yield* timed(refLoop, loops)
  const left = Process.flush()
  expect(left.length === q, `${left.length} messages left in the mailbox, expected ${q}`)
  for (let k = 0; k < q; k++) {
    expect((left[k] as [string, number])[1] === q - k, 'the skipped messages kept their order')
  }
  return {
    empty_ns: base,
    scan_ns: scan,
    ns_per_skipped_msg: (scan - base) / q,
    ref_empty_ns: refEmpty,
    ref_full_ns: refFull,
  }
}

export const selectiveReceive: Workload<SelSize, null> = {
  name: 'selective_receive',
  full: { q: 10_000, iters: 2_000, loops: 100_000 },
  quick: { q: 1_000, iters: 100, loops: 5_000 },
  warm: (s) => ({ ...s, iters: Math.max(1, Math.floor(s.iters / 10)) }),
  run: ({ q, iters, loops }) =>
    Process.run(function* () {
      const metrics: Metrics = {}
      // as the BEAM script: Q with `iters` scans, Q/10 with 10 × `iters`
      for (const [label, qq, it] of [
        ['deep', q, iters],
        ['shallow', Math.floor(q / 10), iters * 10],
      ] as const) {
        const r = yield* runOnce(qq, it, loops)
        for (const [k, v] of Object.entries(r)) metrics[`${label}.${k}`] = v
        metrics[`${label}.ref_depth_ratio`] = r.ref_full_ns / r.ref_empty_ns
      }
      return { metrics, result: null }
    }),
  check() {
    // checked while running (each loop's sum, the queue length and order)
  },
}
