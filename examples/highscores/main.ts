/**
 * `npm run example -- highscores` — seed 002, "A Winner is You: A Practical introduction to
 * Concurrency in Elixir" (the talk): first the `HighScoresTable` GenServer on its own, then the
 * `HighScores` application — `HighScoresTableSupervisor` (dynamic), `HighScoresRegistry` mapping
 * games to tables, under `HighScores.Supervisor` — with several games, a table that crashes and is
 * replaced, and the game carrying on.
 *
 * Elixir → TypeScript: see HighScoresTable.ts (`use GenServer`, the structs), HighScoresRegistry.ts
 * (`handle_info` for `:DOWN`), HighScoresTableSupervisor.ts (`:simple_one_for_one` is a
 * DynamicSupervisor) and HighScores.ts (`use Application`).
 */
import { inspect } from 'node:util'
import { Application, expectOk, P, Process } from '../../src/index.ts'
import { HighScores } from './HighScores.ts'
import * as HighScoresRegistry from './HighScoresRegistry.ts'
import * as HighScoresTable from './HighScoresTable.ts'

export type Print = (line: string) => void

function show(value: unknown): string {
  return inspect(value, { breakLength: Number.POSITIVE_INFINITY })
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'TH' : (['TH', 'ST', 'ND', 'RD'][n % 10] ?? 'TH')
  return `${n}${suffix}`
}

/** The arcade's HIGH SCORES screen. */
function table(scores: readonly HighScoresTable.Score[]): string {
  const rows = scores.map((s, i) => `${ordinal(i + 1).padEnd(6)}${String(s.score).padStart(6)}  ${s.name}`)
  return ['RANK   SCORE  NAME', ...rows].join('\n')
}

export function* main(print: Print = console.log): Generator<unknown, void> {
  print('# The HighScoresTable GenServer')
  const pid = expectOk(yield* HighScoresTable.startLink(3))
  print(`iex> [, pid] = yield* HighScoresTable.startLink(3)  // keeps the top 3\n${pid}`)
  for (const [name, score] of [
    ['BOB', 10000],
    ['JHC', 12000],
    ['SKT', 9000],
    ['TBS', 8000],
    ['MNM', 11000],
  ] as const) {
    print(
      `iex> HighScoresTable.addScore(pid, '${name}', ${score})\n${show(yield* HighScoresTable.addScore(pid, name, score))}`,
    )
  }
  print(`iex> HighScoresTable.currentScores(pid)\n${table(yield* HighScoresTable.currentScores(pid))}`)
  Process.unlink(pid)
  Process.exit(pid, 'shutdown')

  print('\n# The HighScores application')
  print(`iex> Application.start(HighScores)\n${show(yield* Application.start(HighScores))}`)
  print(
    `iex> HighScoresRegistry.addGame('pacman', 3)\n${show(yield* HighScoresRegistry.addGame('pacman', 3))}`,
  )
  print(`iex> HighScoresRegistry.addGame('tetris')\n${show(yield* HighScoresRegistry.addGame('tetris'))}`)
  print(`iex> HighScoresRegistry.addGame('pacman')\n${show(yield* HighScoresRegistry.addGame('pacman'))}`)
  for (const [game, name, score] of [
    ['pacman', 'BOB', 10000],
    ['pacman', 'JHC', 12000],
    ['tetris', 'SKT', 900],
    ['pacman', 'WKJ', 3000],
    ['pacman', 'SVO', 2000],
  ] as const) {
    print(
      `iex> HighScoresRegistry.addScore('${game}', '${name}', ${score})\n${show(yield* HighScoresRegistry.addScore(game, name, score))}`,
    )
  }
  print(
    `iex> HighScoresRegistry.currentScores('pacman')\n${table(yield* HighScoresRegistry.currentScores('pacman'))}`,
  )

  print('\n# A table crashes')
  const [, crashed] = (yield* HighScoresRegistry.getGamePid('pacman')) as readonly ['ok', Process.Pid]
  const ref = Process.monitor(crashed)
  Process.exit(crashed, 'kill')
  yield* Process.receive(['DOWN', ref, 'process', crashed, P._])
  print(`iex> Process.exit(pacmanTable, 'kill')  // ${crashed} is gone`)
  const [, replacement] = (yield* HighScoresRegistry.getGamePid('pacman')) as readonly ['ok', Process.Pid]
  print(`…the registry has started a new table for pacman: ${replacement}, and the game goes on:`)
  print(
    `iex> HighScoresRegistry.addScore('pacman', 'TRN', 500)\n${show(yield* HighScoresRegistry.addScore('pacman', 'TRN', 500))}`,
  )
  print(
    `iex> HighScoresRegistry.currentScores('pacman')\n${table(yield* HighScoresRegistry.currentScores('pacman'))}`,
  )
  print(
    `iex> HighScoresRegistry.currentScores('tetris')  // untouched\n${table(yield* HighScoresRegistry.currentScores('tetris'))}`,
  )

  print(`iex> Application.stop(HighScores)\n${show(yield* Application.stop(HighScores))}`)
}

if (import.meta.filename === process.argv[1]) await Process.run(() => main())
