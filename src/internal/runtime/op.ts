import { ExitError } from '../errors.ts'
import { currentProc } from './proc.ts'
import type { Receive } from './receive.ts'
import { spawnProc } from './spawn.ts'

/**
 * An operation that may block (a call, a start, an await): written once as a generator, usable
 * three ways, like `receive`:
 *
 * - `yield* op` inside a generator process (the generator is delegated to directly);
 * - `await op` inside an async process (the generator is driven by awaiting each step);
 * - `await op` from plain async code outside any process (it runs in a short-lived process of
 *   its own, so calls from an HTTP handler or a test work and fail with the same reasons).
 *
 * Why lazy: nothing happens until the op is yielded or awaited, exactly like a generator.
 */
export class Op<T> implements Receive<T> {
  private readonly make: () => Generator<unknown, T, unknown>
  constructor(make: () => Generator<unknown, T, unknown>) {
    this.make = make
  }

  [Symbol.iterator](): Iterator<unknown, T, unknown> {
    return this.make()
  }

  // biome-ignore lint/suspicious/noThenProperty: being awaitable (and yield*-able) is the point of an op
  then<A = T, B = never>(
    onfulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    const p = currentProc()
    const promise = p === null ? runDetached(this.make) : driveAsync(this.make())
    return promise.then(onfulfilled, onrejected)
  }
}

/** Drives an op's generator from async code: each yielded receive/promise is awaited in turn. */
async function driveAsync<T>(gen: Generator<unknown, T, unknown>): Promise<T> {
  let input: unknown
  let threw = false
  for (;;) {
    const r = threw ? gen.throw(input) : gen.next(input)
    if (r.done === true) return r.value
    try {
      input = await (r.value as PromiseLike<unknown>)
      threw = false
    } catch (e) {
      input = e
      threw = true
    }
  }
}

/**
 * Runs an op from outside any process in a process of its own. Its result resolves the promise;
 * an exit (a failed call, say) rejects it with the same ExitError a process would have seen.
 */
function runDetached<T>(make: () => Generator<unknown, T, unknown>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let result: T | undefined
    let failure: unknown
    let failed = false
    const body = function* () {
      try {
        result = yield* make()
      } catch (e) {
        failure = e
        failed = true
      }
    }
    const proc = spawnProc(body, [], { label: 'beamish.detached' }, runDetached)
    proc.x().onExit = (reason) => {
      if (failed) reject(failure)
      else if (reason === 'normal') resolve(result as T)
      else reject(new ExitError(reason))
    }
  })
}
