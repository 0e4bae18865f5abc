/**
 * Distribution capability flags (distribution.md §3; values from OTP 25's `dist.hrl`). Flags are
 * 64-bit, so they are bigints here; only the handshake touches them, and it turns the result into
 * the plain booleans of {@link Negotiated} that the hot paths read.
 */

export const DFLAG = {
  PUBLISHED: 0x1n,
  ATOM_CACHE: 0x2n,
  EXTENDED_REFERENCES: 0x4n,
  DIST_MONITOR: 0x8n,
  FUN_TAGS: 0x10n,
  DIST_MONITOR_NAME: 0x20n,
  HIDDEN_ATOM_CACHE: 0x40n,
  NEW_FUN_TAGS: 0x80n,
  EXTENDED_PIDS_PORTS: 0x100n,
  EXPORT_PTR_TAG: 0x200n,
  BIT_BINARIES: 0x400n,
  NEW_FLOATS: 0x800n,
  UNICODE_IO: 0x1000n,
  DIST_HDR_ATOM_CACHE: 0x2000n,
  SMALL_ATOM_TAGS: 0x4000n,
  UTF8_ATOMS: 0x10000n,
  MAP_TAG: 0x20000n,
  BIG_CREATION: 0x40000n,
  SEND_SENDER: 0x80000n,
  BIG_SEQTRACE_LABELS: 0x100000n,
  EXIT_PAYLOAD: 0x400000n,
  FRAGMENTS: 0x800000n,
  HANDSHAKE_23: 0x1000000n,
  UNLINK_ID: 0x2000000n,
  // Erratum in the OTP 25 HTML doc (1 bsl 36): dist.hrl and the live node use bit 26.
  MANDATORY_25_DIGEST: 0x4000000n,
  SPAWN: 1n << 32n,
  NAME_ME: 1n << 33n,
  V4_NC: 1n << 34n,
  ALIAS: 1n << 35n,
} as const

/** OTP 25's `MANDATORY_DFLAGS_25` (= 0x1070F94): a peer lacking any of these is refused. */
export const MANDATORY_25 =
  DFLAG.EXTENDED_REFERENCES |
  DFLAG.FUN_TAGS |
  DFLAG.NEW_FUN_TAGS |
  DFLAG.EXTENDED_PIDS_PORTS |
  DFLAG.EXPORT_PTR_TAG |
  DFLAG.BIT_BINARIES |
  DFLAG.NEW_FLOATS |
  DFLAG.UTF8_ATOMS |
  DFLAG.MAP_TAG |
  DFLAG.BIG_CREATION |
  DFLAG.HANDSHAKE_23

/**
 * What a Beamish node advertises: the OTP 25 mandatory set plus every optional feature it really
 * implements. Why each one:
 * - DIST_MONITOR / DIST_MONITOR_NAME: remote monitors by pid and by name, both ways (without
 *   them a BEAM monitor on a Beamish process could only ever fire with `noconnection`, M-k);
 * - SEND_SENDER / EXIT_PAYLOAD: the current control message forms (the old ones are decoded too);
 * - UNLINK_ID: the race-free link protocol (semantics L-f), mandatory from OTP 26;
 * - ALIAS: without it the BEAM silently drops every reply to a Beamish `GenServer.call`;
 * - SPAWN: `spawn_request` towards a Beamish node gets a clean `notsup` reply, not a hang;
 * - V4_NC: 32-bit pid ids and 5-word refs, mandatory from OTP 26;
 * - FRAGMENTS + DIST_HDR_ATOM_CACHE: the header framing, with reassembly of fragmented messages
 *   and the receive side of the atom cache (we send headers with zero cache refs, always valid);
 * - BIG_SEQTRACE_LABELS / SMALL_ATOM_TAGS: decode-only tolerances that cost nothing.
 * PUBLISHED is added for visible nodes only.
 */
export const BEAMISH_FLAGS =
  MANDATORY_25 |
  DFLAG.MANDATORY_25_DIGEST |
  DFLAG.DIST_MONITOR |
  DFLAG.DIST_MONITOR_NAME |
  DFLAG.SEND_SENDER |
  DFLAG.EXIT_PAYLOAD |
  DFLAG.UNLINK_ID |
  DFLAG.ALIAS |
  DFLAG.SPAWN |
  DFLAG.V4_NC |
  DFLAG.FRAGMENTS |
  DFLAG.DIST_HDR_ATOM_CACHE |
  DFLAG.BIG_SEQTRACE_LABELS |
  DFLAG.SMALL_ATOM_TAGS

/** Our flags for a visible or hidden node. */
export function ourFlags(hidden: boolean): bigint {
  return hidden ? BEAMISH_FLAGS : BEAMISH_FLAGS | DFLAG.PUBLISHED
}

/** The names of the flags set in `f`, for logs and errors. */
export function flagNames(f: bigint): string[] {
  const out: string[] = []
  for (const [name, bit] of Object.entries(DFLAG)) if ((f & bit) !== 0n) out.push(name)
  return out
}

/**
 * The mandatory flags `f` lacks (empty when it is acceptable). The digest bit stands for the
 * whole set, as an OTP 25 peer expands it.
 */
export function missingMandatory(f: bigint): string[] {
  if ((f & DFLAG.MANDATORY_25_DIGEST) !== 0n) return []
  return flagNames(MANDATORY_25 & ~f)
}

/** The features both sides agreed on, as plain booleans for the hot paths. */
export interface Negotiated {
  /** The peer is a visible node (it set PUBLISHED). */
  readonly published: boolean
  readonly distMonitor: boolean
  readonly distMonitorName: boolean
  readonly sendSender: boolean
  readonly exitPayload: boolean
  readonly unlinkId: boolean
  readonly alias: boolean
  readonly spawn: boolean
  /** Header framing (`131, 68 …`) instead of pass-through (`112, 131 …`), in both directions. */
  readonly header: boolean
  readonly atomCache: boolean
  readonly fragments: boolean
}

/** The intersection of our flags and the peer's, as booleans. */
export function negotiate(ours: bigint, theirs: bigint): Negotiated {
  const both = ours & theirs
  const has = (bit: bigint) => (both & bit) !== 0n
  const atomCache = has(DFLAG.DIST_HDR_ATOM_CACHE)
  const fragments = has(DFLAG.FRAGMENTS)
  return {
    published: (theirs & DFLAG.PUBLISHED) !== 0n,
    distMonitor: has(DFLAG.DIST_MONITOR),
    distMonitorName: has(DFLAG.DIST_MONITOR_NAME),
    sendSender: has(DFLAG.SEND_SENDER),
    exitPayload: has(DFLAG.EXIT_PAYLOAD),
    unlinkId: has(DFLAG.UNLINK_ID),
    alias: has(DFLAG.ALIAS),
    spawn: has(DFLAG.SPAWN),
    header: atomCache || fragments,
    atomCache,
    fragments,
  }
}
