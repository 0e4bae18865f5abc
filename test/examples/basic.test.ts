import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { main } from '../../examples/basic/main.ts'
import { run } from '../../src/testing/index.ts'

describe('basic (seed 002: the very basic example)', () => {
  it('the other process answers the main process with what it was sent', () =>
    run(function* () {
      const lines: string[] = []
      yield* main((l) => lines.push(l))
      assert.deepEqual(lines, [`Main Process received: "You sent me: 'Hello, world!'"`])
    }))
})
