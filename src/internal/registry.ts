import { badArg, createError } from './errors.ts'
import {
  addEntry,
  type Bucket,
  countOf,
  isEmpty,
  newBucket,
  removeMatching,
  removePid,
  valuesOf,
} from './registryBucket.ts'
import { hashKey, KeyMap } from './registryKeys.ts'
import type { Entry, Partition, PidReg, RegistryTable } from './registryServer.ts'
import { copyMessage } from './runtime/copy.ts'
import { compile } from './runtime/match.ts'
import { EXITING, type Proc } from './runtime/proc.ts'
import * as sig from './runtime/signals.ts'
import { sendTo } from './runtime/spawn.ts'
import type { Pid } from './term/pid.ts'

/**
 * The Registry operations (Elixir's `Registry` functions), on the tables of registryServer.ts.
 * Partitioning is Elixir's: a unique key lives in the partition of its key's hash, and the
 * process's own record (what it registered) in the partition of its pid's hash, which is the
 * one it links to; duplicate registries put both in the pid's partition.
 */

export type RegEntry = readonly [Pid, unknown]
/** A value pattern (a receive pattern) plus an optional guard, Elixir's match spec. */
export type Guard = (value: unknown) => boolean

function alive(pid: Pid): boolean {
  const q = pid.proc as Proc | null
  return q !== null && q.status < EXITING
}

function pidPartition(t: RegistryTable, pid: Pid): Partition {
  return t.partitions[t.partitions.length === 1 ? 0 : pid.id % t.partitions.length]!
}

function keyPartition(t: RegistryTable, key: unknown, pid: Pid): Partition {
  return t.kind === 'unique' ? t.partitions[hashKey(key, t.partitions.length)]! : pidPartition(t, pid)
}

function notify(t: RegistryTable, msg: unknown, caller: Function): void {
  for (const l of t.listeners) sendTo(l, msg, caller)
}

function addReg(pp: Partition, pid: Pid, key: unknown, kp: Partition): void {
  let regs = pp.pids.get(pid)
  if (regs === undefined) pp.pids.set(pid, (regs = new KeyMap<PidReg>()))
  const r = regs.get(key)
  if (r === undefined) regs.set(key, { key, count: 1, kp })
  else r.count++
}

/** Forgets `n` registrations of `key` by `pid` (all of them when `n` is Infinity). */
function dropReg(pp: Partition, pid: Pid, key: unknown, n: number): void {
  const regs = pp.pids.get(pid)
  const r = regs?.get(key)
  if (regs === undefined || r === undefined) return
  r.count -= n
  if (r.count <= 0) {
    regs.delete(key)
    if (regs.size === 0) pp.pids.delete(pid)
  }
}

/** Unlinks from the partition once the process has nothing left in it (RG4). */
function unlinkIfUnregistered(pp: Partition, p: Proc): void {
  if (!pp.pids.has(p.pid) && pp.server !== null) sig.unlink(p, pp.server)
}

/**
 * `register` (RG2): the caller registers itself, linked to its partition. The key and the value
 * are copied in first, as ETS copies what it stores: a key or value that cannot be copied throws
 * before anything is written, and a caller changing its key afterwards cannot strand the entry
 * (the partition finds it again by the stored copy when the caller dies).
 */
export function register(t: RegistryTable, p: Proc, key0: unknown, value: unknown, caller: Function) {
  const key = copyMessage(key0)
  const v = copyMessage(value)
  const pp = pidPartition(t, p.pid)
  const kp = keyPartition(t, key, p.pid)
  const server = pp.server!
  // Why the link and the pid record come first: if the caller dies from here on, the partition
  // will find and clean whatever it managed to write (Elixir writes the pid table first too).
  sig.link(p, server, caller)
  addReg(pp, p.pid, key, kp)
  if (t.kind === 'duplicate') {
    let b = kp.dup.get(key)
    if (b === undefined) kp.dup.set(key, (b = newBucket(key)))
    addEntry(b, p.pid, v)
    kp.size++
  } else {
    const cur = kp.unique.get(key)
    if (cur !== undefined) {
      if (alive(cur.pid)) {
        dropReg(pp, p.pid, key, 1)
        if (cur.pid !== p.pid) unlinkIfUnregistered(pp, p)
        return ['error', ['already_registered', cur.pid]] as const
      }
      // RG3: the owner is dead but its partition has not cleaned up yet; the key is free.
      kp.size--
    }
    kp.unique.set(key, { key, pid: p.pid, value: v })
    kp.size++
  }
  notify(t, ['register', t.name, key, p.pid, value], caller)
  return ['ok', server] as const
}

