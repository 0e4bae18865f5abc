/**
 * Logging, shaped like Elixir's Logger: its eight levels, pluggable handlers, per-process
 * metadata, lazy messages, and crash reports in Elixir's words (`Process #PID<0.102.0> raised
 * an exception` + error + stack).
 *
 * The default handler prints `12:00:00.000 [error] …` to stderr. Replace or add handlers to send
 * events elsewhere; every event carries the formatted `message` and, for OTP reports, the
 * structured `report`.
 *
 * - Levels, least severe first: `debug`, `info`, `notice`, `warning`, `error`, `critical`,
 *   `alert`, `emergency`. `'warn'` is accepted wherever a level is taken, as Elixir 1.14's alias
 *   of `'warning'`; the minimum level may also be `'all'` or `'none'`.
 * - A message is a string; a function, called only when its level is enabled, whose result is
 *   logged; or any other term, logged inspected. Messages over `truncate` bytes (8096 by
 *   default, counted in UTF-8) are cut and end with ` (truncated)`.
 * - An event logged from inside a process carries `meta.pid`, the metadata the process set with
 *   {@link metadata}, and the metadata given to the call (which wins over both).
 * - A handler that throws is removed, as OTP's logger removes a failing handler
 *   (`{removed_failing_handler, Id}`); the removal is reported once on stderr, and the logging
 *   process and the other handlers go on.
 *
 * @example
 * ```ts
 * import { Logger } from 'beamish'
 * Logger.setLevel('warning')
 * Logger.addHandler('json', (e) => console.log(JSON.stringify({ level: e.level, msg: e.message })))
 * Logger.error('disk full')
 * Logger.debug(() => JSON.stringify(process.memoryUsage())) // not called at level warning
 * ```
 *
 * @module
 */
import { badArg, checkKeys } from './internal/errors.ts'
import { inspect } from './internal/format.ts'
import {
  consoleHandler,
  formatEvent,
  type Handler,
  LEVEL_OF,
  LEVELS,
  type Level,
  type LogEvent,
  log,
  processMetadata,
  setProcessMetadata,
  state,
  type Threshold,
  wouldLog,
} from './internal/logger.ts'
import { currentProc, self as selfProc } from './internal/runtime/proc.ts'

export type { Handler, Level, LogEvent, Threshold }
export { consoleHandler, formatEvent }

/** Metadata given to a logging call: key-values added to the event's `meta`. */
export type Metadata = Readonly<Record<string, unknown>>

/** The options of {@link configure}. */
export interface Options {
  /** The minimum level (`'warn'` means `'warning'`). */
  readonly level?: Threshold | 'warn'
  /** Whether supervisor progress reports and other `sasl`-domain events are logged. */
  readonly handleSaslReports?: boolean
  /** The most bytes of a message logged before it is cut, or `'infinity'`. */
  readonly truncate?: number | 'infinity'
}

const OPTIONS: readonly (keyof Options)[] = ['level', 'handleSaslReports', 'truncate']

const LEVEL_NAMES = [...LEVELS, 'warn'].map((l) => `'${l}'`).join(', ')

/**
 * A level argument as the level it means (`'warn'` is `'warning'`); a coded error otherwise,
 * which lists the level names and then `also`.
 */
function eventLevel(level: unknown, caller: Function, also = ''): Level {
  const l = typeof level === 'string' ? LEVEL_OF.get(level) : undefined
  if (l === undefined) {
    throw badArg(`a log level (one of ${LEVEL_NAMES}${also})`, level, caller, 'ERR_BEAMISH_INVALID_OPTION')
  }
  return l
}

/** A minimum level argument: an event level, `'all'` or `'none'`. */
function threshold(level: unknown, caller: Function): Threshold {
  return level === 'all' || level === 'none' ? level : eventLevel(level, caller, ", 'all', 'none'")
}

function isPlainObject(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}

/**
 * Drops events below `level` (default `'debug'`, the lowest event level; `'all'` lets every
 * event through, `'none'` none). `'warn'` sets `'warning'`.
 *
 * @example
 * ```ts
 * Logger.setLevel('error')
 * ```
 */
export function setLevel(level: Threshold | 'warn'): void {
  state.level = threshold(level, setLevel)
}

/**
 * Configures the logger: the minimum `level`; `handleSaslReports` (default false, as in Elixir)
 * to also log supervisor progress reports and other `sasl`-domain events; `truncate`, the most
 * bytes of a message logged (default 8096, or `'infinity'`). Every option is checked before any
 * is applied: a bad one throws ERR_BEAMISH_INVALID_OPTION and changes nothing.
 *
 * @example
 * ```ts
 * Logger.configure({ level: 'info', handleSaslReports: true, truncate: 'infinity' })
 * ```
 */
export function configure(opts: Options): void {
  if (!isPlainObject(opts)) throw badArg('an options object', opts, configure)
  checkKeys(opts, OPTIONS, 'Logger.configure', configure)
  const level = opts.level === undefined ? undefined : threshold(opts.level, configure)
  const sasl = opts.handleSaslReports
  if (sasl !== undefined && typeof sasl !== 'boolean') {
    throw badArg('handleSaslReports to be a boolean', sasl, configure, 'ERR_BEAMISH_INVALID_OPTION')
  }
  const t = opts.truncate
  if (t !== undefined && t !== 'infinity' && !(typeof t === 'number' && Number.isSafeInteger(t) && t >= 0)) {
    throw badArg(
      "truncate to be a non-negative integer or 'infinity'",
      t,
      configure,
      'ERR_BEAMISH_INVALID_OPTION',
    )
  }
  if (level !== undefined) state.level = level
  if (sasl !== undefined) state.handleSaslReports = sasl
  if (t !== undefined) state.truncate = t === 'infinity' ? Number.POSITIVE_INFINITY : t
}

