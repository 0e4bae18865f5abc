/**
 * Renders bench/results/latest.json as Markdown and puts it in README.md between
 * `<!-- bench:start -->` and `<!-- bench:end -->` (`npm run bench:report`; `--print` only
 * prints it).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { latestJson, root } from './lib.ts'
import { fmt, PEER_NAMES, passText, peerText, type Results, ratioText, type TableRow } from './table.ts'

const START = '<!-- bench:start -->'
const END = '<!-- bench:end -->'

function cell(r: TableRow): string {
  if (r.beamish === undefined) return 'failed'
  const s = r.beamish
  return s.values.length > 1 ? `**${fmt(s.median)}** (${fmt(s.min)}–${fmt(s.max)})` : `**${fmt(s.median)}**`
}

function status(r: TableRow): string {
  const p = passText(r)
  return p === 'FAIL' ? '**miss**' : p === 'pass' ? 'met' : p
}

function peerCell(r: TableRow, peer: string, errors: Map<string, number>): string {
  const c = r.peers[peer]
  if (c?.error !== undefined) {
    // one footnote per distinct failure
    if (!errors.has(c.error)) errors.set(c.error, errors.size + 1)
    return `failed[^p${errors.get(c.error)}]`
  }
  return peerText(c).replace(' (ahead of Beamish)', ' ⚠')
}

export function render(res: Results): string {
  const m = res.machine
  const rounds = [...new Set(Object.values(res.workloads).map((w) => w.rounds))].join('/')
  const errors = new Map<string, number>()
  const lines: string[] = []
  lines.push(
    `| benchmark | unit | Beamish, median (min–max) | BEAM | BEAM, 1 scheduler | Beamish ÷ BEAM | target | | ${PEER_NAMES.join(' | ')} |`,
  )
  lines.push(`|---|---|---:|---:|---:|---:|---|---|${PEER_NAMES.map(() => '---:').join('|')}|`)
  for (const r of res.table) {
    lines.push(
      `| ${r.label} | ${r.unit} | ${cell(r)} | ${fmt(r.beamAll?.median)} | ${fmt(r.beamOne?.median)} | ${ratioText(r)} | ${r.target ?? ''} | ${status(r)} | ${PEER_NAMES.map((p) => peerCell(r, p, errors)).join(' | ')} |`,
    )
  }
  const met = res.table.filter((r) => r.pass === true).length
  const targets = res.table.filter((r) => r.target !== undefined).length
  const peerCells = res.table.flatMap((r) => Object.values(r.peers).filter((c) => c.error === undefined))
  const ahead = peerCells.filter((c) => c.behind === false).length
  const out = [
    `Measured ${res.date.slice(0, 10)} on ${m.cpu}, ${m.cores} cores, ${m.memory_gib} GiB, ${m.os}; Node ${m.node} (V8 ${m.v8}) with \`${m.node_flags}\`` +
      (m.otp === undefined
        ? ''
        : `; Erlang/OTP ${m.otp} (erts ${m.erts}${m.jit === true ? ', JIT' : ''}), Elixir ${m.elixir}, ${m.schedulers} schedulers`) +
      (m.commit === undefined
        ? ''
        : `; commit ${m.commit}${m.src_dirty === true ? ' with uncommitted changes in src/' : ''}`) +
      `. ${rounds} rounds per workload, Beamish and the BEAM alternating, each round a fresh \`node\` / VM; peers one round each. ` +
      `Load average at the end: ${m.load_average_at_end.join(', ')} (a shared machine: expect ±20 % between runs).`,
    '',
    ...lines,
    '',
    `Targets met: ${met} of ${targets}. Beamish ahead of the TypeScript peer in ${ahead} of ${peerCells.length} measured cells (⚠ marks a peer ahead).`,
  ]
  if (errors.size > 0) {
    out.push('')
    for (const [e, n] of errors) out.push(`[^p${n}]: ${e.replace(/\|/g, '\\|')}`)
  }
  return out.join('\n')
}

function main(): void {
  const res = JSON.parse(readFileSync(latestJson, 'utf8')) as Results
  const md = render(res)
  if (process.argv.includes('--print')) {
    process.stdout.write(`${md}\n`)
    return
  }
  const readmePath = join(root, 'README.md')
  const readme = readFileSync(readmePath, 'utf8')
  const a = readme.indexOf(START)
  const b = readme.indexOf(END)
  if (a < 0 || b < a) throw new Error(`README.md has no ${START} … ${END} section`)
  writeFileSync(readmePath, `${readme.slice(0, a + START.length)}\n${md}\n${readme.slice(b)}`)
  process.stdout.write('README.md: performance table updated\n')
}

main()
