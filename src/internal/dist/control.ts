import { reply } from '../gen.ts'
import { log } from '../logger.ts'
import { names } from '../runtime/names.ts'
import { EXITING, type Proc } from '../runtime/proc.ts'
import { deliver } from '../runtime/scheduler.ts'
import { exitSignal, sendAlias } from '../runtime/signals.ts'
import { Atom, WELL_KNOWN_ATOMS } from '../term/atom.ts'
import { List } from '../term/misc.ts'
import { localNode } from '../term/nodeRef.ts'
import { Pid } from '../term/pid.ts'
import { Ref } from '../term/ref.ts'
import type { Connection } from './connection.ts'
import { type Frame, FrameError, payloadOf } from './framing.ts'
import * as links from './links.ts'
import * as monitors from './monitors.ts'
import * as wire from './wire.ts'

/**
 * Incoming control messages (distribution.md §5): each one is checked for shape, then applied
 * with the local runtime's own semantics (truth table, L-f, M-c…). A malformed control message
 * throws {@link FrameError} and the connection is dropped, as the BEAM drops it. Payloads are
 * decoded only when they will be used (a message to a dead pid is skipped undecoded).
 *
 * The `_TT` variants (sequential trace) are handled like their plain forms; the token is ignored.
 *
 * Who may say what, as the BEAM checks it (erts_net_message): the sender of a link, unlink, exit
 * or monitor signal must be a process of the peer node, and its target a process of this node
 * (one of an older incarnation of this node is dead: answered or ignored as the BEAM does). Why
 * it matters: a link "from" a local pid would become a record on this connection that fires
 * `noconnection` as if from that pid. Registered names are atoms, never binaries.
 */

function bad(what: string): never {
  throw new FrameError(`malformed control message: ${what}`)
}

function pid(x: unknown): Pid {
  if (!(x instanceof Pid)) bad('expected a pid')
  return x
}

function ref(x: unknown): Ref {
  if (!(x instanceof Ref)) bad('expected a reference')
  return x
}

function id(x: unknown): bigint {
  if (typeof x === 'number' && Number.isInteger(x) && x > 0) return BigInt(x)
  if (typeof x === 'bigint' && x > 0n) return x
  return bad('expected an unlink id')
}

/**
 * A registered name: the text of an atom, or the message is invalid. A decoded string is an atom
 * only when it is one of the well-known words (a binary of the same text decodes to bytes).
 */
function name(x: unknown): string {
  if (x instanceof Atom) return x.name
  if (typeof x === 'string' && WELL_KNOWN_ATOMS.has(x)) return x
  if (typeof x === 'boolean') return x ? 'true' : 'false'
  if (x === null) return 'nil'
  if (x === undefined) return 'undefined'
  return bad('expected an atom as the registered name')
}

/** The sender of a link, exit or monitor signal: a pid of the peer node. */
function fromPeer(c: Connection, x: unknown): Pid {
  const p = pid(x)
  // By name, as the BEAM compares dist entries: a pid of an older incarnation still names the peer.
  if (p.node !== c.peer && p.node.name !== c.node) bad(`sender ${p.node.name}, not ${c.node}`)
  return p
}

/** The target of a signal: a pid of this node, maybe of an older incarnation (see `old`). */
function toLocal(x: unknown): Pid {
  const p = pid(x)
  if (p.node !== localNode && p.node.name !== localNode.name) bad(`target on ${p.node.name}, not this node`)
  return p
}

/** A pid of an older incarnation of this node (same name, other creation): its process is gone. */
function old(p: Pid): boolean {
  return p.node !== localNode
}

/** The live process of a pid of this node (of this incarnation: older ones are simply dead). */
function live(to: Pid): Proc | null {
  if (to.node !== localNode) return null
  const p = to.proc as Proc | null
  return p !== null && p.status < EXITING ? p : null
}

function arity(t: unknown[], n: number): void {
  if (t.length !== n) bad(`op ${t[0]} with ${t.length} elements`)
}

