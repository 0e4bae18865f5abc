import type { Proc } from '../runtime/proc.ts'
import type { Transport } from '../runtime/remote.ts'
import { deliver } from '../runtime/scheduler.ts'
import { aliases, exitSignal } from '../runtime/signals.ts'
import { localNode } from '../term/nodeRef.ts'
import { Pid } from '../term/pid.ts'
import type { Ref } from '../term/ref.ts'
import type { Connection } from './connection.ts'
import * as links from './links.ts'
import * as monitors from './monitors.ts'
import * as wire from './wire.ts'

/**
 * The distribution layer as the runtime sees it (runtime/remote.ts). Every destination on
 * another node gets its connection (made on demand) and the signal is written in call order.
 * A pid of this node's name but another creation belongs to a dead incarnation: its signals
 * are dropped, as the BEAM drops them.
 */

function connsOf(p: Proc): Set<Connection> | null {
  return (p.ext?.remote as Set<Connection> | null | undefined) ?? null
}

function stale(nodeName: string): boolean {
  return nodeName === localNode.name
}

/** What the transport needs from the node registry (passed in to keep the modules acyclic). */
export interface Registry {
  connFor(node: string, create: boolean): Connection | undefined
  senderPid(): Pid
}

export function makeTransport({ connFor, senderPid }: Registry): Transport {
  return {
    sendPid(to: Pid, msg: unknown): void {
      const c = connFor(to.node.name, true)
      if (c !== undefined) wire.sendMsg(c, senderPid(), to, msg)
    },

    sendName(name: string, node: string, msg: unknown): void {
      const c = connFor(node, true)
      if (c !== undefined) wire.regSend(c, senderPid(), name, msg)
    },

    sendAlias(to: Ref, msg: unknown): void {
      const c = connFor(to.node.name, true)
      if (c !== undefined) wire.aliasSend(c, senderPid(), to, msg)
    },

    link(p: Proc, to: Pid): void {
      const c = connFor(to.node.name, true)
      if (c !== undefined) links.localLink(c, p, to)
      else exitSignal(p, to, stale(to.node.name) ? 'noproc' : 'noconnection', true)
    },

    unlink(p: Proc, to: Pid): void {
      const c = connFor(to.node.name, false)
      if (c !== undefined) links.localUnlink(c, p, to)
    },

    exit(from: Proc | null, to: Pid, reason: unknown): void {
      const c = connFor(to.node.name, true)
      if (c !== undefined) wire.exit2(c, from?.pid ?? senderPid(), to, reason)
    },

    monitor(p, ref, target, object, alias) {
      const node = target instanceof Pid ? target.node.name : target[1]
      const c = connFor(node, true)
      if (c !== undefined) {
        monitors.localMonitor(c, p, ref, target, object, alias)
        return
      }
      if (alias !== null && aliases.get(ref) === p) aliases.delete(ref)
      deliver(p, ['DOWN', ref, 'process', object, stale(node) ? 'noproc' : 'noconnection'])
    },

    demonitor(p: Proc, ref: Ref): boolean {
      const cs = connsOf(p)
      if (cs === null) return false
      for (const c of cs) if (monitors.localDemonitor(c, p, ref)) return true
      return false
    },

    exited(p: Proc, reason: unknown): void {
      const cs = connsOf(p)
      p.ext!.remote = null
      if (cs === null) return
      for (const c of cs) {
        const s = c.procs.get(p)
        if (s === undefined) continue
        c.procs.delete(p)
        links.procExited(c, p, s, reason)
        monitors.procExited(c, p, s, reason)
      }
    },

    links(p: Proc): Pid[] {
      const cs = connsOf(p)
      if (cs === null) return []
      const out: Pid[] = []
      for (const c of cs) out.push(...links.activeLinks(c, p))
      return out
    },
  }
}
