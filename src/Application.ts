/**
 * Applications: a named component with its own supervision tree and environment, started and
 * stopped as a unit (Elixir's `Application`).
 *
 * ## Example
 *
 * ```ts
 * import { Application, Supervisor } from 'beamish'
 *
 * const HighScores = Application.define({
 *   name: 'high_scores',
 *   env: { port: 4000 },
 *   start: () =>
 *     Supervisor.startLink([Registry.childSpec(…), TableSupervisor], { strategy: 'one_for_one' }),
 * })
 *
 * await Application.start('high_scores')       // 'ok'
 * Application.getEnv('high_scores', 'port')     // 4000
 * await Application.stop('high_scores')         // the tree shuts down in order
 * ```
 *
 * ## Restart types
 *
 * - `'temporary'` (default): if the application's root supervisor exits, that is logged and the
 *   application is stopped; the node goes on.
 * - `'transient'`: an abnormal exit stops the whole node; `'normal'`/`'shutdown'` do not.
 * - `'permanent'`: any exit of the root stops the whole node (every application in reverse
 *   start order, then the Node.js process).
 *
 * ## Signals
 *
 * The first application started installs SIGINT/SIGTERM handlers (unless `handleSignals:
 * false`): on either signal every running application is stopped in reverse start order, each
 * tree shutting down in order, and the process exits 0 — like the BEAM on SIGTERM.
 *
 * @module
 */

import {
  type AppSpec,
  defined,
  env,
  installSignalHandlers,
  order,
  type RestartType,
  running,
  startOne,
  startOrder,
  stopAllThenExit,
  stopOne,
} from './internal/application.ts'
import { badArg, createError } from './internal/errors.ts'
import { copyMessage } from './internal/runtime/copy.ts'
import { Op } from './internal/runtime/op.ts'
import type { Receive } from './internal/runtime/receive.ts'

export type { AppSpec, RestartType }

export interface StartOptions {
  /** `'temporary'` (default), `'transient'` or `'permanent'`. */
  readonly type?: RestartType
  /** Install SIGINT/SIGTERM handlers that stop all applications (default true). */
  readonly handleSignals?: boolean
}

const RESTARTS: readonly RestartType[] = ['permanent', 'transient', 'temporary']

/**
 * Declares an application so it can be started by name and named as a dependency. Returns the
 * spec.
 *
 * @example
 * ```ts
 * const App = Application.define({ name: 'my_app', start: () => Supervisor.startLink([], { strategy: 'one_for_one' }) })
 * ```
 */
export function define<S extends AppSpec>(spec: S): S {
  if (typeof spec !== 'object' || spec === null || typeof spec.name !== 'string' || spec.name === '') {
    throw badArg('an application spec: { name: string, start(type, args) { … } }', spec, define)
  }
  if (typeof spec.start !== 'function')
    throw badArg(`a start function in application ${spec.name}`, spec.start, define)
  const known = defined.get(spec.name)
  if (known !== undefined && known !== spec && running.has(spec.name)) {
    throw createError(
      'ERR_BEAMISH_NAME_TAKEN',
      `application ${JSON.stringify(spec.name)} is already defined and running`,
      define,
    )
  }
  defined.set(spec.name, spec)
  return spec
}

function nameOf(app: AppSpec | string, caller: Function): string {
  if (typeof app === 'string') return app
  if (typeof app === 'object' && app !== null && typeof app.name === 'string') {
    if (!defined.has(app.name)) define(app)
    return app.name
  }
  throw badArg('an application name or spec', app, caller)
}

function checkOptions(
  opts: StartOptions | RestartType | undefined,
  caller: Function,
): Required<StartOptions> {
  const o: StartOptions = typeof opts === 'string' ? { type: opts } : (opts ?? {})
  const type = o.type ?? 'temporary'
  if (!RESTARTS.includes(type)) {
    throw badArg(
      `a restart type (one of 'permanent', 'transient', 'temporary')`,
      type,
      caller,
      'ERR_BEAMISH_INVALID_OPTION',
    )
  }
  return { type, handleSignals: o.handleSignals ?? true }
}

/**
 * Starts an application whose dependencies are already running. Resolves `'ok'` or
 * `['error', reason]` (`['already_started', name]`, `['not_started', dep]`, or why its start
 * failed).
 *
 * @example
 * ```ts
 * yield* Application.start(App)                    // or await, from anywhere
 * yield* Application.start('my_app', 'permanent')
 * ```
 */
