/**
 * Seed 003's `Counter` ("everything is a process"): a process whose state is a count, kept by
 * passing it to the next turn of its receive loop (`loop(count + 1)` in Elixir; here the loop
 * variable of a generator).
 *
 * Messages: `'increment'`, `'decrement'` and `['get', sender]` (the reply is the bare count).
 * `start` is the article's `Counter.start/0` (spawn, no link). `startLink`/`childSpec` are what
 * `{Counter, 0}` in `MyApp.Supervisor` needs: Elixir's `{Counter, 0}` means
 * `Counter.child_spec(0)`, which the article's Counter never defines; a supervised child must
 * also be linked to its supervisor and answer `{:ok, pid}`.
 */
import { P, Pid, Process, type Supervisor } from '../../src/index.ts'

/** `Counter.start/0`: a counter starting at 0 (or `initial`). */
export function start(initial = 0): Pid {
  return Process.spawn(() => loop(initial))
}

/** Starts a counter linked to the caller, for a supervisor. */
export function startLink(initial = 0): readonly ['ok', Pid] {
  return ['ok', Process.spawnLink(() => loop(initial))]
}

/** `Counter.child_spec(initial)`: how a supervisor starts (and restarts) a counter. */
export function childSpec(initial = 0): Supervisor.ChildSpec {
  return { id: 'Counter', start: () => startLink(initial) }
}

function* loop(count: number): Generator<unknown, never> {
  for (;;) {
    const msg = yield* Process.receive('increment', 'decrement', ['get', P.instanceOf(Pid)])
    if (msg === 'increment') count = count + 1
    else if (msg === 'decrement') count = count - 1
    else Process.send(msg[1], count)
  }
}

/** Asks a counter for its count (send `['get', self()]`, then receive the number). */
export function* get(counter: Pid): Generator<unknown, number> {
  Process.send(counter, ['get', Process.self()])
  return yield* Process.receive(P.number)
}
