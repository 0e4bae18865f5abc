/**
 * Seed 001's `HeartMonitor`: pings the processes it monitors whenever its mailbox has been quiet
 * for `interval` ms (`receive … after 3000 -> loop(send_ping(state))`), counts unanswered pings,
 * lists a process as dead once it owes more than two pongs, and prints
 * `Process #PID<…> was dead but is now alive` when a dead one answers again.
 *
 * Elixir → TypeScript: the state map `%{monitors: [], alive: [], dead: [], pending: %{}}` is a
 * `State` object replaced on every turn (`%{state | …}` is `{ ...state, … }`); `list -- [x]` is
 * a filter; each `receive` clause is a `Process.on(pattern, handler)` whose handler returns the
 * next state, and `after` is `Process.after(interval, …)`.
 *
 * Three deliberate departures from the printed code, where it does not do what the article says
 * and shows (its transcripts are from Elixir 1.0):
 * - `:list_dead` replies `{:reply, …}` (the listing says `:relpy`).
 * - A ping round adds exactly one to each monitored process's count. The article's
 *   map-then-merge adds the old counts once per monitored process, so with two or more silent
 *   processes they are listed dead after two rounds instead of three; here it always takes the
 *   three unanswered pings the article describes.
 * - A pong adds its sender to the alive list, as the article's transcripts show. In
 *   `handle_pong`, `unless sender in state.alive do alive = [sender] ++ alive end` rebinds
 *   `alive` inside the `unless`; Elixir 1.0 let that leak out, later versions do not (on the
 *   1.14 the seeds are checked against, the compiler warns `variable "alive" is unused`), so
 *   there the alive list would stay empty forever.
 */
import { P, Pid, Process } from '../../src/index.ts'

export type Print = (line: string) => void

export interface State {
  readonly monitors: readonly Pid[]
  readonly alive: readonly Pid[]
  readonly dead: readonly Pid[]
  /** Unanswered pings per process. */
  readonly pending: ReadonlyMap<Pid, number>
}

export interface Options {
  /** Quiet time before a ping round, in ms (the article's `after 3000`). */
  readonly interval?: number
  readonly print?: Print
}

/** `HeartMonitor.start_link/0`. */
export function startLink({ interval = 3000, print = console.log }: Options = {}): Pid {
  return Process.spawnLink(() =>
    loop({ monitors: [], alive: [], dead: [], pending: new Map() }, interval, print),
  )
}

const pid = P.instanceOf(Pid)

function* loop(state: State, interval: number, print: Print): Generator<unknown, never> {
  for (;;) {
    state = yield* Process.receive(
      Process.on(['pong', pid], ([, sender]) => handlePong(sender, state, print)),
      Process.on(['monitor', pid], ([, p]) => ({ ...state, monitors: [p, ...state.monitors] })),
      Process.on(['demonitor', pid], ([, p]) => ({
        ...state,
        monitors: state.monitors.filter((m) => m !== p),
      })),
      Process.on(['list_monitors', pid], ([, sender]) => reply(sender, state.monitors, state)),
      Process.on(['list_alive', pid], ([, sender]) => reply(sender, state.alive, state)),
      Process.on(['list_dead', pid], ([, sender]) => reply(sender, state.dead, state)),
      Process.after(interval, () => sendPing(state)),
    )
  }
}

function reply(to: Pid, list: readonly Pid[], state: State): State {
  Process.send(to, ['reply', list])
  return state
}

function sendPing(state: State): State {
  const pending = new Map(state.pending)
  for (const p of state.monitors) {
    Process.send(p, ['ping', Process.self()])
    pending.set(p, (pending.get(p) ?? 0) + 1)
  }
  const newlyDead = [...pending].filter(([p, c]) => !state.dead.includes(p) && c > 2).map(([p]) => p)
  return { ...state, pending, dead: [...newlyDead, ...state.dead] }
}

function handlePong(sender: Pid, state: State, print: Print): State {
  const dead = state.dead.filter((p) => p !== sender)
  const pending = new Map(state.pending)
  pending.delete(sender)
  if (state.dead.includes(sender)) print(`Process ${sender} was dead but is now alive`)
  const alive = state.alive.includes(sender) ? state.alive : [sender, ...state.alive]
  return { ...state, alive, dead, pending }
}
