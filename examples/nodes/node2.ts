/**
 * The second node of the `nodes` example (seed 000's `node2@…`), run as its own Node.js process
 * by main.ts: it starts distribution as `NODE_NAME`, registers an md5 `HashIt` as `hashItMD5`,
 * says `ready` on stdout, and runs until its stdin closes (when the first node goes away).
 */
import { expectOk, Node, Process } from '../../src/index.ts'
import * as HashIt from '../hashit/HashIt.ts'

const name = process.env.NODE_NAME ?? 'node2@127.0.0.1'
const cookie = process.env.NODE_COOKIE ?? 'hashit'
const epmdPort = Number(process.env.ERL_EPMD_PORT ?? 4369)

await Process.run(function* () {
  expectOk(yield* Node.start({ name, cookie, epmdPort }))
  HashIt.start('hashItMD5', new Map(), 'md5')
})
process.stdout.write('ready\n')
process.stdin.resume()
process.stdin.on('end', () => process.exit(0))
