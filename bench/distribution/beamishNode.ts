/**
 * One side of the Beamish↔Beamish distribution benchmark, in its own OS process:
 *   beamishNode.ts sink <name> <epmdPort>    a node with a registered `sink` process
 *   beamishNode.ts source <name> <epmdPort> <sinkNode> <scenario.json>
 * The protocol is the same as beam.exs's, so the two runs measure the same thing: the source
 * sends `total` messages to the sink's pid, the sink acks every `window` messages, and the
 * source keeps at most two windows in flight (flow control, as the BEAM's busy dist port does).
 */
import { randomBytes } from 'node:crypto'
import { Atom, Node, P, Pid, Process } from '../../src/index.ts'

const [role, name, epmdPort, sinkNode, scenarioJson] = process.argv.slice(2)
const MSG = Atom.of('msg')

function* sink() {
  for (;;) {
    const [, from, total, window] = yield* Process.receive(['start', P.instanceOf(Pid), P.number, P.number])
    Process.send(from, ['ready', Process.self()])
    let n = 0
    while (n < total) {
      yield* Process.receive()
      n++
      if (n % window === 0 || n === total) Process.send(from, ['ack', n])
    }
  }
}

interface Scenario {
  readonly kind: 'small' | 'binary'
  readonly total: number
  readonly window: number
  readonly size?: number
}

function* source(s: Scenario) {
  const me = Process.self()
  Process.send(['sink', sinkNode!], ['start', me, s.total, s.window])
  const [, pid] = yield* Process.receive(['ready', P.instanceOf(Pid)])
  const payload = s.kind === 'binary' ? new Uint8Array(randomBytes(s.size!)) : null
  const t0 = performance.now()
  let acked = 0
  for (let i = 0; i < s.total; i++) {
    Process.send(pid, payload === null ? [MSG, i] : payload)
    while (i + 1 - acked >= 2 * s.window) {
      const [, n] = yield* Process.receive(['ack', P.number])
      acked = n
    }
  }
  while (acked < s.total) {
    const [, n] = yield* Process.receive(['ack', P.number])
    acked = n
  }
  return performance.now() - t0
}

const started = await Node.start({ sname: name!, cookie: 'bench', epmdPort: Number(epmdPort) })
if (started[0] !== 'ok') throw new Error(`Node.start: ${String(started[1])}`)
if (role === 'sink') {
  Process.spawn(sink, { name: 'sink' })
  process.stdout.write('READY\n')
  process.on('SIGTERM', () => process.exit(0))
} else {
  const scenario = JSON.parse(scenarioJson!) as Scenario
  // Three rounds in one process: the first warms the JIT up; the runner takes the median.
  const ms: number[] = []
  for (let r = 0; r < 3; r++) ms.push(await Process.run(() => source(scenario)))
  process.stdout.write(`${JSON.stringify({ ms })}\n`)
  await Node.stop()
  process.exit(0)
}
