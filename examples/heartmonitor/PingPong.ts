/**
 * Seed 001's `PingPong`: answers every `['ping', sender]` with `['pong', self()]`.
 */
import { P, Pid, Process } from '../../src/index.ts'

/** `PingPong.start_link/0`. */
export function startLink(): Pid {
  return Process.spawnLink(loop)
}

function* loop(): Generator<unknown, never> {
  for (;;) {
    const [, sender] = yield* Process.receive(['ping', P.instanceOf(Pid)])
    Process.send(sender, ['pong', Process.self()])
  }
}
