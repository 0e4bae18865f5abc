import { createError, ExitError } from './errors.ts'
import { formatExit, inspect } from './format.ts'
import { log } from './logger.ts'
import { settle, startIn } from './runtime/callbacks.ts'
import { copyMessage } from './runtime/copy.ts'
import { currentProc, type Proc, self } from './runtime/proc.ts'
import { ReceiveOp } from './runtime/receive.ts'
import { deliver } from './runtime/scheduler.ts'
import * as sig from './runtime/signals.ts'
import { spawnProc } from './runtime/spawn.ts'
import { localNode } from './term/nodeRef.ts'
import type { Pid } from './term/pid.ts'

/**
 * Applications (OTP's application controller + application master, much simplified): an
 * application is a named unit with an environment and a start callback returning its root
 * supervisor. A master process per running application links to the root and reacts to its
 * exit according to the restart type.
 */

export type RestartType = 'permanent' | 'transient' | 'temporary'

export interface AppSpec {
  readonly name: string
  /** Applications to start first (names of defined applications). */
  readonly applications?: readonly string[]
  /** Default environment (keys → values); `putEnv` and start options override it. */
  readonly env?: Readonly<Record<string, unknown>>
  /**
   * Starts the root supervisor (linked to the caller, the application master) and returns
   * `['ok', pid]` (or `['ok', pid, state]`); it may block (an op such as `Supervisor.startLink`,
   * a generator, or an async function, which stays in the master across its awaits).
   */
  start(type: 'normal', args: any): unknown
  /**
   * Called in the master once the application's tree has stopped, with the state `start`
   * returned; the master waits for it if it blocks. A failure is logged.
   */
  stop?(state: unknown): unknown
}

interface Running {
  readonly spec: AppSpec
  readonly master: Proc
  readonly restart: RestartType
  state: unknown
}

export const defined = new Map<string, AppSpec>()
export const running = new Map<string, Running>()
/** Start order, for stopping everything in reverse. */
export const order: string[] = []
export const envs = new Map<string, Map<string, unknown>>()

export function env(app: string): Map<string, unknown> {
  let e = envs.get(app)
  if (e === undefined) {
    e = new Map()
    envs.set(app, e)
  }
  return e
}

/**
 * The application master's body: start the root (linked to us), ack the starter, then wait for
 * the root to exit or for a stop request. Why a process of its own: the root supervisor's
 * parent must be a process that outlives any caller of `Application.start`.
 */
function* master(spec: AppSpec, restart: RestartType, starter: Proc, tag: object) {
  const me = currentProc()!
  me.trapExit = true
  let r: unknown
  try {
    // Why startIn: an async start must still be this process after its first await, or the
    // root it starts would be linked to a short-lived process instead of the master.
    r = yield* settle(startIn(me, spec.start, spec, ['normal', undefined]))
  } catch (e) {
    r = ['error', e instanceof ExitError ? e.reason : e]
  }
  if (!Array.isArray(r) || r[0] !== 'ok' || !(r.length === 2 || r.length === 3)) {
    const reason = Array.isArray(r) && r[0] === 'error' ? r[1] : ['bad_return', [spec.name, 'start', r]]
    deliver(starter, [tag, ['error', [reason, [spec.name, 'start', ['normal', undefined]]]]])
    return
  }
  const root = r[1] as Pid
  const state = r.length === 3 ? r[2] : undefined
  running.set(spec.name, { spec, master: me, restart, state })
  order.push(spec.name)
  keepAlive()
  // A progress report, as OTP's application controller gives one (shown with handleSaslReports).
  log('info', `Application ${spec.name} started at ${localNode.name}`, {
    application: spec.name,
    domain: ['otp', 'sasl'],
  })
  deliver(starter, [tag, 'ok'])
  const msg = (yield new ReceiveOp(
    [(m) => Array.isArray(m) && ((m[0] === 'EXIT' && m[1] === root) || m[0] === '$app_stop')],
    null,
    -1,
    null,
    -1,
  )) as unknown[]
  running.delete(spec.name)
  const i = order.lastIndexOf(spec.name)
  if (i >= 0) order.splice(i, 1)
  keepAlive()
  if (msg[0] === '$app_stop') {
    const [, replyTo, replyTag] = msg as [string, Proc, object]
    const mref = sig.monitor(me, root, null, master)
    sig.exitPid(me, root, 'shutdown')
    yield new ReceiveOp([sig.isDownOf(mref)], null, -1, null, -1)
    yield* callStop(spec, state, me)
    log('notice', `Application ${spec.name} exited: stopped`, { application: spec.name })
    deliver(replyTo, [replyTag, 'ok'])
    return
  }
  const reason = msg[2]
  yield* callStop(spec, state, me)
  // The reason in words, as Elixir's Exception.format_exit puts it (`killed`, `shutdown: x`).
  log('notice', `Application ${spec.name} exited: ${formatExit(reason)}`, { application: spec.name })
  if (restart === 'permanent' || (restart === 'transient' && sig.abnormal(reason))) {
    // OTP stops the whole node when a permanent application dies: "let it crash" all the way up.
    log('error', `Application ${spec.name} (${restart}) terminated: stopping the node`, {
      application: spec.name,
    })
    nodeStopper(1)
  }
}

