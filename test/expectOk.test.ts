import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { expectOk, GenServer, type Pid } from '../src/index.ts'
import { ExitError } from '../src/internal/errors.ts'
import { run } from '../src/testing/index.ts'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
const typeIs = <T extends true>() => undefined as T | undefined

describe('expectOk', () => {
  it('returns the value of an ok result, typed', () =>
    run(function* () {
      const Echo = GenServer.define({ init: (x: number) => GenServer.ok(x) })
      const pid = expectOk(yield* GenServer.start(Echo, 1))
      typeIs<Equal<typeof pid, GenServer.Server<typeof Echo>>>()
      assert.ok((pid as Pid).isLocal)
      yield* GenServer.stop(pid)
    }))

  it('exits with badmatch on anything else, like a failed {:ok, v} = match', () => {
    assert.throws(
      () => expectOk(['error', 'nope'] as const),
      (e: unknown) => {
        assert.ok(e instanceof ExitError)
        assert.deepEqual(e.reason, ['badmatch', ['error', 'nope']])
        return true
      },
    )
    assert.throws(() => expectOk('ignore'), ExitError)
  })
})
