/**
 * Registry: a local key-value store of processes, for naming processes (`via`), for
 * properties, and for pub/sub dispatch. Elixir 1.14's `Registry`.
 *
 * A registry has `'unique'` keys (a key names at most one process) or `'duplicate'` keys (any
 * number of processes, and the same process many times). Each entry belongs to the process that
 * registered it, with a value of its choice; when that process exits, its entries go away.
 * Keys compare like Elixir terms: data structurally (`['room', 42]`), handles by identity;
 * `1` and `new Term.Float(1)` (the float `1.0`) differ (RG2).
 *
 * ## Example
 *
 * ```ts
 * import { Agent, GenServer, Process, Registry } from 'beamish'
 *
 * await Process.run(function* () {
 *   yield* Registry.startLink({ keys: 'unique', name: 'Rooms' })
 *
 *   // Name processes through the registry (unique registries only):
 *   const name = Registry.via('Rooms', 'lobby')            // { via: Registry, key: ['Rooms', 'lobby'] }
 *   yield* Agent.startLink(() => [] as string[], { name })
 *   yield* Agent.update(name, (msgs) => [...msgs, 'hi'])
 *   Registry.lookup('Rooms', 'lobby')                      // [[pid, null]]
 *
 *   // Or register the calling process with a value:
 *   Registry.register('Rooms', 'kitchen', { topic: 'food' })  // ['ok', partitionPid]
 * })
 * ```
 *
 * ## Using as a dispatcher (pub/sub)
 *
 * With `'duplicate'` keys, any number of processes register under a topic and a publisher
 * calls `dispatch`, which hands the entries to a function running in the publisher:
 *
 * ```ts
 * yield* Registry.startLink({ keys: 'duplicate', name: 'PubSub', partitions: 4 })
 * Registry.register('PubSub', 'news', [])                 // in each subscriber
 * Registry.dispatch('PubSub', 'news', (entries) => {
 *   for (const [pid] of entries) Process.send(pid, ['broadcast', 'hello'])
 * })
 * ```
 *
 * ## Registrations and cleanup
 *
 * Reads (`lookup`, `match`, `select`, `count`, `keys`, `values`, `dispatch`) read the tables
 * directly, without a message: they are as cheap as a Map lookup. Like ETS, the tables hold
 * copies: `register`, `updateValue` and `putMeta` copy the key and value in (a key or value that
 * cannot be copied throws ERR_BEAMISH_UNCOPYABLE_MESSAGE and nothing is registered), and every
 * read hands out copies of what it returns (a primitive costs nothing to copy), so neither side
 * can change the other's data. The guard and body functions of `select` see the table's own
 * entries: read them, don't change them. A duplicate key lists its
 * entries in registration order (within a partition, as Elixir's tables do). `register` is done by the calling
 * process, which is linked to the registry partition that owns its entries; the partition
 * traps exits and removes a dead process's entries when its EXIT arrives. That cleanup is
 * asynchronous, so `lookup` may briefly return a dead process, but `register` and `via` names
 * already treat a dead owner's unique key as free (RG3).
 *
 * ## How to supervise
 *
 * `Registry.childSpec({ keys, name })` starts it under a supervisor (`type: 'supervisor'`,
 * the name as the id). A registry whose partition crashes stops, and its supervisor restarts it.
 *
 * ## When (not) to use a registry
 *
 * Use one to find processes by a dynamic key (a user id, a room), to name many processes
 * without creating names by the thousand, or for local pub/sub. It is node-local (RG6); for a
 * handful of fixed names, `Process.register` / the `name` option is simpler.
 *
 * @module
 */

import * as GenServer from './GenServer.ts'
import { badArg, badOption, bullets, createError, oneOf } from './internal/errors.ts'
import { inspect } from './internal/format.ts'
import type { ViaModule } from './internal/gen.ts'
import type { StartResult } from './internal/procLib.ts'
import type { Guard, RegEntry } from './internal/registry.ts'
import * as reg from './internal/registry.ts'
import { KeyMap } from './internal/registryKeys.ts'
import type { SelectClause, SelectEntry, SelectGuard } from './internal/registrySelect.ts'
import * as sel from './internal/registrySelect.ts'
import { type Kind, newTable, RegistryServer, tableOf } from './internal/registryServer.ts'
import { callIn, settle } from './internal/runtime/callbacks.ts'
import { copyMessage } from './internal/runtime/copy.ts'
import { Op } from './internal/runtime/op.ts'
import { currentProc, self } from './internal/runtime/proc.ts'
import type { Receive } from './internal/runtime/receive.ts'
import * as sig from './internal/runtime/signals.ts'
import { applyOverrides, type ChildSpec, type ChildSpecOverrides } from './internal/supervisor/spec.ts'
import { asyncTask } from './internal/task.ts'
import { awaitTask } from './internal/taskAwait.ts'
import { Pid } from './internal/term/pid.ts'
import { send as sendMessage } from './Process.ts'

