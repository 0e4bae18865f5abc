import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import * as HashIt from '../../examples/hashit/HashIt.ts'
import * as HashItSupervisor from '../../examples/hashit/HashItSupervisor.ts'
import { main } from '../../examples/hashit/main.ts'
import { P, type Pid, Process } from '../../src/index.ts'
import { assertReceive, captureLog, refuteReceive, run } from '../../src/testing/index.ts'

const MD5_BIPIN = createHash('md5').update('bipin').digest('hex').toUpperCase()
const SHA256_BIPIN = createHash('sha256').update('bipin').digest('hex').toUpperCase()

/** A `print` that turns each printed line into a `['printed', line]` message to the caller. */
function printToMe(): HashIt.Print {
  const me = Process.self()
  return (line) => Process.send(me, ['printed', line])
}

function* down(pid: Pid) {
  const ref = Process.monitor(pid)
  const [, , , , reason] = yield* assertReceive(['DOWN', ref, 'process', pid, P._], 1000)
  return reason
}

describe('hashit (seed 000)', () => {
  it('the bare loop prints the upper-case md5 of each computed value', () =>
    run(function* () {
      const print = printToMe()
      const pid = Process.spawn(() => HashIt.printLoop(print))
      Process.send(pid, ['compute', 'bipin'])
      yield* assertReceive(['printed', MD5_BIPIN], 1000)
      assert.equal(Process.alive(pid), true)
      Process.exit(pid, 'kill')
    }))

  it('a trapping linked parent sees {:shutdown} end the actor with reason normal', () =>
    run(function* () {
      Process.trapExit(true)
      const print = printToMe()
      const pid = Process.spawnLink(() => HashIt.printLoop(print))
      Process.send(pid, ['compute', 'bipin'])
      Process.send(pid, ['shutdown'])
      yield* assertReceive(['printed', MD5_BIPIN], 1000)
      yield* assertReceive(['EXIT', pid, 'normal'], 1000)
    }))

  it('start registers the actor and compute gets the hash back through a ref-tagged reply', () =>
    run(function* () {
      const pid = HashIt.start('hashItMD5', new Map(), 'md5')
      assert.equal(Process.whereis('hashItMD5'), pid)
      assert.equal(yield* HashIt.compute('hashItMD5', 'bipin'), MD5_BIPIN)
      // An unrelated reply with another ref stays in the mailbox: only ^ref matches.
      Process.send(Process.self(), ['ok', Process.makeRef(), 'not mine'])
      assert.equal(yield* HashIt.compute('hashItMD5', 'bipin'), MD5_BIPIN)
      yield* assertReceive(['ok', P._, 'not mine'])
      Process.send('hashItMD5', ['shutdown'])
      yield* down(pid)
    }))

  it('compute answers from the cache map before computing', () =>
    run(function* () {
      const pid = HashIt.start('hashItCached', new Map([['bipin', 'CACHED']]), 'md5')
      assert.equal(yield* HashIt.compute(pid, 'bipin'), 'CACHED')
      assert.equal(
        yield* HashIt.compute(pid, 'other'),
        createHash('md5').update('other').digest('hex').toUpperCase(),
      )
      Process.exit(pid, 'kill')
    }))

  it('a sha256 actor hashes with sha256', () =>
    run(function* () {
      const pid = HashIt.start('hashItSHA256', new Map(), 'sha256')
      assert.equal(yield* HashIt.compute('hashItSHA256', 'bipin'), SHA256_BIPIN)
      Process.exit(pid, 'kill')
    }))

  it('an abnormal exit of the md5 actor takes the linked sha256 actor down with the same reason', () =>
    run(function* () {
      const md5 = HashIt.start('hashItMD5', new Map(), 'md5')
      const sha = HashIt.start('hashItSHA256', new Map(), 'sha256')
      yield* HashIt.link('hashItMD5', sha)
      const ref = Process.monitor(sha)
      Process.exit(md5, 'forced_kill')
      yield* assertReceive(['DOWN', ref, 'process', sha, 'forced_kill'], 1000)
      assert.equal(Process.whereis('hashItMD5'), undefined)
      assert.equal(Process.whereis('hashItSHA256'), undefined)
    }))

  it('a normal exit of the md5 actor leaves the linked sha256 actor waiting', () =>
    run(function* () {
      const md5 = HashIt.start('hashItMD5', new Map(), 'md5')
      const sha = HashIt.start('hashItSHA256', new Map(), 'sha256')
      yield* HashIt.link('hashItSHA256', md5)
      Process.send('hashItMD5', ['shutdown'])
      assert.equal(yield* down(md5), 'normal')
      assert.equal(Process.whereis('hashItMD5'), undefined)
      assert.equal(Process.info(sha)?.status, 'waiting')
      assert.equal(yield* HashIt.compute('hashItSHA256', 'bipin'), SHA256_BIPIN)
      Process.exit(sha, 'kill')
    }))

  it('HashItSupervisor restarts a crashed HashIt under the same name and stops when it exits normally', async () => {
    const log = await captureLog(() =>
      run(function* () {
        const sup = HashItSupervisor.start('hashItSup', printToMe())
        const ref = Process.monitor(sup)
        // Like the IEx user typing the next line, wait until the supervisor has started HashIt.
        while (Process.whereis('hashItSup') === undefined) yield Process.yield()
        assert.equal(yield* HashIt.compute('hashItSup', 'bipin'), MD5_BIPIN)
        const killed = Process.whereis('hashItSup')!
        Process.exit(killed, 'forced_kill')
        yield* assertReceive(['printed', "Hash It failed with reason 'forced_kill'...restarting"], 1000)
        const second = Process.whereis('hashItSup')!
        assert.notEqual(second, killed)
        assert.equal(yield* HashIt.compute('hashItSup', 'bipin'), MD5_BIPIN)

        Process.send('hashItSup', ['compute', 42, Process.self(), Process.makeRef()])
        const [, line] = yield* assertReceive(
          ['printed', P.string.startsWith('Hash It failed with reason TypeError')],
          1000,
        )
        assert.match(line, /\.\.\.restarting$/)
        assert.equal(yield* HashIt.compute('hashItSup', 'bipin'), MD5_BIPIN)

        Process.send('hashItSup', ['shutdown'])
        yield* assertReceive(['printed', 'Hash It exited normally'], 1000)
        yield* assertReceive(['DOWN', ref, 'process', sup, 'normal'], 1000)
      }),
    )
    assert.match(log, /Process #PID<[\d.]+> raised an exception\n\*\* \(TypeError\)/)
  })

  it('receive … after returns null when the actor never answers, the hash when it does', () =>
    run(function* () {
      const dead = Process.spawn(function* () {})
      yield* down(dead)
      assert.equal(yield* HashIt.computeWithin(dead, 'bipin', 20), null)
      const pid = HashIt.start('hashItGuarded', new Map(), 'md5')
      assert.equal(yield* HashIt.computeWithin(pid, 'bipin', 1000), MD5_BIPIN)
      yield* refuteReceive(['ok', P._, P._], 0)
      Process.exit(pid, 'kill')
    }))

  it('the walkthrough prints what the article shows, in order', async () => {
    const lines: string[] = []
    const log = await captureLog(() => run(() => main((l) => lines.push(l), 20)))
    const text = lines.join('\n')
    for (const expected of [
      `# pid = spawn(&HashIt.loop/0); send(pid, {:compute, "bipin"})\n${MD5_BIPIN}`,
      `${MD5_BIPIN}\nHashIt has exited (normal)`,
      `${MD5_BIPIN}\n${MD5_BIPIN} (from the cache)`,
      'Process.info(:hashItMD5, :status)    → undefined\nProcess.info(:hashItSHA256, :status) → undefined',
      'Process.info(:hashItMD5, :status)    → undefined\nProcess.info(:hashItSHA256, :status) → waiting',
      "Hash It failed with reason 'forced_kill'...restarting",
      'asking a dead actor: null',
      `asking hashItMD5:    ${MD5_BIPIN}`,
    ]) {
      assert.ok(text.includes(expected), `expected the output to include:\n${expected}\n\ngot:\n${text}`)
    }
    assert.equal(lines.at(-1), 'Hash It exited normally')
    assert.equal(lines.filter((l) => l.endsWith('...restarting')).length, 2)
    assert.match(log, /raised an exception/)
  })
})