export function dispatch(c: Connection, f: Frame): void {
  const t = f.ctrl
  if (!Array.isArray(t) || t.length === 0 || typeof t[0] !== 'number') bad('expected a tuple with an op')
  const op = t[0]
  switch (op) {
    case wire.SEND: // {2, Unused, To}
    case wire.SEND_SENDER: // {22, From, To}
    case 12: // SEND_TT {12, Unused, To, Token}
    case 23: {
      arity(t, op === 12 || op === 23 ? 4 : 3)
      const p = live(pid(t[2]))
      if (p !== null) deliver(p, payloadOf(f))
      return
    }
    case wire.REG_SEND: // {6, From, Unused, ToName}
    case 16: {
      arity(t, op === 16 ? 5 : 4)
      pid(t[1])
      regSend(name(t[3]), f)
      return
    }
    case wire.ALIAS_SEND: // {33, From, Alias}
    case 34: {
      arity(t, op === 34 ? 4 : 3)
      const alias = ref(t[2])
      if (alias.node !== localNode) return
      // Decoded through the alias index: an active alias is the very Ref the table holds.
      const owner = alias.owner as Proc | null
      if (owner?.ext?.remote != null) monitors.replyDemonitor(c, alias)
      sendAlias(alias, payloadOf(f))
      return
    }
    case wire.LINK: {
      // A target of an older incarnation has no process: recvLink answers `noproc`, as the BEAM.
      arity(t, 3)
      links.recvLink(c, fromPeer(c, t[1]), toLocal(t[2]))
      return
    }
    case wire.EXIT: // {3, From, To, Reason}
    case 13: // EXIT_TT {13, From, To, Token, Reason}
    case wire.PAYLOAD_EXIT: // {24, From, To} + Reason
    case 25: {
      const payload = op === wire.PAYLOAD_EXIT || op === 25
      arity(t, (payload ? 3 : 4) + (op === 13 || op === 25 ? 1 : 0))
      const from = fromPeer(c, t[1])
      const to = toLocal(t[2])
      // Like the BEAM: a link exit for an older incarnation of this node is invalid, not ignored.
      if (old(to)) bad('EXIT to a process of an older incarnation of this node')
      links.recvExit(c, from, to, payload ? payloadOf(f) : t[t.length - 1])
      return
    }
    case wire.UNLINK: {
      arity(t, 3)
      const from = fromPeer(c, t[1])
      const to = toLocal(t[2])
      if (!old(to)) links.recvUnlink(c, from, to)
      return
    }
    case wire.UNLINK_ID: // {35, Id, From, To}
    case wire.UNLINK_ID_ACK: {
      arity(t, 4)
      const unlinkId = id(t[1])
      const from = fromPeer(c, t[2])
      const to = toLocal(t[3])
      if (old(to)) return
      if (op === wire.UNLINK_ID) links.recvUnlinkId(c, unlinkId, from, to)
      else links.recvUnlinkAck(c, unlinkId, from, to)
      return
    }
    case wire.EXIT2: // {8, From, To, Reason}
    case 18:
    case wire.PAYLOAD_EXIT2: // {26, From, To} + Reason
    case 27: {
      const payload = op === wire.PAYLOAD_EXIT2 || op === 27
      arity(t, (payload ? 3 : 4) + (op === 18 || op === 27 ? 1 : 0))
      const from = fromPeer(c, t[1])
      const to = toLocal(t[2])
      if (!old(to)) exit2(from, to, payload ? payloadOf(f) : t[t.length - 1])
      return
    }
    case wire.MONITOR_P: {
      // {19, FromPid, ToProc, Ref}: ToProc a local pid or a name; an older incarnation's pid
      // has no process, so recvMonitor answers `noproc` at once, as the BEAM.
      arity(t, 4)
      const from = fromPeer(c, t[1])
      const target = t[2] instanceof Pid ? toLocal(t[2]) : name(t[2])
      monitors.recvMonitor(c, from, target, ref(t[3]))
      return
    }
    case wire.DEMONITOR_P: {
      arity(t, 4)
      fromPeer(c, t[1])
      const target = t[2] instanceof Pid ? toLocal(t[2]) : name(t[2])
      const r = ref(t[3])
      if (!(target instanceof Pid && old(target))) monitors.recvDemonitor(c, r)
      return
    }
    case wire.MONITOR_P_EXIT: // {21, Watched, Watcher, Ref, Reason}
    case wire.PAYLOAD_MONITOR_P_EXIT: {
      const payload = op === wire.PAYLOAD_MONITOR_P_EXIT
      arity(t, payload ? 4 : 5)
      if (!(t[1] instanceof Pid)) name(t[1])
      const watcher = toLocal(t[2])
      const r = ref(t[3])
      if (!old(watcher)) monitors.recvMonitorExit(c, r, payload ? payloadOf(f) : t[4])
      return
    }
    case 29: // SPAWN_REQUEST {29, ReqId, From, GroupLeader, {M, F, Arity}, Opts} + Args
    case 30:
      spawnRequest(c, t)
      return
    case 7: // GROUP_LEADER {7, FromPid, ToPid}: Beamish processes have no group leader
      arity(t, 3)
      pid(t[1])
      pid(t[2])
      return
    case 31: // SPAWN_REPLY: we never send SPAWN_REQUEST
    case 32:
      return
    default:
      // NODE_LINK (5) included: listed in old protocol docs but never sent, and OTP's
      // erts_net_message has no case for it, so it is an invalid message there too.
      bad(op === 5 ? 'NODE_LINK (5) is not a valid control message' : `unknown op ${op}`)
  }
}

