import { createError } from './errors.ts'
import { inspect } from './format.ts'
import type { Module } from './genServer.ts'
import { serverMain } from './genServer.ts'
import { start as procStart } from './procLib.ts'
import { type Bucket, isEmpty, removePid } from './registryBucket.ts'
import { KeyMap } from './registryKeys.ts'
import { currentProc, type Proc } from './runtime/proc.ts'
import type { Pid } from './term/pid.ts'

/**
 * The processes and tables behind a Registry (Elixir's `Registry.Supervisor` and
 * `Registry.Partition`). The tables are plain Maps that every process reads directly, as ETS
 * tables are read in Elixir: lookups never send a message. Writes are made by the registering
 * process itself, linked to the partition that owns its entries; the partition traps exits and
 * removes a process's entries when its EXIT arrives (RG3).
 */

/** A unique key's entry. */
export interface Entry {
  readonly key: unknown
  readonly pid: Pid
  value: unknown
}

/** What a process registered in a partition, per key: how many times, and in which key partition. */
export interface PidReg {
  readonly key: unknown
  count: number
  readonly kp: Partition
}

export interface Partition {
  readonly index: number
  /** The partition process (set by its init). */
  server: Pid | null
  /** Unique registries: key → entry. */
  readonly unique: KeyMap<Entry>
  /** Duplicate registries: key → its entries, in registration order (registryBucket.ts). */
  readonly dup: KeyMap<Bucket>
  /** The processes that hash to this partition, and what they registered. */
  readonly pids: Map<Pid, KeyMap<PidReg>>
  /** Entries in this partition's key table (Elixir's ETS size). */
  size: number
}

export type Kind = 'unique' | 'duplicate'

/** Running registries by name (Elixir's named ETS table per registry). */
const tables = new Map<string, RegistryTable>()

/** The registry named `name`; throws Elixir's "unknown registry" when there is none (RG6). */
export function tableOf(name: unknown, caller: Function): RegistryTable {
  if (typeof name === 'string') {
    const t = tables.get(name)
    if (t?.root?.alive) return t
  }
  throw createError(
    'ERR_BEAMISH_UNKNOWN_REGISTRY',
    `unknown registry: ${inspect(name)}. Expected the name of a running registry (Registry.startLink({ keys, name }))`,
    caller,
  )
}

/**
 * A registry's tables. Why a class: the table is the registry server's init argument, and
 * `GenServer.startLink` copies a plain-data init argument into the new process; a class instance
 * is passed as it is (a handle), so the server, its partitions and every reader share this one
 * table.
 */
export class RegistryTable {
  readonly name: string
  readonly kind: Kind
  readonly partitions: readonly Partition[]
  readonly listeners: readonly string[]
  /** Metadata (`meta`/`putMeta`): values stored as copies, and copied again on each read. */
  readonly meta: KeyMap<unknown>
  root: Proc | null = null
  constructor(
    name: string,
    kind: Kind,
    partitions: readonly Partition[],
    listeners: readonly string[],
    meta: KeyMap<unknown>,
  ) {
    this.name = name
    this.kind = kind
    this.partitions = partitions
    this.listeners = listeners
    this.meta = meta
  }
}

export function newTable(
  name: string,
  kind: Kind,
  partitions: number,
  listeners: readonly string[],
  meta: KeyMap<unknown>,
): RegistryTable {
  const parts: Partition[] = []
  for (let i = 0; i < partitions; i++) {
    parts.push({ index: i, server: null, unique: new KeyMap(), dup: new KeyMap(), pids: new Map(), size: 0 })
  }
  return new RegistryTable(name, kind, parts, listeners, meta)
}

/** Removes every entry of `pid` from the tables; what a partition does on its EXIT. */
export function removeAll(pp: Partition, pid: Pid): void {
  const regs = pp.pids.get(pid)
  if (regs === undefined) return
  pp.pids.delete(pid)
  for (const r of regs.values()) {
    const kp = r.kp
    const e = kp.unique.get(r.key)
    // Why the owner check: a dead process's key may already belong to someone else (RG3).
    if (e !== undefined && e.pid === pid) {
      kp.unique.delete(r.key)
      kp.size--
    }
    const b = kp.dup.get(r.key)
    if (b !== undefined) {
      kp.size -= removePid(b, pid)
      if (isEmpty(b)) kp.dup.delete(r.key)
    }
  }
}

type PartitionState = readonly [RegistryTable, number]

const PartitionServer: Module = {
  name: 'Registry.Partition',
  init([t, i]: PartitionState) {
    const p = currentProc()!
    p.trapExit = true
    t.partitions[i]!.server = p.pid
    return ['ok', [t, i]]
  },
  handleCall(req: unknown, _from, s: PartitionState) {
    // `sync`: once answered, every EXIT that reached the partition before it has been handled.
    if (req === 'sync') return ['reply', 'ok', s]
    return ['reply', ['error', ['unknown_call', req]], s]
  },
  handleInfo(msg: unknown, s: PartitionState) {
    if (Array.isArray(msg) && msg.length === 3 && msg[0] === 'EXIT')
      removeAll(s[0].partitions[s[1]]!, msg[1] as Pid)
    return ['noreply', s]
  },
}

/**
 * The registry process: registered under the registry's name, it owns the table and starts the
 * partitions, linked. Why it stops when a partition dies: the entries of a dead partition's
 * processes can no longer be cleaned up, and registrants linked to it are gone or unlinked; a
 * supervisor above restarts the whole registry, as Elixir's one_for_all does for unique keys.
 */
export const RegistryServer: Module = {
  name: 'Registry',
  *init(t: RegistryTable) {
    const p = currentProc()!
    p.trapExit = true
    t.root = p
    for (let i = 0; i < t.partitions.length; i++) {
      const r = yield* procStart(serverMain as never, [PartitionServer, [t, i], undefined], {
        link: true,
        timeout: -1,
        initialCall: 'Registry.Partition.init/1',
      })
      if (r === 'ignore' || r[0] !== 'ok') return ['stop', r === 'ignore' ? 'ignore' : r[1]]
    }
    // Why only now: a registry is usable once every partition can take registrations. A stale
    // table of a dead registry with this name is replaced; the name guaranteed it was dead.
    tables.set(t.name, t)
    p.x().onExit = () => {
      if (tables.get(t.name) === t) tables.delete(t.name)
    }
    return ['ok', t]
  },
  handleInfo(msg: unknown, t: RegistryTable) {
    if (Array.isArray(msg) && msg.length === 3 && msg[0] === 'EXIT') {
      const from = msg[1] as Pid
      if (t.partitions.some((pt) => pt.server === from)) return ['stop', msg[2], t]
    }
    return ['noreply', t]
  },
}
