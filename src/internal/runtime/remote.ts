import type { Pid } from '../term/pid.ts'
import type { Ref } from '../term/ref.ts'
import type { Monitor, Proc } from './proc.ts'

/** What a remote monitor watches: a pid on another node, or `[name, node]`. */
export type RemoteTarget = Pid | readonly [string, string]

/**
 * What the local runtime asks of distribution. Why an interface: the core must not import the
 * distribution layer (it is optional, and a simulation mode will swap in a fake transport); the
 * distribution layer installs itself here when a node starts. Without it, messages to other
 * nodes are dropped, as the BEAM drops them when no connection can be set up.
 *
 * Every call happens synchronously in the caller's turn, in the caller's order, so the
 * transport keeps per-pair signal order (O2) by writing in call order. A transport that keeps
 * state for a process sets `proc.x().remote` (any non-null value): only then does the core
 * call {@link Transport.exited} and, for unknown refs, {@link Transport.demonitor}.
 */
export interface Transport {
  /** A message to a pid of another node. */
  sendPid(to: Pid, msg: unknown): void
  /** A message to `name` registered on `node`. */
  sendName(name: string, node: string, msg: unknown): void
  /** A message to an alias owned by a process of another node. */
  sendAlias(to: Ref, msg: unknown): void
  /** `p` links to a remote pid (the link is set up, or fails with `noconnection`/`noproc`). */
  link(p: Proc, to: Pid): void
  /** `p` removes its link to a remote pid. */
  unlink(p: Proc, to: Pid): void
  /** `exit(to, reason)` from `from` (null: outside any process) to a remote pid. */
  exit(from: Proc | null, to: Pid, reason: unknown): void
  /**
   * `p` monitors a remote target (a pid, or `[name, node]`); `object` is what the DOWN names.
   * A failed or lost connection gives `DOWN … noconnection`.
   */
  monitor(p: Proc, ref: Ref, target: RemoteTarget, object: unknown, alias: Monitor['alias']): void
  /** Removes a remote monitor `p` holds; false when `ref` is not one. */
  demonitor(p: Proc, ref: Ref): boolean
  /** `p` (which has remote state) has terminated with `reason`. */
  exited(p: Proc, reason: unknown): void
  /** The remote pids `p` is linked to (for `Process.info`). */
  links(p: Proc): Pid[]
}

export let transport: Transport | null = null

export function setTransport(t: Transport | null): void {
  transport = t
}
