import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { HighScores } from '../../examples/highscores/HighScores.ts'
import * as HighScoresRegistry from '../../examples/highscores/HighScoresRegistry.ts'
import * as HighScoresTable from '../../examples/highscores/HighScoresTable.ts'
import { main } from '../../examples/highscores/main.ts'
import {
  Application,
  DynamicSupervisor,
  expectOk,
  P,
  type Pid,
  Process,
  Supervisor,
} from '../../src/index.ts'
import { assertReceive, captureLog, run } from '../../src/testing/index.ts'

function* tableOf(game: string) {
  const [ok, pid] = (yield* HighScoresRegistry.getGamePid(game)) as readonly ['ok', Pid]
  assert.equal(ok, 'ok')
  return pid
}

describe('highscores (seed 002: A Winner is You)', () => {
  // A failed assertion must not leave the application running (it keeps Node alive).
  afterEach(() =>
    Process.run(function* () {
      if (Application.startedApplications().includes('high_scores')) yield* Application.stop(HighScores)
    }),
  )

  it('a table keeps the top scores best first, congratulating with the position', () =>
    run(function* () {
      const pid = expectOk(yield* HighScoresTable.startLink(3))
      assert.deepEqual(yield* HighScoresTable.addScore(pid, 'BOB', 10), ['congrats', 1])
      assert.deepEqual(yield* HighScoresTable.addScore(pid, 'JHC', 30), ['congrats', 1])
      assert.deepEqual(yield* HighScoresTable.addScore(pid, 'SKT', 20), ['congrats', 2])
      assert.deepEqual(yield* HighScoresTable.addScore(pid, 'TIE', 20), ['congrats', 3])
      const scores = yield* HighScoresTable.currentScores(pid)
      assert.deepEqual(
        scores.map((s) => [s.name, s.score]),
        [
          ['JHC', 30],
          ['SKT', 20],
          ['TIE', 20],
        ],
      )
      assert.match(scores[0]!.time, /^\d\d:\d\d:\d\d$/)
      Process.unlink(pid)
      Process.exit(pid, 'shutdown')
    }))

  it('a full table answers unfortunate to a score no better than its lowest', () =>
    run(function* () {
      const pid = expectOk(yield* HighScoresTable.startLink(2))
      yield* HighScoresTable.addScore(pid, 'A', 5)
      yield* HighScoresTable.addScore(pid, 'B', 4)
      assert.equal(yield* HighScoresTable.addScore(pid, 'C', 4), 'unfortunate')
      assert.equal(yield* HighScoresTable.addScore(pid, 'D', 1), 'unfortunate')
      assert.deepEqual(
        (yield* HighScoresTable.currentScores(pid)).map((s) => s.name),
        ['A', 'B'],
      )
      Process.unlink(pid)
      Process.exit(pid, 'shutdown')
    }))

  it('the application starts HighScores.Supervisor with the table supervisor and the registry', () =>
    run(function* () {
      assert.equal(yield* Application.start(HighScores, { handleSignals: false }), 'ok')
      const children = yield* Supervisor.whichChildren('HighScores.Supervisor')
      assert.deepEqual(
        children.map(([id, , type]) => [id, type]),
        [
          ['HighScoresRegistry', 'worker'],
          ['HighScoresTableSupervisor', 'supervisor'],
        ],
      )
      assert.equal(yield* Application.stop(HighScores), 'ok')
      assert.equal(Process.whereis('HighScores.Supervisor'), undefined)
      assert.equal(Process.whereis('HighScoresRegistry'), undefined)
    }))

  it('the registry gives each game its own table, refuses a duplicate, and knows no other games', () =>
    run(function* () {
      yield* Application.start(HighScores, { handleSignals: false })
      assert.equal(yield* HighScoresRegistry.addGame('pacman', 3), 'ok')
      assert.equal(yield* HighScoresRegistry.addGame('tetris'), 'ok')
      assert.deepEqual(yield* HighScoresRegistry.addGame('pacman'), ['error', 'game_already_exists'])
      assert.deepEqual(yield* HighScoresRegistry.getGamePid('zelda'), ['error', 'unknown_game'])
      assert.deepEqual(yield* HighScoresRegistry.addScore('pacman', 'BOB', 100), ['congrats', 1])
      assert.deepEqual(yield* HighScoresRegistry.addScore('tetris', 'SKT', 5), ['congrats', 1])
      assert.deepEqual(
        (yield* HighScoresRegistry.currentScores('pacman')).map((s) => s.name),
        ['BOB'],
      )
      assert.deepEqual(yield* DynamicSupervisor.countChildren('HighScoresTableSupervisor'), {
        specs: 2,
        active: 2,
        supervisors: 0,
        workers: 2,
      })
      yield* Application.stop(HighScores)
    }))

  it('scores for an unknown game exit the caller with a badmatch, as {:ok, pid} = … does', () =>
    run(function* () {
      yield* Application.start(HighScores, { handleSignals: false })
      const [pid, ref] = Process.spawnMonitor(function* () {
        yield* HighScoresRegistry.addScore('zelda', 'LINK', 1)
      })
      yield* assertReceive(['DOWN', ref, 'process', pid, ['badmatch', ['error', 'unknown_game']]], 1000)
      yield* Application.stop(HighScores)
    }))

  it('a crashed table is replaced by a new, empty one and its game keeps working; other games are untouched', () =>
    run(function* () {
      yield* Application.start(HighScores, { handleSignals: false })
      yield* HighScoresRegistry.addGame('pacman', 3)
      yield* HighScoresRegistry.addGame('tetris', 3)
      yield* HighScoresRegistry.addScore('pacman', 'BOB', 100)
      yield* HighScoresRegistry.addScore('tetris', 'SKT', 5)
      const old = yield* tableOf('pacman')
      const ref = Process.monitor(old)
      Process.exit(old, 'kill')
      yield* assertReceive(['DOWN', ref, 'process', old, 'killed'])
      const replacement = yield* tableOf('pacman')
      assert.notEqual(replacement, old)
      assert.equal(Process.alive(replacement), true)
      assert.deepEqual(yield* HighScoresRegistry.currentScores('pacman'), [])
      assert.deepEqual(yield* HighScoresRegistry.addScore('pacman', 'TRN', 50), ['congrats', 1])
      assert.deepEqual(
        (yield* HighScoresRegistry.currentScores('tetris')).map((s) => s.name),
        ['SKT'],
      )
      // The table supervisor did not restart the old table as well: one table per game.
      assert.equal((yield* DynamicSupervisor.countChildren('HighScoresTableSupervisor')).active, 2)
      // And a replacement is monitored too: crash it again, and it is replaced again.
      const ref2 = Process.monitor(replacement)
      Process.exit(replacement, 'kill')
      yield* assertReceive(['DOWN', ref2, 'process', replacement, P._])
      assert.notEqual(yield* tableOf('pacman'), replacement)
      yield* Application.stop(HighScores)
    }))

  it('the walkthrough prints the high score tables, the crash, and the game going on', async () => {
    const lines: string[] = []
    await captureLog(() => run(() => main((l) => lines.push(l))))
    const text = lines.join('\n')
    for (const expected of [
      "iex> HighScoresTable.addScore(pid, 'TBS', 8000)\n'unfortunate'",
      'RANK   SCORE  NAME\n1ST    12000  JHC\n2ND    11000  MNM\n3RD    10000  BOB',
      "iex> Application.start(HighScores)\n'ok'",
      "iex> HighScoresRegistry.addGame('pacman')\n[ 'error', 'game_already_exists' ]",
      "iex> HighScoresRegistry.addScore('pacman', 'SVO', 2000)\n'unfortunate'",
      "iex> HighScoresRegistry.addScore('pacman', 'TRN', 500)\n[ 'congrats', 1 ]",
      "iex> HighScoresRegistry.currentScores('pacman')\nRANK   SCORE  NAME\n1ST      500  TRN",
      '// untouched\nRANK   SCORE  NAME\n1ST      900  SKT',
      "iex> Application.stop(HighScores)\n'ok'",
    ]) {
      assert.ok(text.includes(expected), `expected the output to include:\n${expected}\n\ngot:\n${text}`)
    }
    assert.match(
      text,
      /…the registry has started a new table for pacman: #PID<[\d.]+>, and the game goes on:/,
    )
    assert.deepEqual(Application.startedApplications(), [])
  })
})
