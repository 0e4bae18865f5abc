/**
 * `npm run example -- tour` — a short tour of processes: spawn and messages, a monitor and a
 * link reporting crashes, an untrappable kill, and 100,000 processes; then the node keeps running
 * until Ctrl-C / SIGTERM and exits cleanly.
 */
import { exit, Logger, P, Process } from '../../src/index.ts'

const { after, receive, self, send, spawn, spawnLink, spawnMonitor } = Process

function say(text: string): void {
  process.stdout.write(`${text}\n`)
}

function* tour() {
  say(`Beamish node ${Process.nodeName()} — the tour runs as process ${self()}`)

  // 1. Spawn and message passing.
  const squarer = spawn(function* () {
    for (;;) {
      const [from, n] = yield* receive([P.instanceOf(Process.Pid), P.number])
      send(from, ['square', n, n * n])
    }
  })
  for (const n of [1, 2, 3]) send(squarer, [self(), n])
  for (let i = 0; i < 3; i++) {
    const [, n, sq] = yield* receive(['square', P.number, P.number])
    say(`  ${squarer} squared ${n} = ${sq}`)
  }

  // 2. A monitor reports a crash without harming the watcher.
  const [crasher, ref] = spawnMonitor(function* () {
    yield* Process.sleep(10)
    throw new Error('boom')
  })
  const [, , , , reason] = yield* receive(['DOWN', ref, 'process', crasher, P._])
  say(`  monitor: ${crasher} went DOWN with ${(reason as [Error])[0].message}`)

  // 3. A link propagates a crash; trapping exits turns it into a message.
  Process.trapExit(true)
  const linked = spawnLink(function* () {
    exit('something_went_wrong')
  })
  const [, from, why] = yield* receive(['EXIT', linked, P._])
  say(`  link: got ['EXIT', ${from}, '${String(why)}'] instead of dying`)

  // 4. kill is untrappable.
  const victim = spawn(function* () {
    Process.trapExit(true)
    yield* receive()
  })
  const vref = Process.monitor(victim)
  Process.exit(victim, 'kill')
  const [, , , , vreason] = yield* receive(['DOWN', vref, 'process', P._, P._])
  say(`  exit(pid, 'kill') on a trapping process: it died with '${String(vreason)}'`)

  // 5. Lots of processes.
  const t0 = performance.now()
  const n = 100_000
  for (let i = 0; i < n; i++) spawn(function* () {})
  say(`  spawned ${n.toLocaleString()} processes in ${(performance.now() - t0).toFixed(0)} ms`)
  say('Tour done. The node keeps running; press Ctrl-C to stop.')

  // Keep the node alive like a BEAM node: a heartbeat process that waits for a stop message.
  for (;;) {
    const stop = yield* receive(
      'stop',
      after(60_000, () => 'tick' as const),
    )
    if (stop === 'stop') return
  }
}

Logger.removeHandler('console')
Logger.addHandler('tour', (e) => {
  if (!e.message.includes('raised an exception')) Logger.consoleHandler(e)
  else say(`  (Logger) ${e.message.split('\n')[0]}`)
})

const main = spawn(tour, { name: 'tour' })
const shutdown = (sig: string) => {
  say(`\n${sig} received — stopping.`)
  send(main, 'stop')
}
process.once('SIGINT', () => shutdown('SIGINT'))
process.once('SIGTERM', () => shutdown('SIGTERM'))
