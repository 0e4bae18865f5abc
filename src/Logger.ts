/**
 * Logging, shaped like Elixir's Logger: levels, pluggable handlers, and crash reports in
 * Elixir's words (`Process #PID<0.102.0> raised an exception` + error + stack).
 *
 * The default handler prints `12:00:00.000 [error] …` to stderr. Replace or add handlers to send
 * events elsewhere; every event carries the formatted `message` and, for OTP reports, the
 * structured `report`.
 *
 * @example
 * ```ts
 * import { Logger } from 'beamish'
 * Logger.setLevel('warning')
 * Logger.addHandler('json', (e) => console.log(JSON.stringify({ level: e.level, msg: e.message })))
 * Logger.error('disk full')
 * ```
 *
 * @module
 */
import { badArg } from './internal/errors.ts'
import {
  consoleHandler,
  formatEvent,
  type Handler,
  type Level,
  type LogEvent,
  log,
  state,
} from './internal/logger.ts'

export type { Handler, Level, LogEvent }
export { consoleHandler, formatEvent }

const LEVELS: readonly Level[] = ['debug', 'info', 'notice', 'warning', 'error']

function checkLevel(level: unknown, caller: Function): Level {
  if (!LEVELS.includes(level as Level)) {
    throw badArg(
      `a log level (one of ${LEVELS.map((l) => `'${l}'`).join(', ')})`,
      level,
      caller,
      'ERR_BEAMISH_INVALID_OPTION',
    )
  }
  return level as Level
}

/**
 * Drops events below `level` (default `'debug'`: everything).
 *
 * @example
 * ```ts
 * Logger.setLevel('error')
 * ```
 */
export function setLevel(level: Level): void {
  state.level = checkLevel(level, setLevel)
}

/**
 * Configures the logger: the minimum `level`, and `handleSaslReports` (default false, as in
 * Elixir) to also log supervisor progress reports and other `sasl`-domain events.
 *
 * @example
 * ```ts
 * Logger.configure({ level: 'info', handleSaslReports: true })
 * ```
 */
export function configure(opts: { readonly level?: Level; readonly handleSaslReports?: boolean }): void {
  if (opts.level !== undefined) state.level = checkLevel(opts.level, configure)
  if (opts.handleSaslReports !== undefined) state.handleSaslReports = opts.handleSaslReports === true
}

/**
 * The current minimum level.
 *
 * @example
 * ```ts
 * Logger.level() // 'debug'
 * ```
 */
export function level(): Level {
  return state.level
}

/**
 * Adds (or replaces) the handler registered under `id`. The default one is `'console'`.
 *
 * @example
 * ```ts
 * Logger.addHandler('memory', (e) => events.push(e))
 * ```
 */
export function addHandler(id: string, handler: Handler): void {
  if (typeof handler !== 'function') throw badArg('a handler function', handler, addHandler)
  state.handlers.set(id, handler)
}

/**
 * Removes a handler; returns whether it existed.
 *
 * @example
 * ```ts
 * Logger.removeHandler('console') // silence the default output
 * ```
 */
export function removeHandler(id: string): boolean {
  return state.handlers.delete(id)
}

/**
 * Logs `message` at `level` with optional metadata.
 *
 * @example
 * ```ts
 * Logger.log('info', 'user signed in', { user: 42 })
 * ```
 */
export function logAt(level: Level, message: string, meta: Record<string, unknown> = {}): void {
  log(checkLevel(level, logAt), String(message), meta)
}
export { logAt as log }

/** @example Logger.debug('cache miss') */
export function debug(message: string, meta?: Record<string, unknown>): void {
  log('debug', String(message), meta)
}
/** @example Logger.info('started') */
export function info(message: string, meta?: Record<string, unknown>): void {
  log('info', String(message), meta)
}
/** @example Logger.notice('config reloaded') */
export function notice(message: string, meta?: Record<string, unknown>): void {
  log('notice', String(message), meta)
}
/** @example Logger.warning('slow request') */
export function warning(message: string, meta?: Record<string, unknown>): void {
  log('warning', String(message), meta)
}
/** @example Logger.error('disk full') */
export function error(message: string, meta?: Record<string, unknown>): void {
  log('error', String(message), meta)
}
