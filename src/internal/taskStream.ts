import { availableParallelism } from 'node:os'
import { badArg, checkKeys, createError, ExitError, oneOf } from './errors.ts'
import { checkCallTimeout } from './gen.ts'
import { blocks, callIn, isThenable, settle } from './runtime/callbacks.ts'
import { Op } from './runtime/op.ts'
import { currentProc, type Proc, self } from './runtime/proc.ts'
import { ReceiveOp } from './runtime/receive.ts'
import * as sig from './runtime/signals.ts'
import { checkWork, spawnTask } from './task.ts'
import { takeNow } from './taskAwait.ts'
import type { Pid } from './term/pid.ts'
import type { Ref } from './term/ref.ts'

/**
 * `Task.asyncStream` (Elixir's `Task.async_stream` / `Task.Supervised.stream`). A cursor runs
 * the work for each input element in a task linked to the caller and monitored with an alias,
 * at most `maxConcurrency` at a time, and hands back `['ok', value]` / `['exit', reason]` in
 * input order (or as they finish). Why no intermediate monitor process as in Elixir: here the
 * caller itself keeps the per-task deadlines, which costs one receive per result, and the links
 * give the same failure semantics (a task crash takes a caller that does not trap exits down;
 * the caller's death takes its tasks down).
 */

export type StreamResult<R> = readonly ['ok', R] | readonly ['exit', unknown]

export interface StreamOptions {
  readonly maxConcurrency: number
  readonly ordered: boolean
  /** Milliseconds per task, or -1 for infinity. */
  readonly timeout: number
  /** The timeout as the caller gave it, for the exit reason. */
  readonly timeoutArg: unknown
  readonly onTimeout: 'exit' | 'kill_task'
  readonly zipInputOnExit: boolean
  /** Extra arguments after the element (the `[fn, args]` form). */
  readonly args: readonly unknown[]
  /**
   * Makes, once per run, what starts the run's tasks somewhere else than in the consumer itself
   * (Task.Supervisor's streams). Absent: tasks are spawned directly, linked to the consumer.
   */
  readonly starter?: () => StreamStarter
}

/**
 * Starts the tasks of one run of a stream. `start` must return a task that replies
 * `[ref, result]` to the alias-monitor `ref` the consumer `p` holds on it (and that is linked to
 * `p`, or else cleaned up by the starter if `p` dies); it may block, and may throw (the run is
 * then closed first). `close` is called once when the run ends.
 */
export interface StreamStarter {
  start(
    p: Proc,
    fn: Function,
    args: readonly unknown[],
    caller: Function,
  ): Generator<unknown, readonly [Pid, Ref], unknown>
  close(): void
}

interface Running {
  readonly index: number
  readonly item: unknown
  readonly pid: Pid
  readonly ref: Ref
  readonly deadline: number
}

type Input = Iterable<unknown> | AsyncIterable<unknown>

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined })

/** One enumeration of a stream. Owned by the process that opened it. */
export class StreamCursor<R> {
  private readonly owner: Proc
  private readonly source: Input
  private readonly fn: Function
  private readonly o: StreamOptions
  /** Tasks in spawn order, which is also deadline order (one timeout for all). */
  private readonly running = new Map<Ref, Running>()
  /** Finished results waiting for their turn (ordered) or in finishing order (unordered). */
  private readonly buffered = new Map<number, StreamResult<R>>()
  private readonly finished: StreamResult<R>[] = []
  private nextOut = 0
  private spawned = 0
  private input: Iterator<unknown> | AsyncIterator<unknown> | null = null
  private inputDone = false
  private closed = false
  private readonly starter: StreamStarter | null
  private readonly mine: (m: unknown) => boolean

  constructor(owner: Proc, source: Input, fn: Function, o: StreamOptions) {
    this.owner = owner
    this.source = source
    this.fn = fn
    this.o = o
    this.starter = o.starter === undefined ? null : o.starter()
    const running = this.running
    this.mine = (m) =>
      Array.isArray(m) &&
      ((m.length === 2 && running.has(m[0])) || (m.length === 5 && m[0] === 'DOWN' && running.has(m[1])))
  }