export type { ChildSpec, ChildSpecOverrides, Guard, Kind, RegEntry, SelectClause, SelectEntry, SelectGuard }

// ------------------------------------------------------------------ starting

/** Options of {@link startLink}. */
export interface StartOptions {
  /** `'unique'` or `'duplicate'` keys. Required. */
  readonly keys: Kind
  /** The registry's name (also its process's registered name). Required. */
  readonly name: string
  /** Partitions, each a process owning part of the table (default 1). */
  readonly partitions?: number
  /** Registered names of processes told `['register', name, key, pid, value]` / `['unregister', name, key, pid]`. */
  readonly listeners?: readonly string[]
  /** Metadata readable with {@link meta}: an object, or `[key, value]` pairs. */
  readonly meta?: Readonly<Record<string, unknown>> | readonly (readonly [unknown, unknown])[]
  /** Accepted for Elixir compatibility; the tables are not compressed. */
  readonly compressed?: boolean
}

const START_KEYS = ['keys', 'name', 'partitions', 'listeners', 'meta', 'compressed']

function checkStart(opts: unknown, caller: Function) {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw badOption(
      'registry options to be an object: { keys, name, partitions?, listeners?, meta? }',
      opts,
      caller,
    )
  }
  const o = opts as Partial<StartOptions>
  for (const k of Object.keys(o)) {
    if (!START_KEYS.includes(k)) {
      throw createError(
        'ERR_BEAMISH_INVALID_OPTION',
        `unknown Registry option ${JSON.stringify(k)}. The valid options are:\n\n${bullets(START_KEYS)}\n\nGot: ${inspect(k)}`,
        caller,
      )
    }
  }
  if (o.keys !== 'unique' && o.keys !== 'duplicate') {
    throw oneOf('keys', ["'unique'", "'duplicate'"], o.keys, caller)
  }
  if (o.name === undefined)
    throw badOption('name option to be present: Registry.startLink({ keys, name })', o, caller)
  if (typeof o.name !== 'string' || o.name.length === 0 || o.name === 'undefined') {
    throw badOption(
      'name option to be a string (the registry and its process are named by it)',
      o.name,
      caller,
    )
  }
  const partitions = o.partitions ?? 1
  if (!Number.isInteger(partitions) || partitions < 1)
    throw badOption('partitions option to be a positive integer', partitions, caller)
  const listeners = o.listeners ?? []
  if (!Array.isArray(listeners) || !listeners.every((l) => typeof l === 'string')) {
    throw badOption(
      'listeners option to be an array of registered process names (strings)',
      listeners,
      caller,
    )
  }
  const meta = new KeyMap<unknown>()
  const m = o.meta ?? {}
  if (Array.isArray(m)) {
    for (const pair of m) {
      if (!Array.isArray(pair) || pair.length !== 2)
        throw badOption('meta option to be an object or [key, value] pairs', m, caller)
      meta.set(pair[0], copyMessage(pair[1]))
    }
  } else if (typeof m === 'object' && m !== null) {
    for (const [k, v] of Object.entries(m)) meta.set(k, copyMessage(v))
  } else throw badOption('meta option to be an object or [key, value] pairs', m, caller)
  return newTable(o.name, o.keys, partitions, [...listeners], meta)
}

/**
 * Starts a registry linked to the caller: a process registered under `name` and its
 * `partitions` partition processes (RG1). Returns `['ok', pid]`, or `['error',
 * ['already_started', pid]]` when the name is taken. Bad options throw
 * `ERR_BEAMISH_INVALID_OPTION` at once.
 *
 * @example
 * ```ts
 * const [, pid] = yield* Registry.startLink({ keys: 'unique', name: 'Users' })
 * yield* Registry.startLink({ keys: 'duplicate', name: 'Topics', partitions: 8, meta: { owner: 'chat' } })
 * ```
 */
export function startLink(opts: StartOptions): Receive<StartResult> {
  const table = checkStart(opts, startLink)
  return GenServer.startLink(RegistryServer, table, { name: table.name }) as Receive<StartResult>
}

