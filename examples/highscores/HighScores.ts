/**
 * Seed 002's `HighScores` application: packages the supervision tree — the table supervisor and
 * the registry under `HighScores.Supervisor`, `:one_for_one` — so it starts and stops as a unit.
 *
 * Elixir → TypeScript: `use Application` + `start(_type, _args)` is
 * `Application.define({ name, start })`; `supervisor(…)`/`worker(…)` in the children list are the
 * modules themselves (each has a `childSpec`); `Supervisor.start_link(children, opts)` is the
 * same call.
 */
import { Application, Supervisor } from '../../src/index.ts'
import { HighScoresRegistry } from './HighScoresRegistry.ts'
import { HighScoresTableSupervisor } from './HighScoresTableSupervisor.ts'

export const HighScores = Application.define({
  name: 'high_scores',
  start: (_type: 'normal', _args: unknown) =>
    Supervisor.startLink([HighScoresTableSupervisor, HighScoresRegistry], {
      strategy: 'one_for_one',
      name: 'HighScores.Supervisor',
    }),
})
