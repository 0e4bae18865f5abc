/**
 * `npm run example -- nodes` — seed 000, "Scaling to multiple nodes/computers": two nodes, the
 * first in this process, the second in another Node.js process (the article's two machines),
 * joined with the same cookie — `Node.self`, `Node.list`, `Node.connect`, `Node.list` again — and
 * then the HashIt actor registered on node2 computing for node1 through `[name, node]`.
 *
 * Beamish speaks the Erlang distribution protocol, so node2 could as well be an `iex --name`
 * session. Not shown: `Node.spawn` (a Beamish node refuses to run code sent by a peer) and
 * `:global.register_name` (global names are not implemented yet).
 *
 * Elixir → TypeScript: node names are strings (`'node1@127.0.0.1'`, atoms on the wire);
 * `--name`/`--cookie` are `Node.start({ name, cookie })`; sending to `{:hashItMD5, node}` is
 * sending to `['hashItMD5', node]`.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { inspect } from 'node:util'
import { expectOk, Node, Process } from '../../src/index.ts'
import * as HashIt from '../hashit/HashIt.ts'

export type Print = (line: string) => void

export interface Options {
  readonly print?: Print
  /** EPMD's port (default `ERL_EPMD_PORT`, else 4369); the first node runs one if none is there. */
  readonly epmdPort?: number
}

const NODE1 = 'node1@127.0.0.1'
const NODE2 = 'node2@127.0.0.1'
const COOKIE = 'hashit'

function show(value: unknown): string {
  return inspect(value, { breakLength: Number.POSITIVE_INFINITY })
}

/** Starts node2 in a new Node.js process and resolves once it says it is ready. */
async function startNode2(epmdPort: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('node2.ts', import.meta.url).pathname], {
    env: { ...process.env, NODE_NAME: NODE2, NODE_COOKIE: COOKIE, ERL_EPMD_PORT: String(epmdPort) },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const lines = createInterface({ input: child.stdout! })
  const [line] = (await Promise.race([once(lines, 'line'), once(child, 'exit')])) as [unknown]
  if (line !== 'ready') throw new Error(`node2 did not start (${String(line)})`)
  return child
}

export function* main({
  print = console.log,
  epmdPort = Number(process.env.ERL_EPMD_PORT ?? 4369),
}: Options = {}): Generator<unknown, void> {
  expectOk(yield* Node.start({ name: NODE1, cookie: COOKIE, epmdPort }))
  const node2 = (yield startNode2(epmdPort)) as ChildProcess
  try {
    print(`iex(${NODE1})1> Node.self()\n${show(Node.self())}`)
    print(`iex(${NODE1})2> Node.list()\n${show(Node.list())}`)
    print(`iex(${NODE1})3> Node.connect('${NODE2}')\n${show(yield* Node.connect(NODE2))}`)
    print(`iex(${NODE1})4> Node.list()\n${show(Node.list())}`)
    const hash = yield* HashIt.compute(['hashItMD5', NODE2], 'bipin')
    print(
      `iex(${NODE1})5> HashIt.compute(['hashItMD5', '${NODE2}'], 'bipin')  // computed on node2\n${show(hash)}`,
    )
  } finally {
    node2.stdin!.end()
    if (node2.exitCode === null && node2.signalCode === null) yield once(node2, 'exit')
    yield* Node.stop()
  }
}

if (import.meta.filename === process.argv[1]) await Process.run(() => main())
