import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { inspect, main } from '../../examples/basic/main.ts'
import { run } from '../../src/testing/index.ts'

describe('basic (seed 002: the very basic example)', () => {
  // Elixir 1.14: Main Process received: "You sent me: \"Hello, world!\""
  it('the other process answers the main process with what it was sent, quoted as Elixir inspects it', () =>
    run(function* () {
      const lines: string[] = []
      yield* main((l) => lines.push(l))
      assert.deepEqual(lines, ['Main Process received: "You sent me: \\"Hello, world!\\""'])
    }))

  // Each expected string is what `IO.puts inspect(s)` printed on Elixir 1.14.
  it('inspect quotes strings as Elixir does', () => {
    for (const [s, expected] of [
      ['a"b\\c', '"a\\"b\\\\c"'],
      ['\n\t\r\x1b\x07\b\f\v', '"\\n\\t\\r\\e\\a\\b\\f\\v"'],
      [' #{x}', '" \\#{x}"'],
      ['\x7f', '"\\d"'],
      ['é 😀', '"é 😀"'],
      ['\0', '<<0>>'],
      ['\x01', '<<1>>'],
      ['\u0085', '<<194, 133>>'],
    ] as const) {
      assert.equal(inspect(s), expected, JSON.stringify(s))
    }
  })
})
