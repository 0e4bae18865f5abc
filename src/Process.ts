/**
 * Processes: the unit of concurrency, isolation and failure.
 *
 * A Beamish process is a lightweight task on the scheduler with its own pid and mailbox. It runs
 * a *body*, which is one of:
 *
 * - a **generator function** (the fast path): `receive` with `yield*`, fully typed;
 * - an **async function**: `receive` with `await`, for code that awaits promises anyway;
 * - a plain function (returning a generator or a promise is the same as the above).
 *
 * Processes share nothing: messages are copied on send (frozen objects and class instances are
 * passed by reference, see the README's term model). A process that throws exits with a reason
 * carrying the error and its stack; linked processes get an exit signal, monitors a `DOWN`.
 *
 * @example
 * ```ts
 * import { Process } from 'beamish'
 * const { receive, send, self, spawn } = Process
 *
 * await Process.run(function* () {
 *   const echo = spawn(function* () {
 *     for (;;) {
 *       const [from, text] = yield* receive([Process.P.instanceOf(Process.Pid), Process.P.string])
 *       send(from, text.toUpperCase())
 *     }
 *   })
 *   send(echo, [self(), 'hello'])
 *   console.log(yield* receive(Process.P.string)) // "HELLO"
 * })
 * ```
 *
 * @module
 */

import { badArg, ExitError } from './internal/errors.ts'
import { P } from './internal/pattern.ts'
import { copyArgs } from './internal/runtime/copy.ts'
import { hibernateOp } from './internal/runtime/hibernate.ts'
import { info as infoOf, type ProcessInfo } from './internal/runtime/info.ts'
import { isLiteral } from './internal/runtime/match.ts'
import { checkMonitorTarget } from './internal/runtime/monitors.ts'
import * as names from './internal/runtime/names.ts'
import { checkSenderAlive, current, currentProc, self as selfProc, table } from './internal/runtime/proc.ts'
import { After, Clause, checkTimeout, type Receive, type ResultOf } from './internal/runtime/receive.ts'
import {
  anyReceive,
  cachedReceive,
  literalReceive,
  makeReceive,
  makeSingle,
  makeSleep,
} from './internal/runtime/receiveBuild.ts'
import { isGenerator, YIELD } from './internal/runtime/scheduler.ts'
import {
  cancelTimer as cancelT,
  readTimer as readT,
  sendAfter as sendAfterT,
} from './internal/runtime/sendAfter.ts'
import * as sig from './internal/runtime/signals.ts'
import {
  checkSpawnOptions,
  type SpawnOptions,
  sendTo,
  spawnedRef,
  spawnProc,
} from './internal/runtime/spawn.ts'
import { sameTerm } from './internal/term/equal.ts'
import { localNode } from './internal/term/nodeRef.ts'
import { Pid } from './internal/term/pid.ts'
import { Ref } from './internal/term/ref.ts'

export type { ProcessInfo, Receive, SpawnOptions }
export { P, Pid, Ref }

/** A process body: a generator function, an async function, or a function returning either. */
export type Body<A extends unknown[] = []> = (...args: A) => unknown

/** Spawn options; `args` is required when the body takes parameters. */
export type SpawnOpts<A extends unknown[]> = Omit<SpawnOptions, 'args'> &
  ([] extends A ? { readonly args?: A } : { readonly args: A })

const NO_ARGS: readonly unknown[] = []

// ------------------------------------------------------------------ spawning