/** `exit(to, reason)` from a remote process: the truth table applies at the receiver. */
function exit2(from: Pid, to: Pid, reason: unknown): void {
  const p = live(to)
  if (p !== null) exitSignal(p, from, reason, false)
}

/**
 * REG_SEND: to a registered name, else dropped silently, as on the BEAM. Two names BEAM nodes
 * write to at once on a visible connection (distribution.md §7.3) are answered safely when no
 * process holds them: `rex` (old-style `rpc:call`) replies `{badrpc, {'EXIT', {undef, …}}}`
 * (there is no Erlang code to run here), and `global_name_server`'s sync is ignored.
 */
function regSend(to: string, f: Frame): void {
  const p = names.get(to)
  if (p !== undefined) {
    if (p.status < EXITING) deliver(p, payloadOf(f))
    return
  }
  if (to === 'rex') rex(payloadOf(f))
}

function rex(msg: unknown): void {
  if (!Array.isArray(msg) || msg.length !== 3 || msg[0] !== '$gen_call') return
  const from = msg[1]
  const req = msg[2]
  if (!Array.isArray(from) || from.length !== 2 || !(from[0] instanceof Pid)) return
  if (!Array.isArray(req) || req.length < 4) return
  const [, m, fn, args] = req as unknown[]
  const mfa = [m, fn, args instanceof List ? args : new List([]), new List([])]
  reply(from as [Pid, unknown], [Atom.of('badrpc'), ['EXIT', [Atom.of('undef'), new List([mfa])]]])
}

/**
 * SPAWN_REQUEST: Beamish cannot run Erlang functions, so the answer is the documented error
 * `notsup` (and a warning in the log: a peer asking for it usually means `Node.spawn` or an
 * `:erpc` call was pointed at this node).
 */
function spawnRequest(c: Connection, t: unknown[]): void {
  if (t.length < 6) bad('SPAWN_REQUEST')
  const reqId = ref(t[1])
  const from = pid(t[2])
  const mfa = t[4]
  const what = Array.isArray(mfa) ? mfa.map((x) => (x instanceof Atom ? x.name : String(x))).join(':') : '?'
  log(
    'warning',
    `spawn_request from ${c.node} for ${what} refused with notsup: Beamish does not run Erlang code`,
    {
      node: c.node,
    },
  )
  wire.spawnReply(c, reqId, from, Atom.of('notsup'))
}
