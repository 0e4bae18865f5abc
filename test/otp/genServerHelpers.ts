/**
 * Shared pieces of the GenServer tests (semantics.md §9, Elixir's gen_server_test.exs).
 */
import assert from 'node:assert/strict'
import type { ViaModule } from '../../src/GenServer.ts'
import { GenServer, type Pid, Process } from '../../src/index.ts'
import { catchExit } from './helpers.ts'

/** `startLink`, asserting `['ok', pid]`. */
export function* startLinkOk<M extends GenServer.Callbacks>(
  mod: M,
  arg: GenServer.ArgOf<M>,
  opts?: GenServer.StartOptions,
): Generator<unknown, GenServer.Server<M>, unknown> {
  const r = yield* GenServer.startLink(mod, arg, opts)
  if (!Array.isArray(r) || r[0] !== 'ok') assert.fail(`expected ['ok', pid] from startLink, got ${String(r)}`)
  return r[1]
}

/** `start`, asserting `['ok', pid]`. */
export function* startOk<M extends GenServer.Callbacks>(
  mod: M,
  arg: GenServer.ArgOf<M>,
  opts?: GenServer.StartOptions,
): Generator<unknown, GenServer.Server<M>, unknown> {
  const r = yield* GenServer.start(mod, arg, opts)
  if (!Array.isArray(r) || r[0] !== 'ok') assert.fail(`expected ['ok', pid] from start, got ${String(r)}`)
  return r[1]
}

/**
 * Elixir's test Stack: `pop` replies with the head, `noreply` never answers, `stopSelf` returns
 * what `GenServer.stop(self())` exits with; casts `['push', x]`.
 */
export const Stack = GenServer.define({
  name: 'Stack',
  init: (items: unknown[]) => GenServer.ok(items),
  *handleCall(req: 'pop' | 'noreply' | 'stopSelf', _from: GenServer.From, items: unknown[]) {
    if (req === 'pop') return GenServer.reply(items[0], items.slice(1))
    if (req === 'noreply') return GenServer.noreply(items)
    return GenServer.reply(yield* catchExit(GenServer.stop(Process.self())), items)
  },
  handleCast: ([, item]: readonly ['push', unknown], items: unknown[]) => GenServer.noreply([item, ...items]),
})

/** A minimal via registry (a stand-in for Registry): dead owners count as absent. */
export function tinyVia(): ViaModule & { readonly table: Map<unknown, Pid> } {
  const table = new Map<unknown, Pid>()
  return {
    table,
    registerName(key, pid) {
      const held = table.get(key)
      if (held !== undefined && Process.alive(held)) return false
      table.set(key, pid)
      return true
    },
    unregisterName(key) {
      table.delete(key)
    },
    whereisName(key) {
      const pid = table.get(key)
      return pid !== undefined && Process.alive(pid) ? pid : undefined
    },
  }
}
