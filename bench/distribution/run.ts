/**
 * Distribution benchmark: small messages per second and MB/s of 1 MB binaries over one
 * loopback connection, Beamish↔Beamish against BEAM↔BEAM in the same run (each node in its own
 * OS process). Run: `node --import tsx bench/distribution/run.ts` (needs `elixir` for the BEAM
 * column). Both sides use an EPMD of this run's own (an embedded one), so nothing lingers.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { startEpmd } from '../../src/internal/dist/epmdServer.ts'
import { median } from '../lib.ts'

const here = fileURLToPath(new URL('.', import.meta.url))
const SMALL = { kind: 'small', total: 200_000, window: 2_000 } as const
const BINARY = { kind: 'binary', total: 200, window: 4, size: 1024 * 1024 } as const
type Scenario = typeof SMALL | typeof BINARY

const children = new Set<ChildProcess>()
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL')
})

function launch(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; line: () => Promise<string> } {
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'inherit'] })
  children.add(child)
  child.on('exit', () => children.delete(child))
  const lines = createInterface({ input: child.stdout! })
  const queue: string[] = []
  const waiting: ((l: string) => void)[] = []
  lines.on('line', (l) => {
    const w = waiting.shift()
    if (w) w(l)
    else queue.push(l)
  })
  return {
    child,
    line: () => {
      const l = queue.shift()
      if (l !== undefined) return Promise.resolve(l)
      return new Promise((resolve, reject) => {
        waiting.push(resolve)
        child.once('exit', (code) => reject(new Error(`${cmd} exited with ${code}`)))
      })
    },
  }
}

interface Impl {
  readonly label: string
  sink(env: NodeJS.ProcessEnv): ReturnType<typeof launch>
  source(env: NodeJS.ProcessEnv, s: Scenario): ReturnType<typeof launch>
}

const TSX = ['--import', 'tsx', `${here}beamishNode.ts`]
const ERL = ['--cookie', 'bench', '--erl', '-kernel inet_dist_use_interface {127,0,0,1}']

const beamish: Impl = {
  label: 'Beamish↔Beamish',
  sink: (env) => launch(process.execPath, [...TSX, 'sink', 'bsink', env.ERL_EPMD_PORT!], env),
  source: (env, s) =>
    launch(
      process.execPath,
      [...TSX, 'source', 'bsource', env.ERL_EPMD_PORT!, 'bsink@localhost', JSON.stringify(s)],
      env,
    ),
}

const beam: Impl = {
  label: 'BEAM↔BEAM',
  sink: (env) => launch('elixir', ['--sname', 'esink@localhost', ...ERL, `${here}beam.exs`, 'sink'], env),
  source: (env, s) =>
    launch(
      'elixir',
      [
        '--sname',
        'esource@localhost',
        ...ERL,
        `${here}beam.exs`,
        'source',
        'esink@localhost',
        s.kind,
        String(s.total),
        String(s.window),
        ...('size' in s ? [String(s.size)] : []),
      ],
      env,
    ),
}

async function measure(impl: Impl, env: NodeJS.ProcessEnv): Promise<{ small: number; mbs: number }> {
  const sink = impl.sink(env)
  if ((await sink.line()) !== 'READY') throw new Error(`${impl.label} sink did not start`)
  try {
    const out: number[] = []
    for (const s of [SMALL, BINARY] as Scenario[]) {
      const src = impl.source(env, s)
      const { ms } = JSON.parse(await src.line()) as { ms: number[] }
      const m = median(ms.slice(1))
      out.push(s.kind === 'small' ? s.total / (m / 1000) : (s.total * s.size) / (1024 * 1024) / (m / 1000))
      await new Promise((r) => src.child.once('exit', r))
    }
    return { small: out[0]!, mbs: out[1]! }
  } finally {
    sink.child.kill('SIGTERM')
  }
}

const epmd = await startEpmd('127.0.0.1', 0)
const env = { ...process.env, ERL_EPMD_PORT: String(epmd.port), ERL_EPMD_ADDRESS: '127.0.0.1' }
const hasElixir = spawnSync('elixir', ['--version'], { stdio: 'ignore' }).status === 0
const b = await measure(beamish, env)
const e = hasElixir ? await measure(beam, env) : null
await epmd.close()

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
const ratio = (x: number, y: number | undefined) => (y === undefined ? 'n/a' : `${(x / y).toFixed(2)}×`)
console.log(`\nDistribution over one loopback connection (node ${process.version})\n`)
console.log('| metric | Beamish↔Beamish | BEAM↔BEAM | ratio |')
console.log('|---|---|---|---|')
console.log(
  `| small messages/s ({msg, i}) | ${fmt(b.small)} | ${e ? fmt(e.small) : 'n/a'} | ${ratio(b.small, e?.small)} |`,
)
console.log(`| MB/s (1 MB binaries) | ${fmt(b.mbs)} | ${e ? fmt(e.mbs) : 'n/a'} | ${ratio(b.mbs, e?.mbs)} |`)
process.exit(0)
