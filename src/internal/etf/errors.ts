/**
 * Stable error codes of the External Term Format codec. Callers (the distribution layer, tests,
 * logs) match on these, never on message text.
 */
export type EtfErrorCode =
  /** The input ended before a field or a declared length. */
  | 'ERR_BEAMISH_ETF_TRUNCATED'
  /** A tag byte (or the version byte) that is unknown or not allowed at this place. */
  | 'ERR_BEAMISH_ETF_BAD_TAG'
  /** Well-formed bytes that do not make a valid term: bad UTF-8, duplicate map keys, trailing bytes… */
  | 'ERR_BEAMISH_ETF_INVALID'
  /** A decode limit (depth, size, count, atom or node table) was exceeded. */
  | 'ERR_BEAMISH_ETF_LIMIT'
  /** A valid tag this codec does not handle here (LOCAL_EXT, FUN_EXT, ATOM_CACHE_REF without cache…). */
  | 'ERR_BEAMISH_ETF_UNSUPPORTED'
  /** A JS value that has no term form, or a term whose fields are out of range. */
  | 'ERR_BEAMISH_ETF_ENCODE'
  /** A bug in the codec itself (an unexpected JS exception); fuzzing treats it as a failure. */
  | 'ERR_BEAMISH_ETF_INTERNAL'

/**
 * The only error the codec throws. Decode errors carry the byte `offset` where the problem was
 * found; encode errors carry the `path` of the offending value inside the term (`$[1].items[0]`).
 */
export class EtfError extends Error {
  readonly code: EtfErrorCode
  /** Byte offset in the decoded input (decode errors only). */
  readonly offset: number | undefined
  /** Where in the encoded value the problem is (encode errors only), e.g. `$[2].get("k")`. */
  path: string | undefined

  constructor(code: EtfErrorCode, message: string, offset?: number, path?: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = 'EtfError'
    this.code = code
    this.offset = offset
    this.path = path
  }
}

/**
 * True for errors thrown by the codec.
 *
 * @example
 * try { decode(bytes) } catch (e) { if (isEtfError(e) && e.code === 'ERR_BEAMISH_ETF_LIMIT') dropPeer() }
 */
export function isEtfError(e: unknown): e is EtfError {
  return e instanceof EtfError
}