/**
 * A child specification for a registry: `{ id: name, start: [Registry.startLink, [opts]],
 * type: 'supervisor' }` (RG1), with `overrides` applied.
 *
 * @example
 * ```ts
 * yield* Supervisor.startLink([Registry.childSpec({ keys: 'unique', name: 'Users' })], { strategy: 'one_for_one' })
 * ```
 */
export function childSpec(opts: StartOptions, overrides?: ChildSpecOverrides): ChildSpec {
  const name = typeof opts === 'object' && opts !== null && opts.name !== undefined ? opts.name : 'Registry'
  const spec: ChildSpec = { id: name, start: [startLink, [opts]], type: 'supervisor' }
  return applyOverrides(spec, overrides, childSpec)
}

// ------------------------------------------------------------------ registering

/** What {@link register} returns: the partition the caller is now linked to, or who holds the key. */
export type RegisterResult = readonly ['ok', Pid] | readonly ['error', readonly ['already_registered', Pid]]

/**
 * Registers the calling process under `key` with `value` (RG2), and links it to the partition
 * that owns its entries. Returns `['ok', partitionPid]`; for a unique key held by a live process
 * (the caller included), `['error', ['already_registered', pid]]`. Duplicate registries accept
 * any number of registrations. The value is copied in, like a message.
 *
 * @example
 * ```ts
 * Registry.register('Users', userId, { since: Date.now() })
 * ```
 */
export function register(registry: string, key: unknown, value: unknown): RegisterResult {
  const t = tableOf(registry, register)
  return reg.register(t, self(register), key, value, register)
}

/**
 * Removes the caller's entries under `key`; always `'ok'`. Once the caller has no entries left
 * in its partition, it is unlinked from it (RG4).
 *
 * @example
 * ```ts
 * Registry.unregister('Users', userId)
 * ```
 */
export function unregister(registry: string, key: unknown): 'ok' {
  return reg.unregister(tableOf(registry, unregister), self(unregister), key, unregister)
}

/**
 * Removes the caller's entries under `key` whose value matches `pattern` (a receive pattern:
 * literals, arrays, objects, `P._`, `P.when`, …) and `guard` if given. Always `'ok'`. Listeners
 * hear `['unregister', registry, key, pid]` when nothing of the caller's is left under the key,
 * also when it held nothing there to begin with (as Elixir does), but not when some entries
 * stay, or none matched.
 *
 * @example
 * ```ts
 * Registry.unregisterMatch('Topics', 'news', ['draft', P._])
 * ```
 */
export function unregisterMatch(registry: string, key: unknown, pattern: unknown, guard?: Guard): 'ok' {
  const t = tableOf(registry, unregisterMatch)
  const m = reg.compileMatch(pattern, guard, unregisterMatch)
  return reg.unregisterMatch(t, self(unregisterMatch), key, m, unregisterMatch)
}

/**
 * Replaces the value of the caller's own unique `key` with `fn(old)`: returns `[new, old]`, or
 * `'error'` if the caller does not hold the key. Unique registries only.
 *
 * @example
 * ```ts
 * Registry.updateValue('Users', userId, (v) => ({ ...v, seen: Date.now() }))
 * ```
 */
export function updateValue<V>(registry: string, key: unknown, fn: (old: V) => V): readonly [V, V] | 'error' {
  if (typeof fn !== 'function') throw badArg('a function of the old value', fn, updateValue)
  const t = tableOf(registry, updateValue)
  return reg.updateValue(t, self(updateValue), key, fn as (v: unknown) => unknown, updateValue) as
    | readonly [V, V]
    | 'error'
}

// ------------------------------------------------------------------ reading

/**
 * The `[pid, value]` entries under `key`, read directly from the table; a duplicate key's in
 * registration order (per partition, partitions in order). A process that just died may still
 * show until its partition cleans up (RG3).
 *
 * @example
 * ```ts
 * const [[pid, value] = []] = Registry.lookup('Users', userId)
 * ```
 */
export function lookup<V = unknown>(registry: string, key: unknown): (readonly [Pid, V])[] {
  return reg.lookup(tableOf(registry, lookup), key) as (readonly [Pid, V])[]
}

/**
 * The entries under `key` whose value matches `pattern` (and `guard`), Elixir's `match/4`.
 *
 * @example
 * ```ts
 * Registry.match('Topics', 'news', { lang: 'en' })
 * Registry.match('Scores', 'game', P._, (v) => (v as number) > 10)
 * ```
 */
