import { inspect as nodeInspect } from 'node:util'

/**
 * Inspects a term for messages and logs: JS syntax for data, Elixir's notation for runtime
 * handles (`#PID<0.5.0>`, `#Reference<0.1.2.3>`), which print through their own custom inspect.
 */
export function inspect(term: unknown): string {
  if (typeof term === 'string') return JSON.stringify(term)
  return nodeInspect(term, { depth: 6, breakLength: 100, maxArrayLength: 50, maxStringLength: 500 })
}

/** Elixir's name for an error's class in `** (Name) message`. */
export function errorBanner(err: Error): string {
  return `** (${err.name}) ${err.message}`
}

// Frames of Beamish's own machinery (the scheduler, the GenServer loop) say nothing about the
// user's bug; reports leave them out. The exit reason keeps the full stack.
const INTERNAL_FRAME =
  /[/\\]src[/\\]internal[/\\](runtime[/\\])?[a-zA-Z]+\.[jt]s:|^\s+at [^ ]*\.next \(<anonymous>\)|^\s+at Generator\.(next|throw)/

/** Stack lines of an error without its first (message) line, indented like Elixir's. */
export function stackLines(stack: string | undefined): string[] {
  if (stack === undefined) return []
  return stack
    .split('\n')
    .filter((l) => /^\s+at /.test(l) && !INTERNAL_FRAME.test(l))
    .map((l) => `    ${l.trim()}`)
}

/**
 * Formats an exit reason the way Elixir's Logger prints it: a thrown error becomes its banner
 * and stack, anything else is inspected.
 */
export function formatReason(reason: unknown): string {
  if (Array.isArray(reason) && reason.length === 2 && reason[0] instanceof Error) {
    const err = reason[0]
    const lines = [errorBanner(err), ...stackLines(typeof reason[1] === 'string' ? reason[1] : err.stack)]
    return lines.join('\n')
  }
  if (
    Array.isArray(reason) &&
    reason.length === 2 &&
    Array.isArray(reason[0]) &&
    reason[0][0] === 'nocatch'
  ) {
    return [`** (throw) ${inspect(reason[0][1])}`, ...stackLines(reason[1] as string)].join('\n')
  }
  return `** (exit) ${inspect(reason)}`
}
