/**
 * Where the time goes: `node dist/bench/profile.js <workload>… [--top N] [--quick] [--size JSON]`
 * runs each workload once on Beamish (warm-up included) under `node --cpu-prof`, and prints
 * self time by function (and by file). Profiles are kept in prof/<workload>/ (git-ignored) for
 * Chrome DevTools or speedscope.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { childScript, NODE_FLAGS, root } from './lib.ts'
import { workload } from './workloads/index.ts'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

function where(url: string, line: number): string {
  if (url === '') return ''
  const path = url.startsWith('file://') ? fileURLToPath(url) : url
  return `${path.startsWith('/') ? relative(root, path) : path}:${line + 1}`
}

export function selfTimes(p: CpuProfile): {
  fn: Map<string, number>
  file: Map<string, number>
  total: number
} {
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const selfUs = new Map<number, number>()
  let total = 0
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0
    selfUs.set(p.samples[i]!, (selfUs.get(p.samples[i]!) ?? 0) + dt)
    total += dt
  }
  const fn = new Map<string, number>()
  const file = new Map<string, number>()
  for (const [id, us] of selfUs) {
    const cf = byId.get(id)!.callFrame
    const name = cf.functionName === '' ? '(anonymous)' : cf.functionName
    const loc = where(cf.url, cf.lineNumber)
    const key = loc === '' ? name : `${name}  ${loc}`
    fn.set(key, (fn.get(key) ?? 0) + us)
    const f = loc === '' ? name : (loc.split(':')[0] ?? loc)
    file.set(f, (file.get(f) ?? 0) + us)
  }
  return { fn, file, total }
}

function top(m: Map<string, number>, total: number, n: number): string {
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(
      ([k, us]) =>
        `  ${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`,
    )
    .join('\n')
}

function main(): void {
  const args = process.argv.slice(2)
  let n = 25
  let quick = false
  let size: string | null = null
  const names: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '--top') n = Number(args[++i])
    else if (a === '--quick') quick = true
    else if (a === '--size') size = args[++i] ?? null
    else names.push(a)
  }
  if (names.length === 0) throw new Error('usage: profile.js <workload>… [--top N] [--quick] [--size JSON]')
  for (const name of names) {
    const w = workload(name)
    const dir = join(root, 'prof', name)
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    const s = size ?? JSON.stringify(quick ? w.quick : w.full)
    const r = spawnSync(
      process.execPath,
      [...NODE_FLAGS, '--cpu-prof', `--cpu-prof-dir=${dir}`, ...childScript(), name, s],
      { encoding: 'utf8', cwd: root },
    )
    if (r.status !== 0) throw new Error(`${name} failed:\n${r.stderr}`)
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
    if (file === undefined) throw new Error(`no profile in ${dir}`)
    const { fn, file: files, total } = selfTimes(JSON.parse(readFileSync(join(dir, file), 'utf8')))
    process.stdout.write(
      `\n== ${name} ${s}: ${r.stdout.trim()}\n   ${(total / 1000).toFixed(0)} ms sampled (${join('prof', name, file)})\n`,
    )
    process.stdout.write(
      `-- self time by function\n${top(fn, total, n)}\n-- by file\n${top(files, total, 12)}\n`,
    )
  }
}

main()
