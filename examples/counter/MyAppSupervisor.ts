/**
 * Seed 003's `MyApp.Supervisor`: a module-based supervisor (Elixir's `use Supervisor`) that
 * starts one `Counter` with initial count 0 and restarts it, `:one_for_one`, when it crashes.
 *
 * Elixir → TypeScript: `use Supervisor` + `init/1` is `Supervisor.define({ init })`;
 * `Supervisor.init(children, strategy: :one_for_one)` is
 * `Supervisor.init(children, { strategy: 'one_for_one' })`; `name: __MODULE__` is the name
 * `'MyApp.Supervisor'`.
 */
import { Supervisor } from '../../src/index.ts'
import * as Counter from './Counter.ts'

export const MyAppSupervisor = Supervisor.define({
  name: 'MyApp.Supervisor',
  init: (_initArg: unknown) => Supervisor.init([Counter.childSpec(0)], { strategy: 'one_for_one' }),
})

/** `MyApp.Supervisor.start_link(init_arg)`. */
export function startLink(initArg: unknown = null) {
  return Supervisor.startLink(MyAppSupervisor, initArg, { name: 'MyApp.Supervisor' })
}