export function match<V = unknown>(
  registry: string,
  key: unknown,
  pattern: unknown,
  guard?: Guard,
): (readonly [Pid, V])[] {
  const t = tableOf(registry, match)
  return reg.match(t, key, reg.compileMatch(pattern, guard, match)) as (readonly [Pid, V])[]
}

/**
 * How many entries under `key` match `pattern` (and `guard`).
 *
 * @example
 * ```ts
 * Registry.countMatch('Topics', 'news', P._)
 * ```
 */
export function countMatch(registry: string, key: unknown, pattern: unknown, guard?: Guard): number {
  const t = tableOf(registry, countMatch)
  return reg.countMatch(t, key, reg.compileMatch(pattern, guard, countMatch))
}

/**
 * The results of a match specification over every entry of the registry, Elixir's `select/2`.
 * Elixir's `[{{key, pid, value}, guards, body}]` is written in the vocabulary of {@link match}:
 * each clause is `[[keyPattern, pidPattern, valuePattern], guards, body]`, where the patterns
 * are receive patterns (`P._` for Elixir's `:_`), `guards` is an array of functions of the entry
 * `[key, pid, value]` that must all return true (Elixir's guard list; one that throws is false),
 * and `body` is a function of the entry whose result is collected (Elixir's `[{{:"$1", :"$3"}}]`
 * is `([k, , v]) => [k, v]`, `:"$_"` is `(e) => e`); a body that is not a function is returned
 * as it is. Each entry counts once, for the first clause that accepts it; the order of the
 * results is unspecified, as in Elixir (here: partition by partition, duplicates in registration
 * order). A spec that is not such an array throws `ERR_BEAMISH_BADARG`.
 *
 * @example
 * ```ts
 * Registry.select('Users', [[[P._, P._, P._], [], ([key, pid]) => [key, pid]]])        // every key and pid
 * Registry.select('Scores', [[[P.string, P._, P.number], [([, , v]) => (v as number) > 10], ([k]) => k]])
 * ```
 */
export function select<R = unknown>(registry: string, spec: readonly SelectClause<R>[]): R[] {
  const compiled = sel.compileSpec(spec, select, 'select/2')
  // The results may hold the table's own keys and values: the caller gets copies.
  return copyMessage(sel.select(tableOf(registry, select), compiled)) as R[]
}

/**
 * How many entries a match specification accepts, Elixir 1.14's `count_select/2`: the spec of
 * {@link select}, whose body must give `true` for an entry to count (Elixir's `[true]`; write
 * `true`).
 *
 * @example
 * ```ts
 * Registry.countSelect('Scores', [[[P._, P._, P.number], [([, , v]) => (v as number) > 10], true]])
 * ```
 */
export function countSelect(registry: string, spec: readonly SelectClause<boolean>[]): number {
  const compiled = sel.compileSpec(spec, countSelect, 'countSelect/2')
  return sel.countSelect(tableOf(registry, countSelect), compiled)
}

/**
 * How many entries the registry holds, in constant time per partition.
 *
 * @example
 * ```ts
 * Registry.count('Users')
 * ```
 */
export function count(registry: string): number {
  return reg.count(tableOf(registry, count))
}

/**
 * The keys `pid` registered (a key repeats for each duplicate registration); empty for a dead
 * process.
 *
 * @example
 * ```ts
 * Registry.keys('Users', Process.self())
 * ```
 */
export function keys(registry: string, pid: Pid): unknown[] {
  if (!(pid instanceof Pid)) throw badArg('a pid', pid, keys)
  return reg.keys(tableOf(registry, keys), pid)
}

/**
 * The values `pid` registered under `key`.
 *
 * @example
 * ```ts
 * Registry.values('Topics', 'news', Process.self())
 * ```
 */
export function values<V = unknown>(registry: string, key: unknown, pid: Pid): V[] {
  if (!(pid instanceof Pid)) throw badArg('a pid', pid, values)
  return reg.values(tableOf(registry, values), key, pid) as V[]
}

/**
 * Calls `fn(entries)` with the entries under `key`, in the caller, unless there are none;
 * returns `'ok'`. A duplicate registry calls it once per partition that has entries. Without
 * options `fn` runs synchronously (what it returns is ignored, as in Elixir). With
 * `{ parallel: true }` each partition is dispatched in a task of its own (when there are
 * several) and `dispatch` returns an op to `yield*`/`await`, which ends when every `fn` has,
 * waiting for those that block (async functions, generators, ops).
 *
 * @example
 * ```ts
 * Registry.dispatch('PubSub', 'news', (entries) => {
 *   for (const [pid] of entries) Process.send(pid, 'tick')
 * })
 * yield* Registry.dispatch('PubSub', 'news', broadcast, { parallel: true })
 * ```
 */
