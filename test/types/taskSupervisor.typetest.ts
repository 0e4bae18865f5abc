// Type-level tests: checked by `npm run typecheck` (tsc), never executed.
import { Agent, type Pid, Registry, Supervisor, Task } from '../../src/index.ts'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function expectType<T extends true>(): T | undefined {
  return undefined
}

export function* taskSupervisorTypeCheck() {
  // Child-spec shorthands for modules with their own childSpec.
  yield* Supervisor.startLink(
    [
      [Agent, () => 0],
      [Task, () => 'work'],
      [Registry, { keys: 'unique', name: 'R' }],
      [Task.Supervisor, { name: 'tasks' }],
      Task.Supervisor,
    ],
    { strategy: 'one_for_one' },
  )
  const started = yield* Task.Supervisor.startLink({ maxChildren: 10 })
  expectType<Equal<typeof started, Task.Supervisor.StartResult<Pid>>>()
  // Awaiting a supervised task gives what its work returns, unwrapped.
  const t1 = yield* Task.Supervisor.async('tasks', () => Math.random())
  const n = yield* Task.await(t1)
  expectType<Equal<typeof n, number>>()
  const t2 = yield* Task.Supervisor.asyncNolink('tasks', async () => 'text')
  const r = yield* Task.yield(t2)
  expectType<Equal<typeof r, Task.YieldResult<string>>>()
  const c = yield* Task.Supervisor.startChild('tasks', () => {}, {
    restart: 'transient',
    shutdown: 'brutal_kill',
  })
  expectType<Equal<typeof c, Task.Supervisor.OnStartChild>>()
  // @ts-expect-error restart is one of three words
  yield* Task.Supervisor.startChild('tasks', () => {}, { restart: 'sometimes' })
  const pids = yield* Task.Supervisor.children('tasks')
  expectType<Equal<typeof pids, Pid[]>>()
  const results = yield* Task.Supervisor.asyncStream('tasks', [1, 2], (x: number) => String(x), {
    shutdown: 1000,
  }).toArray()
  expectType<Equal<typeof results, Task.StreamResult<string>[]>>()
}
