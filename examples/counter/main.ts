/**
 * `npm run example -- counter` — seed 003, "everything is a process": a process that prints and
 * exits, a process that receives `{:hello, msg}`, the `Counter` process with its state in the
 * receive loop, and `MyApp.Supervisor` restarting the Counter, from its known initial state, after
 * it is killed.
 *
 * Elixir → TypeScript: see Counter.ts (`loop(count + 1)` is the generator's loop variable) and
 * MyAppSupervisor.ts (`use Supervisor` is `Supervisor.define`, `{Counter, 0}` is
 * `Counter.childSpec(0)`).
 */
import { inspect } from 'node:util'
import { expectOk, P, type Pid, Process, Supervisor } from '../../src/index.ts'
import * as Counter from './Counter.ts'
import * as MyAppSupervisor from './MyAppSupervisor.ts'

const { receive, self, send } = Process

export type Print = (line: string) => void

function show(value: unknown): string {
  return inspect(value, { breakLength: Number.POSITIVE_INFINITY })
}

/** The pid of the supervisor's Counter child. */
function* counterOf(sup: Pid): Generator<unknown, Pid> {
  const [[, pid]] = (yield* Supervisor.whichChildren(sup)) as [Supervisor.ChildInfo]
  return pid as Pid
}

export function* main(print: Print = console.log): Generator<unknown, void> {
  print('# Creating processes')
  const [hello, helloRef] = Process.spawnMonitor(() => print('Hello from a new process!'))
  print(`iex> pid = spawn(() => print('Hello from a new process!'))\n${hello}`)
  yield* receive(['DOWN', helloRef, 'process', hello, P._])

  print('\n# Message passing')
  const [listener, listenerRef] = Process.spawnMonitor(function* () {
    const [, msg] = yield* receive(['hello', P.string])
    print(`Received hello with message: ${msg}`)
  })
  print(`iex> send(pid, ['hello', 'world'])\n${show(send(listener, ['hello', 'world']))}`)
  yield* receive(['DOWN', listenerRef, 'process', listener, P._])

  print('\n# Processes for state management: the Counter')
  const counterPid = Counter.start()
  print(`iex> counterPid = Counter.start()\n${counterPid}`)
  print(`iex> send(counterPid, 'increment')\n${show(send(counterPid, 'increment'))}`)
  print(`iex> send(counterPid, ['get', self()])\n${show(send(counterPid, ['get', self()]))}`)
  const count = yield* receive(P.number)
  print("iex> const count = yield* receive(P.number); print('Current count: ' + count)")
  print(`Current count: ${count}`)
  Process.exit(counterPid, 'kill')

  print('\n# Supervisors and OTP: MyApp.Supervisor')
  const sup = expectOk(yield* MyAppSupervisor.startLink())
  print(`iex> MyAppSupervisor.startLink()\n${show(['ok', sup])}`)
  const first = yield* counterOf(sup)
  print(`iex> Supervisor.whichChildren('MyApp.Supervisor')  // the Counter is ${first}`)
  for (let i = 0; i < 3; i++) send(first, 'increment')
  print(`iex> send(counter, 'increment')  // 3 times\nCurrent count: ${yield* Counter.get(first)}`)
  const down = Process.monitor(first)
  Process.exit(first, 'kill')
  yield* receive(['DOWN', down, 'process', first, P._])
  print(`iex> Process.exit(counter, 'kill')  // ${first} is gone…`)
  const second = yield* counterOf(sup)
  print(`…and MyApp.Supervisor has started a new Counter, ${second}, from its initial state:`)
  print(`Current count: ${yield* Counter.get(second)}`)

  Process.unlink(sup)
  yield* Supervisor.stop(sup)
}

if (import.meta.filename === process.argv[1]) await Process.run(() => main())
