import { crashText, log } from '../logger.ts'
import type { Proc } from './proc.ts'

/**
 * Logs the crash of a plain process that raised, like the BEAM's error logger does for `spawn`
 * (`Process #PID<0.102.0> raised an exception` + the error and stack). Behaviours report their
 * own crashes in their own shape, so they never reach here.
 */
export function reportCrash(p: Proc, crash: unknown): void {
  const reason = p.exitReason
  log(
    'error',
    crashText(p.pid, reason),
    { pid: p.pid, label: p.ext?.label, crash },
    { label: 'crash_report', pid: p.pid, reason },
  )
}
