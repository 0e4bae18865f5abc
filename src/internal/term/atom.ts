/**
 * An Erlang atom that is not one of the words Beamish spells as plain strings (see
 * {@link WELL_KNOWN_ATOMS}). Atoms are interned: `Atom.of('x') === Atom.of('x')`.
 *
 * Why a class and not JS strings: a JS string travels to the BEAM as a binary (an Elixir
 * string). Turning arbitrary strings into atoms would fill the peer's atom table, which is never
 * garbage-collected; so an atom is always something the programmer asked for by name.
 */
export class Atom {
  readonly name: string
  private constructor(name: string) {
    this.name = name
  }

  /** The interned atom for `name` (at most 255 characters, like the BEAM). */
  static of(name: string): Atom {
    let a = table.get(name)
    if (a === undefined) {
      // Characters are code points, as on the BEAM: only count them when UTF-16 units say too long.
      if (name.length > 255 && codePoints(name) > 255) {
        throw new RangeError(`an atom has at most 255 characters, got ${codePoints(name)}`)
      }
      if (table.size >= ATOM_LIMIT) {
        throw new RangeError(`the atom table is full (${ATOM_LIMIT} atoms)`)
      }
      a = new Atom(name)
      table.set(name, a)
    }
    return a
  }

  /** Prints like Elixir: `:ok`, `:"with space"`. */
  toString(): string {
    return /^[A-Za-z_][A-Za-z0-9_@]*[?!]?$/.test(this.name)
      ? `:${this.name}`
      : `:${JSON.stringify(this.name)}`
  }
}

/** Like the BEAM's default atom table limit. Untrusted input cannot grow it past this. */
export const ATOM_LIMIT = 1_048_576
const table = new Map<string, Atom>()

/** The interned `Atom` for `name` if it exists, without creating it (for table limits). */
export function existingAtom(name: string): Atom | undefined {
  return table.get(name)
}

function codePoints(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

/** Number of interned `Atom`s. */
export function atomCount(): number {
  return table.size
}

/**
 * OTP's own words, which Beamish spells as plain JS strings locally (`'EXIT'`, `'normal'`, …)
 * and which map to atoms (not binaries) on the wire. `true`/`false` are JS booleans, `nil` is
 * `null` and `undefined` is `undefined`; every other atom is an {@link Atom}. A binary from the
 * BEAM whose text is one of these words decodes to a `Uint8Array` so that it is not mistaken
 * for the atom (round trips stay exact).
 */
export const WELL_KNOWN_ATOMS: ReadonlySet<string> = new Set([
  'ok',
  'error',
  'normal',
  'shutdown',
  'kill',
  'killed',
  'noproc',
  'noconnection',
  'nodedown',
  'timeout',
  'infinity',
  'EXIT',
  'DOWN',
  'process',
  '$gen_call',
  '$gen_cast',
  'alias',
  'calling_self',
  'nocatch',
  'badarg',
  'already_started',
])