/**
 * Starts a process running `body` and returns its pid at once (the body runs on the scheduler,
 * not inside this call).
 *
 * **Details**: with `{ link: true }` or `{ monitor: true }` the link/monitor is set up atomically
 * with the spawn (semantics L-g), so even a child that dies at once is reported. `name`
 * registers the process before it runs; a taken name throws `ERR_BEAMISH_NAME_TAKEN` and nothing
 * is spawned.
 *
 * `args` passes arguments to the body, like Erlang's `spawn(M, F, A)`: a shared generator
 * function with arguments is cheaper than a fresh closure per process (about 150 bytes against
 * 600), which matters when you spawn millions. Arguments are copied into the new process as a
 * message is (the README's term model); primitives, pids and functions cost nothing.
 *
 * @example
 * ```ts
 * const pid = Process.spawn(function* () {
 *   const msg = yield* Process.receive()
 *   console.log('got', msg)
 * })
 * Process.send(pid, 'hi')
 *
 * function* worker(id: number, boss: Pid) { Process.send(boss, ['ready', id]) }
 * Process.spawn(worker, { args: [1, Process.self()] })
 * ```
 */
export function spawn<A extends unknown[] = []>(
  body: Body<A>,
  opts: SpawnOpts<A> & { monitor: true },
): [Pid, Ref]
export function spawn<A extends unknown[] = []>(body: Body<A>, opts?: SpawnOpts<A> & { monitor?: false }): Pid
export function spawn(body: Body<any[]>, opts?: SpawnOptions): Pid | [Pid, Ref] {
  const o = checkSpawnOptions(opts, spawn)
  const proc = spawnProc(body, o.args === undefined ? NO_ARGS : copyArgs(o.args), o, spawn)
  return o.monitor === true ? [proc.pid, spawnedRef!] : proc.pid
}

/**
 * `spawn` plus an atomic link to the caller (`spawn_link`). Must be called inside a process.
 *
 * @example
 * ```ts
 * yield* Process.run(function* () {
 *   Process.trapExit(true)
 *   const pid = Process.spawnLink(function* () { throw new Error('boom') })
 *   const [, from, reason] = yield* Process.receive(['EXIT', pid, Process.P._])
 * })
 * ```
 */
export function spawnLink<A extends unknown[] = []>(
  body: Body<A>,
  opts?: Omit<SpawnOpts<A>, 'link' | 'monitor'>,
): Pid {
  const o = checkSpawnOptions(opts, spawnLink)
  return spawnProc(body, o.args === undefined ? NO_ARGS : copyArgs(o.args), { ...o, link: true }, spawnLink)
    .pid
}

/**
 * `spawn` plus an atomic monitor (`spawn_monitor`); returns `[pid, monitorRef]`. When the process
 * ends, the caller gets `['DOWN', ref, 'process', pid, reason]`.
 *
 * @example
 * ```ts
 * const [pid, ref] = Process.spawnMonitor(function* () { return })
 * const down = yield* Process.receive(['DOWN', ref, 'process', pid, Process.P._])
 * ```
 */
export function spawnMonitor(body: Body, opts?: Omit<SpawnOptions, 'link' | 'monitor'>): [Pid, Ref] {
  const proc = spawnProc(body, [], { ...checkSpawnOptions(opts, spawnMonitor), monitor: true }, spawnMonitor)
  return [proc.pid, spawnedRef!]
}

/**
 * Runs `body` as a new process and resolves with what it returns, or rejects with an
 * `ExitError` carrying its exit reason. The bridge from ordinary async code (a test, a script,
 * an HTTP handler) into the process world.
 *
 * @example
 * ```ts
 * const answer = await Process.run(function* () {
 *   Process.send(Process.self(), 42)
 *   return yield* Process.receive(Process.P.number)
 * })
 * ```
 */
export function run<T>(
  body: () => Generator<unknown, T, any> | PromiseLike<T> | T,
  opts?: SpawnOptions,
): Promise<T> {
  const o = checkSpawnOptions(opts, run)
  return new Promise<T>((resolve, reject) => {
    let result: T | undefined
    const start = () => {
      const r = body()
      if (isGenerator(r)) {
        // The body becomes the process's generator itself (no wrapper delegating every resume);
        // its return value arrives through onReturn.
        currentProc()!.x().onReturn = (v) => {
          result = v as T
        }
        return r
      }
      if (r !== null && typeof r === 'object' && typeof (r as PromiseLike<T>).then === 'function') {
        return Promise.resolve(r as PromiseLike<T>).then((v) => {
          result = v
        })
      }
      result = r as T
      return undefined
    }
    const proc = spawnProc(start, NO_ARGS, o, run)
    proc.x().onExit = (reason) => (reason === 'normal' ? resolve(result as T) : reject(new ExitError(reason)))
  })
}

