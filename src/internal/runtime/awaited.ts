import { ProcessTerminated } from '../errors.ts'
import { callIn } from './callbacks.ts'
import { Deque } from './deque.ts'
import { current, type Proc, setCurrent } from './proc.ts'
import { K_CUSTOM, type ReceiveOp, runAfter, runHandler } from './receive.ts'
import { onReceiveTimeout } from './receiveTimeout.ts'
import { scan } from './scan.ts'
import { timers, wake } from './scheduler.ts'

/**
 * `await receive(…)` in an async process body. The scheduler matches messages for it as for a
 * generator's receive; when one matches (or the timeout fires) the op goes on the settle queue,
 * and the scheduler settles it inside the process: the clause's handler runs there, then the
 * promise resolves and the async body continues in a microtask.
 */

/** Awaited receives whose message (or timeout) came: settled in the process (settleAsync). */
export const settleq = new Deque<ReceiveOp<unknown>>(16)

export function enqueueSettle(op: ReceiveOp<unknown>): void {
  settleq.push(op)
  wake()
}

/**
 * Completes an awaited receive: runs its clause's handler inside the process, then settles the
 * promise (the async body continues in a microtask).
 */
export function settleAsync(op: ReceiveOp<unknown>): void {
  const aw = op.aw!
  const p = aw.proc!
  const resolve = aw.resolve
  const reject = aw.reject
  op.aw = null
  if (resolve === null || reject === null || !p.alive) return
  const msg = aw.msg
  setCurrent(p)
  let v: unknown
  try {
    v = handlerIn(p, op, msg)
  } catch (e) {
    reject(e)
    return
  } finally {
    setCurrent(null)
  }
  resolve(v)
}

/**
 * Runs the matched clause's handler (or the `after` clause) of an awaited receive in `p`,
 * through `callIn`. Why: this runs on the scheduler, and an async handler's code after its
 * awaits must still be `p`, as an async callback is everywhere else.
 */
function handlerIn(p: Proc, op: ReceiveOp<unknown>, msg: unknown): unknown {
  const c = op.matchedClause
  // A custom receive's results are its own methods (runHandler/runAfter call them).
  const h = op.kind === K_CUSTOM ? null : c < 0 ? op.afterFn : op.hs?.[c]
  if (h === null || h === undefined) return c < 0 ? runAfter(op) : runHandler(op, c, msg)
  return callIn(p, h, undefined, c < 0 ? NO_ARGS : [msg])
}

const NO_ARGS: readonly unknown[] = []

/** An `await`ed receive: match now from the mailbox, or register as the process's waiter. */
export function waitAsync(
  p: Proc,
  op: ReceiveOp<unknown>,
  resolve: (v: unknown) => void,
  reject: (e: unknown) => void,
): void {
  if (!p.alive) {
    reject(new ProcessTerminated(p.exitReason))
    return
  }
  const mb = p.mailbox
  const i = mb === null || mb.length === 0 ? -1 : scan(p, op)
  if (i >= 0) {
    const msg = mb!.take(i)
    const prev = current
    setCurrent(p)
    try {
      resolve(runHandler(op, op.matchedClause, msg))
    } catch (e) {
      reject(e)
    } finally {
      setCurrent(prev)
    }
    return
  }
  if (op.timeout === 0) {
    try {
      resolve(runAfter(op))
    } catch (e) {
      reject(e)
    }
    return
  }
  op.aw = { resolve, reject, proc: null, msg: undefined }
  p.waiter = op
  if (op.timeout > 0) op.timer = timers.add(op.timeout, onReceiveTimeout, p)
}
