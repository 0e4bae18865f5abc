/**
 * `npm run example -- basic` — seed 002 (the talk "A Winner is You"), slide "Very Basic
 * Example": the four building blocks — `self`, `spawn`, `send`, `receive`. Another process
 * waits for `{sender, contents}` and answers `"You sent me: …"`; the main process prints the
 * answer:
 *
 *     Main Process received: "You sent me: \"Hello, world!\""
 *
 * Elixir → TypeScript: `spawn(fn -> receive do … end end)` is `Process.spawn(function* () {
 * yield* Process.receive(…) })`; the tuple `{self, "Hello, world!"}` is the array
 * `[self(), 'Hello, world!']`; `inspect(x)` is `inspect` below, which quotes a string as Elixir
 * does (Beamish has no public Elixir-style inspect; Node's `util.inspect` would print
 * `'Hello, world!'` with JavaScript's quotes).
 */
import { inspect as nodeInspect } from 'node:util'
import { P, Pid, Process } from '../../src/index.ts'

const { receive, self, send, spawn } = Process

/** The characters Elixir's `inspect` escapes by name in a string. */
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\t': '\\t',
  '\r': '\\r',
  '\x1b': '\\e',
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\v': '\\v',
  '\x7f': '\\d',
}

/** Elixir's `String.printable?/1`: printable code points, or control characters it escapes. */
function printable(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0)!
    const ok =
      (c >= 0x20 && c <= 0x7e) ||
      (c >= 0xa0 && c <= 0xd7ff) ||
      (c >= 0xe000 && c <= 0xfffd) ||
      c >= 0x10000 ||
      ESCAPES[ch] !== undefined
    if (!ok) return false
  }
  return true
}

/**
 * Elixir's `inspect/1` for a string: double quotes, with `"`, `\`, `#{` and the named control
 * characters escaped (`"You sent me: \"Hello, world!\""`); a string with any other
 * non-printable character prints as its UTF-8 bytes (`<<0>>`), as Elixir prints a binary. Other
 * terms (the seed inspects only strings) fall back to Node's `util.inspect`.
 */
export function inspect(term: unknown): string {
  if (typeof term !== 'string') return nodeInspect(term, { breakLength: Number.POSITIVE_INFINITY })
  if (!printable(term)) return `<<${[...Buffer.from(term, 'utf8')].join(', ')}>>`
  let out = '"'
  for (let i = 0; i < term.length; i++) {
    const ch = term[i]!
    if (ch === '#' && term[i + 1] === '{') out += '\\#'
    else out += ESCAPES[ch] ?? ch
  }
  return `${out}"`
}

export function* main(print: (line: string) => void = console.log): Generator<unknown, void> {
  const otherPid = spawn(function* () {
    const [sender, contents] = yield* receive([P.instanceOf(Pid), P._])
    send(sender, `You sent me: ${inspect(contents)}`)
  })

  send(otherPid, [self(), 'Hello, world!'])

  const message = yield* receive()
  print(`Main Process received: ${inspect(message)}`)
}

if (import.meta.filename === process.argv[1]) await Process.run(() => main())
