import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import semver from 'semver'
import { describe, expect, it } from 'vitest'

// A fresh clone has nothing beside it: no file the project runs, tests or benches with may reach
// outside the repository for its inputs (the fixtures live in test/fixtures).
const ROOT = join(import.meta.dirname, '..')
const SKIP = new Set(['node_modules', '.git', 'var', 'dist', 'test-artifacts', 'fixtures'])
const CODE = /\.(ts|js|mjs|cjs|json|sh|sql)$/

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* files(path)
    else if (CODE.test(entry.name) || entry.name === 'run') yield path
  }
}

describe('the repository stands alone', () => {
  it('no code, test, bench or script reads a folder beside the checkout', () => {
    const outside = /\.\.\/shared\b/
    const offenders = [...files(ROOT)].filter((f) => !f.endsWith('repository.test.ts') && outside.test(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f))
    expect(offenders).toEqual([])
  })

  it('every fixture the lab README and SOURCES.md describe is in test/fixtures', () => {
    const fixtures = join(ROOT, 'test/fixtures')
    const lab = ['pcap/dev-capture.pcap', 'pcap/dev-capture-ns.pcap', 'pcap/dev-capture.pcapng', 'pcap/dev-capture.pcap.gz', 'pcap/truth.json', 'netflow/softflowd-v5.pcap', 'netflow/softflowd-v9.pcap', 'netflow/softflowd-ipfix.pcap']
    const sources = readFileSync(join(fixtures, 'scans/SOURCES.md'), 'utf8')
    const scans = [...sources.matchAll(/^\| ([a-z-]+\/[^ |]+\.(?:nessus|xml|csv)) \|/gm)].map((m) => `scans/${m[1]}`)
    expect(scans.length).toBeGreaterThanOrEqual(12)
    for (const f of [...lab, ...scans]) expect(statSync(join(fixtures, f)).size, f).toBeGreaterThan(0)
  })

  it('every installed package runs on the Node.js the project declares (npm install warns of none)', () => {
    const declared = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).engines.node as string
    const oldest = semver.minVersion(declared)!.version
    const refusing: string[] = []
    const visit = (dir: string) => {
      for (const name of readdirSync(dir)) {
        if (name.startsWith('.')) continue
        const path = join(dir, name)
        if (name.startsWith('@')) {
          visit(path)
          continue
        }
        const manifest = join(path, 'package.json')
        if (existsSync(manifest)) {
          const { name: pkg, version, engines } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; version: string; engines?: { node?: string } }
          if (engines?.node && !semver.satisfies(oldest, engines.node)) refusing.push(`${pkg}@${version} wants Node ${engines.node}`)
        }
        if (existsSync(join(path, 'node_modules'))) visit(join(path, 'node_modules'))
      }
    }
    visit(join(ROOT, 'node_modules'))
    expect(refusing).toEqual([])
  })
})