// ------------------------------------------------------------------ identity and messages

/**
 * The pid of the calling process. Throws `ERR_BEAMISH_NOT_IN_PROCESS` outside one.
 *
 * @example
 * ```ts
 * Process.spawn(function* () { console.log(String(Process.self())) }) // #PID<0.12.0>
 * ```
 */
export function self(): Pid {
  return selfProc(self).pid
}

/**
 * Sends `msg` and returns it. `dest` is a pid (never fails; a dead process just drops it), a
 * registered name (throws `ERR_BEAMISH_NOPROC` when nobody has it, like the BEAM's badarg), a
 * `[name, node]` pair or an alias (never fail). Messages from one sender to one receiver
 * arrive in the order sent.
 *
 * @example
 * ```ts
 * Process.send(pid, ['ping', Process.self()])
 * Process.send('logger', 'flush')
 * ```
 */
export function send<M>(dest: Pid | string | Ref | readonly [string, string], msg: M): M {
  // Scheduler code belongs to a live process; async code may have outlived its own (O3).
  if (current === null) checkSenderAlive()
  sendTo(dest, msg, send)
  return msg
}

/**
 * Selective receive. Takes the **oldest** message that any clause accepts (message order beats
 * clause order); other messages stay in the mailbox in order. Each argument is a pattern (the
 * message itself is returned, narrowed to the pattern's type), an `on(pattern, handler)` clause
 * (the handler's result is returned), and optionally, last, `after(ms, handler)`.
 *
 * Use `yield* receive(…)` in a generator body and `await receive(…)` in an async body.
 *
 * **Patterns**: literals match by `===`; arrays match tuples of the same length; plain objects
 * match objects with those keys; pids and refs match equal ones (pinning); functions are
 * guards; and every ts-pattern pattern works (`P._`, `P.string`, `P.number`, `P.when`,
 * `P.union`, `P.instanceOf` …, re-exported as `Process.P`).
 *
 * **Details**: a receive whose every clause names a ref you made after some messages arrived
 * skips those messages (O(1) reply receive in a deep mailbox, like the BEAM).
 *
 * @example
 * ```ts
 * const result = yield* Process.receive(
 *   Process.on(['add', P.number], ([, n]) => n),
 *   Process.on('stop', () => 'stopped' as const),
 *   Process.after(1000, () => 'timeout' as const),
 * )
 * ```
 */
export function receive(): Receive<unknown>
export function receive<const I extends readonly unknown[]>(...items: I): Receive<ResultOf<I[number]>>
export function receive(): Receive<unknown> {
  // Why `arguments` and no rest parameter: a rest array would be allocated on every call, and
  // receive is the hottest call there is (rings, ping-pong, server loops). No pattern: the
  // process's pooled op; one literal: an op with no closure; anything else is compiled.
  // biome-ignore-start lint/complexity/noArguments: see above
  const n = arguments.length
  if (n === 0) return anyReceive() as unknown as Receive<unknown>
  if (n === 1) {
    const it: unknown = arguments[0]
    if (isLiteral(it)) return literalReceive(it) as unknown as Receive<unknown>
    return makeSingle(it) as unknown as Receive<unknown>
  } else if (n <= 3) {
    const op = cachedReceive(n, arguments[0], arguments[1], arguments[2])
    if (op !== null) return op as unknown as Receive<unknown>
  }
  const items: unknown[] = new Array(n)
  for (let i = 0; i < n; i++) items[i] = arguments[i]
  // biome-ignore-end lint/complexity/noArguments: see above
  return makeReceive(items, receive) as unknown as Receive<unknown>
}

