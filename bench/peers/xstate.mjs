// XState v5 (actors), written the way an XState user would: each process is an actor running a
// machine, messages are events, `sendTo` sends between actors, `spawnChild` + `sendParent` for a
// tree, and a request carries the caller's ref to reply to. XState has no supervision
// (restarts) and no selective receive, so those workloads are not measured here.
import { assign, createActor, enqueueActions, sendParent, sendTo, setup, spawnChild } from 'xstate'
import {
  callRate,
  deferred,
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
  tick,
} from './harness.mjs'

// ------------------------------------------------------------------ spawn
let ready = 0
const waiterMachine = setup({}).createMachine({
  entry: () => {
    ready++
  },
  initial: 'waiting',
  states: { waiting: { on: { stop: 'done' } }, done: { type: 'final' } },
})

async function spawnMany({ n }) {
  ready = 0
  fullGc()
  const h0 = heapUsed()
  const actors = new Array(n)
  const t0 = now()
  for (let i = 0; i < n; i++) actors[i] = createActor(waiterMachine).start()
  const t1 = now()
  await tick()
  const t2 = now()
  fullGc()
  const h1 = heapUsed()
  expect(ready === n && actors[n - 1].getSnapshot().value === 'waiting', `${ready} of ${n} actors waiting`)
  const t3 = now()
  for (const a of actors) a.stop()
  const t4 = now()
  return spawnResult({ n, t0, t1, t2, t3, t4, h0, h1 })
}

// ------------------------------------------------------------------ ring
const ringNode = setup({
  actions: {
    forward: sendTo(
      ({ context }) => context.next,
      ({ event }) => ({ type: 'token', k: event.k - 1 }),
    ),
    stopNext: sendTo(({ context }) => context.next, { type: 'stop' }),
  },
}).createMachine({
  context: ({ input }) => ({ index: input.index, next: input.next, main: input.main }),
  initial: 'running',
  states: {
    running: {
      on: {
        next: { actions: assign({ next: ({ event }) => event.next }) },
        token: [
          { guard: ({ event }) => event.k === 0, actions: ({ context }) => context.main(context.index) },
          { actions: 'forward' },
        ],
        stop: { target: 'stopped', actions: 'stopNext' },
      },
    },
    stopped: { type: 'final' },
  },
})

async function ring({ n, m }) {
  const { promise: done, resolve } = deferred()
  const t0 = now()
  const first = createActor(ringNode, { input: { index: 0, next: null, main: resolve } }).start()
  let head = first
  for (let i = 1; i < n; i++)
    head = createActor(ringNode, { input: { index: i, next: head, main: resolve } }).start()
  first.send({ type: 'next', next: head })
  const t1 = now()
  const hops = n * m
  head.send({ type: 'token', k: hops })
  const at = await done
  const t2 = now()
  head.send({ type: 'stop' })
  return ringResult({ n, m, at, t0, t1, t2 })
}

// ------------------------------------------------------------------ skynet
const skynetNode = setup({
  actions: {
    spawnChildren: enqueueActions(({ context, enqueue }) => {
      const sub = context.size / context.div
      for (let i = 0; i < context.div; i++) {
        enqueue.spawnChild('skynet', { input: { num: context.num + i * sub, size: sub, div: context.div } })
      }
    }),
    reportSum: sendParent(({ context }) => ({ type: 'result', n: context.sum })),
  },
  actors: {},
}).createMachine({
  context: ({ input }) => ({ num: input.num, size: input.size, div: input.div, sum: 0, got: 0 }),
  initial: 'start',
  states: {
    start: {
      always: [
        {
          guard: ({ context }) => context.size === 1,
          target: 'done',
          actions: assign({ sum: ({ context }) => context.num }),
        },
        { target: 'collecting', actions: 'spawnChildren' },
      ],
    },
    collecting: {
      on: {
        result: {
          actions: assign({
            sum: ({ context, event }) => context.sum + event.n,
            got: ({ context }) => context.got + 1,
          }),
        },
      },
      always: { guard: ({ context }) => context.got === context.div, target: 'done' },
    },
    done: { type: 'final', entry: 'reportSum' },
  },
})
// a machine's children are looked up by name in its `actors`
skynetNode.implementations.actors.skynet = skynetNode

