import { createError, ProcessTerminated } from '../errors.ts'
import { blocks, settle, startIn } from './callbacks.ts'
import { Deque } from './deque.ts'
import { Op } from './op.ts'
import { asyncStorage, currentProc, EXITING, KIND_GEN, type Proc } from './proc.ts'
import { ReceiveOp } from './receive.ts'
import { isGenerator, TailCall } from './scheduler.ts'
import { crashReason, terminate } from './signals.ts'

/**
 * `Process.hibernate(fn, args)` (`erlang:hibernate/3`): the calling process drops its call stack
 * and waits until its mailbox holds a message (at once if it already does), without taking it;
 * then it runs `fn(...args)`, and ends, `normal`, when that returns. Code after the hibernate,
 * and the `catch`/`finally` blocks around it, never run, as on the BEAM. There is no per-process
 * heap to compact: what hibernating frees is the abandoned generator chain and what it holds.
 *
 * A generator process hands over to a new body (a TailCall the scheduler drives directly); an
 * async process cannot drop its JS stack, so its pending `await` is simply never settled while
 * the process goes on as `fn(...args)` and is ended when that finishes.
 */
export function hibernateOp(fn: Function, args: readonly unknown[]): Op<never> {
  return new Op(() => hibernating(fn, args))
}

function* hibernating(fn: Function, args: readonly unknown[]): Generator<unknown, never, unknown> {
  const p = currentProc()
  if (p === null)
    throw createError(
      'ERR_BEAMISH_NOT_IN_PROCESS',
      'Process.hibernate must run inside a process',
      hibernateOp,
    )
  if (p.kind === KIND_GEN) yield new TailCall(awake(p, fn, args))
  // Why in the async context: what runs after the awaits in there (fn itself, the receive that
  // waits for the wake-up) must still be `p`, also when a plain body returned this op.
  else yield asyncStorage().run(p, () => hibernateAsync(p, fn, args))
  // Never resumed: the process has become fn(...args).
  throw createError('ERR_BEAMISH_BADARG', 'a hibernated process resumed its old body', hibernateOp)
}

/** The body a hibernated generator process continues with. */
function* awake(p: Proc, fn: Function, args: readonly unknown[]): Generator<unknown, unknown, unknown> {
  putBack(p, yield new ReceiveOp(null, null, -1, null, -1))
  const r = startIn(p, fn, undefined, args)
  return blocks(r) ? yield* settle(r) : r
}

async function hibernateAsync(p: Proc, fn: Function, args: readonly unknown[]): Promise<never> {
  try {
    putBack(p, await new ReceiveOp(null, null, -1, null, -1))
    const r = startIn(p, fn, undefined, args)
    // A promise or op is awaited; a generator's steps are driven by an Op (as `await op` does).
    if (blocks(r)) await (isGenerator(r) ? new Op(() => r) : (r as PromiseLike<unknown>))
    if (p.status < EXITING) terminate(p, 'normal')
  } catch (e) {
    if (!(e instanceof ProcessTerminated) && p.status < EXITING) terminate(p, crashReason(e, p))
  }
  return new Promise<never>(() => {})
}

/**
 * Puts the message that woke a hibernating process back in front of its mailbox, where it was
 * (the oldest), so `fn` receives it like any other. Messages that came in since go after it.
 */
function putBack(p: Proc, msg: unknown): void {
  ;(p.mailbox ??= new Deque()).unshift(msg)
}