/**
 * A receive clause: when `pattern` matches, `receive` returns `handler(message)` (the message is
 * typed by the pattern). The handler runs in the receiving process.
 *
 * @example
 * ```ts
 * yield* Process.receive(Process.on(['ping', P.instanceOf(Process.Pid)], ([, from]) => Process.send(from, 'pong')))
 * ```
 */
export function on<const Pat, R>(pattern: Pat, handler: (msg: ResultOf<Pat>) => R): Clause<R> {
  return new Clause(pattern, handler as (m: unknown) => R)
}

/**
 * The timeout clause of a receive: if no message matches within `ms` (0 = just check the
 * mailbox, `Infinity` = wait forever), `receive` returns `handler()` (or `undefined`).
 *
 * @example
 * ```ts
 * const msg = yield* Process.receive('pong', Process.after(500, () => 'no answer' as const))
 * ```
 */
export function after(ms: number): After<undefined>
export function after<R>(ms: number, handler: () => R): After<R>
export function after<R>(ms: number, handler?: () => R): After<R | undefined> {
  const t = checkTimeout(ms, after)
  return new After(t, handler ?? null)
}

/**
 * Suspends the calling process for `ms` milliseconds without touching its mailbox, and gives
 * `'ok'` (`receive after ms -> ok end`).
 *
 * @example
 * ```ts
 * yield* Process.sleep(100) // 'ok'
 * ```
 */
export function sleep(ms: number): Receive<'ok'> {
  return makeSleep(checkTimeout(ms, sleep)) as unknown as Receive<'ok'>
}

/**
 * Puts the calling process to sleep until a message arrives, dropping its call stack
 * (`Process.hibernate/3`, `erlang:hibernate/3`): when its mailbox holds a message (at once if it
 * already does) the process continues as `fn(...args)`, with the message still in the mailbox,
 * and ends (`normal`) when that returns; a throw crashes it as usual. It never comes back: the
 * code after it, and the `catch`/`finally` blocks around it, do not run, so write
 * `return yield* Process.hibernate(loop, [state])` (or `await` it in an async process, whose
 * pending `await` is then simply never settled). `fn` is any body: a generator, async or plain
 * function. Beamish has no per-process heap to compact; what hibernating frees is the abandoned
 * stack (the generators and what they hold). Throws `ERR_BEAMISH_NOT_IN_PROCESS` outside a
 * process and `ERR_BEAMISH_BADARG` when `fn` is not a function or `args` not an array.
 *
 * @example
 * ```ts
 * function* loop(count: number): Generator<unknown, void, unknown> {
 *   const msg = yield* Process.receive()
 *   if (msg === 'stop') return
 *   return yield* Process.hibernate(loop, [count + 1]) // idle between messages, with no stack
 * }
 * Process.spawn(function* () { return yield* Process.hibernate(loop, [0]) })
 * ```
 */
export function hibernate(fn: () => unknown): Receive<never>
export function hibernate<A extends unknown[]>(fn: (...args: A) => unknown, args: A): Receive<never>
export function hibernate(fn: Function, args: readonly unknown[] = NO_ARGS): Receive<never> {
  selfProc(hibernate)
  if (typeof fn !== 'function') throw badArg('a function to continue with', fn, hibernate)
  if (!Array.isArray(args)) throw badArg('the arguments as an array', args, hibernate)
  return hibernateOp(fn, args)
}

/**
 * Lets other processes run before continuing (`erlang:yield/0`): `yield Process.yield()` in a
 * long computation keeps the rest of the node responsive on one JS thread.
 *
 * @example
 * ```ts
 * for (let i = 0; i < 1e7; i++) { work(i); if (i % 10_000 === 0) yield Process.yield() }
 * ```
 */
function yieldNow(): typeof YIELD {
  return YIELD
}

export { yieldNow as yield }

/**
 * Removes and returns every message in the caller's mailbox (IEx's `flush/0` returns them
 * printed; here you get them as an array).
 *
 * @example
 * ```ts
 * Process.send(Process.self(), 1); Process.send(Process.self(), 2)
 * Process.flush() // [1, 2]
 * ```
 */
