import * as gen from './gen.ts'
import { Op } from './runtime/op.ts'
import type { Receive } from './runtime/receive.ts'

/**
 * `stop(server, reason, timeout)` of every GenServer-based behaviour (GenServer, Agent,
 * Supervisor, DynamicSupervisor): arguments checked at once, the stop run when awaited. It
 * fails as `GenServer.stop` does, naming the timeout as given (`Infinity`, not the -1 it waits with).
 */
export function stopOp(server: unknown, reason: unknown, timeout: number, caller: Function): Receive<'ok'> {
  const s = gen.checkServer(server, caller)
  const t = gen.checkCallTimeout(timeout, caller)
  return new Op(() => gen.doStop(s, reason, t, 'GenServer', timeout))
}
