/**
 * The README's session, end to end: `beamish --sname … examples/distribution/app.ts` starts a
 * node, and an Elixir node does what the iex session does — connect, send to a registered name,
 * GenServer.call a Beamish server — then SIGTERM stops the Beamish node cleanly.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { freePort } from '../dist/helpers.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const children: ReturnType<typeof spawn>[] = []
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL')
})
after(() => {
  for (const c of children) c.kill('SIGKILL')
})

function start(cmd: string, args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(cmd, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  const lines: string[] = []
  const waiters: [RegExp, (l: string) => void][] = []
  for (const s of [child.stdout!, child.stderr!]) {
    createInterface({ input: s }).on('line', (l) => {
      lines.push(l)
      for (const w of [...waiters]) {
        if (!w[0].test(l)) continue
        waiters.splice(waiters.indexOf(w), 1)
        w[1](l)
      }
    })
  }
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  return {
    child,
    lines,
    exited,
    waitFor: (re: RegExp) =>
      new Promise<string>((resolve, reject) => {
        const seen = lines.find((l) => re.test(l))
        if (seen !== undefined) return resolve(seen)
        const t = setTimeout(() => reject(new Error(`no ${re} in:\n${lines.join('\n')}`)), 30_000)
        waiters.push([
          re,
          (l) => {
            clearTimeout(t)
            resolve(l)
          },
        ])
      }),
  }
}

describe('npx beamish (the README session)', () => {
  it('starts a node an Elixir node can connect to, message and call, and stops on SIGTERM', async () => {
    const epmdPort = await freePort()
    const ts = start(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli.ts',
        '--sname',
        'cli_ts',
        '--cookie',
        'secret',
        '--epmd-port',
        String(epmdPort),
        'examples/distribution/app.ts',
      ],
      {},
    )
    await ts.waitFor(/^ready: cli_ts@localhost/)
    const script = `
      n = :"cli_ts@localhost"
      IO.inspect(Node.connect(n), label: "connect")
      send({:some_name, n}, {:hello, self()})
      receive do m -> IO.inspect(m, label: "flush") after 5000 -> IO.puts("flush: nothing") end
      IO.inspect(GenServer.call({:some_server, n}, :ping), label: "call")
      IO.inspect(Node.list(), label: "list")`
    const ex = start(
      'elixir',
      [
        '--sname',
        'ex_cli@localhost',
        '--cookie',
        'secret',
        '--erl',
        '-kernel inet_dist_use_interface {127,0,0,1}',
        '-e',
        script,
      ],
      { ERL_EPMD_PORT: String(epmdPort), ERL_EPMD_ADDRESS: '127.0.0.1' },
    )
    assert.equal(await ex.exited, 0, ex.lines.join('\n'))
    assert.deepEqual(
      ex.lines.filter((l) => /^(connect|flush|call|list):/.test(l)),
      [
        'connect: true',
        'flush: {:hello_from, :cli_ts@localhost}',
        'call: {:pong, :cli_ts@localhost, 1}',
        'list: [:cli_ts@localhost]',
      ],
    )
    await ts.waitFor(/^some_name got \[ Atom \{ name: 'hello' \}/)
    ts.child.kill('SIGTERM')
    assert.equal(await ts.exited, 0)
  })
})