/** Removes every entry of the caller under `key` from the key table. Returns how many. */
function removeKey(t: RegistryTable, kp: Partition, pid: Pid, key: unknown): number {
  if (t.kind === 'unique') {
    const e = kp.unique.get(key)
    if (e === undefined || e.pid !== pid) return 0
    kp.unique.delete(key)
    kp.size--
    return 1
  }
  const b = kp.dup.get(key)
  if (b === undefined) return 0
  const n = removePid(b, pid)
  if (isEmpty(b)) kp.dup.delete(key)
  kp.size -= n
  return n
}

/** `unregister` (RG4): always `'ok'`; unlinks once the caller has no keys left in its partition. */
export function unregister(t: RegistryTable, p: Proc, key: unknown, caller: Function): 'ok' {
  const pp = pidPartition(t, p.pid)
  removeKey(t, keyPartition(t, key, p.pid), p.pid, key)
  dropReg(pp, p.pid, key, Number.POSITIVE_INFINITY)
  unlinkIfUnregistered(pp, p)
  notify(t, ['unregister', t.name, key, p.pid], caller)
  return 'ok'
}

export function compileMatch(
  pattern: unknown,
  guard: Guard | undefined,
  caller: Function,
): (v: unknown) => boolean {
  if (guard !== undefined && typeof guard !== 'function')
    throw badArg('a guard: a function of the value', guard, caller)
  const m = compile(pattern)
  if (guard === undefined) return m
  // A guard that throws does not match, as in an Erlang guard.
  return (v) => {
    if (!m(v)) return false
    try {
      return guard(v) === true
    } catch {
      return false
    }
  }
}

/**
 * `unregisterMatch`: the caller's entries under `key` whose value matches. Elixir compares the
 * entries deleted with the caller's total under the key: all of them (also 0 of 0, when the
 * caller holds nothing there) is an `unregister`, listeners told; some is a partial removal;
 * none of several changes nothing, silently.
 */
export function unregisterMatch(
  t: RegistryTable,
  p: Proc,
  key: unknown,
  match: (v: unknown) => boolean,
  caller: Function,
): 'ok' {
  const pp = pidPartition(t, p.pid)
  const kp = keyPartition(t, key, p.pid)
  let total = 0
  let deleted = 0
  if (t.kind === 'unique') {
    const e = kp.unique.get(key)
    if (e !== undefined && e.pid === p.pid) {
      total = 1
      if (match(e.value)) deleted = removeKey(t, kp, p.pid, key)
    }
  } else {
    const b = kp.dup.get(key)
    if (b !== undefined) {
      total = countOf(b, p.pid)
      deleted = removeMatching(b, p.pid, match)
      if (isEmpty(b)) kp.dup.delete(key)
      kp.size -= deleted
    }
  }
  if (deleted === 0 && total > 0) return 'ok'
  if (deleted < total) {
    dropReg(pp, p.pid, key, deleted)
    return 'ok'
  }
  dropReg(pp, p.pid, key, Number.POSITIVE_INFINITY)
  unlinkIfUnregistered(pp, p)
  notify(t, ['unregister', t.name, key, p.pid], caller)
  return 'ok'
}

/** A bucket's entries in registration order, appended to `out`, values as the table holds them. */
function bucketEntries(b: Bucket | undefined, out: [Pid, unknown][]): [Pid, unknown][] {
  if (b !== undefined) for (let e = b.head; e !== null; e = e.next) out.push([e.pid, e.value])
  return out
}

/**
 * Each entry's value replaced by a copy, in place: what a read hands out is the reader's own, as
 * an ETS lookup copies (copying a primitive costs nothing).
 */
function copied(entries: [Pid, unknown][]): RegEntry[] {
  for (const e of entries) e[1] = copyMessage(e[1])
  return entries
}

/**
 * The `[pid, value]` entries under `key` with the table's own values: for a read that hands out
 * no value (`Registry.send`'s pid); every other read copies them (`lookup`).
 */
