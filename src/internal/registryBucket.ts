import type { Pid } from './term/pid.ts'

/**
 * A duplicate registry's entries under one key (Elixir's `duplicate_bag` rows for that key).
 * Why a linked list plus a per-process index: lookups, matches and dispatch list the entries in
 * registration order, as the BEAM's table does (`[{a, 1}, {b, 2}, {a, 3}]`, not grouped by
 * process), while a process's exit or `unregister` still removes its entries in O(its entries),
 * however many other processes share the key (a pub/sub topic with thousands of subscribers).
 */

/** One registration: a node of its bucket's list. */
export interface DupEntry {
  readonly pid: Pid
  readonly value: unknown
  prev: DupEntry | null
  next: DupEntry | null
}

export interface Bucket {
  readonly key: unknown
  /** The oldest entry; entries follow in registration order. */
  head: DupEntry | null
  tail: DupEntry | null
  /** Each process's entries, oldest first. */
  readonly byPid: Map<Pid, DupEntry[]>
}

export function newBucket(key: unknown): Bucket {
  return { key, head: null, tail: null, byPid: new Map() }
}

/** Appends a registration of `pid` (the newest entry). */
export function addEntry(b: Bucket, pid: Pid, value: unknown): void {
  const e: DupEntry = { pid, value, prev: b.tail, next: null }
  if (b.tail === null) b.head = e
  else b.tail.next = e
  b.tail = e
  const mine = b.byPid.get(pid)
  if (mine === undefined) b.byPid.set(pid, [e])
  else mine.push(e)
}

function unlink(b: Bucket, e: DupEntry): void {
  if (e.prev === null) b.head = e.next
  else e.prev.next = e.next
  if (e.next === null) b.tail = e.prev
  else e.next.prev = e.prev
  e.prev = e.next = null
}

/** Removes every entry of `pid`; returns how many there were. */
export function removePid(b: Bucket, pid: Pid): number {
  const mine = b.byPid.get(pid)
  if (mine === undefined) return 0
  b.byPid.delete(pid)
  for (const e of mine) unlink(b, e)
  return mine.length
}

/** Removes the entries of `pid` whose value `match` accepts; returns how many. */
export function removeMatching(b: Bucket, pid: Pid, match: (v: unknown) => boolean): number {
  const mine = b.byPid.get(pid)
  if (mine === undefined) return 0
  const keep: DupEntry[] = []
  for (const e of mine) {
    if (match(e.value)) unlink(b, e)
    else keep.push(e)
  }
  if (keep.length === 0) b.byPid.delete(pid)
  else if (keep.length !== mine.length) b.byPid.set(pid, keep)
  return mine.length - keep.length
}

/** How many entries `pid` has in the bucket. */
export function countOf(b: Bucket, pid: Pid): number {
  return b.byPid.get(pid)?.length ?? 0
}

/** The values `pid` registered, oldest first. */
export function valuesOf(b: Bucket, pid: Pid): unknown[] {
  return (b.byPid.get(pid) ?? []).map((e) => e.value)
}

/** True once no process has an entry left. */
export function isEmpty(b: Bucket): boolean {
  return b.head === null
}
