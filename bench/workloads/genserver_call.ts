/**
 * GenServer.call (`genserver_call.exs`): one GenServer (a counter) and C client processes doing
 * `GenServer.call` round trips, TOTAL calls split evenly over the clients, for C = 1, 2 and
 * 100. A call includes everything OTP's does: the monitor/alias, the tagged request, the
 * ref-matching receive, the default 5-second timeout.
 *
 * Check: the counter ends at exactly the number of calls made.
 */
import { GenServer, type Pid, Process } from '../../src/index.ts'
import { expect, type Metrics, now, type Workload } from '../lib.ts'

const { receive, send, spawn, self } = Process

const Counter = GenServer.define({
  name: 'Counter',
  init: (n: number) => GenServer.ok(n),
  handleCall: (_req: 'inc', _from, n: number) => GenServer.reply(n + 1, n + 1),
})

export interface CallSize {
  readonly total: number
  readonly clients: readonly number[]
}

function* runOnce(clients: number, total: number) {
  const started = yield* GenServer.start(Counter, 0)
  if (started === 'ignore' || started[0] !== 'ok')
    throw new Error(`Counter did not start: ${String(started)}`)
  const srv = started[1]
  const me = self()
  const per = Math.floor(total / clients)
  const pids: Pid[] = []
  for (let c = 0; c < clients; c++) {
    pids.push(
      spawn(function* () {
        yield* receive('go')
        for (let k = 0; k < per; k++) yield* GenServer.call(srv, 'inc')
        send(me, 'client_done')
      }),
    )
  }
  const t0 = now()
  for (const pid of pids) send(pid, 'go')
  for (let c = 0; c < clients; c++) yield* receive('client_done')
  const t1 = now()
  const calls = per * clients
  const final = (yield* GenServer.call(srv, 'inc')) - 1
  yield* GenServer.stop(srv)
  const secs = (t1 - t0) / 1e3
  return { calls, final, calls_per_sec: calls / secs, ns_per_call: (secs * 1e9) / calls }
}

export const genserverCall: Workload<CallSize, { calls: number; final: number }[]> = {
  name: 'genserver_call',
  full: { total: 1_000_000, clients: [1, 2, 100] },
  quick: { total: 10_000, clients: [1, 2, 100] },
  warm: (s) => ({ total: Math.floor(s.total / 10), clients: s.clients }),
  run: ({ total, clients }) =>
    Process.run(function* () {
      const metrics: Metrics = {}
      const result: { calls: number; final: number }[] = []
      for (const c of clients) {
        const r = yield* runOnce(c, total)
        metrics[`clients_${c}.calls_per_sec`] = r.calls_per_sec
        metrics[`clients_${c}.ns_per_call`] = r.ns_per_call
        result.push({ calls: r.calls, final: r.final })
      }
      return { metrics, result }
    }),
  check(_size, result) {
    for (const { calls, final } of result) expect(final === calls, `counter at ${final} after ${calls} calls`)
  },
}
