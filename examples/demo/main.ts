/**
 * `npm start` (or `npm run example -- demo`) — the demo application: the high-scores service,
 * the chat server and the echo server under one supervision tree (see Demo.ts), serving on
 * localhost until Ctrl-C or SIGTERM.
 *
 * It starts the `demo` application, prints the ports with `nc` commands to try them, runs a short
 * live tour (tour.ts), and keeps serving. On SIGINT/SIGTERM, `Application`'s signal handling
 * stops the tree in order — the root's children in reverse start order, each server logging as
 * it stops — and the process exits 0.
 *
 * Ports: `--echo-port N` and `--chat-port N`, or the environment variables `ECHO_PORT` and
 * `CHAT_PORT` (flags win); 4040 and 4041 by default; 0 picks any free port.
 */
import { inspect, parseArgs } from 'node:util'
import { Application, Process } from '../../src/index.ts'
import { Demo, ports } from './Demo.ts'
import { tour } from './tour.ts'

export type Print = (line: string) => void

export interface Config {
  readonly echoPort: number
  readonly chatPort: number
}

export const USAGE =
  'usage: npm start -- [--echo-port N] [--chat-port N]   (or ECHO_PORT=N CHAT_PORT=N npm start; 0 = any free port)'

function portOf(what: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback
  const port = Number(text)
  if (!/^\d+$/.test(text) || port > 65535)
    throw new Error(`${what}: expected a port from 0 to 65535, got ${JSON.stringify(text)}`)
  return port
}

/** The ports from the command line's flags, else the environment, else 4040 / 4041. Throws on bad input. */
export function parseConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Config {
  const { values } = parseArgs({
    args: [...argv],
    options: { 'echo-port': { type: 'string' }, 'chat-port': { type: 'string' } },
  })
  return {
    echoPort: portOf('--echo-port', values['echo-port'], portOf('ECHO_PORT', env.ECHO_PORT, 4040)),
    chatPort: portOf('--chat-port', values['chat-port'], portOf('CHAT_PORT', env.CHAT_PORT, 4041)),
  }
}

export interface Options {
  readonly print?: Print
  /** The application's restart type (`npm start`: `'permanent'`, so a tree that gives up stops the node). */
  readonly type?: Application.RestartType
  /** Install the SIGINT/SIGTERM handlers that stop the tree and exit 0 (default true). */
  readonly handleSignals?: boolean
}

/**
 * Starts the demo and runs the tour; returns the ports it serves on, or `['error', reason]` when
 * it could not start (a port in use, say).
 */
export function* main(
  config: Config,
  { print = console.log, type = 'temporary', handleSignals = true }: Options = {},
): Generator<unknown, { echo: number; chat: number } | readonly ['error', unknown]> {
  Application.putEnv('demo', 'echo_port', config.echoPort)
  Application.putEnv('demo', 'chat_port', config.chatPort)
  const started = yield* Application.start(Demo, { type, handleSignals })
  if (started !== 'ok') return started

  const { echo, chat } = yield* ports()
  print(`Beamish demo: application 'demo' is running on node ${Process.nodeName()}`)
  print(`  echo server  port ${echo}   try: nc localhost ${echo}`)
  print(
    `  chat server  port ${chat}   try: nc localhost ${chat}   (in two terminals; /nick NAME picks a name)`,
  )
  print('  high scores  HighScoresRegistry, with a table process per game')
  print('')
  yield* tour(print, chat)
  print('')
  print(`Serving until Ctrl-C or SIGTERM: nc localhost ${echo} (echo), nc localhost ${chat} (chat).`)
  return { echo, chat }
}

if (import.meta.filename === process.argv[1]) {
  let config: Config
  try {
    config = parseConfig(process.argv.slice(2), process.env)
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`)
    process.exit(2)
  }
  const result = await Process.run(() => main(config, { type: 'permanent' }))
  if (Array.isArray(result)) {
    const why = inspect(result[1], {
      depth: Number.POSITIVE_INFINITY,
      breakLength: Number.POSITIVE_INFINITY,
      compact: true,
    })
    process.stderr.write(`The demo could not start: ${why}\n`)
    if (why.includes('eaddrinuse')) process.stderr.write(`A port is in use: pick others.\n${USAGE}\n`)
    process.exitCode = 1
  }
}
