import { ExitError } from './errors.ts'
import type { Proc } from './runtime/proc.ts'
import { self } from './runtime/proc.ts'
import { ReceiveOp } from './runtime/receive.ts'
import { deliver } from './runtime/scheduler.ts'
import * as sig from './runtime/signals.ts'
import { spawnProc } from './runtime/spawn.ts'
import type { Pid } from './term/pid.ts'
import type { Ref } from './term/ref.ts'

/**
 * OTP's `proc_lib`: how every behaviour process is started. The starter spawns the child (linked
 * for `startLink`), monitors it, and waits for the child's `initAck`, for its death, or for the
 * start timeout; so `startLink` returns only after `init` has run (G-s1), and a child that dies
 * during init is reported as `['error', reason]`.
 */

/** What a behaviour's start returns, in OTP's shape. */
export type StartResult<P = Pid> =
  | readonly ['ok', P]
  | readonly ['ok', P, unknown]
  | 'ignore'
  | readonly ['error', unknown]

/** Handed to the child so it can acknowledge its start. */
export interface StartCtx {
  readonly starter: Proc
  mref: Ref | null
  acked: boolean
  /**
   * The behaviour's parent (G-t6): the starter for a linked start, the process itself otherwise
   * (OTP's `gen:start` passes `self` then), so only a linked starter's EXIT stops the process.
   */
  parent: Pid | null
}

export interface StartOptions {
  readonly link: boolean
  /** Milliseconds, or -1 for infinity. */
  readonly timeout: number
  readonly label?: unknown
  readonly initialCall: string
}

/** Called by the child once `init` has decided: releases the starter's `start`. */
export function initAck(ctx: StartCtx, result: StartResult<unknown>): void {
  if (ctx.acked) return
  ctx.acked = true
  if (ctx.starter.alive && ctx.mref !== null) deliver(ctx.starter, ['$ack', ctx.mref, result])
}

/**
 * Starts `body(ctx, ...args)` as a behaviour process and waits for its ack. Why a monitor even
 * with a link: the starter may not trap exits, and must still learn of a child that died before
 * acking (the link then kills a non-trapping starter anyway, exactly as on the BEAM).
 */
export function* start<P>(
  body: (ctx: StartCtx, ...args: any[]) => Generator<unknown, unknown, unknown>,
  args: readonly unknown[],
  opts: StartOptions,
): Generator<unknown, StartResult<P>, unknown> {
  const starter = self(start)
  const ctx: StartCtx = { starter, mref: null, acked: false, parent: null }
  const spawnOpts = opts.label === undefined ? { link: opts.link } : { link: opts.link, label: opts.label }
  const proc = spawnProc(body, [ctx, ...args], spawnOpts, start)
  ctx.parent = opts.link ? starter.pid : proc.pid
  const x = proc.x()
  x.initialCall = opts.initialCall
  x.ancestors = [starter.pid, ...(starter.ext?.ancestors ?? [])]
  const mref = sig.monitor(starter, proc.pid, null, start)
  ctx.mref = mref
  const got = yield new ReceiveOp(
    [(m) => Array.isArray(m) && m.length === 3 && m[0] === '$ack' && m[1] === mref, sig.isDownOf(mref)],
    null,
    opts.timeout,
    null,
    mref.mark,
  )
  if (got === undefined) {
    // G-s2 `{timeout, T}`: the child is killed and the start fails with `timeout`.
    sig.demonitor(starter, mref, true, false)
    if (opts.link) sig.unlink(starter, proc.pid)
    sig.exitPid(null, proc.pid, 'kill')
    return ['error', 'timeout']
  }
  const m = got as unknown[]
  if (m[0] === 'DOWN') return ['error', m[4]]
  sig.demonitor(starter, mref, true, false)
  return m[2] as StartResult<P>
}

/** Ends the calling behaviour process with `reason` without a raw crash report (it reports itself). */
export function exitWith(reason: unknown): never {
  throw new ExitError(reason)
}
