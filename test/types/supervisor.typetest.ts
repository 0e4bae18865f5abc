// Type-level tests: checked by `npm run typecheck` (tsc), never executed.
import { DynamicSupervisor, GenServer, type Pid, Supervisor } from '../../src/index.ts'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function expectType<T extends true>(): T | undefined {
  return undefined
}

const Stack = GenServer.define({
  name: 'Stack',
  init: (items: string[]) => GenServer.ok(items),
  // A module builds its own spec from the default through `this`.
  childSpec(items: string[]) {
    return GenServer.childSpec(this, items, { restart: 'transient' })
  },
})

const App = Supervisor.define({
  name: 'App',
  init: (items: string[]) => Supervisor.init([[Stack, items], Stack], { strategy: 'one_for_one' }),
})

const Pool = DynamicSupervisor.define({ init: (max: number) => DynamicSupervisor.init({ maxChildren: max }) })

export function* supervisorsTypeCheck() {
  const spec = App.childSpec(['a'])
  expectType<Equal<typeof spec, Supervisor.ChildSpec>>()
  const r = yield* Supervisor.startLink([App, [App, ['b']], [Pool, 10], { id: 'x', start: () => 'ignore' }], {
    strategy: 'rest_for_one',
    maxRestarts: 1,
  })
  expectType<Equal<typeof r, Supervisor.StartResult<Pid>>>()
  yield* Supervisor.startLink(App, ['c'], { name: 'app' })
  // @ts-expect-error the module's init takes string[]
  yield* Supervisor.startLink(App, 42)
  // @ts-expect-error strategy is required
  yield* Supervisor.startLink([], {})
  const which = yield* Supervisor.whichChildren('app')
  expectType<Equal<typeof which, Supervisor.ChildInfo[]>>()
  const counts = yield* Supervisor.countChildren('app')
  expectType<Equal<typeof counts.active, number>>()
  const started = yield* Supervisor.startChild('app', { id: 'w', start: [GenServer.startLink, [Stack, []]] })
  if (started[0] === 'ok' && started[1] !== 'undefined') {
    const pid: Pid = started[1]
    yield* DynamicSupervisor.terminateChild('pool', pid)
  }
  const d = yield* DynamicSupervisor.startChild('pool', [Stack, ['x']])
  expectType<Equal<typeof d, DynamicSupervisor.OnStartChild>>()
}
