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

// Frames of Beamish's own machinery (the scheduler, the GenServer loop, and the
// AsyncLocalStorage.run of node:async_hooks a process body runs in) say nothing about the user's
// bug; reports leave them out. The exit reason keeps the full stack.
const INTERNAL_FRAME =
  /[/\\]src[/\\]internal[/\\](runtime[/\\])?[a-zA-Z]+\.[jt]s:|^\s+at [^ ]*\.next \(<anonymous>\)|^\s+at Generator\.(next|throw)|\(node:async_hooks[:)]|^\s+at node:async_hooks:/

/** Stack lines of an error without its first (message) line, indented like Elixir's. */
export function stackLines(stack: string | undefined): string[] {
  if (stack === undefined) return []
  return stack
    .split('\n')
    .filter((l) => /^\s+at /.test(l) && !INTERNAL_FRAME.test(l))
    .map((l) => `    ${l.trim()}`)
}

/**
 * An exit reason in words, as Elixir's `Exception.format_exit/1` gives it (`shutdown: x`,
 * `bad return value: …`, `exited in: GenServer.call(…)` and its cause); other reasons inspected.
 */
export function formatExit(reason: unknown): string {
  switch (reason) {
    case 'normal':
    case 'shutdown':
    case 'killed':
      return reason
    case 'calling_self':
      return 'process attempted to call itself'
    case 'timeout':
      return 'time out'
    case 'noconnection':
      return 'no connection'
    case 'noproc':
      return "no process: the process is not alive or there's no process currently associated with the given name, possibly because its application isn't started"
  }
  if (Array.isArray(reason) && reason.length === 2) {
    const [tag, x] = reason
    if (tag === 'shutdown') return `shutdown: ${inspect(x)}`
    if (tag === 'nodedown') return `no connection to ${String(x)}`
    if (tag === 'bad_return_value') return `bad return value: ${inspect(x)}`
    if (tag === 'bad_call') return `bad call: ${inspect(x)}`
    if (tag === 'bad_cast') return `bad cast: ${inspect(x)}`
    if (
      Array.isArray(x) &&
      x.length === 3 &&
      typeof x[0] === 'string' &&
      typeof x[1] === 'string' &&
      Array.isArray(x[2])
    ) {
      // A failed call's `[reason, [mod, fn, args]]`.
      const args = (x[2] as unknown[]).map((a) => inspect(a)).join(', ')
      return `exited in: ${x[0]}.${x[1]}(${args})\n    ** (EXIT) ${formatExit(tag)}`
    }
  }
  return inspect(reason)
}

/**
 * Formats an exit reason the way Elixir's Logger prints it: a thrown error becomes its banner
 * and stack, a thrown non-error (`[['nocatch', v], stack]`) `** (ErlangError) Erlang error:
 * ['nocatch', v]` and the stack; any other reason `** (exit) <inspected>`. With `kind` 'stop'
 * (the reports of a GenServer or Task that stopped), `** (stop) <in words>` and a throw
 * `** (stop) ['nocatch', v]`, as Elixir's reports say it.
 */
export function formatReason(reason: unknown, kind: 'exit' | 'stop' = 'exit'): string {
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
    // A stop report shows the reason itself (`** (stop) {:nocatch, :x}`); a crash, what Elixir's
    // `Exception.format(:error, {:nocatch, v})` gives for a plain process that threw.
    const head =
      kind === 'stop'
        ? `** (stop) ${inspect(reason[0])}`
        : `** (ErlangError) Erlang error: ${inspect(reason[0])}`
    return [head, ...stackLines(reason[1] as string)].join('\n')
  }
  if (
    Array.isArray(reason) &&
    reason[0] === 'function_clause' &&
    Array.isArray(reason[1]) &&
    Array.isArray(reason[1][0]) &&
    reason[1][0].length === 3
  ) {
    // `{function_clause, [{M, F, Arity} | _]}` is an exception on the BEAM, and Elixir names it so.
    const [m, f, a] = reason[1][0] as [unknown, unknown, unknown]
    return `** (FunctionClauseError) no function clause matching in ${String(m)}.${String(f)}/${String(a)}`
  }
  return kind === 'stop' ? `** (stop) ${formatExit(reason)}` : `** (exit) ${inspect(reason)}`
}
