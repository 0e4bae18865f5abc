import { Op } from './op.ts'
import { asyncStorage, type Proc } from './proc.ts'
import { ReceiveOp } from './receive.ts'
import { isGenerator } from './scheduler.ts'

/**
 * Calling user callbacks inside a process, the same way for every behaviour: an async callback
 * runs in the process's async context (after its first `await` it no longer runs on the
 * scheduler, and `Process.self()` must still work; only async callbacks pay for that), and a
 * result that blocks — a generator, an op (`GenServer.call`, `Supervisor.startLink`…) or a
 * promise — is finished inside the process by `settle`.
 */

/**
 * Whether `x` is a callback module (GenServer, Supervisor, DynamicSupervisor…): an object, not
 * an array, with an `init` function.
 */
export function isCallbackModule(x: unknown): x is { init(arg: any): unknown } {
  return (
    typeof x === 'object' &&
    x !== null &&
    !Array.isArray(x) &&
    typeof (x as { init?: unknown }).init === 'function'
  )
}

export const AsyncFunction: Function = Object.getPrototypeOf(async () => {}).constructor

export function isThenable(x: unknown): x is PromiseLike<unknown> {
  return x !== null && typeof x === 'object' && typeof (x as PromiseLike<unknown>).then === 'function'
}

/**
 * Calls a per-message callback `fn` (with `thisArg`) inside process `p`: an `async` function
 * runs in the process's async context, so it is still `p` after its awaits. A plain function
 * that returns a promise is waited for too, but what runs after *its* awaits is outside the
 * process. Why not every callback in the async context: entering it costs ~15 ns a call on
 * Node 20 and ~240 on Node 24, on every message a server handles.
 */
export function callIn(p: Proc, fn: Function, thisArg: unknown, args: readonly unknown[]): unknown {
  if (fn instanceof AsyncFunction) return asyncStorage().run(p, () => fn.apply(thisArg, args))
  return fn.apply(thisArg, args)
}

const GeneratorFunction: Function = Object.getPrototypeOf(function* () {}).constructor

/**
 * Calls a callback that runs once per process or task (an `init`, a `terminate`, a child's or
 * an application's `start`, a task's function) inside process `p`'s async context whatever kind
 * of function it is. Why plain functions too: `() => startLater()` and `() => fetchPrice(id)`
 * are how TypeScript starts async work, and the helper's code after its awaits must still be
 * `p` (`Process.self()`, a `startLink` linked to `p`); once per process, the cost is noise.
 */
export function startIn(p: Proc, fn: Function, thisArg: unknown, args: readonly unknown[]): unknown {
  // A generator function runs nothing when called: its steps run on the scheduler, in `p`.
  if (fn instanceof GeneratorFunction) return fn.apply(thisArg, args)
  return asyncStorage().run(p, () => fn.apply(thisArg, args))
}

/** Whether `callIn`'s result still has to be finished by `settle`. */
export function blocks(r: unknown): boolean {
  return r !== null && typeof r === 'object' && !Array.isArray(r) && (isGenerator(r) || isThenable(r))
}

/**
 * What to `yield*` to finish a callback's result: a generator or op is delegated to as it is, a
 * promise is waited for, anything else is the value. Why not a generator of its own: a
 * behaviour's blocking callback sits under several `yield*` layers already (a supervisor's
 * restart runs through several), and every layer is resumed again on every step.
 */
export function settle(r: unknown): Iterable<unknown, unknown, unknown> {
  if (r !== null && typeof r === 'object' && !Array.isArray(r)) {
    if (isGenerator(r) || r instanceof Op || r instanceof ReceiveOp)
      return r as Iterable<unknown, unknown, unknown>
    if (isThenable(r)) return awaitIn(r)
  }
  return new Settled(r)
}

function* awaitIn(promise: PromiseLike<unknown>): Generator<unknown, unknown, unknown> {
  return yield promise
}

/** A value that needs no waiting, as an iterable that ends at once with it. */
class Settled implements Iterator<unknown, unknown, unknown> {
  private readonly v: unknown
  constructor(v: unknown) {
    this.v = v
  }
  [Symbol.iterator](): this {
    return this
  }
  next(): IteratorResult<unknown, unknown> {
    return { done: true, value: this.v }
  }
}
