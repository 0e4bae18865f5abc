import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { describe, it } from 'node:test'
import { main } from '../../examples/nodes/main.ts'
import { Node } from '../../src/index.ts'
import { run } from '../../src/testing/index.ts'

/** A port nobody listens on, for a private EPMD. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('nodes (seed 000: scaling to multiple nodes)', () => {
  it('two nodes with the same cookie connect, list each other, and the HashIt on node2 answers node1', async () => {
    const epmdPort = await freePort()
    const lines: string[] = []
    await run(() => main({ print: (l) => lines.push(l), epmdPort }))
    assert.deepEqual(lines, [
      "iex(node1@127.0.0.1)1> Node.self()\n'node1@127.0.0.1'",
      'iex(node1@127.0.0.1)2> Node.list()\n[]',
      "iex(node1@127.0.0.1)3> Node.connect('node2@127.0.0.1')\ntrue",
      "iex(node1@127.0.0.1)4> Node.list()\n[ 'node2@127.0.0.1' ]",
      "iex(node1@127.0.0.1)5> HashIt.compute(['hashItMD5', 'node2@127.0.0.1'], 'bipin')  // computed on node2\n'A83383D30B2DA2F863CB12739254BB02'",
    ])
    assert.equal(Node.alive(), false)
  })
})
