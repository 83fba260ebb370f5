import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'

// `holowatch healthcheck` end to end in its own process on its own embedded database.
const FIXTURES = join(import.meta.dirname, '../fixtures/scans')
const dir = mkdtempSync(join(tmpdir(), 'holowatch-hc-cli-'))
const env = { HOLOWATCH_DATA_DIR: dir }

describe('holowatch healthcheck', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('creates a campaign, imports reports once each, and names the place of a bad file', async () => {
    const created = await runCli(['healthcheck', 'campaign-create', '--name', 'CLI check', '--year', '2026', '--vendor', 'acme'], env)
    expect(created.code).toBe(0)
    const id = created.stdout.trim()
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    const bad = join(dir, 'bad.csv')
    writeFileSync(bad, 'ip,title,severity\n10.0.0.1,"open quote,high\n')
    const run = await runCli(['healthcheck', 'import', '--campaign', id, join(FIXTURES, 'nmap/issue12411.xml'), join(FIXTURES, 'openvas/many_vuln.xml'), bad, join(FIXTURES, 'nmap/issue12411.xml')], env)
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('issue12411.xml: imported nmap')
    expect(run.stdout).toMatch(/hosts 2 \(matched 0, unregistered 2\)\s+items 4\s+findings 0\s+observations 4/)
    expect(run.stdout).toMatch(/many_vuln.xml: imported openvas[\s\S]*items 44/)
    expect(run.stdout).toContain('issue12411.xml: already imported')
    expect(run.stderr).toContain('bad.csv: not imported (nothing written): row 2, line 2: a quoted field opens here and is never closed')
    const usage = await runCli(['healthcheck', 'import', 'x.xml'], env)
    expect(usage.code).toBe(2)
    const list = await runCli(['healthcheck', 'campaigns'], env)
    expect(list.stdout).toContain(`${id}  2026  active   CLI check`)
  }, 240_000)
})
