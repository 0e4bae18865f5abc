import { formatReason, inspect } from './format.ts'
import type { Name } from './gen.ts'
import type { Module } from './genServer.ts'
import { log } from './logger.ts'
import type { Proc } from './runtime/proc.ts'
import { Pid } from './term/pid.ts'

/**
 * How gen_server's and supervisor's reports name a registered process: a local name as it is,
 * the term inside `{ via, key }` (its key) or `{ global }`.
 */
export function reportName(name: Name): string {
  return typeof name === 'string' ? name : inspect('via' in name ? name.key : name.global)
}

/**
 * The error report of a GenServer that stops abnormally, in Elixir's words:
 *
 *     GenServer #PID<0.108.0> terminating
 *     ** (Error) boom
 *         at …
 *     Last message (from #PID<0.105.0>): "crash"
 *     State: 0
 *     Client #PID<0.105.0> is alive
 */
export function reportTermination(
  p: Proc,
  mod: Module,
  name: Name | undefined,
  reason: unknown,
  state: unknown,
  last: unknown,
): void {
  const who = name === undefined ? String(p.pid) : reportName(name)
  let shown = state
  try {
    if (mod.formatStatus) shown = mod.formatStatus({ state, reason }).state
  } catch {
    // A failing formatStatus must not keep the report (and the exit) from happening.
  }
  const lines = [`GenServer ${who} terminating`, formatReason(reason, 'stop')]
  let client: Pid | undefined
  if (Array.isArray(last) && last[0] === '$gen_call' && Array.isArray(last[1]) && last[1][0] instanceof Pid) {
    client = last[1][0]
    lines.push(`Last message (from ${client}): ${inspect(last[2])}`)
  } else lines.push(`Last message: ${inspect(last)}`)
  lines.push(`State: ${inspect(shown)}`)
  if (client !== undefined) {
    const where = !client.isLocal
      ? `remote on node ${client.node.name}`
      : client.proc !== null
        ? 'alive'
        : 'dead'
    lines.push(`Client ${client} is ${where}`)
  }
  log(
    'error',
    lines.join('\n'),
    { pid: p.pid, label: 'gen_server_terminate' },
    {
      label: 'gen_server_terminate',
      name: who,
      reason,
      state: shown,
      lastMessage: last,
    },
  )
}