/**
 * The current minimum level (`'warning'` when it was set as `'warn'`).
 *
 * @example
 * ```ts
 * Logger.level() // 'debug'
 * ```
 */
export function level(): Threshold {
  return state.level
}

/**
 * Adds (or replaces) the handler registered under `id`. The default one is `'console'`. A
 * handler that throws is removed (see the module doc).
 *
 * @example
 * ```ts
 * const events: Logger.LogEvent[] = []
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
 * Without arguments, the calling process's Logger metadata (`{}` outside a process). With
 * `kv`, merges it into that metadata, which every later event the process logs carries; a key
 * whose value is `undefined` is removed (Elixir's `nil`). Kept in the process dictionary under
 * `'$logger_metadata$'`, as Erlang's logger keeps it; setting it outside a process throws
 * ERR_BEAMISH_NOT_IN_PROCESS.
 *
 * @example
 * ```ts
 * Logger.metadata({ requestId: 'abc' })
 * Logger.info('handled')        // meta: { pid, requestId: 'abc' }
 * Logger.metadata()             // { requestId: 'abc' }
 * Logger.metadata({ requestId: undefined })
 * ```
 */
export function metadata(): Record<string, unknown>
export function metadata(kv: Metadata): void
export function metadata(kv?: Metadata): Record<string, unknown> | undefined {
  if (kv === undefined) {
    const p = currentProc()
    const own = p === null ? undefined : processMetadata(p)
    return own === undefined ? {} : { ...own }
  }
  if (!isPlainObject(kv)) throw badArg('metadata (an object of key-values)', kv, metadata)
  const p = selfProc(metadata)
  const next: Record<string, unknown> = { ...processMetadata(p), ...kv }
  for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k]
  setProcessMetadata(p, next)
  return undefined
}

/**
 * Logs at `level` unless no handler would get the event (the level filters it out, or there are
 * no handlers), in which case neither the message nor the metadata is looked at (a function
 * message is not called).
 */
function emit(level: Level, message: unknown, meta: Metadata | null | undefined, caller: Function): void {
  if (!wouldLog(level, false)) return
  const m = meta ?? undefined
  if (m !== undefined && !isPlainObject(m)) throw badArg('metadata (an object of key-values)', m, caller)
  if (typeof message === 'function') message = message()
  log(level, typeof message === 'string' ? message : inspect(message), m)
}

/**
 * Logs `message` at `level` (`'warn'` means `'warning'`) with optional metadata (`null`: none).
 * The message is a string; a function, called only when the level is enabled, whose result is
 * logged; or any other term, logged inspected.
 *
 * @example
 * ```ts
 * Logger.log('info', 'user signed in', { user: 42 })
 * Logger.log('debug', () => `memory: ${JSON.stringify(process.memoryUsage())}`)
 * ```
 */
export function logAt(level: Level | 'warn', message: unknown, meta?: Metadata | null): void {
  emit(eventLevel(level, logAt), message, meta, logAt)
}
export { logAt as log }

/**
 * Logs at `debug`; see {@link logAt} for the message and metadata.
 *
 * @example
 * ```ts
 * Logger.debug('cache miss', { key: 'user:42' })
 * ```
 */
export function debug(message: unknown, meta?: Metadata | null): void {
  emit('debug', message, meta, debug)
}

/**
 * Logs at `info`.
 *
 * @example
 * ```ts
 * Logger.info('started')
 * ```
 */
export function info(message: unknown, meta?: Metadata | null): void {
  emit('info', message, meta, info)
}

/**
 * Logs at `notice`.
 *
 * @example
 * ```ts
 * Logger.notice('config reloaded')
 * ```
 */
export function notice(message: unknown, meta?: Metadata | null): void {
  emit('notice', message, meta, notice)
}

/**
 * Logs at `warning`.
 *
 * @example
 * ```ts
 * Logger.warning('slow request', { ms: 1200 })
 * ```
 */
export function warning(message: unknown, meta?: Metadata | null): void {
  emit('warning', message, meta, warning)
}

/**
 * Logs at `warning`: Elixir 1.14's `Logger.warn`, an alias of {@link warning} (which Elixir
 * later deprecated in its favour).
 *
 * @example
 * ```ts
 * Logger.warn('slow request') // [warning] slow request
 * ```
 */
export function warn(message: unknown, meta?: Metadata | null): void {
  emit('warning', message, meta, warn)
}

/**
 * Logs at `error`.
 *
 * @example
 * ```ts
 * Logger.error('disk full')
 * ```
 */
export function error(message: unknown, meta?: Metadata | null): void {
  emit('error', message, meta, error)
}

/**
 * Logs at `critical`.
 *
 * @example
 * ```ts
 * Logger.critical('database unreachable')
 * ```
 */
export function critical(message: unknown, meta?: Metadata | null): void {
  emit('critical', message, meta, critical)
}

/**
 * Logs at `alert`.
 *
 * @example
 * ```ts
 * Logger.alert('disk 99% full')
 * ```
 */
export function alert(message: unknown, meta?: Metadata | null): void {
  emit('alert', message, meta, alert)
}

/**
 * Logs at `emergency`.
 *
 * @example
 * ```ts
 * Logger.emergency('data corruption detected, shutting down')
 * ```
 */
export function emergency(message: unknown, meta?: Metadata | null): void {
  emit('emergency', message, meta, emergency)
}
