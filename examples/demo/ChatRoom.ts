/**
 * The chat room: a GenServer, registered as `ChatRoom`, that knows who is connected (one
 * connection process per member, each with a nickname) and broadcasts. Every member gets lines
 * as `['chat', line]` messages; its connection process writes them to its socket.
 *
 * - `join()` makes the calling process a member under a fresh `guestN` name and tells the
 *   others `* guestN joined`. The room monitors every member: when one goes down, it is removed
 *   and the others are told `* name left`.
 * - `say(text)` sends `<name> text` to every *other* member.
 * - `rename(name)` changes the caller's nickname (`* old is now name` to the others), refusing
 *   one that is taken or not a single word.
 *
 * The room traps exits so that `terminate` runs when its supervisor shuts it down: it logs that
 * the room closed, one of the lines that show the demo stopping in order.
 */
import { GenServer, Logger, type Pid, Process, type Ref, type Supervisor } from '../../src/index.ts'

interface State {
  /** Member → nickname. */
  readonly members: ReadonlyMap<Pid, string>
  /** The number of the next guest name. */
  readonly guests: number
}

type Call = readonly ['join', Pid] | readonly ['rename', Pid, string] | 'members'
type Cast = readonly ['say', Pid, string]
type RenameResult = readonly ['ok', string] | readonly ['error', 'invalid' | 'taken' | 'not_a_member']

const NAME = 'ChatRoom'
const NICKNAME = /^[\w-]{1,20}$/

/** Sends `line` to every member except `except`. */
function broadcast(members: ReadonlyMap<Pid, string>, line: string, except?: Pid): void {
  for (const pid of members.keys()) if (pid !== except) Process.send(pid, ['chat', line])
}

export const ChatRoom = GenServer.define({
  name: NAME,

  init: (_arg: undefined) => {
    Process.trapExit(true)
    return GenServer.ok<State>({ members: new Map(), guests: 0 })
  },

  handleCall(request: Call, _from: GenServer.From, state: State) {
    if (request === 'members') return GenServer.reply([...state.members.values()], state)
    if (request[0] === 'join') {
      const [, pid] = request
      const guests = state.guests + 1
      const name = `guest${guests}`
      Process.monitor(pid)
      broadcast(state.members, `* ${name} joined`)
      return GenServer.reply(name, { members: new Map(state.members).set(pid, name), guests })
    }
    const [, pid, name] = request
    const old = state.members.get(pid)
    let result: RenameResult
    if (old === undefined) result = ['error', 'not_a_member']
    else if (!NICKNAME.test(name)) result = ['error', 'invalid']
    else if ([...state.members.values()].includes(name)) result = ['error', 'taken']
    else result = ['ok', name]
    if (result[0] === 'error') return GenServer.reply(result, state)
    broadcast(state.members, `* ${old} is now ${name}`, pid)
    return GenServer.reply(result, { ...state, members: new Map(state.members).set(pid, name) })
  },

  handleCast([, pid, text]: Cast, state: State) {
    const name = state.members.get(pid)
    if (name !== undefined) broadcast(state.members, `<${name}> ${text}`, pid)
    return GenServer.noreply(state)
  },

  /** A member's connection ended: it leaves the room. */
  handleInfo([, , , pid]: readonly ['DOWN', Ref, 'process', Pid, unknown], state: State) {
    const name = state.members.get(pid)
    if (name === undefined) return GenServer.noreply(state)
    const members = new Map(state.members)
    members.delete(pid)
    broadcast(members, `* ${name} left`)
    return GenServer.noreply({ ...state, members })
  },

  terminate(_reason: unknown, _state: State) {
    Logger.info('chat room closed')
  },

  /** As a child of a supervisor: started with its name, `ChatRoom`. */
  childSpec(_arg?: unknown): Supervisor.ChildSpec {
    return { id: NAME, start: startLink }
  },
})

/** Starts the room, registered as `ChatRoom`. */
export function startLink() {
  return GenServer.startLink(ChatRoom, undefined, { name: NAME })
}

// ------------------------------------------------------------------ outward API

/** Makes the caller a member; returns the nickname it was given. */
export function* join(): Generator<unknown, string> {
  return (yield* GenServer.call<typeof ChatRoom>(NAME, ['join', Process.self()])) as string
}

/** Says `text` to everybody else in the room. */
export function say(text: string): 'ok' {
  return GenServer.cast<typeof ChatRoom>(NAME, ['say', Process.self(), text])
}

/** Changes the caller's nickname: `['ok', name]` or `['error', 'invalid' | 'taken' | 'not_a_member']`. */
export function* rename(name: string): Generator<unknown, RenameResult> {
  return (yield* GenServer.call<typeof ChatRoom>(NAME, ['rename', Process.self(), name])) as RenameResult
}

/** The nicknames of the members. */
export function* members(): Generator<unknown, string[]> {
  return (yield* GenServer.call<typeof ChatRoom>(NAME, 'members')) as string[]
}
