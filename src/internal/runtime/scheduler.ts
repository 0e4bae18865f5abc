import { enqueueSettle, settleAsync, settleq } from './awaited.ts'
import { Deque } from './deque.ts'
import type { Matcher } from './match.ts'
import {
  asyncStorage,
  DOOMED,
  EXITING,
  initialCallOf,
  KIND_ASYNC,
  KIND_GEN,
  KIND_REACTOR,
  outsideProcesses,
  PARKED,
  type Proc,
  REACTOR_START,
  RESUME_MATCHED,
  RESUME_NEXT,
  RESUME_THROW,
  RESUME_TIMEOUT,
  type Reactor,
  type ResumeMode,
  RUNNABLE,
  RUNNING,
  type Status,
  setCurrent,
  WAITING,
} from './proc.ts'
import { K_ANY, K_CLAUSES, K_CUSTOM, matchClauses, ReceiveOp, runAfter, runHandler } from './receive.ts'
import { armDueTimers, armWaitingTimers, watchTimeout } from './receiveTimeout.ts'
import { scan, unmatched } from './scan.ts'
import { crashReason, terminate } from './signals.ts'
import { systemClock, TimerHeap } from './timers.ts'

/**
 * The scheduler: one run queue of processes on this thread, drained in slices so timers and
 * I/O still get their turn.
 *
 * Why generators are resumed through the cached `GeneratorPrototype.next` instead of `gen.next`:
 * every generator *function* has its own prototype, so with thousands of distinct closures
 * (`spawn(function* () {…})` in a loop) the `gen.next` property load goes megamorphic and the
 * stub cache thrashes: measured 165 ns vs 15 ns per resume at 10,000 closures.
 */
const GeneratorPrototype = Object.getPrototypeOf(function* () {}).prototype as Generator
const GEN_NEXT = GeneratorPrototype.next
const GEN_THROW = GeneratorPrototype.throw

export const timers = new TimerHeap(systemClock)

const runq = new Deque<Proc>(1024)
let draining = false
let kicked = false
/**
 * Steps between two looks at the clock (a slice ends after SLICE_MS). Why not thousands: one
 * step can be a whole chunk of a long computation between two `Process.yield()`s (a millisecond,
 * say), and timers and I/O only run between slices; 64 keeps a slice near SLICE_MS while costing
 * one `performance.now()` per 64 steps.
 */
const SLICE_STEPS = 64
const SLICE_MS = 10

export function enqueue(p: Proc): void {
  p.status = RUNNABLE
  runq.push(p)
  wake()
}

/** Makes sure the scheduler runs soon (after something became runnable or settleable). */
export function wake(): void {
  if (!draining && !kicked) kick()
}

const resolved = Promise.resolve()
function kick(): void {
  kicked = true
  // Why a microtask and not setImmediate: a message sent from an I/O callback or an awaited
  // continuation should be handled before the event loop moves on; slices longer than
  // SLICE_MS hand over to setImmediate below so I/O is never starved. Why outside processes:
  // an async process that sends wakes the scheduler, and the drain must not run (nor leave
  // to the promises its processes create) that process's async context.
  outsideProcesses(queueDrain)
}

function queueDrain(): void {
  resolved.then(drain)
}

function drain(): void {
  kicked = false
  if (draining) return
  draining = true
  const began = performance.now()
  let n = 0
  try {
    for (;;) {
      const p = runq.shift()
      if (p === undefined) {
        if (settleq.length === 0) break
        settleAsync(settleq.shift()!)
        continue
      }
      if (p.status === RUNNABLE) {
        p.status = RUNNING
        setCurrent(p)
        if (p.kind === KIND_GEN || p.kind === KIND_REACTOR) runGen(p)
        else startBody(p)
      }
      if (settleq.length !== 0) settleAsync(settleq.shift()!)
      if ((++n & (SLICE_STEPS - 1)) === 0) {
        const now = performance.now()
        armDueTimers(now)
        if (now - began > SLICE_MS) break
      }
    }
  } finally {
    setCurrent(null)
    armWaitingTimers()
    draining = false
  }
  if (runq.length > 0 || settleq.length > 0) {
    kicked = true
    setImmediate(drain)
  }
}

/**
 * First step of a process whose body is not a generator function: call it (inside the async
 * context, so an async body keeps its process across `await`s), then drive what it returned: a
 * generator becomes the process body, a promise is awaited, anything else ends the process.
 */
