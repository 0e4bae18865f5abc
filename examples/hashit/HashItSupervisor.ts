/**
 * Seed 000's hand-written `HashItSupervisor`: a process that traps exits, starts a linked
 * HashIt, and starts a new one whenever the old one fails (not Beamish's `Supervisor`: this is
 * the loop the article writes by hand to show what a supervisor does).
 *
 * Elixir: `Process.flag(:trap_exit, true)` is `Process.trapExit(true)`; the linked child's death
 * arrives as the message `['EXIT', pid, reason]`, and `^pid` pins the current child's pid.
 */
import { inspect } from 'node:util'
import { P, type Pid, Process } from '../../src/index.ts'
import * as HashIt from './HashIt.ts'

/** Elixir's `inspect reason`: a thrown error reads as `TypeError: …`, other reasons as terms. */
export function inspectReason(reason: unknown): string {
  if (Array.isArray(reason) && reason[0] instanceof Error) return `${reason[0].name}: ${reason[0].message}`
  return inspect(reason)
}

/** `HashItSupervisor.start`: spawns the supervisor; it keeps an md5 HashIt registered as `name`. */
export function start(name = 'hashItMD5', print: HashIt.Print = console.log): Pid {
  return Process.spawn(function* () {
    Process.trapExit(true)
    return yield* loop(name, print)
  })
}

function* loop(name: string, print: HashIt.Print): Generator<unknown, 'ok'> {
  for (;;) {
    const pid = HashIt.startLink(name, new Map(), 'md5')
    const [, , reason] = yield* Process.receive(['EXIT', pid, P._])
    if (reason === 'normal') {
      print('Hash It exited normally')
      return 'ok'
    }
    print(`Hash It failed with reason ${inspectReason(reason)}...restarting`)
  }
}
