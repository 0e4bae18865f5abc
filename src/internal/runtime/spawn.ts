import { badArg, createError } from '../errors.ts'
import { localNode } from '../term/nodeRef.ts'
import { Pid } from '../term/pid.ts'
import { Ref } from '../term/ref.ts'
import { copyMessage } from './copy.ts'
import { checkName, names, register } from './names.ts'
import { currentProc, EXITING, KIND_START, newProc, type Proc as ProcT, table } from './proc.ts'
import { transport } from './remote.ts'
import { deliver, enqueue } from './scheduler.ts'
import { link, monitor, sendAlias } from './signals.ts'

export interface SpawnOptions {
  /** Link the new process to the caller, atomically (L-g). */
  readonly link?: boolean
  /** Monitor the new process from the caller, atomically; `spawn` then returns `[pid, ref]`. */
  readonly monitor?: boolean
  /** Start with `trapExit` on. */
  readonly trapExit?: boolean
  /** Register the new process under this name before it runs. */
  readonly name?: string
  /** A label shown by `Process.info` and crash reports (Elixir 1.17's `Process.set_label`). */
  readonly label?: unknown
  /**
   * Arguments for the body: `spawn(worker, { args: [a, b] })` runs `worker(a, b)`, like Erlang's
   * `spawn(M, F, A)`. Why prefer it to a closure in hot spawn loops: a generator *closure* made
   * per process costs ~600 bytes (its own prototype and hidden class), a shared generator
   * function called with arguments ~150.
   */
  readonly args?: readonly unknown[]
}

const OPTION_KEYS = new Set(['link', 'monitor', 'trapExit', 'name', 'label', 'args'])
// What kind of function a body is, by its prototype: one lookup instead of two instanceof walks
// on every spawn.
const GENERATOR_FUNCTION: object = Object.getPrototypeOf(function* () {})
const ASYNC_GENERATOR_FUNCTION: object = Object.getPrototypeOf(async function* () {})

const NO_OPTIONS: SpawnOptions = Object.freeze({})

export function checkSpawnOptions(opts: unknown, caller: Function): SpawnOptions {
  if (opts === undefined) return NO_OPTIONS
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw badArg('spawn options to be an object', opts, caller, 'ERR_BEAMISH_INVALID_OPTION')
  }
  for (const k of Object.keys(opts)) {
    if (!OPTION_KEYS.has(k)) {
      throw createError(
        'ERR_BEAMISH_INVALID_OPTION',
        `unknown spawn option ${JSON.stringify(k)}. The valid options are:\n\n  * args\n  * link\n  * monitor\n  * trapExit\n  * name\n  * label\n\nGot: ${JSON.stringify(k)}`,
        caller,
      )
    }
  }
  const args = (opts as SpawnOptions).args
  if (args !== undefined && !Array.isArray(args)) {
    throw badArg('args to be an array of arguments for the body', args, caller, 'ERR_BEAMISH_INVALID_OPTION')
  }
  return opts as SpawnOptions
}

/** The monitor ref of the last `spawnProc` with `monitor: true` (read it right after the call). */
export let spawnedRef: Ref | undefined

/**
 * Creates, links/monitors/registers and schedules a process. Validates before creating anything.
 * Why the monitor ref goes out through {@link spawnedRef}: a result object per spawn showed in
 * spawn-heavy profiles, and few spawns monitor.
 */
export function spawnProc(
  body: unknown,
  args: readonly unknown[],
  opts: SpawnOptions,
  caller: Function,
): ProcT {
  if (typeof body !== 'function') {
    throw badArg('a process body (a generator function, an async function or a function)', body, caller)
  }
  const kind = Object.getPrototypeOf(body)
  if (kind === ASYNC_GENERATOR_FUNCTION) {
    throw createError(
      'ERR_BEAMISH_BADARG',
      'an async generator cannot be a process body: use a generator function (function*) with yield* receive(…), or an async function with await receive(…)',
      caller,
    )
  }
  const parent = currentProc()
  if ((opts.link === true || opts.monitor === true) && parent === null) {
    throw createError(
      'ERR_BEAMISH_NOT_IN_PROCESS',
      `spawn with ${opts.link === true ? 'link' : 'monitor'} must be called from inside a process (the link or monitor needs an owner)`,
      caller,
    )
  }
  if (opts.name !== undefined) {
    const n = checkName(opts.name, caller)
    const holder = names.get(n)
    if (holder !== undefined) {
      throw createError(
        'ERR_BEAMISH_NAME_TAKEN',
        `cannot spawn as ${JSON.stringify(n)}: the name is already registered to ${holder.pid}`,
        caller,
      )
    }
  }
  const p = newProc(parent === null ? null : parent.pid)
  const pid = p.pid
  table.set(p.id, p)
  p.initialCall = body
  if (opts.trapExit === true) p.trapExit = true
  if (opts.label !== undefined) p.x().label = opts.label
  if (opts.name !== undefined) register(opts.name, pid, caller)
  if (opts.link === true) link(parent!, pid, caller)
  spawnedRef = opts.monitor === true ? monitor(parent!, pid, null, caller) : undefined
  if (kind === GENERATOR_FUNCTION) {
    p.gen = args.length === 0 ? body() : body(...args)
  } else {
    p.kind = KIND_START
    p.resumeValue = args.length === 0 ? body : () => body(...args)
  }
  enqueue(p)
  return p
}

/**
 * `send(dest, msg)` (O5): a pid never fails (dead: dropped); a registered name that is not
 * registered throws like the BEAM's badarg; `[name, node]` and aliases never throw.
 */
export function sendTo(dest: unknown, msg: unknown, caller: Function): void {
  // The hot case first, small enough for the compiler to inline into every caller: a live
  // local pid, and a message that is a primitive (nothing to copy) or plain data.
  if (dest instanceof Pid) {
    const p = dest.proc as ProcT | null
    if (p !== null) {
      if (p.status < EXITING) deliver(p, typeof msg !== 'object' || msg === null ? msg : copyMessage(msg))
      return
    }
  }
  sendOther(dest, msg, caller)
}

/** `sendTo` for everything but a live local pid. */
function sendOther(dest: unknown, msg: unknown, caller: Function): void {
  if (dest instanceof Pid) {
    if (dest.node !== localNode) transport?.sendPid(dest, msg)
    return
  }
  if (typeof dest === 'string') {
    const p = names.get(dest)
    if (p === undefined) {
      throw createError(
        'ERR_BEAMISH_NOPROC',
        `cannot send to ${JSON.stringify(dest)}: no process is registered under that name (badarg)`,
        caller,
      )
    }
    deliver(p, copyMessage(msg))
    return
  }
  if (dest instanceof Ref) {
    if (dest.node === localNode) sendAlias(dest, copyMessage(msg))
    else transport?.sendAlias(dest, msg)
    return
  }
  if (
    Array.isArray(dest) &&
    dest.length === 2 &&
    typeof dest[0] === 'string' &&
    typeof dest[1] === 'string'
  ) {
    if (dest[1] === localNode.name) {
      const p = names.get(dest[0])
      if (p !== undefined) deliver(p, copyMessage(msg))
    } else transport?.sendName(dest[0], dest[1], msg)
    return
  }
  throw badArg('a pid, a registered name, a [name, node] pair or an alias to send to', dest, caller)
}