export function dispatch<V = unknown>(
  registry: string,
  key: unknown,
  fn: (entries: (readonly [Pid, V])[]) => unknown,
): 'ok'
export function dispatch<V = unknown>(
  registry: string,
  key: unknown,
  fn: (entries: (readonly [Pid, V])[]) => unknown,
  opts: { readonly parallel: true },
): Receive<'ok'>
export function dispatch<V = unknown>(
  registry: string,
  key: unknown,
  fn: (entries: (readonly [Pid, V])[]) => unknown,
  opts: { readonly parallel?: false },
): 'ok'
export function dispatch(
  registry: string,
  key: unknown,
  fn: (entries: RegEntry[]) => unknown,
  opts: { readonly parallel?: boolean } = {},
): 'ok' | Receive<'ok'> {
  if (typeof fn !== 'function') throw badArg('a function of the entries', fn, dispatch)
  const t = tableOf(registry, dispatch)
  if (opts.parallel !== true) {
    for (const entries of reg.lookupByPartition(t, key)) fn(entries)
    return 'ok'
  }
  const owner = self(dispatch)
  return new Op(function* () {
    if (t.kind === 'unique' || t.partitions.length === 1) {
      const p = currentProc()!
      for (const entries of reg.lookupByPartition(t, key)) yield* settle(callIn(p, fn, undefined, [entries]))
      return 'ok' as const
    }
    const parent = owner.pid
    const tasks = t.partitions.map((pt) =>
      asyncTask(
        owner,
        function* () {
          const entries = reg.partitionEntries(pt, key)
          if (entries.length > 0) yield* settle(callIn(currentProc()!, fn, undefined, [entries]))
          // Why: the task ends normally right after; a caller trapping exits must not get an EXIT.
          sig.unlink(currentProc()!, parent)
        },
        [],
        true,
        dispatch,
      ),
    )
    for (const task of tasks) yield* awaitTask(task, -1, 'infinity')
    return 'ok' as const
  })
}

// ------------------------------------------------------------------ metadata

function checkMetaKey(key: unknown, caller: Function): void {
  if (typeof key !== 'string' && !Array.isArray(key))
    throw badArg('a meta key: a string or an array (a tuple)', key, caller)
}

/**
 * Reads registry metadata given at start or stored with {@link putMeta}: `['ok', value]` or
 * `'error'`.
 *
 * @example
 * ```ts
 * Registry.meta('Topics', 'owner') // ['ok', 'chat']
 * ```
 */
export function meta<V = unknown>(
  registry: string,
  key: string | readonly unknown[],
): readonly ['ok', V] | 'error' {
  checkMetaKey(key, meta)
  const m = tableOf(registry, meta).meta
  return m.has(key) ? ['ok', copyMessage(m.get(key)) as V] : 'error'
}

/**
 * Stores registry metadata; returns `'ok'`.
 *
 * @example
 * ```ts
 * Registry.putMeta('Topics', ['limits', 'rate'], 100)
 * ```
 */
export function putMeta(registry: string, key: string | readonly unknown[], value: unknown): 'ok' {
  checkMetaKey(key, putMeta)
  tableOf(registry, putMeta).meta.set(key, copyMessage(value))
  return 'ok'
}

/**
 * Removes registry metadata stored at start or with {@link putMeta}; returns `'ok'`, also when
 * there was none.
 *
 * @example
 * ```ts
 * Registry.deleteMeta('Topics', 'owner')
 * Registry.meta('Topics', 'owner') // 'error'
 * ```
 */
export function deleteMeta(registry: string, key: string | readonly unknown[]): 'ok' {
  checkMetaKey(key, deleteMeta)
  tableOf(registry, deleteMeta).meta.delete(key)
  return 'ok'
}

// ------------------------------------------------------------------ via names

/**
 * A `via` name in registry `registry` under `key` (with `value` for the entry, default `null`):
 * `{ via: Registry, key: [registry, key] }`, Elixir's `{:via, Registry, {registry, key}}`. Give
 * it as the `name` of a GenServer or Agent, and to `call`/`cast`/`stop`. Unique registries only
 * (RG5).
 *
 * @example
 * ```ts
 * const name = Registry.via('Rooms', 'lobby')
 * yield* GenServer.startLink(Room, [], { name })
 * yield* GenServer.call(name, 'members')
 * ```
 */
