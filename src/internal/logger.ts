import { formatReason, inspect } from './format.ts'
import { currentProc, type Proc } from './runtime/proc.ts'

/** The levels of an event, Elixir's (and syslog's) eight, least severe first. */
export type Level = 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'critical' | 'alert' | 'emergency'

/** The Logger's minimum level: an event level, or `'all'` (everything) or `'none'` (nothing). */
export type Threshold = Level | 'all' | 'none'

const RANK: Record<Threshold, number> = {
  all: 0,
  debug: 1,
  info: 2,
  notice: 3,
  warning: 4,
  error: 5,
  critical: 6,
  alert: 7,
  emergency: 8,
  none: 9,
}

/** The event levels, least severe first. */
export const LEVELS: readonly Level[] = [
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
]

/**
 * What a level argument may be spelled as, and the level it means: the eight levels and `'warn'`,
 * Elixir 1.14's alias of `'warning'`. A Map: a plain object would answer `'constructor'` too.
 */
export const LEVEL_OF: ReadonlyMap<string, Level> = new Map<string, Level>([
  ...LEVELS.map((l) => [l, l] as const),
  ['warn', 'warning'],
])

/** Elixir's default `:truncate`, in bytes. */
export const DEFAULT_TRUNCATE = 8096

/** One log event, as handlers receive it. `report` holds structured data (OTP's report maps). */
export interface LogEvent {
  readonly level: Level
  /** The formatted text, Elixir Logger style (no timestamp or level). */
  readonly message: string
  readonly time: Date
  readonly report?: Readonly<Record<string, unknown>>
  readonly meta: Readonly<Record<string, unknown>>
}

export type Handler = (event: LogEvent) => void

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0')
}

/** `12:00:00.123 [error] text`, like Elixir's default console format. */
export function formatEvent(e: LogEvent): string {
  const t = e.time
  const ts = `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}.${pad(t.getMilliseconds(), 3)}`
  return `${ts} [${e.level}] ${e.message}`
}

export const consoleHandler: Handler = (e) => {
  process.stderr.write(`\n${formatEvent(e)}\n`)
}

export const state = {
  level: 'debug' as Threshold,
  handlers: new Map<string, Handler>([['console', consoleHandler]]),
  /**
   * Like Elixir's `handle_sasl_reports` (false by default): supervisor progress reports and
   * other events tagged with the `sasl` domain are dropped unless this is on.
   */
  handleSaslReports: false,
  /** Elixir's `:truncate`: messages longer than this many bytes are cut (Infinity: never). */
  truncate: DEFAULT_TRUNCATE,
}

export function enabled(level: Level): boolean {
  return RANK[level] >= RANK[state.level]
}

/**
 * Whether `log` would hand an event at `level` to any handler: the level is enabled, a `sasl`
 * domain event only with handleSaslReports on, and there is a handler at all. Why exported:
 * callers check it before building a costly report.
 */
export function wouldLog(level: Level, sasl: boolean): boolean {
  return enabled(level) && (!sasl || state.handleSaslReports) && state.handlers.size > 0
}

/**
 * The process dictionary key of a process's Logger metadata: Erlang's logger keeps it under the
 * same key, so `Process.get()` shows it as Elixir's does.
 */
export const METADATA_KEY = '$logger_metadata$'

const NO_META: Readonly<Record<string, unknown>> = Object.freeze({})

/** The calling process, or null outside one (or in the code of an async process already dead). */
function procOrNull(): Proc | null {
  try {
    return currentProc()
  } catch {
    return null
  }
}

/** The Logger metadata of process `p` (set with `Logger.metadata`), or undefined for none. */
export function processMetadata(p: Proc): Readonly<Record<string, unknown>> | undefined {
  return p.ext?.dict?.get(METADATA_KEY) as Readonly<Record<string, unknown>> | undefined
}

/** Sets the Logger metadata of process `p`: `meta` replaces it whole; empty removes it. */
export function setProcessMetadata(p: Proc, meta: Readonly<Record<string, unknown>>): void {
  if (Object.keys(meta).length === 0) p.ext?.dict?.delete(METADATA_KEY)
  else (p.x().dict ??= new Map()).set(METADATA_KEY, Object.freeze(meta))
}

/**
 * `message` cut to at most `limit` UTF-8 bytes, never inside a character, and marked
 * ` (truncated)`, as Elixir's `Logger.Utils.truncate/2`; unchanged when it fits.
 */
export function truncate(message: string, limit: number): string {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: most messages need no counting at all.
  if (message.length * 3 <= limit) return message
  if (Buffer.byteLength(message, 'utf8') <= limit) return message
  const bytes = Buffer.from(message, 'utf8')
  let end = limit
  // Back up from a continuation byte (10xxxxxx) to the start of the character it belongs to.
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--
  return `${bytes.toString('utf8', 0, end)} (truncated)`
}

export function log(
  level: Level,
  message: string,
  meta: Readonly<Record<string, unknown>> = NO_META,
  report?: Record<string, unknown>,
): void {
  if (!wouldLog(level, Array.isArray(meta.domain) && meta.domain.includes('sasl'))) return
  // Every event logged from a process carries its pid, then the process's metadata; the
  // metadata given wins over both, as in Erlang's logger (a report names the pid it is about).
  const p = procOrNull()
  if (p !== null) {
    const own = processMetadata(p)
    meta = own === undefined ? { pid: p.pid, ...meta } : { pid: p.pid, ...own, ...meta }
  }
  message = truncate(message, state.truncate)
  const time = new Date()
  const event: LogEvent =
    report === undefined ? { level, message, time, meta } : { level, message, time, meta, report }
  for (const [id, h] of state.handlers) {
    try {
      h(event)
    } catch (err) {
      removeFailingHandler(id, h, err)
    }
  }
}

/**
 * A handler that throws is removed, as OTP's logger does (`{removed_failing_handler, Id}`):
 * a broken handler must not take the logging process (or the scheduler) down with it, nor fail
 * again on every event. Reported once, on stderr (where OTP's logger reports it too).
 */
function removeFailingHandler(id: string, h: Handler, err: unknown): void {
  if (state.handlers.get(id) !== h) return
  state.handlers.delete(id)
  try {
    process.stderr.write(`beamish: Logger removed the failing handler ${inspect(id)}: ${inspect(err)}\n`)
  } catch {
    // stderr itself failing leaves nothing to report to.
  }
}

/** Text of a crash report for a plain process that raised (Elixir's emulator-error translation). */
export function crashText(pid: unknown, reason: unknown): string {
  return `Process ${String(pid)} raised an exception\n${formatReason(reason)}`
}