export function flush(): unknown[] {
  const p = selfProc(flush)
  const mb = p.mailbox
  if (mb === null) return []
  const out = mb.toArray()
  mb.clear()
  return out
}

// ------------------------------------------------------------------ links, monitors, exits

/**
 * Links the caller and `pid` (bidirectional; at most one link per pair; linking to yourself does
 * nothing). Linking to a dead local process throws `ERR_BEAMISH_NOPROC`, or, when the caller
 * traps exits, delivers `['EXIT', pid, 'noproc']` instead (semantics L-b).
 *
 * @example
 * ```ts
 * Process.link(worker)
 * ```
 */
export function link(pid: Pid): true {
  if (!(pid instanceof Pid)) throw badArg('a pid to link to', pid, link)
  sig.link(selfProc(link), pid, link)
  return true
}

/**
 * Removes the link between the caller and `pid`, at once. An `EXIT` already in the mailbox stays;
 * flush it with `receive(['EXIT', pid, P._], after(0))` (semantics L-d).
 *
 * @example
 * ```ts
 * Process.unlink(worker)
 * ```
 */
export function unlink(pid: Pid): true {
  if (!(pid instanceof Pid)) throw badArg('a pid to unlink', pid, unlink)
  sig.unlink(selfProc(unlink), pid)
  return true
}

export interface MonitorOptions {
  /**
   * Makes the monitor ref also an alias of the caller (Erlang's `monitor/3` with
   * `{alias, Mode}`), for requests whose reply must be dropped once the caller stops waiting:
   * `'explicit_unalias'` keeps it until {@link unalias}; `'demonitor'` also ends it when the
   * monitor goes (`demonitor` or the DOWN); `'reply_demonitor'` also ends it, and the monitor,
   * when the first message sent to the alias arrives.
   */
  readonly alias?: 'explicit_unalias' | 'demonitor' | 'reply_demonitor'
}

/**
 * Monitors a process (a pid, a registered name, or `[name, node]`) and returns the monitor ref.
 * When it ends (or if it is already gone: reason `'noproc'`) the caller gets exactly one
 * `['DOWN', ref, 'process', object, reason]`, where `object` is the pid, or `[name, node]` when
 * monitored by name. Monitors stack and never kill the watcher. With `{ alias }` the ref is also
 * an alias of the caller (see {@link MonitorOptions}).
 *
 * **Details** (as on the BEAM): monitoring yourself returns a ref and creates nothing: no DOWN,
 * no entry in `info().monitors`, no alias, and `demonitor(ref, { info: true })` is false. A pid of
 * another node while this node is not distributed gives `DOWN … 'noconnection'` at once, but
 * `[name, otherNode]` then throws `ERR_BEAMISH_BADARG` (Erlang's badarg); once distribution runs
 * an unreachable node gives `DOWN … 'noconnection'` for both.
 *
 * @example
 * ```ts
 * const ref = Process.monitor(pid)
 * const [, , , , reason] = yield* Process.receive(['DOWN', ref, 'process', P._, P._])
 * ```
 */
export function monitor(target: Pid | string | readonly [string, string], opts?: MonitorOptions): Ref {
  const mode = opts === undefined ? null : checkMonitorOptions(opts)
  const p = selfProc(monitor)
  checkMonitorTarget(target, monitor)
  return sig.monitor(p, target, mode, monitor)
}

const ALIAS_MODES = new Set(['explicit_unalias', 'demonitor', 'reply_demonitor'])