function startBody(p: Proc): void {
  const body = p.resumeValue as () => unknown
  p.resumeValue = undefined
  let r: unknown
  try {
    r = asyncStorage().run(p, body)
  } catch (e) {
    if (p.alive) terminate(p, crashReason(e, p))
    return
  }
  if (!p.alive) return
  if (p.status === DOOMED) {
    terminate(p, p.exitReason)
    return
  }
  if (isGenerator(r)) {
    p.kind = KIND_GEN
    p.gen = r
    p.resumeMode = RESUME_NEXT
    runGen(p)
    // It outlived its first run: name the body now, so the closure is not kept alive with it.
    if (p.status < EXITING) initialCallOf(p)
    return
  }
  if (r !== null && typeof r === 'object' && typeof (r as PromiseLike<unknown>).then === 'function') {
    initialCallOf(p)
    p.kind = KIND_ASYNC
    p.status = PARKED
    ;(r as PromiseLike<unknown>).then(
      () => {
        if (p.alive) terminate(p, 'normal')
      },
      (e) => {
        if (p.alive) terminate(p, crashReason(e, p))
      },
    )
    return
  }
  terminate(p, 'normal')
}

// Why isPrototypeOf and not Object.prototype.toString: spawn(() => gen()) asks this once per
// process, and the toString tag lookup showed in spawn-heavy profiles (skynet).
const protoOf = Object.prototype.isPrototypeOf

export function isGenerator(x: unknown): x is Generator<unknown, unknown, unknown> {
  return x !== null && typeof x === 'object' && protoOf.call(GeneratorPrototype, x)
}

/**
 * The turn's budget (fairness): how many more receives the running process may complete, and
 * steps it may take, before it goes to the back of the run queue. Receives that find their
 * message already queued complete inside `yield*` (see ReceiveOp.next) and spend it too. Why one
 * budget for both: with two, a process that used up the first went on to spend the second
 * suspending and resuming through its whole `yield*` chain on every message.
 */
export const immediate = { left: 0 }
const BUDGET = 2000

/** Runs a generator or reactor process until it waits, parks, yields its turn or ends. */
function runGen(p: Proc): void {
  immediate.left = BUDGET
  let gen = p.gen!
  let mode = p.resumeMode
  let input = p.resumeValue
  p.resumeValue = undefined
  if (mode >= RESUME_MATCHED) {
    // The op is the resume value; a matched message waits in the op's `value` (see deliver).
    const op = input as ReceiveOp<unknown>
    try {
      input = mode === RESUME_TIMEOUT ? runAfter(op) : runHandler(op, op.matchedClause, op.value)
      mode = RESUME_NEXT
    } catch (e) {
      input = e
      mode = RESUME_THROW
    }
  }
  for (;;) {
    let op: unknown
    let done = false
    try {
      if (p.kind === KIND_GEN) {
        const r =
          mode === RESUME_NEXT
            ? GEN_NEXT.call(gen as Generator, input)
            : GEN_THROW.call(gen as Generator, input)
        done = r.done === true
        op = r.value
      } else {
        // A reactor has no receive clauses that could throw into it: an error here is its own.
        if (mode !== RESUME_NEXT) throw input
        op = (gen as Reactor).react(input)
      }
    } catch (e) {
      // P7: an exit signal that arrived while it ran (DOOMED) wins over the later exception.
      if (p.status === RUNNING) terminate(p, crashReason(e, p))
      else if (p.status === DOOMED) terminate(p, p.exitReason)
      return
    }
    p.reductions++
    if (p.status !== RUNNING) {
      // Terminated while running (e.g. exit(self(), 'kill')), or an exit signal came in (DOOMED).
      if (p.status === DOOMED) terminate(p, p.exitReason)
      return
    }
    if (done) {
      const x = p.ext
      if (x !== null && x.onReturn !== null) x.onReturn(op)
      terminate(p, 'normal')
      return
    }
    if (p.kind === KIND_REACTOR && !(op instanceof ReceiveOp) && isGenerator(op)) {
      // The reactor hands over to a generator (a callback that blocks); it comes back with a
      // TailCall to the reactor, or ends the process.
      p.kind = KIND_GEN
      gen = op
      p.gen = op
      input = undefined
      mode = RESUME_NEXT
      continue
    }
    if (op instanceof ReceiveOp) {
      const mb = p.mailbox
      let i = -1
      if (mb !== null && mb.length !== 0) {
        // Not again what ReceiveOp.next has just scanned in vain.
        if (unmatched.op === op && unmatched.p === p && unmatched.appended === p.appended) unmatched.op = null
        else i = scan(p, op)
      }
      if (i < 0) {
        if (op.timeout !== 0) {
          p.waiter = op
          p.status = WAITING
          if (op.timeout > 0) watchTimeout(p)
          return
        }
        mode = RESUME_NEXT
        try {
          input = runAfter(op)
        } catch (e) {
          input = e
          mode = RESUME_THROW
        }
      } else {
        const msg = mb!.take(i)
        mode = RESUME_NEXT
        if (op.hs === null) input = msg
        else {
          try {
            input = runHandler(op, op.matchedClause, msg)
          } catch (e) {
            input = e
            mode = RESUME_THROW
          }
        }
      }
    } else if (
      op !== null &&
      typeof op === 'object' &&
      typeof (op as PromiseLike<unknown>).then === 'function'
    ) {
      park(p, op as PromiseLike<unknown>)
      return
    } else if (op instanceof TailCall) {
      // The body hands over to another generator (or a reactor) for the rest of its life:
      // drive that one directly from now on instead of through a `yield*` layer on every resume.
      gen = op.gen
      p.gen = gen
      op.gen = null as unknown as Generator<unknown, unknown, unknown>
      mode = RESUME_NEXT
      if (isGenerator(gen)) {
        p.kind = KIND_GEN
        input = undefined
      } else {
        p.kind = KIND_REACTOR
        input = REACTOR_START
      }
    } else if (op === YIELD) {
      p.resumeMode = RESUME_NEXT
      enqueue(p)
      return
    } else {
      input = new TypeError(
        `a process generator may yield receive(…), a promise or Process.yield(); got: ${String(op)} (did you mean yield* ?)`,
      )
      mode = RESUME_THROW
    }
    if (--immediate.left <= 0) {
      // (A receive handler above may have doomed the process.)
      if ((p.status as Status) === DOOMED) {
        terminate(p, p.exitReason)
        return
      }
      p.resumeMode = mode
      p.resumeValue = input
      enqueue(p)
      return
    }
  }
}