export function via(
  registry: string,
  key: unknown,
  value?: unknown,
): { readonly via: ViaModule; readonly key: readonly unknown[] } {
  if (typeof registry !== 'string') throw badArg('a registry name (a string)', registry, via)
  return Object.freeze({
    via: viaModule,
    key: Object.freeze(value === undefined ? [registry, key] : [registry, key, value]),
  })
}

function viaKey(name: unknown, caller: Function): readonly [string, unknown, unknown] {
  if (Array.isArray(name) && (name.length === 2 || name.length === 3))
    return [name[0], name[1], name.length === 3 ? name[2] : null]
  throw badArg('a Registry via key: [registry, key] or [registry, key, value]', name, caller)
}

function uniqueTable(name: unknown, caller: Function) {
  const t = tableOf(name, caller)
  if (t.kind !== 'unique')
    throw createError('ERR_BEAMISH_BADARG', ':via is not supported for duplicate registries', caller)
  return t
}

/**
 * `via` callback: registers `pid`, which must be the calling process (a server registers
 * itself as it starts), under `[registry, key(, value)]`. True on success.
 *
 * @example
 * ```ts
 * GenServer.start(Room, [], { name: { via: Registry, key: ['Rooms', 'lobby'] } })
 * ```
 */
export function registerName(name: readonly unknown[], pid: Pid): boolean {
  const [registry, key, value] = viaKey(name, registerName)
  const t = uniqueTable(registry, registerName)
  const p = self(registerName)
  if (pid !== p.pid)
    throw badArg(`the calling process ${p.pid} (a process registers itself)`, pid, registerName)
  return reg.register(t, p, key, value, registerName)[0] === 'ok'
}

/**
 * `via` callback: removes the caller's `[registry, key]` entry. Never throws: a registry that is
 * gone has nothing left to remove (OTP ignores failures here too).
 *
 * @example
 * ```ts
 * Registry.unregisterName(['Rooms', 'lobby'])
 * ```
 */
export function unregisterName(name: readonly unknown[]): void {
  const [registry, key] = viaKey(name, unregisterName)
  const p = currentProc()
  if (p === null) return
  try {
    reg.unregister(tableOf(registry, unregisterName), p, key, unregisterName)
  } catch {
    // The registry stopped first: its tables, and the entry, are gone with it.
  }
}

/**
 * `via` callback: the live process under `[registry, key]`, or `undefined`; a dead owner whose
 * entry is not cleaned up yet counts as none (RG3). Throws for duplicate registries (RG5).
 *
 * @example
 * ```ts
 * Registry.whereisName(['Rooms', 'lobby'])
 * ```
 */
export function whereisName(name: readonly unknown[]): Pid | undefined {
  const [registry, key] = viaKey(name, whereisName)
  return reg.whereis(uniqueTable(registry, whereisName), key)
}

/**
 * Sends `msg` to the process registered under `[registry, key]` (a `via` key; a value as third
 * element is ignored) and returns `msg`, Elixir's `Registry.send/2`. It looks the key up as
 * {@link lookup} does, so it also works for a duplicate key with exactly one entry. No entry
 * throws `ERR_BEAMISH_BADARG`, like Elixir's badarg; several entries throw it too (Elixir fails
 * there with a CaseClauseError). Throws `ERR_BEAMISH_UNKNOWN_REGISTRY` for an unknown registry.
 *
 * @example
 * ```ts
 * Registry.register('Rooms', 'lobby', null)
 * Registry.send(['Rooms', 'lobby'], ['say', 'hi'])
 * ```
 */
export function send<M>(name: readonly unknown[], msg: M): M {
  const [registry, key] = viaKey(name, send)
  // The entries as `lookup` finds them, without copying the values: only the pid is used.
  const entries = reg.storedEntries(tableOf(registry, send), key)
  if (entries.length !== 1) {
    const found = entries.length === 0 ? 'no process is' : `${entries.length} entries are`
    throw createError(
      'ERR_BEAMISH_BADARG',
      `Registry.send: ${found} registered under ${inspect(key)} in registry ${inspect(registry)}; expected exactly one`,
      send,
    )
  }
  return sendMessage(entries[0]![0], msg)
}

/** The via module `via()` names: this module's three callbacks. */
const viaModule: ViaModule = { registerName, unregisterName, whereisName }