  /** The next result, or `done` once every element has been handled. */
  next(): Op<IteratorResult<StreamResult<R>, undefined>> {
    return new Op(() => this.step())
  }

  *step(): Generator<unknown, IteratorResult<StreamResult<R>, undefined>, unknown> {
    const p = self(this.next)
    if (p !== this.owner) {
      throw createError(
        'ERR_BEAMISH_NOT_OWNER',
        `a Task.asyncStream enumeration must be consumed by the process that opened it (${this.owner.pid}) but was consumed from ${p.pid}`,
        this.next,
      )
    }
    for (;;) {
      if (this.closed) return DONE
      const out = this.take()
      if (out !== undefined) return { done: false, value: out }
      while (!this.inputDone && this.running.size < this.o.maxConcurrency) {
        const r = yield* this.pull()
        if (r.done === true) this.inputDone = true
        else if (this.starter === null) this.spawn(p, r.value)
        else yield* this.startVia(this.starter, p, r.value)
      }
      if (this.running.size === 0) {
        this.close()
        return DONE
      }
      const first = this.running.values().next().value as Running
      const wait = this.o.timeout < 0 ? -1 : Math.max(0, Math.ceil(first.deadline - performance.now()))
      const m = (yield new ReceiveOp([this.mine], null, wait, null, first.ref.mark)) as unknown[] | undefined
      if (m === undefined) this.expire(p)
      else this.handle(p, m)
    }
  }

  /** Kills the tasks still running, drops buffered results and closes the input. Idempotent. */
  close(): void {
    if (this.closed) return
    this.closed = true
    const p = this.owner
    for (const t of this.running.values()) this.kill(p, t)
    this.running.clear()
    this.buffered.clear()
    this.finished.length = 0
    if (!this.inputDone && this.input !== null) {
      this.inputDone = true
      // Like a halted Elixir stream: the input's own cleanup (a generator's `finally`) runs now.
      const r = this.input.return?.()
      if (isThenable(r)) r.then(undefined, () => {})
    }
    this.starter?.close()
  }

  private take(): StreamResult<R> | undefined {
    if (!this.o.ordered) return this.finished.shift()
    const r = this.buffered.get(this.nextOut)
    if (r !== undefined) {
      this.buffered.delete(this.nextOut)
      this.nextOut++
    }
    return r
  }

  private *pull(): Generator<unknown, IteratorResult<unknown>, unknown> {
    if (this.input === null) {
      const src = this.source as Partial<AsyncIterable<unknown> & Iterable<unknown>>
      const asyncIt = src[Symbol.asyncIterator]
      this.input =
        typeof asyncIt === 'function' ? asyncIt.call(src) : (src as Iterable<unknown>)[Symbol.iterator]()
    }
    const r = this.input.next()
    return (isThenable(r) ? yield r : r) as IteratorResult<unknown>
  }

  private spawn(p: Proc, item: unknown): void {
    const cell = { ref: null as Ref | null }
    const proc = spawnTask(
      p,
      this.fn,
      this.o.args.length === 0 ? [item] : [item, ...this.o.args],
      true,
      cell,
      this.next,
    )
    const ref = sig.monitor(p, proc.pid, 'demonitor', this.next)
    cell.ref = ref
    const deadline = this.o.timeout < 0 ? 0 : performance.now() + this.o.timeout
    this.running.set(ref, { index: this.spawned++, item, pid: proc.pid, ref, deadline })
  }

  /** Starts a task through the starter; a failure (max children, say) closes the run first. */
  private *startVia(starter: StreamStarter, p: Proc, item: unknown): Generator<unknown, void, unknown> {
    const args = this.o.args.length === 0 ? [item] : [item, ...this.o.args]
    let started: readonly [Pid, Ref]
    try {
      started = yield* starter.start(p, this.fn, args, this.next)
    } catch (e) {
      this.close()
      throw e
    }
    const [pid, ref] = started
    const deadline = this.o.timeout < 0 ? 0 : performance.now() + this.o.timeout
    const t: Running = { index: this.spawned++, item, pid, ref, deadline }
    // Closed while the start was under way (from the async iterator's return): not wanted.
    if (this.closed) this.kill(p, t)
    else this.running.set(ref, t)
  }

