import { formatReason, inspect } from '../format.ts'
import type { Name } from '../gen.ts'
import { moduleName } from '../genServer.ts'
import { reportName } from '../genServerReport.ts'
import { enabled, log, wouldLog } from '../logger.ts'
import { isCallbackModule } from '../runtime/callbacks.ts'
import { Pid } from '../term/pid.ts'
import type { ChildRec } from './childSpec.ts'

/**
 * Supervisor reports (OTP's `supervisor_report` and `progress` reports) with the text Elixir's
 * Logger translator gives them:
 *
 *     Child Stack of Supervisor #PID<0.110.0> (Supervisor.Default) terminated
 *     ** (exit) "killed"
 *     Pid: #PID<0.111.0>
 *     Start Call: startLink(Stack, ["hello"])
 *     Restart: "permanent"
 *     Shutdown: 5000
 *     Type: "worker"
 *
 * The last three lines only while the Logger's level is `debug` (its default) or `all`, as Elixir's
 * translator adds them at its minimum level `:debug` only. A `Pid:` line only when the child's pid
 * is one (not while a restart is retried, OTP's `{restarting, Pid}`), and never in a `caused
 * shutdown` report.
 *
 * The structured report rides along in `event.report` (`label: ['supervisor', context]`).
 * Like OTP's supervisor reports, they are events of the `sasl` domain (progress reports at `info`),
 * which the Logger drops unless `handleSaslReports` is on (Elixir's defaults).
 */

/** How reports name a supervisor: its registered name, or its pid and callback module. */
export type SupName = Name | readonly [Pid, string]

export type ErrorContext = 'start_error' | 'child_terminated' | 'shutdown_error' | 'shutdown'

const CONTEXT: Record<ErrorContext, string> = {
  start_error: 'failed to start',
  child_terminated: 'terminated',
  shutdown_error: 'shut down abnormally',
  shutdown: 'caused shutdown',
}

/**
 * Elixir's `sup_name/1`: a registered name bare, `pid (Module)` for an unnamed one, and for a
 * `via` or `global` name the term inside it (`inspect(key)`), not the whole name.
 */
function supText(name: SupName): string {
  if (Array.isArray(name)) return `${name[0]} (${name[1]})`
  return reportName(name as Name)
}

/** `Restart:`, `Shutdown:` and `Type:`: Elixir's `child_debug/2`, at Logger level debug (or all) only. */
function debugLines(child: ChildRec): string {
  if (!enabled('debug')) return ''
  return `\nRestart: ${inspect(child.restart)}\nShutdown: ${inspect(child.shutdown)}\nType: ${inspect(child.type)}`
}

/** Ids that are strings stand for Elixir's atoms and module names: shown bare. */
function idText(id: unknown): string {
  return typeof id === 'string' ? id : inspect(id)
}

function argText(a: unknown): string {
  if (isCallbackModule(a)) return moduleName(a as never)
  const s = inspect(a)
  return s.length > 80 ? `${s.slice(0, 77)}...` : s
}

/** `Start Call:`: `fn(args)` for the MFA form, the function's source for a start function. */
export function startCall(child: ChildRec, extra: readonly unknown[] = []): string {
  const start = child.start
  if (typeof start !== 'function') {
    const [fn, args] = start
    return `${fn.name || 'anonymous'}(${[...extra, ...args].map(argText).join(', ')})`
  }
  const src = Function.prototype.toString.call(start).replace(/\s+/g, ' ')
  return src.length <= 100 ? src : `${start.name || 'anonymous'}()`
}

function exitText(reason: unknown): string {
  // A raised error or an uncaught throw (`[['nocatch', v], stack]`) is an exception to Elixir.
  const exception =
    Array.isArray(reason) &&
    reason.length === 2 &&
    (reason[0] instanceof Error || (Array.isArray(reason[0]) && reason[0][0] === 'nocatch'))
  if (exception) {
    const inner = formatReason(reason)
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n')
    return `** (exit) an exception was raised:\n${inner}`
  }
  return formatReason(reason)
}

/**
 * Logs a supervisor error report. `pid` is the child's pid as OTP's offender holds it
 * (`'restarting'` while a restart is retried, null for none); only a pid gets a `Pid:` line, and
 * not in a `caused shutdown` report (Elixir's translator leaves it out there). `id` is
 * `'undefined'` for DynamicSupervisor children.
 */
export function reportError(
  context: ErrorContext,
  reason: unknown,
  child: ChildRec,
  pid: Pid | 'restarting' | null,
  sup: SupName,
  supPid: Pid,
  dynamic: boolean,
  extra: readonly unknown[] = [],
): void {
  // Why check first: a restart storm must not pay for formatting reports nobody receives.
  if (!wouldLog('error', true)) return
  const id = dynamic ? 'undefined' : child.id
  const supervisor = supText(sup)
  const lines = [`Child ${idText(id)} of Supervisor ${supervisor} ${CONTEXT[context]}`, exitText(reason)]
  if (pid instanceof Pid && context !== 'shutdown') lines.push(`Pid: ${pid}`)
  lines.push(`Start Call: ${startCall(child, extra)}${debugLines(child)}`)
  log(
    'error',
    lines.join('\n'),
    { pid: supPid, domain: ['otp', 'sasl'] },
    {
      label: ['supervisor', context],
      supervisor,
      errorContext: context,
      reason,
      offender: offender(child, pid, id),
    },
  )
}

/**
 * A progress report for a child a static supervisor started (an `info` event in the `sasl`
 * domain, as in OTP). A DynamicSupervisor logs none (Elixir's starts its children without one).
 */
export function reportProgress(child: ChildRec, pid: Pid, sup: SupName, supPid: Pid): void {
  if (!wouldLog('info', true)) return
  const supervisor = supText(sup)
  const text = `Child ${idText(child.id)} of Supervisor ${supervisor} started\nPid: ${pid}\nStart Call: ${startCall(child)}${debugLines(child)}`
  log(
    'info',
    text,
    { pid: supPid, domain: ['otp', 'sasl'] },
    {
      label: ['supervisor', 'progress'],
      supervisor,
      started: offender(child, pid, child.id),
    },
  )
}

function offender(child: ChildRec, pid: Pid | 'restarting' | null, id: unknown) {
  return {
    pid: pid ?? 'undefined',
    id,
    restartType: child.restart,
    shutdown: child.shutdown,
    childType: child.type,
  }
}

/** OTP's report for a message a supervisor did not expect. */
export function reportUnexpected(kind: 'Supervisor' | 'DynamicSupervisor', msg: unknown, supPid: Pid): void {
  log(
    'error',
    `${kind} received unexpected message: ${inspect(msg)}`,
    { pid: supPid },
    {
      label: [kind, 'unexpected_msg'],
      msg,
    },
  )
}
