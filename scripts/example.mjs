#!/usr/bin/env node
// `npm run example -- <name> [args…]`: runs examples/<name>/main.ts (TypeScript, loaded through
// tsx) with the terminal attached. Without a name, or with an unknown one, it lists the examples
// and exits with code 2.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const examplesDir = join(root, 'examples')
const names = readdirSync(examplesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(examplesDir, d.name, 'main.ts')))
  .map((d) => d.name)
  .sort()

const [name, ...args] = process.argv.slice(2)
if (name === undefined || !names.includes(name)) {
  if (name !== undefined) process.stderr.write(`Unknown example ${JSON.stringify(name)}.\n\n`)
  process.stderr.write(
    `Usage: npm run example -- <name>\n\nAvailable examples:\n${names.map((n) => `  ${n}`).join('\n')}\n`,
  )
  process.exit(2)
}

const result = spawnSync(process.execPath, ['--import', 'tsx', join(examplesDir, name, 'main.ts'), ...args], {
  stdio: 'inherit',
  cwd: root,
})
if (result.signal !== null) process.kill(process.pid, result.signal)
process.exit(result.status ?? 1)