  private record(t: Running, r: StreamResult<R>): void {
    if (this.o.ordered) this.buffered.set(t.index, r)
    else this.finished.push(r)
  }

  private exitResult(t: Running, reason: unknown): StreamResult<R> {
    return ['exit', this.o.zipInputOnExit ? [t.item, reason] : reason]
  }

  /**
   * A task's reply or DOWN. Why the EXIT flush: a caller that traps exits also gets the task's
   * `['EXIT', pid, reason]` over the link; the stream reports the result itself, so the EXIT
   * must not leak into the caller's mailbox (it is already there: the task is gone).
   */
  private handle(p: Proc, m: unknown[]): void {
    if (m.length === 2) {
      const t = this.running.get(m[0] as Ref)!
      this.running.delete(t.ref)
      sig.demonitor(p, t.ref, true, false)
      this.unlinkAndFlush(p, t.pid)
      this.record(t, ['ok', m[1] as R])
      return
    }
    const t = this.running.get(m[1] as Ref)!
    this.running.delete(t.ref)
    this.unlinkAndFlush(p, t.pid)
    this.record(t, this.exitResult(t, m[4]))
  }

  private unlinkAndFlush(p: Proc, pid: Pid): void {
    sig.unlink(p, pid)
    if (p.trapExit) takeNow(p, (x) => Array.isArray(x) && x.length === 3 && x[0] === 'EXIT' && x[1] === pid)
  }

  private kill(p: Proc, t: Running): void {
    sig.demonitor(p, t.ref, true, false)
    sig.unlink(p, t.pid)
    sig.exitPid(p, t.pid, 'kill')
  }

  /** Tasks past their deadline: killed and reported as `['exit', 'timeout']`, or the caller exits. */
  private expire(p: Proc): void {
    const now = performance.now()
    for (const t of this.running.values()) {
      if (t.deadline > now) break
      if (this.o.onTimeout === 'exit') {
        this.close()
        throw new ExitError(['timeout', ['Task.Supervised', 'stream', [this.o.timeoutArg]]])
      }
      this.running.delete(t.ref)
      this.kill(p, t)
      this.record(t, this.exitResult(t, 'timeout'))
    }
  }
}

/**
 * What `Task.asyncStream` returns: a lazy, re-runnable description. Nothing starts until it is
 * consumed; each consumption (`for await`, `toArray`, `open`) is an independent run.
 */
export class AsyncStream<R> implements AsyncIterable<StreamResult<R>> {
  private readonly source: Input
  private readonly fn: Function
  private readonly o: StreamOptions

  constructor(source: Input, fn: Function, o: StreamOptions) {
    this.source = source
    this.fn = fn
    this.o = o
  }

  /** Starts a run owned by the calling process; step it with `yield* cursor.next()`, end it with `close()`. */
  open(): StreamCursor<R> {
    return new StreamCursor<R>(self(this.open), this.source, this.fn, this.o)
  }

  /** Every result, in order. */
  toArray(): Op<StreamResult<R>[]> {
    return this.collect(Number.POSITIVE_INFINITY, null)
  }

  /** The first `n` results; the tasks still running are then killed (Elixir's `Enum.take`). */
  take(n: number): Op<StreamResult<R>[]> {
    return this.collect(n, null)
  }

  /**
   * Calls `fn` with each result as it comes, in the caller; returning (or resolving to) `false`
   * stops the stream early. An async or generator `fn` is waited for before the next result.
   */
  each(fn: (result: StreamResult<R>) => unknown): Op<void> {
    const run = this.collect(Number.POSITIVE_INFINITY, fn)
    return new Op(function* () {
      yield* run
    })
  }

