/**
 * Reusable buffers for the snapshot copies of large binaries being sent (see wire.ts). Why: a
 * fresh 1 MB buffer per send costs page faults and, being external memory, drives the GC; a
 * buffer handed back once the socket has written it is warm and costs neither. Bounded: at most
 * 64 MiB are kept idle, in power-of-two size classes from 64 KiB.
 */

const MIN = 64 * 1024
const MAX_IDLE = 64 * 1024 * 1024

const idle = new Map<number, Buffer[]>()
/** A snapshot (a view of the first bytes) → the pooled buffer behind it. */
const backing = new WeakMap<Buffer, Buffer>()
let idleBytes = 0

function sizeClass(n: number): number {
  let size = MIN
  while (size < n) size *= 2
  return size
}

/**
 * A copy of `src` in a pooled buffer; give it back with {@link release} once written.
 *
 * @example
 * const part = snapshot(bigUint8Array) // socket.write(part, () => release(part))
 */
export function snapshot(src: Uint8Array): Buffer {
  const size = sizeClass(src.length)
  let buf = idle.get(size)?.pop()
  if (buf === undefined) buf = Buffer.allocUnsafeSlow(size)
  else idleBytes -= size
  buf.set(src)
  const part = buf.subarray(0, src.length)
  backing.set(part, buf)
  return part
}

/**
 * True for a buffer made by {@link snapshot} and not yet released.
 *
 * @example
 * socket.write(chunk, pooled(chunk) ? () => release(chunk) : undefined)
 */
export function pooled(part: Buffer): boolean {
  return backing.has(part)
}

/**
 * Returns a snapshot's buffer to the pool (the socket no longer needs its bytes).
 *
 * @example
 * release(part)
 */
export function release(part: Buffer): void {
  const buf = backing.get(part)
  if (buf === undefined) return
  backing.delete(part)
  if (idleBytes + buf.length > MAX_IDLE) return
  let list = idle.get(buf.length)
  if (list === undefined) idle.set(buf.length, (list = []))
  list.push(buf)
  idleBytes += buf.length
}
