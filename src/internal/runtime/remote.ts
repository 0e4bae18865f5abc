import type { Pid } from '../term/pid.ts'
import type { Ref } from '../term/ref.ts'

/**
 * What the local runtime asks of distribution. Why an interface: the core must not import the
 * distribution layer (it is optional, and a simulation mode will swap in a fake transport); the
 * distribution layer installs itself here when a node starts. Without it, messages to other
 * nodes are dropped, as the BEAM drops them when no connection can be set up.
 */
export interface Transport {
  sendPid(to: Pid, msg: unknown): void
  sendName(name: string, node: string, msg: unknown): void
  sendAlias(to: Ref, msg: unknown): void
}

export let transport: Transport | null = null

export function setTransport(t: Transport | null): void {
  transport = t
}
