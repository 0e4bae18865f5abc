/**
 * Skynet (`skynet.exs`): the root spawns 10 children, each spawns 10, down to 1,000,000 leaves
 * (1,111,111 processes). Each leaf sends its ordinal to its parent; every parent sums its 10
 * children and sends the sum up.
 *
 * Check: the sum is size × (size − 1) / 2 (499,999,500,000 for 1,000,000 leaves).
 */
import { P, type Pid, Process } from '../../src/index.ts'
import { expect, now, type Workload } from '../lib.ts'

const { receive, send, spawn, self } = Process

export interface SkynetSize {
  readonly size: number
  readonly div: number
}

function* skynet(parent: Pid, num: number, size: number, div: number) {
  if (size === 1) {
    send(parent, num)
    return
  }
  const me = self()
  const sub = size / div
  for (let i = 0; i < div; i++) spawn(() => skynet(me, num + i * sub, sub, div))
  let sum = 0
  for (let i = 0; i < div; i++) sum += yield* receive(P.number)
  send(parent, sum)
}

export const skynetWorkload: Workload<SkynetSize, { sum: number }> = {
  name: 'skynet',
  full: { size: 1_000_000, div: 10 },
  quick: { size: 1_000, div: 10 },
  warm: (s) => ({ size: s.size / 10, div: s.div }),
  run: ({ size, div }) =>
    Process.run(function* () {
      const me = self()
      const t0 = now()
      spawn(() => skynet(me, 0, size, div))
      const sum = yield* receive(P.number)
      const t1 = now()
      return { metrics: { ms: t1 - t0 }, result: { sum } }
    }),
  check({ size }, { sum }) {
    const expected = (size * (size - 1)) / 2
    expect(sum === expected, `skynet sum ${sum}, expected ${expected}`)
  },
}
