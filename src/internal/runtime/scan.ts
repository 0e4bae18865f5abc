import type { Ref } from '../term/ref.ts'
import type { Matcher, TaggedMatcher } from './match.ts'
import type { Proc } from './proc.ts'
import {
  type CustomReceive,
  isRefPair,
  K_ANY,
  K_CUSTOM,
  K_LITERAL,
  K_MATCH,
  K_REF,
  matchClauses,
  type ReceiveOp,
} from './receive.ts'

/**
 * The receive whose scan in `ReceiveOp.next` (takeQueued) just found nothing, in which process,
 * and that process's append count then. Why: the receive then suspends, and the scheduler would
 * scan the very same mailbox again before letting it wait (a selective receive behind 10,000
 * unrelated messages paid for 20,000). Only the scheduler's next look at this op reads it; the
 * count makes sure no message came in between.
 */
export const unmatched: { op: ReceiveOp<unknown> | null; p: Proc | null; appended: number } = {
  op: null,
  p: null,
  appended: 0,
}

/**
 * Scans the mailbox for the first message any clause accepts (message order beats clause
 * order, S1). Returns its index and leaves the clause in `op.matchedClause`.
 */
export function scan(p: Proc, op: ReceiveOp<unknown>): number {
  const mb = p.mailbox!
  const len = mb.length
  let i = 0
  if (op.mark >= 0) {
    i = len - (p.appended - op.mark)
    if (i < 0) i = 0
  }
  op.matchedClause = 0
  switch (op.kind) {
    case K_ANY:
      return i < len ? i : -1
    case K_LITERAL: {
      const v = op.m
      const buf = mb.buf
      const mask = mb.mask
      const head = mb.head
      for (; i < len; i++) if (buf[(head + i) & mask] === v) return i
      return -1
    }
    case K_MATCH: {
      const m0 = op.m as TaggedMatcher
      const buf = mb.buf
      const mask = mb.mask
      const head = mb.head
      const tag = m0.tag0
      if (tag !== undefined) {
        for (; i < len; i++) {
          const v = buf[(head + i) & mask]
          if (Array.isArray(v) && v[0] === tag && m0(v)) return i
        }
        return -1
      }
      for (; i < len; i++) if (m0(buf[(head + i) & mask])) return i
      return -1
    }
    case K_REF: {
      const ref = op.m as Ref
      const m2 = op.m2 as Matcher
      const buf = mb.buf
      const mask = mb.mask
      const head = mb.head
      for (; i < len; i++) {
        const v = buf[(head + i) & mask]
        if (isRefPair(v, ref) && m2((v as unknown[])[1])) return i
      }
      return -1
    }
  }
  if (op.kind === K_CUSTOM) {
    const c = op.m as CustomReceive
    for (; i < len; i++) {
      const k = c.matches(mb.at(i))
      if (k >= 0) {
        op.matchedClause = k
        return i
      }
    }
    return -1
  }
  const ms = op.m as Matcher[]
  for (; i < len; i++) {
    const c = matchClauses(ms, mb.at(i))
    if (c >= 0) {
      op.matchedClause = c
      return i
    }
  }
  return -1
}