export function start(
  app: AppSpec | string,
  opts?: StartOptions | RestartType,
): Receive<'ok' | readonly ['error', unknown]> {
  const name = nameOf(app, start)
  const o = checkOptions(opts, start)
  const spec = defined.get(name)
  if (spec === undefined)
    throw createError('ERR_BEAMISH_BADARG', `unknown application ${JSON.stringify(name)}`, start)
  if (o.handleSignals) installSignalHandlers()
  return new Op(
    () => startOne(spec, o.type) as Generator<unknown, 'ok' | readonly ['error', unknown], unknown>,
  )
}

/**
 * Starts an application and, first, every application it depends on (in dependency order).
 * Resolves `['ok', startedNames]` or `['error', reason]`.
 *
 * @example
 * ```ts
 * const [, started] = yield* Application.ensureAllStarted('web')   // ['ok', ['db', 'web']]
 * ```
 */
export function ensureAllStarted(
  app: AppSpec | string,
  opts?: StartOptions | RestartType,
): Receive<readonly ['ok', string[]] | readonly ['error', unknown]> {
  const name = nameOf(app, ensureAllStarted)
  const o = checkOptions(opts, ensureAllStarted)
  const specs = startOrder(name, ensureAllStarted)
  if (o.handleSignals) installSignalHandlers()
  return new Op(function* () {
    const started: string[] = []
    for (const spec of specs) {
      if (running.has(spec.name)) continue
      const r = yield* startOne(spec, o.type)
      if (r !== 'ok') return ['error', [spec.name, (r as unknown[])[1]]] as const
      started.push(spec.name)
    }
    return ['ok', started] as const
  })
}

/**
 * Stops a running application: its supervision tree shuts down in order (children in reverse
 * start order), then its `stop` callback runs. Resolves `'ok'` or `['error', ['not_started', name]]`.
 *
 * @example
 * ```ts
 * yield* Application.stop('my_app')
 * ```
 */
export function stop(app: AppSpec | string): Receive<'ok' | readonly ['error', unknown]> {
  const name = nameOf(app, stop)
  return new Op(() => stopOne(name) as Generator<unknown, 'ok' | readonly ['error', unknown], unknown>)
}

/**
 * Stops every running application in reverse start order, then exits the Node.js process with
 * `code` (what SIGINT/SIGTERM do).
 *
 * @example
 * ```ts
 * Application.stopAll(0)
 * ```
 */
export function stopAll(code = 0): void {
  stopAllThenExit(code)
}

/**
 * Names of the running applications, in start order.
 *
 * @example
 * ```ts
 * Application.startedApplications() // ['db', 'web']
 * ```
 */
export function startedApplications(): string[] {
  return [...order]
}

/**
 * A value from an application's environment, or `fallback`. The environment holds copies: what
 * `putEnv` (or an application's `env`) stored is copied in, and each read hands out a copy.
 *
 * @example
 * ```ts
 * Application.getEnv('my_app', 'port', 4000)
 * ```
 */
export function getEnv<T = unknown>(app: string, key: string, fallback?: T): T {
  const e = env(app)
  return (e.has(key) ? copyMessage(e.get(key)) : fallback) as T
}

/**
 * `['ok', value]` or `'error'` when the key is not set.
 *
 * @example
 * ```ts
 * const r = Application.fetchEnv('my_app', 'port')
 * ```
 */
export function fetchEnv(app: string, key: string): readonly ['ok', unknown] | 'error' {
  const e = env(app)
  return e.has(key) ? ['ok', copyMessage(e.get(key))] : 'error'
}

/**
 * The value, or throws (Elixir's `fetch_env!`).
 *
 * @example
 * ```ts
 * const port = Application.fetchEnvOrThrow('my_app', 'port') as number
 * ```
 */
export function fetchEnvOrThrow(app: string, key: string): unknown {
  const e = env(app)
  if (!e.has(key)) {
    throw createError(
      'ERR_BEAMISH_BADARG',
      `could not fetch application environment ${JSON.stringify(key)} for application ${JSON.stringify(app)}: ${defined.has(app) ? 'the key is not set' : 'the application is not defined'}`,
      fetchEnvOrThrow,
    )
  }
  return copyMessage(e.get(key))
}

/**
 * Sets a value in an application's environment (before or after it starts).
 *
 * @example
 * ```ts
 * Application.putEnv('my_app', 'port', 0)
 * ```
 */
export function putEnv(app: string, key: string, value: unknown): void {
  env(app).set(key, copyMessage(value))
}

/**
 * The whole environment of an application as an object.
 *
 * @example
 * ```ts
 * Application.getAllEnv('my_app') // { port: 4000 }
 * ```
 */
export function getAllEnv(app: string): Record<string, unknown> {
  return Object.fromEntries(Array.from(env(app), ([k, v]) => [k, copyMessage(v)]))
}
