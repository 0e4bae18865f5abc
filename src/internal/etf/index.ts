/**
 * The External Term Format codec: Erlang terms ↔ bytes, for the distribution layer and for
 * `term_to_binary` / `binary_to_term` compatible storage.
 */

export type { NodeBudget } from '../term/nodeRef.ts'
export { decode, decodeWithSize } from './decode.ts'
export { type EncodeOptions, encode } from './encode.ts'
export { EtfError, type EtfErrorCode, isEtfError } from './errors.ts'
export {
  INTERN_LIMIT,
  internedCounts,
  type LocalPidResolver,
  type LocalRefResolver,
  setLocalPidResolver,
  setLocalRefResolver,
} from './intern.ts'
export { type AtomCacheLookup, DECODE_DEFAULTS, type DecodeOptions } from './reader.ts'
