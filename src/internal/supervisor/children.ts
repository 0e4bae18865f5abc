import type { Pid } from '../term/pid.ts'
import { type ChildRec, termKey } from './childSpec.ts'

/**
 * A static supervisor's children: start order as a doubly linked list (oldest `first`, newest
 * `last`), plus maps by id and by pid. Why: a one_for_one restart finds the child by pid and
 * swaps its pid in O(1); rest_for_one walks only the children after the one that exited; the
 * reverse-order shutdown walks `last` → `first` without copying.
 */
export class Children {
  first: ChildRec | null = null
  last: ChildRec | null = null
  private readonly byKey = new Map<unknown, ChildRec>()
  private readonly byPid = new Map<Pid, ChildRec>()

  get size(): number {
    return this.byKey.size
  }

  hasId(id: unknown): boolean {
    return this.byKey.has(termKey(id))
  }

  /** Adds `c` as the newest child. */
  append(c: ChildRec): void {
    c.prev = this.last
    c.next = null
    if (this.last === null) this.first = c
    else this.last.next = c
    this.last = c
    this.byKey.set(c.key, c)
    if (c.pid !== null) this.byPid.set(c.pid, c)
  }

  remove(c: ChildRec): void {
    if (this.byKey.get(c.key) !== c) return
    this.byKey.delete(c.key)
    if (c.pid !== null) this.byPid.delete(c.pid)
    if (c.prev === null) this.first = c.next
    else c.prev.next = c.next
    if (c.next === null) this.last = c.prev
    else c.next.prev = c.prev
    c.prev = c.next = null
  }

  /** Whether `c` is (still) one of these children. */
  has(c: ChildRec): boolean {
    return this.byKey.get(c.key) === c
  }

  /** Sets the running pid (null: not running); `restarting` marks a restart being retried. */
  setPid(c: ChildRec, pid: Pid | null, restarting = false): void {
    if (c.pid !== null) this.byPid.delete(c.pid)
    c.pid = pid
    c.restarting = restarting
    if (pid !== null) this.byPid.set(pid, c)
  }

  byPidOf(pid: Pid): ChildRec | undefined {
    return this.byPid.get(pid)
  }

  /**
   * A child by id. Only by id: OTP 25's `find_child/2` looks a static supervisor's children up by
   * id alone (by pid only under simple_one_for_one), so a pid given to `terminateChild`,
   * `restartChild` or `deleteChild` is an id no child has, and they answer `not_found`.
   */
  find(id: unknown): ChildRec | undefined {
    return this.byKey.get(termKey(id))
  }
}
