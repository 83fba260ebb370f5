#!/usr/bin/env node
// Runs every benchmark in bench/ (or those whose name contains an argument), one after another,
// each in its own process so that one benchmark's heap and JIT state never colour the next.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
// --smoke: every benchmark on a small load, to check that each one still runs (CI does).
const smoke = process.argv.includes('--smoke')
if (smoke) process.env.HOLOWATCH_BENCH_SMOKE = '1'
const filters = process.argv.slice(2).filter((a) => a !== '--smoke')
const benches = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort()

if (benches.length === 0) {
  console.log(filters.length ? `no benchmark matches ${filters.join(', ')}` : 'no benchmarks in bench/')
  process.exit(0)
}
let failed = 0
for (const file of benches) {
  console.log(`\n=== ${file} ===`)
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(root, 'bench', file)], { stdio: 'inherit', cwd: root })
  if (run.status !== 0) {
    failed++
    console.log(`!!! ${file} exited with ${run.status ?? run.signal}`)
  }
}
process.exit(failed ? 1 : 0)