function checkMonitorOptions(opts: unknown): 'explicit_unalias' | 'demonitor' | 'reply_demonitor' | null {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw badArg('monitor options to be an object', opts, monitor, 'ERR_BEAMISH_INVALID_OPTION')
  }
  for (const k in opts) {
    if (k !== 'alias') {
      throw badArg('a monitor option (alias is the only one)', k, monitor, 'ERR_BEAMISH_INVALID_OPTION')
    }
  }
  const mode = (opts as MonitorOptions).alias
  if (mode === undefined) return null
  if (!ALIAS_MODES.has(mode)) {
    const what = 'the alias option to be "explicit_unalias", "demonitor" or "reply_demonitor"'
    throw badArg(what, mode, monitor, 'ERR_BEAMISH_INVALID_OPTION')
  }
  return mode
}

export interface DemonitorOptions {
  /** Also remove one `DOWN` for this ref from the mailbox. */
  readonly flush?: boolean
  /** Return whether the monitor was still active (see {@link demonitor}). */
  readonly info?: boolean
}

/**
 * Removes a monitor; no `DOWN` for it arrives afterwards. Returns `true`, or with `{ info: true }`
 * whether the monitor was found (false: its `DOWN` was already sent); with `{ flush, info }`,
 * false exactly when a `DOWN` had to be flushed (semantics M-g, M-h).
 *
 * @example
 * ```ts
 * Process.demonitor(ref, { flush: true })
 * ```
 */
export function demonitor(ref: Ref, opts?: DemonitorOptions): boolean {
  if (!(ref instanceof Ref)) throw badArg('a monitor reference', ref, demonitor)
  if (opts === undefined) return sig.demonitor(selfProc(demonitor), ref, false, false)
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw badArg('demonitor options to be an object', opts, demonitor, 'ERR_BEAMISH_INVALID_OPTION')
  }
  for (const k in opts) {
    const v = (opts as Record<string, unknown>)[k]
    if ((k !== 'flush' && k !== 'info') || (v !== undefined && typeof v !== 'boolean')) {
      const what = 'demonitor options flush and info (booleans)'
      throw badArg(what, opts, demonitor, 'ERR_BEAMISH_INVALID_OPTION')
    }
  }
  return sig.demonitor(selfProc(demonitor), ref, opts.flush === true, opts.info === true)
}

/**
 * Sends an exit signal to `pid` (Erlang's `exit/2`): `'kill'` always kills (reason `'killed'`);
 * `'normal'` is ignored unless the target traps exits, or is the caller itself; any other reason
 * kills a process that does not trap exits and becomes `['EXIT', from, reason]` for one that
 * does. Always returns `true`. To exit the calling process with a reason, `throw exit(reason)`.
 *
 * @example
 * ```ts
 * Process.exit(pid, 'shutdown')
 * Process.exit(pid, 'kill')
 * ```
 */
export function exit(pid: Pid, reason: unknown): true {
  if (!(pid instanceof Pid)) throw badArg('a pid to send an exit signal to', pid, exit)
  sig.exitPid(currentProc(), pid, reason)
  return true
}

/**
 * Sets the caller's `trapExit` flag and returns the old value (`Process.flag(:trap_exit, b)`).
 * A trapping process receives exit signals as `['EXIT', from, reason]` messages instead of
 * dying (except `exit(pid, 'kill')`).
 *
 * @example
 * ```ts
 * Process.trapExit(true)
 * ```
 */
export function trapExit(on: boolean): boolean {
  if (typeof on !== 'boolean') throw badArg('a boolean', on, trapExit)
  const p = selfProc(trapExit)
  const old = p.trapExit
  p.trapExit = on
  return old
}

// ------------------------------------------------------------------ refs and aliases

/**
 * A fresh unique reference (`make_ref()`).
 *
 * @example
 * ```ts
 * const ref = Process.makeRef()
 * Process.send(server, ['get', Process.self(), ref])
 * const [, value] = yield* Process.receive([ref, P._])
 * ```
 */
export function makeRef(): Ref {
  return sig.makeRef(currentProc())
}

/**
 * Creates an alias for the caller: a ref that works as an address (`send(alias, msg)`) until
 * {@link unalias} deactivates it; then messages to it are dropped (semantics §8).
 *
 * @example
 * ```ts
 * const a = Process.alias()
 * Process.send(a, 'hi') // arrives
 * Process.unalias(a)
 * Process.send(a, 'lost') // dropped
 * ```
 */