async function skynet({ size, div }) {
  const t0 = now()
  const root = createActor(
    setup({ actors: { skynet: skynetNode } }).createMachine({
      context: { sum: null },
      entry: spawnChild('skynet', { input: { num: 0, size, div } }),
      on: { result: { actions: assign({ sum: ({ event }) => event.n }) } },
    }),
  ).start()
  while (root.getSnapshot().context.sum === null) await tick()
  const sum = root.getSnapshot().context.sum
  const t1 = now()
  root.stop()
  return skynetResult({ size, sum, t0, t1 })
}

// ------------------------------------------------------------------ ping-pong
const pongMachine = setup({
  actions: {
    reply: sendTo(
      ({ event }) => event.from,
      ({ event, self }) => ({ type: 'ball', k: event.k, from: self }),
    ),
  },
}).createMachine({ on: { ball: { actions: 'reply' } } })

const pingMachine = setup({
  actions: {
    serve: sendTo(
      ({ context }) => context.pong,
      ({ event, self }) => ({ type: 'ball', k: event.k - 1, from: self }),
    ),
  },
}).createMachine({
  context: ({ input }) => ({ pong: input.pong, sum: 0 }),
  initial: 'playing',
  states: {
    playing: {
      on: {
        start: {
          actions: sendTo(
            ({ context }) => context.pong,
            ({ event, self }) => ({ type: 'ball', k: event.n, from: self }),
          ),
        },
        ball: [
          {
            guard: ({ event }) => event.k === 1,
            target: 'done',
            actions: assign({ sum: ({ context }) => context.sum + 1 }),
          },
          { actions: [assign({ sum: ({ context, event }) => context.sum + event.k }), 'serve'] },
        ],
      },
    },
    done: { type: 'final' },
  },
})

async function pingpong({ n }) {
  const pong = createActor(pongMachine).start()
  const ping = createActor(pingMachine, { input: { pong } }).start()
  const finished = new Promise((r) => ping.subscribe({ complete: r }))
  const t0 = now()
  ping.send({ type: 'start', n })
  await finished
  const t1 = now()
  const sum = ping.getSnapshot().context.sum
  pong.stop()
  return pingpongResult({ n, sum, t0, t1 })
}

// ------------------------------------------------------------------ request-reply (GenServer.call)
const counterMachine = setup({
  actions: {
    reply: sendTo(
      ({ event }) => event.replyTo,
      ({ context }) => ({ type: 'reply', n: context.n }),
    ),
  },
}).createMachine({
  context: { n: 0 },
  on: { inc: { actions: [assign({ n: ({ context }) => context.n + 1 }), 'reply'] } },
})

const clientMachine = setup({
  actions: {
    call: sendTo(
      ({ context }) => context.server,
      ({ self }) => ({ type: 'inc', replyTo: self }),
    ),
  },
}).createMachine({
  context: ({ input }) => ({ server: input.server, left: input.calls }),
  initial: 'idle',
  states: {
    idle: { on: { go: 'calling' } },
    calling: {
      entry: 'call',
      on: {
        reply: [
          { guard: ({ context }) => context.left === 1, target: 'done' },
          { target: 'calling', reenter: true, actions: assign({ left: ({ context }) => context.left - 1 }) },
        ],
      },
    },
    done: { type: 'final' },
  },
})

async function callOnce(clients, total) {
  const server = createActor(counterMachine).start()
  const per = Math.floor(total / clients)
  const cs = Array.from({ length: clients }, () =>
    createActor(clientMachine, { input: { server, calls: per } }).start(),
  )
  const finished = Promise.all(cs.map((c) => new Promise((r) => c.subscribe({ complete: r }))))
  const t0 = now()
  for (const c of cs) c.send({ type: 'go' })
  await finished
  const t1 = now()
  const calls = per * clients
  const final = server.getSnapshot().context.n
  server.stop()
  return callRate({ calls, final, t0, t1 })
}

const genserverCall = ({ total, clients }) => genserverCallResult(clients, (c) => callOnce(c, total))

main({
  spawn: spawnMany,
  ring_10000x1000: ring,
  ring_100x100000: ring,
  skynet,
  pingpong,
  genserver_call: genserverCall,
})
