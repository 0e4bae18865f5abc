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
