/**
 * Ping-pong (`pingpong.exs`): two processes bounce an integer N times. One round trip = ping
 * sends n, pong sends it back, ping receives exactly that n.
 *
 * Check: ping received every n it sent (the sum of what came back is N(N+1)/2).
 */
import { type Pid, Process } from '../../src/index.ts'
import { expect, now, type Workload } from '../lib.ts'

const { receive, send, spawn, self } = Process

function* pong(ping: Pid) {
  for (;;) {
    const x = yield* receive()
    if (x === 'stop') return
    send(ping, x)
  }
}

export const pingpong: Workload<{ n: number }, { sum: number }> = {
  name: 'pingpong',
  full: { n: 1_000_000 },
  quick: { n: 10_000 },
  warm: (s) => ({ n: Math.floor(s.n / 10) }),
  run: ({ n }) =>
    Process.run(function* () {
      const me = self()
      const p = spawn(() => pong(me))
      let sum = 0
      const t0 = now()
      for (let k = n; k > 0; k--) {
        send(p, k)
        sum += yield* receive(k)
      }
      const t1 = now()
      send(p, 'stop')
      const secs = (t1 - t0) / 1e3
      return { metrics: { round_trips_per_sec: n / secs, rtt_ns: (secs * 1e9) / n }, result: { sum } }
    }),
  check({ n }, { sum }) {
    expect(sum === (n * (n + 1)) / 2, `ping got back a sum of ${sum}, expected ${(n * (n + 1)) / 2}`)
  },
}
