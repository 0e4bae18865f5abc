/**
 * The `HashIt` actor of seed 000 ("concurrency actor model with 'let it crash' philosophy"): a
 * process that hashes strings, grown step by step as in the article.
 *
 * How it maps to the Elixir:
 * - `def loop do receive … end; loop end` (a tail-recursive receive loop) is a generator with
 *   `for (;;) { yield* Process.receive(…) }`; `loop(strg, cryptoType)`'s arguments are the
 *   generator's local state.
 * - `{:compute, value}` is the tuple `['compute', value]`; `{:shutdown}` is `['shutdown']`.
 * - `:crypto.hash(:md5, value) |> Base.encode16()` is `node:crypto` plus an upper-case hex digest.
 * - The cache `%{}` is a `Map` owned by the process (copied at start, so the caller's map and the
 *   actor's never alias, as BEAM maps never do).
 * - `make_ref()` + `receive {:ok, ^ref, reply}` is `Process.makeRef()` + a pattern that pins the
 *   ref (a `Ref` in a pattern matches only that ref).
 */
import { createHash } from 'node:crypto'
import { exit, P, Pid, Process, Ref } from '../../src/index.ts'

export type CryptoType = 'md5' | 'sha256'
export type Print = (line: string) => void

/** `:crypto.hash(type, value) |> Base.encode16()`. Like `:crypto.hash`, throws on a non-string. */
export function hash(type: CryptoType, value: string): string {
  return createHash(type).update(value).digest('hex').toUpperCase()
}

/**
 * The first two versions of `HashIt.loop/0`: prints the md5 of every `['compute', value]`, and
 * exits with reason `'normal'` on `['shutdown']`.
 */
export function* printLoop(print: Print = console.log): Generator<unknown, never> {
  for (;;) {
    const msg = yield* Process.receive(['compute', P.string], ['shutdown'])
    if (msg[0] === 'shutdown') exit('normal')
    print(hash('md5', msg[1]))
  }
}

/**
 * `HashIt.loop(strg, cryptoType)`, the version with a cache: answers
 * `['compute', value, sender, ref]` with `['ok', ref, hash]`, computing only values it has not
 * seen. Two messages beyond the article's: `['shutdown']` (the article's normal exit, which
 * `Process.exit(pid, 'normal')` cannot cause: a non-trapping process ignores it) and
 * `['link', pid]` (Elixir's `Process.link/1` links the *caller*, so linking two actors means
 * asking one of them to do it).
 */
export function* loop(cache: Map<string, string>, cryptoType: CryptoType): Generator<unknown, never> {
  for (;;) {
    const msg = yield* Process.receive(
      ['compute', P._, P.instanceOf(Pid), P.instanceOf(Ref)],
      ['link', P.instanceOf(Pid), P.instanceOf(Pid), P.instanceOf(Ref)],
      ['shutdown'],
    )
    switch (msg[0]) {
      case 'compute': {
        const [, value, sender, ref] = msg
        let hashValue = cache.get(value as string)
        if (hashValue === undefined) {
          // Anything but a string makes `hash` throw, and the actor crashes: let it crash.
          hashValue = hash(cryptoType, value as string)
          cache.set(value as string, hashValue)
        }
        Process.send(sender, ['ok', ref, hashValue])
        break
      }
      case 'link': {
        const [, other, sender, ref] = msg
        Process.send(sender, ['ok', ref, Process.link(other)])
        break
      }
      case 'shutdown':
        exit('normal')
    }
  }
}

/** `HashIt.start(name, strg, cryptoType)`: spawns the actor and registers it under `name`. */
export function start(name: string, cache: Map<string, string>, cryptoType: CryptoType): Pid {
  const pid = Process.spawn(() => loop(new Map(cache), cryptoType))
  Process.register(name, pid)
  return pid
}

/** The same with `spawn_link`, as the article asks for when a supervisor starts HashIt. */
export function startLink(name: string, cache: Map<string, string>, cryptoType: CryptoType): Pid {
  const pid = Process.spawnLink(() => loop(new Map(cache), cryptoType))
  Process.register(name, pid)
  return pid
}

/** `HashIt.compute(name, value)`: asks the actor and waits for the reply tagged with a fresh ref. */
export function* compute(
  name: string | Pid | readonly [string, string],
  value: string,
): Generator<unknown, string> {
  const ref = Process.makeRef()
  Process.send(name, ['compute', value, Process.self(), ref])
  const [, , reply] = yield* Process.receive(['ok', ref, P.string])
  return reply
}

/**
 * `compute` guarded by `receive … after`: the hash, or `null` (Elixir's `nil`) when no reply
 * came within `timeout` ms — a caller never waits forever on an actor that crashed.
 */
export function* computeWithin(
  name: string | Pid,
  value: string,
  timeout = 1000,
): Generator<unknown, string | null> {
  const ref = Process.makeRef()
  Process.send(name, ['compute', value, Process.self(), ref])
  return yield* Process.receive(
    Process.on(['ok', ref, P.string], ([, , reply]) => reply),
    Process.after(timeout, () => null),
  )
}

/** Asks actor `a` to link itself to `b` (links are bidirectional) and waits until it has. */
export function* link(a: string | Pid, b: Pid): Generator<unknown, true> {
  const ref = Process.makeRef()
  Process.send(a, ['link', b, Process.self(), ref])
  yield* Process.receive(['ok', ref, true])
  return true
}
