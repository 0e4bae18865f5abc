/**
 * The course's `KV` store (seed 001, "Storing state inside processes"): a process whose state is
 * a map carried from one turn of its receive loop to the next.
 *
 * `{:put, key, value, sender}` replies `:ok`; `{:get, key, sender}` replies the value, or `nil`
 * (here `null`, the term model's nil) for a missing key.
 */
import { P, Pid, Process } from '../../src/index.ts'

/** `KV.start_link/0`. */
export function startLink(): Pid {
  return Process.spawnLink(() => loop(new Map()))
}

function* loop(map: Map<unknown, unknown>): Generator<unknown, never> {
  for (;;) {
    const msg = yield* Process.receive(['put', P._, P._, P.instanceOf(Pid)], ['get', P._, P.instanceOf(Pid)])
    if (msg[0] === 'put') {
      const [, key, value, sender] = msg
      map.set(key, value)
      Process.send(sender, 'ok')
    } else {
      const [, key, sender] = msg
      Process.send(sender, map.has(key) ? map.get(key) : null)
    }
  }
}
