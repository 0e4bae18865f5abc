/**
 * The live tour `npm start` prints once the demo is up: it uses the running services the way a
 * client would. First a high-scores game whose table crashes and is replaced while the game goes
 * on; then two chat clients, `ada` and `bob`, talking over real TCP to the chat server.
 */
import { inspect } from 'node:util'
import { expectOk, P, type Pid, Process, Tcp } from '../../src/index.ts'
import * as HighScoresRegistry from '../highscores/HighScoresRegistry.ts'
import * as ChatClient from './ChatClient.ts'

export type Print = (line: string) => void

function show(value: unknown): string {
  return inspect(value, { breakLength: Number.POSITIVE_INFINITY })
}

/** Prints `call → result`, aligned. */
function shown(print: Print, call: string, result: unknown): void {
  print(`   ${call.padEnd(36)} → ${show(result)}`)
}

export function* highScores(print: Print): Generator<unknown, void> {
  print('1. High scores: a game, some scores, and a table that crashes')
  shown(print, "addGame('pinball', 3)", yield* HighScoresRegistry.addGame('pinball', 3))
  for (const [name, score] of [
    ['ADA', 3100],
    ['BOB', 4200],
  ] as const) {
    shown(
      print,
      `addScore('pinball', '${name}', ${score})`,
      yield* HighScoresRegistry.addScore('pinball', name, score),
    )
  }
  const table = expectOk(yield* HighScoresRegistry.getGamePid('pinball')) as Pid
  const ref = Process.monitor(table)
  Process.exit(table, 'kill')
  yield* Process.receive(['DOWN', ref, 'process', table, P._])
  print(`   the pinball table ${table} crashes: Process.exit(table, 'kill')`)
  const replacement = expectOk(yield* HighScoresRegistry.getGamePid('pinball')) as Pid
  print(`   HighScoresRegistry has started a new table, ${replacement}, and the game goes on:`)
  shown(print, "addScore('pinball', 'EVE', 1000)", yield* HighScoresRegistry.addScore('pinball', 'EVE', 1000))
  const scores = yield* HighScoresRegistry.currentScores('pinball')
  shown(
    print,
    "currentScores('pinball')",
    scores.map((s) => [s.name, s.score]),
  )
}

export function* chat(print: Print, port: number): Generator<unknown, void> {
  print(`2. Chat over TCP: two clients in this process connect to port ${port}`)
  const reads = (who: string, line: string) => print(`   ${who} reads  ${line}`)
  const sends = (who: string, line: string) => print(`   ${who} sends  ${line}`)

  const [ada, adaWelcome] = yield* ChatClient.connect(port)
  reads('ada', adaWelcome)
  sends('ada', '/nick ada')
  yield* ChatClient.sendLine(ada, '/nick ada')
  reads('ada', yield* ChatClient.readLine(ada))

  const [bob, bobWelcome] = yield* ChatClient.connect(port)
  reads('bob', bobWelcome)
  sends('bob', '/nick bob')
  yield* ChatClient.sendLine(bob, '/nick bob')
  reads('bob', yield* ChatClient.readLine(bob))
  // Meanwhile the room told ada: bob joined, then took a name.
  reads('ada', yield* ChatClient.readLine(ada))
  reads('ada', yield* ChatClient.readLine(ada))

  const text = 'hello bob, this went over TCP'
  sends('ada', text)
  yield* ChatClient.sendLine(ada, text)
  reads('bob', yield* ChatClient.readLine(bob))

  print('   ada hangs up')
  Tcp.close(ada)
  reads('bob', yield* ChatClient.readLine(bob))
  print('   bob hangs up')
  Tcp.close(bob)
}

/** The whole tour. */
export function* tour(print: Print, chatPort: number): Generator<unknown, void> {
  print('A short live tour of the running services:')
  yield* highScores(print)
  yield* chat(print, chatPort)
}
