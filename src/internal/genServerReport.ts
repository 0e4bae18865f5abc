import { formatReason, inspect } from './format.ts'
import type { Name } from './gen.ts'
import type { Module } from './genServer.ts'
import { log } from './logger.ts'
import type { Proc } from './runtime/proc.ts'
import { Pid } from './term/pid.ts'

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
  last: [unknown] | undefined,
): void {
  // gen_server names the server by its registered name, or the term inside {via, …}/{global, …}.
  const who =
    typeof name === 'string'
      ? name
      : name === undefined
        ? String(p.pid)
        : inspect('via' in name ? name.key : name.global)
  let shown = state
  try {
    if (mod.formatStatus) shown = mod.formatStatus({ state, reason }).state
  } catch {
    // A failing formatStatus must not keep the report (and the exit) from happening.
  }
  const lines = [`GenServer ${who} terminating`, formatReason(reason, 'stop')]
  let client: Pid | undefined
  if (last !== undefined) {
    const m = last[0]
    if (Array.isArray(m) && m[0] === '$gen_call' && Array.isArray(m[1]) && m[1][0] instanceof Pid) {
      client = m[1][0]
      lines.push(`Last message (from ${client}): ${inspect(m[2])}`)
    } else if (Array.isArray(m) && m[0] === '$gen_cast')
      lines.push(`Last message: ${inspect(['$gen_cast', m[1]])}`)
    else lines.push(`Last message: ${inspect(m)}`)
  }
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
      lastMessage: last?.[0],
    },
  )
}