export function alias(): Ref {
  return sig.alias(selfProc(alias))
}

/**
 * Deactivates an alias made by the caller; returns false if it was not active.
 *
 * @example
 * ```ts
 * Process.unalias(a)
 * ```
 */
export function unalias(ref: Ref): boolean {
  if (!(ref instanceof Ref)) throw badArg('an alias (a reference)', ref, unalias)
  return sig.unalias(selfProc(unalias), ref)
}

// ------------------------------------------------------------------ names

/**
 * Registers `pid` under `name`. Throws when the name is taken (`ERR_BEAMISH_NAME_TAKEN`), the
 * process already has a name (`ERR_BEAMISH_ALREADY_REGISTERED`), is dead (`ERR_BEAMISH_NOPROC`),
 * or the name is invalid (`ERR_BEAMISH_INVALID_NAME`). The name goes away when the process exits,
 * before its links and monitors are told.
 *
 * @example
 * ```ts
 * Process.register('kv', pid)
 * Process.send('kv', ['put', 'a', 1])
 * ```
 */
export function register(name: string, pid: Pid): true {
  if (!(pid instanceof Pid)) throw badArg('a pid to register', pid, register)
  names.register(name, pid, register)
  return true
}

/**
 * Removes a registered name; throws `ERR_BEAMISH_NOT_REGISTERED` when nobody has it.
 *
 * @example
 * ```ts
 * Process.unregister('kv')
 * ```
 */
export function unregister(name: string): true {
  names.unregister(name, unregister)
  return true
}

/**
 * The pid registered under `name`, or `undefined`.
 *
 * @example
 * ```ts
 * const kv = Process.whereis('kv')
 * ```
 */
export function whereis(name: string): Pid | undefined {
  names.checkName(name, whereis)
  return names.whereis(name)
}

/**
 * All registered names.
 *
 * @example
 * ```ts
 * Process.registered() // ['kv', …]
 * ```
 */
export function registered(): string[] {
  return [...names.names.keys()]
}

// ------------------------------------------------------------------ introspection

/**
 * Whether a local process is alive. Remote pids answer `false` until distribution is started.
 *
 * @example
 * ```ts
 * Process.exit(pid, 'kill')
 * Process.alive(pid) // false: the kill is processed before the check (semantics P6)
 * ```
 */
export function alive(pid: Pid): boolean {
  if (!(pid instanceof Pid)) throw badArg('a pid', pid, alive)
  const p = pid.proc as { alive: boolean } | null
  return p !== null && p.alive === true
}

/**
 * Pids of every live local process.
 *
 * @example
 * ```ts
 * Process.list().length
 * ```
 */
export function list(): Pid[] {
  const out: Pid[] = []
  for (const p of table.values()) if (p.alive) out.push(p.pid)
  return out
}

/**
 * What is known about a live local process, or `undefined` when it is dead: status, mailbox
 * length, links, monitors, registered name, trapExit, reductions, a memory estimate, the initial
 * call, label, parent and ancestors.
 *
 * @example
 * ```ts
 * Process.info(pid)?.messageQueueLen
 * ```
 */
export function info(pid: Pid): ProcessInfo | undefined {
  if (!(pid instanceof Pid)) throw badArg('a pid', pid, info)
  return infoOf(pid)
}

/**
 * Sets the caller's label, shown by `Process.info` and in crash reports.
 *
 * @example
 * ```ts
 * Process.setLabel(['worker', 3])
 * ```
 */
export function setLabel(label: unknown): void {
  selfProc(setLabel).x().label = label
}

/**
 * Stores a value in the caller's process dictionary and returns the previous one.
 *
 * @example
 * ```ts
 * Process.put('request_id', 42)
 * ```
 */
export function put(key: unknown, value: unknown): unknown {
  const d = (selfProc(put).x().dict ??= new Map())
  const old = d.get(key)
  d.set(key, value)
  return old
}

