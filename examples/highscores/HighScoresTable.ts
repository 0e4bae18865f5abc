/**
 * Seed 002's `HighScoresTable` ("A Winner is You", the talk): a GenServer keeping the top
 * `maxPlayers` scores of one game, best first. `addScore` answers `['congrats', position]` when
 * the score made it into the table and `'unfortunate'` when it did not.
 *
 * Elixir → TypeScript: `use GenServer` + callbacks is `GenServer.define({ init, handleCall })`;
 * the structs `%HighScoresTable{scores: [], max_players: nil}` and `%Score{name, score, time}` are
 * plain readonly objects; `{:reply, response, new_state}` is `GenServer.reply(response, newState)`;
 * `:erlang.time |> Time.from_erl!` is the time of day as `'HH:MM:SS'`.
 */
import { GenServer, type Pid, type Supervisor } from '../../src/index.ts'

/** `%Score{}`: a single score. */
export interface Score {
  readonly name: string
  readonly score: number
  readonly time: string
}

/** `%HighScoresTable{}`: the scores (best first) and how many to keep. */
interface State {
  readonly scores: readonly Score[]
  readonly maxPlayers: number
}

export type AddScoreResult = readonly ['congrats', number] | 'unfortunate'
type Request = readonly ['add_score', Score] | 'current_scores'

export const HighScoresTable = GenServer.define({
  name: 'HighScoresTable',

  init: (maxPlayers: number) => GenServer.ok<State>({ scores: [], maxPlayers }),

  handleCall(request: Request, _from: GenServer.From, state: State) {
    if (request === 'current_scores')
      return GenServer.reply<readonly Score[] | AddScoreResult, State>(state.scores, state)
    const [response, scores] = maybeAddScore(state.scores, state.maxPlayers, request[1])
    return GenServer.reply(response, { ...state, scores })
  },

  /** How a supervisor starts a table: `HighScoresTable.start_link(max_players)`. */
  childSpec(maxPlayers: number): Supervisor.ChildSpec {
    return GenServer.childSpec(HighScoresTable, maxPlayers)
  },
})

/** `Enum.split_while/2` on a list ordered best first, then insert and keep the top `max`. */
function maybeAddScore(
  scores: readonly Score[],
  maxPlayers: number,
  newScore: Score,
): [AddScoreResult, readonly Score[]] {
  let i = 0
  while (i < scores.length && scores[i]!.score >= newScore.score) i++
  const higher = scores.slice(0, i)
  const lower = scores.slice(i)
  if (lower.length === 0 && higher.length >= maxPlayers) return ['unfortunate', scores]
  const newScores = [...higher, newScore, ...lower].slice(0, maxPlayers)
  return [['congrats', higher.length + 1], newScores]
}

// ------------------------------------------------------------------ outward API

/** Starts the process, which calls `init`. */
export function startLink(maxPlayers: number) {
  return GenServer.startLink(HighScoresTable, maxPlayers)
}

/** Adds a new `score` for `name` to the table. */
export function* addScore(pid: Pid, name: string, score: number): Generator<unknown, AddScoreResult> {
  const time = new Date().toTimeString().slice(0, 8)
  return (yield* GenServer.call(pid, ['add_score', { name, score, time }])) as AddScoreResult
}

/** Lists the current scores, best first. */
export function* currentScores(pid: Pid): Generator<unknown, readonly Score[]> {
  return (yield* GenServer.call(pid, 'current_scores')) as readonly Score[]
}
