import { badArg, bullets, createError } from './errors.ts'
import type { SocketOptions } from './tcp.ts'

/** Checking what `Tcp.listen` / `Tcp.connect` are given, and inet's words for Node's errors. */

const CONNECT_OPTIONS = ['active', 'mode', 'packet']
const LISTEN_OPTIONS = [...CONNECT_OPTIONS, 'host', 'backlog']

/** Each option as the unknown-option error lists it: its name and the values it takes. */
const OPTION_TEXT: Readonly<Record<string, string>> = {
  active: "active (true | false | 'once')",
  mode: "mode ('binary' | 'string')",
  packet: "packet (0 | 'line')",
  host: 'host (the address to bind)',
  backlog: 'backlog (a non-negative integer)',
}

/**
 * Checks `Tcp.listen` / `Tcp.connect` options up front. `host` and `backlog` are listen-only:
 * gen_tcp:connect rejects `{backlog, N}` (badarg), and Beamish does not bind a connecting
 * socket's local address (gen_tcp's `{ip, A}` on connect).
 */
export function checkSocketOptions(o: unknown, caller: Function, kind: 'listen' | 'connect'): SocketOptions {
  if (o === undefined) return {}
  if (typeof o !== 'object' || o === null)
    throw badArg('socket options to be an object', o, caller, 'ERR_BEAMISH_INVALID_OPTION')
  const opts = o as Record<string, unknown>
  const valid = kind === 'listen' ? LISTEN_OPTIONS : CONNECT_OPTIONS
  for (const k of Object.keys(opts)) {
    if (!valid.includes(k)) {
      const listenOnly = LISTEN_OPTIONS.includes(k) ? ` (${JSON.stringify(k)} is for Tcp.listen only)` : ''
      throw createError(
        'ERR_BEAMISH_INVALID_OPTION',
        `unknown socket option ${JSON.stringify(k)}${listenOnly}. The valid options are:\n\n${bullets(valid.map((v) => OPTION_TEXT[v]!))}\n\nGot: ${JSON.stringify(k)}`,
        caller,
      )
    }
  }
  if (opts.active !== undefined && opts.active !== true && opts.active !== false && opts.active !== 'once') {
    throw badArg("active to be true, false or 'once'", opts.active, caller, 'ERR_BEAMISH_INVALID_OPTION')
  }
  if (opts.mode !== undefined && opts.mode !== 'binary' && opts.mode !== 'string') {
    throw badArg("mode to be 'binary' or 'string'", opts.mode, caller, 'ERR_BEAMISH_INVALID_OPTION')
  }
  if (opts.packet !== undefined && opts.packet !== 0 && opts.packet !== 'line') {
    throw badArg("packet to be 0 or 'line'", opts.packet, caller, 'ERR_BEAMISH_INVALID_OPTION')
  }
  if (opts.host !== undefined && (typeof opts.host !== 'string' || opts.host === '')) {
    throw badArg(
      'host to be an address or host name (a string)',
      opts.host,
      caller,
      'ERR_BEAMISH_INVALID_OPTION',
    )
  }
  if (
    opts.backlog !== undefined &&
    (typeof opts.backlog !== 'number' || !Number.isInteger(opts.backlog) || opts.backlog < 0)
  ) {
    throw badArg('backlog to be a non-negative integer', opts.backlog, caller, 'ERR_BEAMISH_INVALID_OPTION')
  }
  return opts as SocketOptions
}

/** A Node error as inet's reason atom: the errno in lower case; ENOTFOUND (DNS) is `nxdomain`. */
export function errnoAtom(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code
  if (typeof code !== 'string') return 'einval'
  return code === 'ENOTFOUND' ? 'nxdomain' : code.toLowerCase()
}