/**
 * Reads the caller's process dictionary: the value under `key`, or `fallback` (default
 * `undefined`, Elixir's `nil`). Without arguments, the whole dictionary as `[key, value]` pairs
 * (Elixir's `get/0`), in the order the keys were first put.
 *
 * @example
 * ```ts
 * Process.get('request_id') // 42
 * Process.get('missing', 0) // 0
 * Process.get()             // [['request_id', 42], …]
 * ```
 */
export function get(): [unknown, unknown][]
export function get(key: unknown, fallback?: unknown): unknown
export function get(key?: unknown, fallback?: unknown): unknown {
  const d = selfProc(get).ext?.dict
  // biome-ignore lint/complexity/noArguments: get() and get(undefined) differ, as in Elixir
  if (arguments.length === 0) return d === undefined || d === null ? [] : [...d]
  return d?.has(key) === true ? d.get(key) : fallback
}

/**
 * Removes `key` from the caller's process dictionary and returns its value, or `undefined` when
 * there was none (Elixir's `delete/1`).
 *
 * @example
 * ```ts
 * Process.put('request_id', 42)
 * Process.delete('request_id') // 42
 * Process.get('request_id')    // undefined
 * ```
 */
function deleteKey(key: unknown): unknown {
  const d = selfProc(deleteKey).ext?.dict
  if (d === undefined || d === null) return undefined
  const old = d.get(key)
  d.delete(key)
  return old
}

export { deleteKey as delete }

/**
 * The keys of the caller's process dictionary (Elixir's `get_keys/0`); with `value`, only those
 * whose value is that term (`get_keys/1`, compared as `===` terms: data structurally).
 *
 * @example
 * ```ts
 * Process.put('a', 1); Process.put('b', 2); Process.put('c', 1)
 * Process.getKeys()  // ['a', 'b', 'c']
 * Process.getKeys(1) // ['a', 'c']
 * ```
 */
export function getKeys(value?: unknown): unknown[] {
  const d = selfProc(getKeys).ext?.dict
  if (d === undefined || d === null) return []
  // biome-ignore lint/complexity/noArguments: getKeys() and getKeys(undefined) differ
  if (arguments.length === 0) return [...d.keys()]
  const out: unknown[] = []
  for (const [k, v] of d) if (sameTerm(v, value)) out.push(k)
  return out
}

// ------------------------------------------------------------------ timers

/**
 * Sends `msg` to `dest` after `ms` milliseconds; returns a timer ref for {@link cancelTimer} /
 * {@link readTimer}. A timer whose destination is a pid is cancelled when that process exits.
 *
 * @example
 * ```ts
 * const t = Process.sendAfter(Process.self(), 'tick', 1000)
 * ```
 */
export function sendAfter(dest: Pid | string, msg: unknown, ms: number): Ref {
  return sendAfterT(dest, msg, checkTimeout(ms, sendAfter), sendAfter)
}

/**
 * Cancels a timer; returns the milliseconds that were left, or `false` if it already fired or was
 * cancelled.
 *
 * @example
 * ```ts
 * Process.cancelTimer(t) // 998
 * ```
 */
export function cancelTimer(ref: Ref): number | false {
  if (!(ref instanceof Ref)) throw badArg('a timer reference', ref, cancelTimer)
  return cancelT(ref)
}

/**
 * Milliseconds left on a timer, or `false`.
 *
 * @example
 * ```ts
 * Process.readTimer(t) // 640
 * ```
 */
export function readTimer(ref: Ref): number | false {
  if (!(ref instanceof Ref)) throw badArg('a timer reference', ref, readTimer)
  return readT(ref)
}

/**
 * The name of the local node (`'nonode@nohost'` until distribution starts).
 *
 * @example
 * ```ts
 * Process.send(['kv', Process.nodeName()], 'ping')
 * ```
 */
export function nodeName(): string {
  return localNode.name
}
