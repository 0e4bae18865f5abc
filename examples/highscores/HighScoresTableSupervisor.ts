/**
 * Seed 002's `HighScoresTableSupervisor`: starts a `HighScoresTable` per game, on demand.
 *
 * The talk's `:simple_one_for_one` supervisor with `worker(HighScoresTable, [])` and
 * `Supervisor.start_child(__MODULE__, [max_players])` is, in today's OTP, a `DynamicSupervisor`
 * and `DynamicSupervisor.startChild(…, [HighScoresTable, maxPlayers])`.
 *
 * One deliberate change: the tables are `'temporary'` children. The talk's workers are
 * permanent, so when a table crashed this supervisor restarted it *and* `HighScoresRegistry`
 * (which monitors it) started another one: the supervisor's copy was an orphan no game pointed to.
 * Here the registry alone replaces a crashed table, which is what the talk describes.
 */
import { DynamicSupervisor, Supervisor } from '../../src/index.ts'
import { HighScoresTable } from './HighScoresTable.ts'

export const HighScoresTableSupervisor = DynamicSupervisor.define({
  name: 'HighScoresTableSupervisor',

  init: (_arg: 'ok') => DynamicSupervisor.init({ strategy: 'one_for_one' }),

  /** As a child of another supervisor: `supervisor(HighScoresTableSupervisor, [])`. */
  childSpec(_arg?: unknown): Supervisor.ChildSpec {
    return { id: 'HighScoresTableSupervisor', start: startLink, type: 'supervisor' }
  },
})

/** `HighScoresTableSupervisor.start_link/0`, registered under its module name. */
export function startLink() {
  return DynamicSupervisor.startLink(HighScoresTableSupervisor, 'ok', { name: 'HighScoresTableSupervisor' })
}

/** `HighScoresTableSupervisor.start_child([max_players])`: a new table for a game. */
export function startChild([maxPlayers]: readonly [number]) {
  return DynamicSupervisor.startChild(
    'HighScoresTableSupervisor',
    Supervisor.childSpec([HighScoresTable, maxPlayers], { restart: 'temporary' }),
  )
}
