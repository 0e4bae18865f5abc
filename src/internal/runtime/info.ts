import type { Pid } from '../term/pid.ts'
import { DOOMED, EXITING, initialCallOf, PARKED, type Proc, RUNNABLE, RUNNING, WAITING } from './proc.ts'
import { transport } from './remote.ts'

export interface ProcessInfo {
  readonly status: 'running' | 'runnable' | 'waiting' | 'exiting'
  readonly messageQueueLen: number
  readonly links: Pid[]
  /** Processes this one monitors. */
  readonly monitors: Pid[]
  /** Processes monitoring this one. */
  readonly monitoredBy: Pid[]
  readonly registeredName: string | undefined
  readonly trapExit: boolean
  /** Resumes and messages handled: a stand-in for the BEAM's reductions. */
  readonly reductions: number
  /** Rough bytes used by the process (record, mailbox, links). */
  readonly memory: number
  /** The function the process was spawned with, as `name/arity`. */
  readonly initialCall: string
  readonly label: unknown
  readonly parent: Pid | undefined
  readonly ancestors: Pid[]
}

const STATUS = {
  [RUNNABLE]: 'runnable',
  [RUNNING]: 'running',
  [WAITING]: 'waiting',
  [PARKED]: 'waiting',
  [DOOMED]: 'running',
} as const

export function info(pid: Pid): ProcessInfo | undefined {
  const p = pid.proc as Proc | null
  if (p === null || !p.alive) return undefined
  const x = p.ext
  const queue = p.mailbox?.length ?? 0
  const links = x?.links ? [...x.links].map((q) => q.pid) : []
  // Links to processes on other nodes live in the distribution transport.
  if (x !== null && x.remote !== null && transport !== null) links.push(...transport.links(p))
  const monitors: Pid[] = []
  const monitoredBy: Pid[] = []
  for (let m = x?.monitors ?? null; m !== null; m = m.wNext) monitors.push(m.target)
  for (let m = x?.monitoredBy ?? null; m !== null; m = m.tNext) monitoredBy.push(m.watcher.pid)
  const ancestors: Pid[] = x?.ancestors ? [...x.ancestors] : []
  if (ancestors.length === 0) {
    // Plain processes: walk the parent chain while the parents are alive.
    let par = p.parent
    while (par !== null && ancestors.length < 32) {
      ancestors.push(par)
      par = (par.proc as Proc | null)?.parent ?? null
    }
  }
  return {
    status: p.status >= EXITING ? 'exiting' : STATUS[p.status as 0 | 1 | 2 | 3 | 4],
    messageQueueLen: queue,
    links,
    monitors,
    monitoredBy,
    registeredName: x?.name ?? undefined,
    trapExit: p.trapExit,
    reductions: p.reductions,
    memory:
      360 + (x === null ? 0 : 200) + queue * 48 + (links.length + monitors.length + monitoredBy.length) * 64,
    initialCall: x?.initialCall ?? (p.initialCall === '' ? 'unknown' : initialCallOf(p)),
    label: x?.label,
    parent: p.parent ?? undefined,
    ancestors,
  }
}
