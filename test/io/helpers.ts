/**
 * Small helpers shared by the Tcp tests (and the tests of what a dead process's sockets do).
 */
import assert from 'node:assert/strict'
import { Tcp } from '../../src/index.ts'

/** A successful result, `['ok', value]`. */
export type Ok<T> = readonly ['ok', T]

/** Listens on a free port on loopback, asserting `['ok', listener]`. */
export function* listenAny(opts?: Tcp.ListenOptions): Generator<unknown, Tcp.ListenSocket, unknown> {
  const r = yield* Tcp.listen(0, opts)
  assert.equal(r[0], 'ok')
  return (r as Ok<Tcp.ListenSocket>)[1]
}
