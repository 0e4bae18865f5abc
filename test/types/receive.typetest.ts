// Type-level tests: checked by `npm run typecheck` (tsc), never executed.
import { P, Pid, Process } from '../../src/index.ts'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function expectType<T extends true>(): T | undefined {
  return undefined
}

export function* receiveNarrowsToThePattern() {
  const m = yield* Process.receive([P.instanceOf(Pid), P.number])
  expectType<Equal<typeof m, [Pid, number]>>()

  const lit = yield* Process.receive('stop')
  expectType<Equal<typeof lit, 'stop'>>()

  const any = yield* Process.receive()
  expectType<Equal<typeof any, unknown>>()
}

export function* clausesUnionTheirResults() {
  const r = yield* Process.receive(
    Process.on(['add', P.number], ([, n]) => n * 2),
    Process.on('stop', () => 'stopped' as const),
    Process.after(10, () => 'timeout' as const),
  )
  expectType<Equal<typeof r, number | 'stopped' | 'timeout'>>()

  const maybe = yield* Process.receive('pong', Process.after(10))
  expectType<Equal<typeof maybe, 'pong' | undefined>>()
}

export async function awaitWorksInAsyncBodies() {
  const m = await Process.receive(['ok', P.string])
  expectType<Equal<typeof m, ['ok', string]>>()
}

export function spawnMonitorReturnsAPair() {
  const r = Process.spawn(function* () {}, { monitor: true })
  expectType<Equal<typeof r, [Pid, Process.Ref]>>()
  const p = Process.spawn(function* () {})
  expectType<Equal<typeof p, Pid>>()
}

export function beamishPHasTsPatternsTypes(): void {
  const pattern = ['move', P.number, P.string] as const
  expectType<Equal<P.infer<typeof pattern>, ['move', number, string]>>()
  const p: P.Pattern<{ x: number }> = { x: P.number }
  expectType<Equal<P.narrow<number | string, typeof P.number>, number>>()
  void p
}

export function* sleepGivesOkAndHibernateNeverReturns() {
  const slept = yield* Process.sleep(10)
  expectType<Equal<typeof slept, 'ok'>>()

  function* loop(count: number): Generator<unknown, void, unknown> {
    if ((yield* Process.receive()) === 'stop') return
    return yield* Process.hibernate(loop, [count + 1])
  }
  const never = yield* Process.hibernate(loop, [0])
  expectType<Equal<typeof never, never>>()
  // @ts-expect-error: the arguments must fit the function
  Process.hibernate(loop, ['zero'])
  // @ts-expect-error: a function of arguments needs them
  Process.hibernate(loop)
}

export function processDictionaryGetWithoutAKeyGivesPairs() {
  const all = Process.get()
  expectType<Equal<typeof all, [unknown, unknown][]>>()
  const one = Process.get('k')
  expectType<Equal<typeof one, unknown>>()
}