/**
 * Yielded by an internal process body (`yield new TailCall(next)`) that is done with its own
 * code and continues as `next` until the process ends; what `next` returns ends the process.
 * Why: a behaviour's start-up code runs once, then its loop runs for every message — as a
 * `yield*` the start-up generator would sit between the scheduler and the loop on every resume.
 */
export class TailCall {
  gen: Generator<unknown, unknown, unknown> | Reactor
  constructor(gen: Generator<unknown, unknown, unknown> | Reactor) {
    this.gen = gen
  }
}

/** Marker a generator yields to let others run (Process.yield / erlang:yield). */
export const YIELD: unique symbol = Symbol('beamish.yield')

/**
 * Parks `p` on a promise it yielded. While parked the promise is its resume value: that is how
 * a settling promise knows it is still the one the process waits for.
 */
function park(p: Proc, promise: PromiseLike<unknown>): void {
  p.status = PARKED
  p.resumeValue = promise
  const settled = (mode: ResumeMode, value: unknown) => {
    if (p.status !== PARKED || p.resumeValue !== promise) return
    p.resumeMode = mode
    p.resumeValue = value
    enqueue(p)
  }
  promise.then(
    (v) => settled(RESUME_NEXT, v),
    (e) => settled(RESUME_THROW, e),
  )
}

/**
 * Appends a message to a live local process, or hands it straight to its pending receive when
 * a clause accepts it (so the common "blocked in receive" case never touches the mailbox).
 */
export function deliver(p: Proc, msg: unknown): void {
  p.appended++
  const w = p.waiter
  if (w !== null) {
    // K_ANY and K_CLAUSES (a server loop's `receive()`, a ring's `receive(P.number, 'stop')`)
    // matched here: through accept() they cost a call and a switch per message (measured: ring
    // 85 vs 93 ns per hop).
    const k = w.kind
    let c = 0
    if (k === K_CLAUSES) c = matchClauses(w.m as Matcher[], msg)
    else if (k !== K_ANY) c = w.accept(msg)
    if (c < 0) {
      pushMailbox(p, msg)
      return
    }
    p.waiter = null
    if (w.timer !== null) {
      timers.cancel(w.timer)
      w.timer = null
    }
    w.matchedClause = c
    const aw = w.aw
    if (aw !== null) {
      aw.proc = p
      aw.msg = msg
      enqueueSettle(w)
      return
    }
    // Why two modes: a clause without a handler resumes with the message itself, so the hot
    // path (plain patterns, `receive()`) skips the handler dispatch in runGen.
    const hs = w.hs
    if (w.kind !== K_CUSTOM && (hs === null || hs[c] === null || hs[c] === undefined)) {
      p.resumeValue = msg
      p.resumeMode = RESUME_NEXT
    } else {
      // The handler runs in the process: it resumes with the op, the message kept on the op
      // (its `value` is free until the receive completes).
      w.value = msg
      p.resumeValue = w
      p.resumeMode = RESUME_MATCHED
    }
    // enqueue(p), written out: deliver is too large for it to be inlined, and this is every hop.
    p.status = RUNNABLE
    runq.push(p)
    if (!draining && !kicked) kick()
    return
  }
  pushMailbox(p, msg)
}

function pushMailbox(p: Proc, msg: unknown): void {
  const mb = p.mailbox
  if (mb === null) (p.mailbox = new Deque()).push(msg)
  else mb.push(msg)
}