/** Runs the stop callback in the master, waiting for it if it blocks (an async stop, say). */
function* callStop(spec: AppSpec, state: unknown, me: Proc) {
  if (spec.stop === undefined) return
  try {
    yield* settle(startIn(me, spec.stop, spec, [state]))
  } catch (e) {
    log('error', `Application ${spec.name} stop callback failed: ${inspect(e)}`, { application: spec.name })
  }
}

let alive: NodeJS.Timeout | null = null

/**
 * Keeps the Node.js process running while any application runs. Why: processes blocked in
 * `receive` are not work Node knows about, so without a handle an application of pure
 * processes would see Node exit at once; a running application is a running node, as on the
 * BEAM, until it is stopped (or a signal stops it).
 */
function keepAlive(): void {
  if (running.size > 0 && alive === null) alive = setInterval(() => {}, 1 << 30)
  else if (running.size === 0 && alive !== null) {
    clearInterval(alive)
    alive = null
  }
}

/** How the node stops (overridable so tests can observe instead of exiting). */
export let nodeStopper: (code: number) => void = (code) => {
  stopAllThenExit(code)
}
export function setNodeStopper(f: (code: number) => void): void {
  nodeStopper = f
}

/** Starts one application whose dependencies are running. */
export function* startOne(spec: AppSpec, restart: RestartType): Generator<unknown, unknown, unknown> {
  if (running.has(spec.name)) return ['error', ['already_started', spec.name]]
  for (const dep of spec.applications ?? []) {
    if (!running.has(dep)) return ['error', ['not_started', dep]]
  }
  const starter = self(startOne)
  const defaults = spec.env ?? {}
  const e = env(spec.name)
  for (const k of Object.keys(defaults)) if (!e.has(k)) e.set(k, copyMessage(defaults[k]))
  const tag = {}
  const proc = spawnProc(
    master,
    [spec, restart, starter, tag],
    { label: ['application_master', spec.name] },
    startOne,
  )
  const mref = sig.monitor(starter, proc.pid, null, startOne)
  const got = (yield new ReceiveOp(
    [(m) => Array.isArray(m) && m.length === 2 && m[0] === tag, sig.isDownOf(mref)],
    null,
    -1,
    null,
    mref.mark,
  )) as unknown[]
  sig.demonitor(starter, mref, true, false)
  if (got[0] === 'DOWN') return ['error', got[4]]
  return got[1]
}

/** Stops one running application: its tree shuts down in order, then its `stop` runs. */
export function* stopOne(name: string): Generator<unknown, unknown, unknown> {
  const app = running.get(name)
  if (app === undefined) return ['error', ['not_started', name]]
  const me = self(stopOne)
  const tag = {}
  deliver(app.master, ['$app_stop', me, tag])
  yield new ReceiveOp([(m) => Array.isArray(m) && m[0] === tag], null, -1, null, -1)
  return 'ok'
}

/** Orders `name` and its dependencies (dependencies first); throws on unknown names or cycles. */
export function startOrder(name: string, caller: Function): AppSpec[] {
  const out: AppSpec[] = []
  const seen = new Set<string>()
  const visiting = new Set<string>()
  const visit = (n: string, path: string[]) => {
    if (seen.has(n)) return
    if (visiting.has(n)) {
      throw createError(
        'ERR_BEAMISH_BADARG',
        `circular application dependency: ${[...path, n].join(' -> ')}`,
        caller,
      )
    }
    const spec = defined.get(n)
    if (spec === undefined) {
      throw createError(
        'ERR_BEAMISH_BADARG',
        `unknown application ${JSON.stringify(n)}${path.length > 0 ? ` (needed by ${path[path.length - 1]})` : ''}: define it with Application.define first`,
        caller,
      )
    }
    visiting.add(n)
    for (const d of spec.applications ?? []) visit(d, [...path, n])
    visiting.delete(n)
    seen.add(n)
    out.push(spec)
  }
  visit(name, [])
  return out
}

let stopping = false

/** Stops every running application in reverse start order, then exits with `code`. */
export function stopAllThenExit(code: number): void {
  if (stopping) return
  stopping = true
  const names = [...order].reverse()
  const body = function* () {
    for (const n of names) yield* stopOne(n)
  }
  const proc = spawnProc(body, [], { label: 'application_shutdown' }, stopAllThenExit)
  proc.x().onExit = () => {
    process.exitCode = code
    // Why an explicit exit: like the BEAM's init:stop, stopping the applications ends the node
    // even if a stray timer or socket would otherwise keep Node's event loop alive.
    setImmediate(() => process.exit(code))
  }
}

let signalsInstalled = false
export function installSignalHandlers(): void {
  if (signalsInstalled) return
  signalsInstalled = true
  const onSignal = (name: string) => {
    if (stopping) return
    log('notice', `${name} received - shutting down`, {})
    stopAllThenExit(0)
  }
  // Why `on`, not `once`: a signal that comes again while the node stops must not kill it half
  // way (its default action). Ctrl-C under `npm start` arrives twice: from the terminal, and
  // forwarded by npm to its child.
  process.on('SIGINT', () => onSignal('SIGINT'))
  process.on('SIGTERM', () => onSignal('SIGTERM'))
}
