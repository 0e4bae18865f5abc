/**
 * Errors Beamish throws. API misuse throws a {@link BeamishError} synchronously, with a stable
 * `code` (listed in docs/errors.md) and a message saying what was expected and what was got.
 * Process failures are not exceptions but exit reasons; {@link ExitError} is how one reaches
 * ordinary code (`exit(reason)`, a failed `GenServer.call`, a rejected `Process.run`).
 *
 * @example
 * ```ts
 * import { Errors, Process } from 'beamish'
 * try { Process.send('nobody', 1) } catch (e) {
 *   if (e instanceof Errors.BeamishError && e.code === 'ERR_BEAMISH_NOPROC') console.log('not registered')
 * }
 * ```
 *
 * @module
 */
export { BeamishError, type ErrorCode, ExitError, ProcessTerminated } from './internal/errors.ts'
