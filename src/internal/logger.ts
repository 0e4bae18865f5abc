import { formatReason, inspect } from './format.ts'

export type Level = 'debug' | 'info' | 'notice' | 'warning' | 'error'
const RANK: Record<Level, number> = { debug: 0, info: 1, notice: 2, warning: 3, error: 4 }

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
  level: 'debug' as Level,
  handlers: new Map<string, Handler>([['console', consoleHandler]]),
  /**
   * Like Elixir's `handle_sasl_reports` (false by default): supervisor progress reports and
   * other events tagged with the `sasl` domain are dropped unless this is on.
   */
  handleSaslReports: false,
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

export function log(
  level: Level,
  message: string,
  meta: Record<string, unknown> = {},
  report?: Record<string, unknown>,
): void {
  if (!wouldLog(level, Array.isArray(meta.domain) && meta.domain.includes('sasl'))) return
  const event: LogEvent =
    report === undefined
      ? { level, message, time: new Date(), meta }
      : { level, message, time: new Date(), meta, report }
  for (const h of state.handlers.values()) {
    try {
      h(event)
    } catch (err) {
      // A broken handler must not take the logging process (or the scheduler) down with it.
      process.stderr.write(`beamish: log handler failed: ${inspect(err)}\n`)
    }
  }
}

/** Text of a crash report for a plain process that raised (Elixir's emulator-error translation). */
export function crashText(pid: unknown, reason: unknown): string {
  return `Process ${String(pid)} raised an exception\n${formatReason(reason)}`
}
