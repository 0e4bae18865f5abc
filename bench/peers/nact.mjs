// nact (actors with supervision), written the way a nact user would: actors spawned under the
// system or a parent actor, `dispatch` for messages (the sender passed along for replies),
// `query` for request-reply from plain async code, and an `onCrash: reset` policy for restarts.
// nact has no selective receive, so that workload is not measured here.
import { dispatch, query, spawn, spawnStateless, start, stop } from 'nact'
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

/** A promise plus an actor that resolves it with the first message it gets. */
function waiter(parent, name) {
  const { promise, resolve } = deferred()
  const ref = spawnStateless(parent, (msg) => resolve(msg), name)
  return { ref, done: promise }
}

// ------------------------------------------------------------------ spawn
// A nact actor runs nothing until it gets a message, so the check comes after the heap is
// measured and before the kill is timed: one message to every actor, each of which counts it
// (`dispatch` to an actor that does not exist does nothing).
async function spawnMany({ n }) {
  const system = start()
  await tick()
  fullGc()
  const h0 = heapUsed()
  let answered = 0
  const refs = new Array(n)
  const t0 = now()
  for (let i = 0; i < n; i++)
    refs[i] = spawnStateless(
      system,
      () => {
        answered++
      },
      `w${i}`,
    )
  const t1 = now()
  await tick() // nact actors are idle (blocked) as soon as they exist
  const t2 = now()
  fullGc()
  const h1 = heapUsed()
  for (const r of refs) dispatch(r, 'ping')
  await tick() // each message is handled in its own setImmediate, queued before this one
  expect(answered === n, `${answered} of ${n} actors answered`)
  fullGc()
  const t3 = now()
  for (const r of refs) stop(r)
  await tick()
  const t4 = now()
  stop(system)
  return spawnResult({ n, t0, t1, t2, t3, t4, h0, h1 })
}

// ------------------------------------------------------------------ ring
async function ring({ n, m }) {
  const system = start()
  const main = waiter(system, 'main')
  const node = (index) => (state, msg) => {
    if (msg.next !== undefined) return { next: msg.next }
    if (msg === 'stop') {
      dispatch(state.next, 'stop')
      return state
    }
    if (msg === 0) dispatch(main.ref, index)
    else dispatch(state.next, msg - 1)
    return state
  }
  const t0 = now()
  const first = spawn(system, node(0), 'n0', { initialState: {} })
  let head = first
  for (let i = 1; i < n; i++) head = spawn(system, node(i), `n${i}`, { initialState: { next: head } })
  dispatch(first, { next: head })
  const t1 = now()
  const hops = n * m
  dispatch(head, hops)
  const at = await main.done
  const t2 = now()
  stop(system)
  return ringResult({ n, m, at, t0, t1, t2 })
}

// ------------------------------------------------------------------ skynet
async function skynet({ size, div }) {
  const system = start()
  const root = waiter(system, 'root')
  // [num, size] starts a node: a leaf replies with its ordinal; an inner node spawns div
  // children, sums their replies, replies to its parent and stops (with its children)
  const skynetNode = (parent) => (state, msg, ctx) => {
    if (Array.isArray(msg)) {
      const [num, sz] = msg
      if (sz === 1) {
        dispatch(parent, num)
        stop(ctx.self)
        return state
      }
      const sub = sz / div
      for (let i = 0; i < div; i++)
        dispatch(spawn(ctx.self, skynetNode(ctx.self), `c${i}`), [num + i * sub, sub])
      return { sum: 0, got: 0 }
    }
    const next = { sum: state.sum + msg, got: state.got + 1 }
    if (next.got === div) {
      dispatch(parent, next.sum)
      stop(ctx.self)
    }
    return next
  }
  const t0 = now()
  dispatch(spawn(system, skynetNode(root.ref), 'skynet'), [0, size])
  const sum = await root.done
  const t1 = now()
  stop(system)
  return skynetResult({ size, sum, t0, t1 })
}

// ------------------------------------------------------------------ ping-pong
async function pingpong({ n }) {
  const system = start()
  let sum = 0
  const { promise: done, resolve } = deferred()
  const pong = spawnStateless(system, (msg, ctx) => dispatch(ctx.sender, msg, ctx.self), 'pong')
  const ping = spawnStateless(
    system,
    (k, ctx) => {
      sum += k
      if (k > 1) dispatch(pong, k - 1, ctx.self)
      else resolve()
    },
    'ping',
  )
  const t0 = now()
  dispatch(pong, n, ping)
  await done
  const t1 = now()
  stop(system)
  return pingpongResult({ n, sum, t0, t1 })
}

// ------------------------------------------------------------------ request-reply (GenServer.call)
async function callOnce(clients, total) {
  const system = start()
  const counter = spawn(
    system,
    (n, msg) => {
      dispatch(msg.sender, n + 1)
      return n + 1
    },
    'counter',
    { initialState: 0 },
  )
  const per = Math.floor(total / clients)
  const client = async () => {
    for (let k = 0; k < per; k++) await query(counter, (sender) => ({ sender }), 5000)
  }
  const t0 = now()
  await Promise.all(Array.from({ length: clients }, client))
  const t1 = now()
  const calls = per * clients
  const final = (await query(counter, (sender) => ({ sender }), 5000)) - 1
  stop(system)
  return callRate({ calls, final, t0, t1 })
}

const genserverCall = ({ total, clients }) => genserverCallResult(clients, (c) => callOnce(c, total))

// ------------------------------------------------------------------ supervisor restarts
// Workers under a supervising parent, restarted by their `onCrash: reset` policy; a kill is a
// message that makes the worker throw (nact has no external kill that restarts: `stop` is
// final). Each worker reports itself from its initial-state function, which a reset runs again.
async function supervisor({ workers, kills }) {
  const system = start()
  const live = new Set()
  let ups = 0
  let wake = null
  const reporter = spawnStateless(
    system,
    (i) => {
      live.add(i)
      ups++
      if (wake !== null) {
        const w = wake
        wake = null
        w()
      }
    },
    'reporter',
  )
  const nextUp = () =>
    new Promise((r) => {
      wake = r
    })
  const sup = spawnStateless(system, () => {}, 'supervisor')
  const refs = [null]
  for (let i = 1; i <= workers; i++) {
    refs.push(
      spawn(
        sup,
        (state, msg) => {
          if (msg === 'kill') throw new Error('killed')
          return state
        },
        `w${i}`,
        {
          initialStateFunc: () => {
            dispatch(reporter, i)
            return i
          },
          onCrash: (_msg, _err, ctx) => ctx.reset,
        },
      ),
    )
  }
  while (ups < workers) await nextUp()
  ups = 0
  const t0 = now()
  for (let k = kills; k > 0; ) {
    const i = 1 + Math.floor(Math.random() * workers)
    if (live.has(i)) {
      dispatch(refs[i], 'kill')
      live.delete(i)
      k--
      if (k % 1000 === 0) await tick() // let the reports in, as the BEAM killer drains its mailbox
    } else await nextUp()
  }
  while (ups < kills) await nextUp()
  const t1 = now()
  stop(system)
  expect(
    ups === kills && live.size === workers,
    `${ups} restarts for ${kills} kills, ${live.size} live workers`,
  )
  return { restarts_per_sec: kills / ((t1 - t0) / 1e3), ms: t1 - t0 }
}

main({
  spawn: spawnMany,
  ring_10000x1000: ring,
  ring_100x100000: ring,
  skynet,
  pingpong,
  genserver_call: genserverCall,
  supervisor,
})
