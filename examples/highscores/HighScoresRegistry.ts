/**
 * Seed 002's `HighScoresRegistry`: a GenServer, registered under its module name, that maps game
 * names to their `HighScoresTable` processes. It monitors every table; when one goes down, its
 * `handleInfo` for the `DOWN` starts a fresh table for that game (with the same `maxPlayers`), so
 * the game keeps working.
 *
 * Elixir → TypeScript: `games` (`%{game => {pid, max_players}}`) is a `Map<string, [Pid,
 * number]>`; the callbacks that call the table supervisor are generator functions, so they can
 * `yield*` a call; `{:ok, pid} = …` is `expectOk(…)`, which exits the caller with
 * `['badmatch', …]` for an unknown game, as the failed match does in Elixir.
 *
 * One deliberate change: `handleInfo` monitors the replacement table it starts. The talk's
 * `handle_info` does not, so a replacement that crashed in turn was never replaced: the game kept
 * pointing at the dead pid and every `add_score` for it exited with `:noproc`. Monitoring it is
 * what "the game keeps working" needs (see also HighScoresTableSupervisor.ts: the tables are
 * `temporary`, so only the registry replaces them).
 */
import { expectOk, GenServer, type Pid, Process, type Ref, type Supervisor } from '../../src/index.ts'
import * as HighScoresTable from './HighScoresTable.ts'
import * as HighScoresTableSupervisor from './HighScoresTableSupervisor.ts'

type Games = ReadonlyMap<string, readonly [Pid, number]>
type Request = readonly ['add_game', string, number] | readonly ['get_game', string]
type Reply = 'ok' | readonly ['ok', Pid] | readonly ['error', 'game_already_exists' | 'unknown_game']

const NAME = 'HighScoresRegistry'

export const HighScoresRegistry = GenServer.define({
  name: NAME,

  init: (_arg: 'ok') => GenServer.ok<Games>(new Map()),

  *handleCall(request: Request, _from: GenServer.From, games: Games) {
    if (request[0] === 'get_game') {
      const game = games.get(request[1])
      return GenServer.reply<Reply, Games>(
        game === undefined ? ['error', 'unknown_game'] : ['ok', game[0]],
        games,
      )
    }
    const [, gameName, maxPlayers] = request
    if (games.has(gameName)) return GenServer.reply<Reply, Games>(['error', 'game_already_exists'], games)
    const pid = expectOk(yield* HighScoresTableSupervisor.startChild([maxPlayers]))
    Process.monitor(pid)
    return GenServer.reply<Reply, Games>('ok', new Map(games).set(gameName, [pid, maxPlayers]))
  },

  /** Remove table processes when they crash, and start a new table for that game. */
  *handleInfo([, , , crashedPid]: readonly ['DOWN', Ref, 'process', Pid, unknown], games: Games) {
    const updated = new Map<string, readonly [Pid, number]>()
    for (const [gameName, [pid, maxPlayers]] of games) {
      if (pid === crashedPid) {
        const newPid = expectOk(yield* HighScoresTableSupervisor.startChild([maxPlayers]))
        Process.monitor(newPid)
        updated.set(gameName, [newPid, maxPlayers])
      } else updated.set(gameName, [pid, maxPlayers])
    }
    return GenServer.noreply<Games>(updated)
  },

  /** As a child of another supervisor: `worker(HighScoresRegistry, [])`. */
  childSpec(_arg?: unknown): Supervisor.ChildSpec {
    return { id: NAME, start: startLink }
  },
})

/** Starts the registry, with the module name as its registered name. */
export function startLink() {
  return GenServer.startLink(HighScoresRegistry, 'ok', { name: NAME })
}

// ------------------------------------------------------------------ outward API

/** Adds a new game: `'ok'`, or `['error', 'game_already_exists']`. */
export function* addGame(game: string, maxPlayers = 10): Generator<unknown, Reply> {
  return yield* GenServer.call<typeof HighScoresRegistry>(NAME, ['add_game', game, maxPlayers])
}

/** Adds `name`'s `score` on `game` to that game's table. */
export function* addScore(
  game: string,
  name: string,
  score: number,
): Generator<unknown, HighScoresTable.AddScoreResult> {
  const pid = expectOk(yield* getGamePid(game))
  return yield* HighScoresTable.addScore(pid, name, score)
}

/** Lists the current scores for `game`. */
export function* currentScores(game: string): Generator<unknown, readonly HighScoresTable.Score[]> {
  const pid = expectOk(yield* getGamePid(game))
  return yield* HighScoresTable.currentScores(pid)
}

/** The pid of a game's table: `['ok', pid]` or `['error', 'unknown_game']`. */
export function* getGamePid(game: string): Generator<unknown, Reply> {
  return yield* GenServer.call<typeof HighScoresRegistry>(NAME, ['get_game', game])
}
