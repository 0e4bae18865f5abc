// Effect (fibers and queues), written the way an Effect user would: a fiber per process, an
// unbounded Queue as its mailbox, a Deferred for a one-off reply, and Effect.forEach with
// unbounded concurrency for fork/join (skynet). No supervision (restarts) and no selective
// receive in Effect: those workloads are not measured here.
import { Deferred, Effect, Fiber, Queue } from 'effect'
import {
  callRate,
  expect,
  fullGc,
  genserverCallResult,
  heapUsed,
  main,
  now,
  pingpongResult,
  ringResult,
  skynetResult,
  spawnResult,
} from './harness.mjs'

// ------------------------------------------------------------------ spawn
const spawn = ({ n }) =>
  Effect.runPromise(
    Effect.gen(function* () {
      fullGc()
      const h0 = heapUsed()
      let ready = 0
      const fibers = new Array(n)
      const t0 = now()
      for (let i = 0; i < n; i++) {
        const mailbox = yield* Queue.unbounded()
        fibers[i] = yield* Effect.forkChild(
          Effect.gen(function* () {
            ready++
            yield* Queue.take(mailbox)
          }),
        )
      }
      const t1 = now()
      while (ready < n) yield* Effect.yieldNow
      const t2 = now()
      fullGc()
      const h1 = heapUsed()
      const t3 = now()
      yield* Fiber.interruptAll(fibers)
      const t4 = now()
      expect(ready === n, `${ready} of ${n} fibers started`)
      return spawnResult({ n, t0, t1, t2, t3, t4, h0, h1 })
    }),
  )

// ------------------------------------------------------------------ ring
const node = (index, inbox, next, done) =>
  Effect.gen(function* () {
    for (;;) {
      const k = yield* Queue.take(inbox)
      if (k === 'stop') {
        yield* Queue.offer(next, 'stop')
        return
      }
      if (k === 0) yield* Deferred.succeed(done, index)
      else yield* Queue.offer(next, k - 1)
    }
  })

const ring = ({ n, m }) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const done = yield* Deferred.make()
      const t0 = now()
      const inboxes = []
      for (let i = 0; i < n; i++) inboxes.push(yield* Queue.unbounded())
      // node i forwards to node i-1; node 0 to the head (n-1), as in ring.exs
      for (let i = 0; i < n; i++) yield* Effect.forkChild(node(i, inboxes[i], inboxes[(i - 1 + n) % n], done))
      const head = inboxes[n - 1]
      const t1 = now()
      const hops = n * m
      yield* Queue.offer(head, hops)
      const at = yield* Deferred.await(done)
      const t2 = now()
      yield* Queue.offer(head, 'stop')
      return ringResult({ n, m, at, t0, t1, t2 })
    }),
  )

// ------------------------------------------------------------------ skynet
const skynetFx = (num, size, div) => {
  if (size === 1) return Effect.succeed(num)
  const sub = size / div
  return Effect.forEach(
    Array.from({ length: div }, (_, i) => i),
    (i) => skynetFx(num + i * sub, sub, div),
    { concurrency: 'unbounded' },
  ).pipe(Effect.map((xs) => xs.reduce((a, b) => a + b, 0)))
}

const skynet = async ({ size, div }) => {
  const t0 = now()
  const sum = await Effect.runPromise(skynetFx(0, size, div))
  const t1 = now()
  return skynetResult({ size, sum, t0, t1 })
}

// ------------------------------------------------------------------ ping-pong
const pingpong = ({ n }) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const toPong = yield* Queue.unbounded()
      const toPing = yield* Queue.unbounded()
      yield* Effect.forkChild(
        Effect.gen(function* () {
          for (;;) {
            const x = yield* Queue.take(toPong)
            if (x === 'stop') return
            yield* Queue.offer(toPing, x)
          }
        }),
      )
      let sum = 0
      const t0 = now()
      for (let k = n; k > 0; k--) {
        yield* Queue.offer(toPong, k)
        sum += yield* Queue.take(toPing)
      }
      const t1 = now()
      yield* Queue.offer(toPong, 'stop')
      return pingpongResult({ n, sum, t0, t1 })
    }),
  )

// ------------------------------------------------------------------ request-reply (GenServer.call)
const callOnce = (clients, total) =>
  Effect.gen(function* () {
    const requests = yield* Queue.unbounded()
    let count = 0
    const server = yield* Effect.forkChild(
      Effect.gen(function* () {
        for (;;) {
          const reply = yield* Queue.take(requests)
          count++
          yield* Deferred.succeed(reply, count)
        }
      }),
    )
    const call = Effect.gen(function* () {
      const reply = yield* Deferred.make()
      yield* Queue.offer(requests, reply)
      return yield* Deferred.await(reply)
    })
    const per = Math.floor(total / clients)
    const t0 = now()
    const fibers = []
    for (let c = 0; c < clients; c++) {
      fibers.push(
        yield* Effect.forkChild(
          Effect.gen(function* () {
            for (let k = 0; k < per; k++) yield* call
          }),
        ),
      )
    }
    yield* Fiber.joinAll(fibers)
    const t1 = now()
    const calls = per * clients
    const final = (yield* call) - 1
    yield* Fiber.interrupt(server)
    return callRate({ calls, final, t0, t1 })
  })

const genserverCall = ({ total, clients }) =>
  genserverCallResult(clients, (c) => Effect.runPromise(callOnce(c, total)))

main({
  spawn,
  ring_10000x1000: ring,
  ring_100x100000: ring,
  skynet,
  pingpong,
  genserver_call: genserverCall,
})
