#!/usr/bin/env node
/**
 * `npx beamish --sname ts --cookie secret app.ts`: starts a distributed node and runs the app
 * module's exported `start(args)` as a process (like `elixir --sname ts app.exs`). Without an
 * app it just starts the node and waits, like `iex --sname ts` without the shell. The node stops
 * cleanly on SIGINT/SIGTERM.
 *
 * A `.ts` app is run through tsx: the CLI re-executes itself with `--import tsx` (from the app's
 * project, else from Beamish's own dependencies).
 *
 * @module
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

const USAGE = `Usage: beamish (--sname NAME | --name NAME) [options] [app.ts|app.js] [args...]

Starts a Beamish node and runs the app module's exported start(args) function.

Options:
  --sname NAME        short node name: "ts" becomes ts@localhost
  --name NAME         long node name, e.g. ts@127.0.0.1
  --cookie COOKIE     the cookie (default: $BEAMISH_COOKIE, else ~/.erlang.cookie)
  --hidden            connect as a hidden node
  --host ADDR         interface to listen on (default 127.0.0.1: loopback only)
  --port N            distribution port (default: any free port)
  --epmd-port N       EPMD port (default: $ERL_EPMD_PORT, else 4369)
  --net-ticktime S    seconds before a silent peer is dropped (default 60)
  -h, --help          show this help
`

interface NodeApi {
  start(opts: Record<string, unknown>): PromiseLike<['ok', string] | ['error', unknown]>
  stop(): PromiseLike<unknown>
  run(body: () => unknown): Promise<unknown>
}

function fail(message: string, code = 2): never {
  process.stderr.write(`beamish: ${message}\n`)
  process.exit(code)
}

function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      strict: true,
      options: {
        sname: { type: 'string' },
        name: { type: 'string' },
        cookie: { type: 'string' },
        hidden: { type: 'boolean' },
        host: { type: 'string' },
        port: { type: 'string' },
        'epmd-port': { type: 'string' },
        'net-ticktime': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (e) {
    return fail(`${(e as Error).message}\n\n${USAGE}`)
  }
}

function int(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isFinite(n) || n < 0) fail(`expected ${what} to be a number, got: ${v}`)
  return n
}

/** The tsx loader, from the app's project first, else from Beamish's own dependencies. */
function tsxLoader(app: string): string {
  for (const from of [app, import.meta.url]) {
    try {
      return pathToFileURL(createRequire(from).resolve('tsx')).href
    } catch {}
  }
  return fail(`running a .ts app needs tsx: npm install --save-dev tsx`, 1)
}

/** Re-runs this CLI under `node --import tsx`, forwarding signals and the exit code. */
function reexecWithTsx(app: string): void {
  const child = spawn(
    process.execPath,
    ['--import', tsxLoader(app), process.argv[1]!, ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      env: { ...process.env, BEAMISH_CLI_TSX: '1' },
    },
  )
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig))
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)))
}

/**
 * The Node API of the app's own copy of Beamish: it may come from another path than this CLI's
 * (src/ through tsx, say), and registers itself when loaded, so the node started is the app's.
 * Without one, this CLI's own copy.
 */
async function nodeApi(): Promise<NodeApi> {
  const g = globalThis as Record<symbol, unknown>
  const key = Symbol.for('beamish.Node')
  if (g[key] === undefined) await import('./Node.ts')
  return g[key] as NodeApi
}

async function main(): Promise<void> {
  const { values: v, positionals } = parse()
  if (v.help === true) {
    process.stdout.write(USAGE)
    return
  }
  if ((v.sname === undefined) === (v.name === undefined))
    fail(`give exactly one of --sname and --name\n\n${USAGE}`)
  const [file, ...args] = positionals
  const app = file === undefined ? undefined : resolve(file)
  if (app !== undefined && !existsSync(app)) fail(`no such file: ${file}`, 1)
  if (app !== undefined && /\.[mc]?ts$/.test(app) && process.env.BEAMISH_CLI_TSX !== '1') {
    reexecWithTsx(app)
    return
  }
  const mod: Record<string, unknown> = app === undefined ? {} : await import(pathToFileURL(app).href)
  const api = await nodeApi()
  const opts: Record<string, unknown> = {}
  if (v.sname !== undefined) opts.sname = v.sname
  if (v.name !== undefined) opts.name = v.name
  if (v.cookie !== undefined) opts.cookie = v.cookie
  if (v.hidden === true) opts.hidden = true
  if (v.host !== undefined) opts.host = v.host
  const port = int(v.port, '--port')
  if (port !== undefined) opts.port = port
  const epmdPort = int(v['epmd-port'], '--epmd-port')
  if (epmdPort !== undefined) opts.epmdPort = epmdPort
  const tick = int(v['net-ticktime'], '--net-ticktime')
  if (tick !== undefined) opts.netTickTime = tick
  let started: ['ok', string] | ['error', unknown]
  try {
    started = await api.start(opts)
  } catch (e) {
    return fail((e as Error).message, 1)
  }
  if (started[0] !== 'ok') fail(`could not start the node: ${String(started[1])}`, 1)
  process.stdout.write(`beamish: node ${started[1]} is up\n`)
  let stopping = false
  const stop = (code: number) => {
    if (stopping) return
    stopping = true
    void Promise.resolve(api.stop()).then(() => process.exit(code))
  }
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => stop(0))
  // Stay up like a BEAM node, even when the app's processes are all waiting.
  setInterval(() => {}, 1 << 30)
  const start = mod.start
  if (app !== undefined && typeof start !== 'function') {
    process.stderr.write(`beamish: ${file} exports no start function; the node is up without it\n`)
    return
  }
  if (typeof start === 'function') {
    api
      .run(() => start(args))
      .catch((e: unknown) => {
        process.stderr.write(
          `beamish: start(args) failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
        )
        stop(1)
      })
  }
}

void main()
