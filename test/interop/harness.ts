/**
 * Starting real OS-process nodes for the interop tests: Elixir nodes (fixtures/ex_node.exs) and
 * Beamish nodes (test/dist/fixtures/refNode.ts). Every process started here is killed when the
 * test file ends, also when it fails (an `exit` hook sends SIGKILL to whatever is left).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { Node } from '../../src/index.ts'

const live = new Set<ChildProcess>()
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL')
})

export interface OsNode {
  readonly name: string
  readonly child: ChildProcess
  /** Output lines so far (stdout and stderr). */
  readonly lines: string[]
  /** Resolves with the first line (seen or to come) matching `re`. */
  waitFor(re: RegExp, ms?: number): Promise<string>
  /** SIGKILL, and wait until the process is gone. */
  kill(): Promise<void>
}

function watch(name: string, child: ChildProcess): OsNode {
  live.add(child)
  const lines: string[] = []
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = []
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      live.delete(child)
      resolve()
    }),
  )
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (l) => {
      lines.push(l)
      if (process.env.BEAMISH_INTEROP_DEBUG) process.stderr.write(`[${name}] ${l}\n`)
      for (const w of [...waiters]) {
        if (w.re.test(l)) {
          waiters.splice(waiters.indexOf(w), 1)
          w.resolve(l)
        }
      }
    })
  }
  return {
    name,
    child,
    lines,
    waitFor(re, ms = 30_000) {
      const seen = lines.find((l) => re.test(l))
      if (seen !== undefined) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () =>
            reject(new Error(`${name}: no line matching ${re} in ${ms} ms. Output:\n${lines.join('\n')}`)),
          ms,
        )
        const w = {
          re,
          resolve: (l: string) => {
            clearTimeout(t)
            resolve(l)
          },
        }
        waiters.push(w)
        exited.then(() => {
          if (!waiters.includes(w)) return
          clearTimeout(t)
          reject(new Error(`${name} exited before printing ${re}. Output:\n${lines.join('\n')}`))
        })
      })
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}

const EX_NODE = fileURLToPath(new URL('./fixtures/ex_node.exs', import.meta.url))

export interface ElixirOptions {
  readonly cookie: string
  readonly epmdPort: number
  /** A node to `Node.connect` at start ("CONNECT true|false" is printed). */
  readonly connect?: string
}

/** Starts `elixir --sname <sname>@localhost` on loopback with fixtures/ex_node.exs; waits for READY. */
export async function startElixir(sname: string, o: ElixirOptions): Promise<OsNode> {
  const name = `${sname}@localhost`
  const child = spawn(
    'elixir',
    ['--sname', name, '--cookie', o.cookie, '--erl', '-kernel inet_dist_use_interface {127,0,0,1}', EX_NODE],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ERL_EPMD_PORT: String(o.epmdPort),
        ERL_EPMD_ADDRESS: '127.0.0.1',
        ...(o.connect === undefined ? {} : { CONNECT: o.connect }),
      },
    },
  )
  const node = watch(name, child)
  await node.waitFor(/^READY /)
  return node
}

const REF_NODE = fileURLToPath(new URL('../dist/fixtures/refNode.ts', import.meta.url))

/** Starts a Beamish reference node in its own OS process (`node --import tsx refNode.ts`). */
export async function startBeamish(opts: Node.StartOptions): Promise<OsNode> {
  const child = spawn(process.execPath, ['--import', 'tsx', REF_NODE, JSON.stringify(opts)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const node = watch(String(opts.sname ?? opts.name), child)
  const line = await node.waitFor(/^READY /)
  return { ...node, name: line.slice('READY '.length) }
}