export function storedEntries(t: RegistryTable, key: unknown): [Pid, unknown][] {
  if (t.kind === 'unique') {
    const e: Entry | undefined = t.partitions[hashKey(key, t.partitions.length)]!.unique.get(key)
    return e === undefined ? [] : [[e.pid, e.value]]
  }
  const out: [Pid, unknown][] = []
  for (const pt of t.partitions) bucketEntries(pt.dup.get(key), out)
  return out
}

/** `lookup`: `[pid, value]` pairs under `key`, values copied; a dead owner may still show until cleanup (RG3). */
export function lookup(t: RegistryTable, key: unknown): RegEntry[] {
  return copied(storedEntries(t, key))
}

/** The entries of a duplicate registry's partition under `key`, values copied. */
export function partitionEntries(pt: Partition, key: unknown): RegEntry[] {
  return copied(bucketEntries(pt.dup.get(key), []))
}

/** The entries of each partition under `key` (one array per partition that has any). */
export function lookupByPartition(t: RegistryTable, key: unknown): RegEntry[][] {
  if (t.kind === 'unique') {
    const one = lookup(t, key)
    return one.length === 0 ? [] : [one]
  }
  const out: RegEntry[][] = []
  for (const pt of t.partitions) {
    const es = partitionEntries(pt, key)
    if (es.length > 0) out.push(es)
  }
  return out
}

/** The live owner of a unique key, or undefined: a dead owner counts as none (RG3, for `via`). */
export function whereis(t: RegistryTable, key: unknown): Pid | undefined {
  const e = t.partitions[hashKey(key, t.partitions.length)]!.unique.get(key)
  return e !== undefined && alive(e.pid) ? e.pid : undefined
}

// `match` and `countMatch` test copies: the pattern (a `P.when`) and the guard are user code, and
// see what `lookup` would give, never the table's own values.
export function match(t: RegistryTable, key: unknown, m: (v: unknown) => boolean): RegEntry[] {
  return lookup(t, key).filter(([, v]) => m(v))
}

export function countMatch(t: RegistryTable, key: unknown, m: (v: unknown) => boolean): number {
  let n = 0
  for (const [, v] of lookup(t, key)) if (m(v)) n++
  return n
}

/**
 * `keys`: what `pid` registered (repeated for duplicates); empty once it is dead. Each key a copy:
 * a reader changing one must not change the key the partition removes at the owner's exit.
 */
export function keys(t: RegistryTable, pid: Pid): unknown[] {
  if (!alive(pid)) return []
  const regs = pidPartition(t, pid).pids.get(pid)
  const out: unknown[] = []
  if (regs !== undefined)
    for (const r of regs.values()) for (let i = 0; i < r.count; i++) out.push(copyMessage(r.key))
  return out
}

/** `values`: what `pid` registered under `key`, copied. */
export function values(t: RegistryTable, key: unknown, pid: Pid): unknown[] {
  const kp = keyPartition(t, key, pid)
  if (t.kind === 'unique') {
    const e = kp.unique.get(key)
    return e !== undefined && e.pid === pid ? [copyMessage(e.value)] : []
  }
  const b = kp.dup.get(key)
  return b === undefined ? [] : valuesOf(b, pid).map(copyMessage)
}

export function count(t: RegistryTable): number {
  let n = 0
  for (const pt of t.partitions) n += pt.size
  return n
}

/** `updateValue` (RG4): unique registries only, and only the caller's own key. */
export function updateValue(
  t: RegistryTable,
  p: Proc,
  key: unknown,
  fn: (old: unknown) => unknown,
  caller: Function,
) {
  if (t.kind !== 'unique') {
    throw createError(
      'ERR_BEAMISH_BADARG',
      `Registry.updateValue is not supported for ${t.kind} registries`,
      caller,
    )
  }
  const e = t.partitions[hashKey(key, t.partitions.length)]!.unique.get(key)
  if (e === undefined || e.pid !== p.pid) return 'error' as const
  // `fn` gets a copy (it may change it in place, or throw half-way): the stored value changes
  // only by the assignment below, to a copy of what `fn` returned. The old stored value, no
  // longer in the table once replaced, is what the caller gets back as `old`.
  const old = e.value
  const next = fn(copyMessage(old))
  e.value = copyMessage(next)
  return [next, old] as const
}
