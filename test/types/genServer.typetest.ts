// Type-level tests: checked by `npm run typecheck` (tsc), never executed.
import { GenServer, type Pid } from '../../src/index.ts'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function expectType<T extends true>(): T | undefined {
  return undefined
}

const Counter = GenServer.define({
  name: 'Counter',
  init: (n: number) => GenServer.ok(n),
  handleCall: (req: 'get' | 'double', _from: GenServer.From, n: number) =>
    req === 'get' ? GenServer.reply(n, n) : GenServer.reply(`${n * 2}`, n * 2),
  handleCast: (req: ['add', number], n: number) => GenServer.noreply(n + req[1]),
})

const Gen = GenServer.define({
  init: (_: null) => GenServer.ok([] as string[]),
  *handleCall(req: 'pop', _from: GenServer.From, items: string[]) {
    yield* GenServer.call('elsewhere', req)
    return GenServer.reply(items[0], items.slice(1))
  },
})

const Async = GenServer.define({
  init: (_: null) => GenServer.ok(0),
  async handleCall(_req: { get: true }, _from: GenServer.From, n: number) {
    await null
    return GenServer.reply(true as const, n)
  },
})

export function* startTypesTheServer() {
  const r = yield* GenServer.startLink(Counter, 1)
  if (r !== 'ignore' && r[0] === 'ok') {
    const pid = r[1]
    expectType<Equal<typeof pid, GenServer.Server<typeof Counter>>>()
    // A typed server is still a Pid.
    const asPid: Pid = pid
    void asPid
  }
  // @ts-expect-error init takes a number
  GenServer.start(Counter, 'one')
}

export async function theDocumentedStartPatternNarrowsToTheServer() {
  const started = await GenServer.start(Counter, 0)
  if (started === 'ignore' || started[0] !== 'ok') throw new Error('Counter did not start')
  const pid = started[1]
  expectType<Equal<typeof pid, GenServer.Server<typeof Counter>>>()
  const n = await GenServer.call(pid, 'get')
  expectType<Equal<typeof n, number | string>>()
}

export function* callAndCastFollowTheModule(pid: GenServer.Server<typeof Counter>) {
  const n = yield* GenServer.call(pid, 'get')
  expectType<Equal<typeof n, number | string>>()
  // @ts-expect-error 'set' is not a request Counter's handleCall accepts
  yield* GenServer.call(pid, 'set')
  GenServer.cast(pid, ['add', 2])
  // @ts-expect-error the cast payload must be ['add', number]
  GenServer.cast(pid, ['add', 'two'])
}

export async function generatorAndAsyncCallbacksUnwrap(
  g: GenServer.Server<typeof Gen>,
  a: GenServer.Server<typeof Async>,
) {
  const item = await GenServer.call(g, 'pop')
  expectType<Equal<typeof item, string | undefined>>()
  const flag = await GenServer.call(a, { get: true })
  expectType<Equal<typeof flag, true>>()
}

export function* untypedServersTakeAnything(pid: Pid) {
  const v = yield* GenServer.call(pid, { anything: 1 })
  expectType<Equal<typeof v, unknown>>()
  const byName = yield* GenServer.call('registered', 'x')
  expectType<Equal<typeof byName, unknown>>()
  GenServer.cast({ global: 'g' }, 42)
}

export function resultBuildersKeepTheirTuples() {
  const o = GenServer.ok(1)
  expectType<Equal<typeof o, readonly ['ok', number]>>()
  const r = GenServer.reply('x', 1)
  expectType<Equal<typeof r, readonly ['reply', string, number]>>()
  const nr = GenServer.noreply(1, ['continue', 'next'])
  expectType<Equal<typeof nr, readonly ['noreply', number, GenServer.Extra]>>()
}