  private collect(n: number, each: ((r: StreamResult<R>) => unknown) | null): Op<StreamResult<R>[]> {
    const stream = this
    return new Op(function* () {
      const out: StreamResult<R>[] = []
      if (n <= 0) return out
      const c = stream.open()
      const p = currentProc()!
      try {
        for (;;) {
          const r = yield* c.step()
          if (r.done === true) return out
          if (each !== null) {
            // An async (or generator) callback is waited for before the next result.
            const v = callIn(p, each, undefined, [r.value])
            if ((blocks(v) ? yield* settle(v) : v) === false) return out
          } else out.push(r.value)
          if (out.length >= n) return out
        }
      } finally {
        c.close()
      }
    })
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamResult<R>> {
    if (currentProc() === null) {
      throw createError(
        'ERR_BEAMISH_NOT_IN_PROCESS',
        'for await over a Task.asyncStream must run inside a process (its tasks are linked to it); outside one, use `await stream.toArray()`',
        this[Symbol.asyncIterator],
      )
    }
    const c = this.open()
    return {
      // Why `then` is called at once: the op must see the calling process now, while the
      // caller's async context is current.
      next: () => new Promise((resolve, reject) => c.next().then(resolve, reject)),
      return: () => {
        c.close()
        return Promise.resolve(DONE)
      },
    }
  }
}

// ------------------------------------------------------------------ building a stream

/** What `asyncStream` options a user gives (Task.asyncStream's `AsyncStreamOptions`). */
export interface StreamUserOptions {
  readonly maxConcurrency?: number
  readonly ordered?: boolean
  readonly timeout?: number
  readonly onTimeout?: 'exit' | 'kill_task'
  readonly zipInputOnExit?: boolean
}

const STREAM_KEYS = ['maxConcurrency', 'ordered', 'timeout', 'onTimeout', 'zipInputOnExit']

/**
 * Validates an `asyncStream` call (the input, the work and the options; `extraKeys` are options
 * the caller handles itself, `what` names the function in errors) and builds the stream.
 */
export function buildStream<R>(
  input: unknown,
  work: unknown,
  opts: unknown,
  caller: Function,
  what: string,
  extraKeys: readonly string[] = [],
  starter?: () => StreamStarter,
): AsyncStream<R> {
  const src = input as Partial<Iterable<unknown> & AsyncIterable<unknown>> | null | undefined
  if (
    src == null ||
    (typeof src[Symbol.iterator] !== 'function' && typeof src[Symbol.asyncIterator] !== 'function')
  ) {
    throw badArg('an iterable or async iterable to stream over', input, caller)
  }
  const [fn, args] = checkWork(work, caller)
  if (typeof opts !== 'object' || opts === null)
    throw badArg(`${what} options to be an object`, opts, caller, 'ERR_BEAMISH_INVALID_OPTION')
  checkKeys(opts, extraKeys.length === 0 ? STREAM_KEYS : [...STREAM_KEYS, ...extraKeys], what, caller)
  const o = opts as StreamUserOptions
  const maxConcurrency = o.maxConcurrency ?? availableParallelism()
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
    throw badArg(
      'maxConcurrency to be a positive integer',
      maxConcurrency,
      caller,
      'ERR_BEAMISH_INVALID_OPTION',
    )
  }
  const ordered = o.ordered ?? true
  if (typeof ordered !== 'boolean')
    throw badArg('ordered to be a boolean', ordered, caller, 'ERR_BEAMISH_INVALID_OPTION')
  const timeoutArg = o.timeout ?? 5000
  const timeout = checkCallTimeout(timeoutArg, caller)
  const onTimeout = o.onTimeout ?? 'exit'
  if (onTimeout !== 'exit' && onTimeout !== 'kill_task')
    throw oneOf('onTimeout', ["'exit'", "'kill_task'"], onTimeout, caller)
  const zipInputOnExit = o.zipInputOnExit ?? false
  if (typeof zipInputOnExit !== 'boolean') {
    throw badArg('zipInputOnExit to be a boolean', zipInputOnExit, caller, 'ERR_BEAMISH_INVALID_OPTION')
  }
  const options: StreamOptions = {
    maxConcurrency,
    ordered,
    timeout,
    timeoutArg,
    onTimeout,
    zipInputOnExit,
    args,
  }
  return new AsyncStream<R>(input as Input, fn, starter === undefined ? options : { ...options, starter })
}
