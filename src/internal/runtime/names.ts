import { badArg, createError } from '../errors.ts'
import type { Pid } from '../term/pid.ts'
import { EXITING, type Proc } from './proc.ts'

/** Registered local names (§7). */
export const names = new Map<string, Proc>()

export function checkName(name: unknown, caller: Function): string {
  if (typeof name !== 'string' || name.length === 0 || name === 'undefined') {
    throw badArg(
      'a process name (a non-empty string other than "undefined")',
      name,
      caller,
      'ERR_BEAMISH_INVALID_NAME',
    )
  }
  return name
}

/** `register(name, pid)`: every failure of R2 is a synchronous error with its own code. */
export function register(name: unknown, pid: Pid, caller: Function): void {
  const n = checkName(name, caller)
  const p = pid.proc as Proc | null
  if (p === null || p.status >= EXITING) {
    throw createError(
      'ERR_BEAMISH_NOPROC',
      `cannot register ${JSON.stringify(n)}: ${pid} is not alive`,
      caller,
    )
  }
  const holder = names.get(n)
  if (holder !== undefined) {
    throw createError(
      'ERR_BEAMISH_NAME_TAKEN',
      `cannot register ${JSON.stringify(n)}: the name is already registered to ${holder.pid}`,
      caller,
    )
  }
  const x = p.x()
  if (x.name !== null) {
    throw createError(
      'ERR_BEAMISH_ALREADY_REGISTERED',
      `cannot register ${pid} as ${JSON.stringify(n)}: it is already registered as ${JSON.stringify(x.name)}`,
      caller,
    )
  }
  claim(n, p)
}

/** Gives `name` to `p` (both checked by the caller). */
export function claim(name: string, p: Proc): void {
  p.x().name = name
  names.set(name, p)
}

/** Takes `name` back from `p`, its holder. */
export function release(name: string, p: Proc): void {
  names.delete(name)
  if (p.ext !== null) p.ext.name = null
}

export function unregister(name: unknown, caller: Function): void {
  const n = checkName(name, caller)
  const p = names.get(n)
  if (p === undefined) {
    throw createError(
      'ERR_BEAMISH_NOT_REGISTERED',
      `cannot unregister ${JSON.stringify(n)}: no process has that name`,
      caller,
    )
  }
  release(n, p)
}

export function whereis(name: string): Pid | undefined {
  return names.get(name)?.pid
}
