import type { Workload } from '../lib.ts'
import { genserverCall } from './genserver_call.ts'
import { pingpong } from './pingpong.ts'
import { ring10k, ring100 } from './ring.ts'
import { selectiveReceive } from './selective_receive.ts'
import { skynetWorkload } from './skynet.ts'
import { spawnWorkload } from './spawn.ts'
import { supervisor } from './supervisor.ts'

/** Every workload, in the order the suite runs them. */
export const workloads: readonly Workload[] = [
  spawnWorkload,
  ring10k,
  ring100,
  skynetWorkload,
  pingpong,
  genserverCall,
  supervisor,
  selectiveReceive,
]

export function workload(name: string): Workload {
  const w = workloads.find((x) => x.name === name)
  if (w === undefined)
    throw new Error(
      `no workload ${JSON.stringify(name)}; the workloads are ${workloads.map((x) => x.name).join(', ')}`,
    )
  return w
}
