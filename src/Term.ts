/**
 * How Erlang terms look in TypeScript (see the README's "Term model"). Locally any JS value can
 * be a message; these types are what the wire mapping needs to say precisely.
 *
 * | Erlang | TypeScript |
 * |---|---|
 * | atom `ok`, `error`, `normal`, `EXIT`, … (OTP's own words) | the string `'ok'`, `'EXIT'`, … |
 * | `true` / `false` / `nil` / `undefined` | `true` / `false` / `null` / `undefined` |
 * | any other atom | `Atom.of('name')` |
 * | tuple `{a, b}` | array `[a, b]` |
 * | list `[a, b]` | `List.of(a, b)` |
 * | binary (Elixir string) | `string` (UTF-8), or `Uint8Array` for bytes |
 * | integer | `number` (safe integers) or `bigint` |
 * | float | `number`; a whole-valued float is `Float` |
 * | map | `Map` (a plain object encodes as a map with string keys) |
 * | pid / reference / port | `Pid` / `Ref` / `Port` |
 *
 * @example
 * ```ts
 * import { Term } from 'beamish'
 * const msg = [Term.Atom.of('greet'), 'Ada', Term.List.of(1, 2, 3)]  // {:greet, "Ada", [1, 2, 3]}
 * ```
 *
 * @module
 */
export { Atom, WELL_KNOWN_ATOMS } from './internal/term/atom.ts'
export { BitBinary, ExportFun, Float, List, OpaqueFun, Port } from './internal/term/misc.ts'
export { NodeRef } from './internal/term/nodeRef.ts'
export { isPid, Pid } from './internal/term/pid.ts'
export { isRef, Ref } from './internal/term/ref.ts'
