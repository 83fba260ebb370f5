import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { withCreditCodeCheck } from '../../archive/uscc.ts'
import { runCli } from '../helpers/cli.ts'

// holowatch detect over an imported capture, as an analyst scripts it: archive, capture, then
// `detect --json`, whose standard output must be the JSON alone (logs go to standard error).
const dir = mkdtempSync(join(tmpdir(), 'holowatch-detect-cli-'))
const env = { HOLOWATCH_DATA_DIR: dir }
const capture = fileURLToPath(new URL('../fixtures/pcap/dev-capture.pcapng', import.meta.url))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('holowatch detect', () => {
  it('--json prints only JSON on standard output, at the product defaults, with the alerts logged on standard error', async () => {
    const csv = join(dir, 'lab.csv')
    writeFileSync(csv, [
      'credit_code,org_name,sector,locality,asset_name,category,grade,mlps_level,networks,status',
      `${withCreditCodeCheck('91350100MA0000770')},Lab Water Works,water,lab-town,SCADA web server,industrial_control,core,3,10.77.0.10/32; 2001:db8:77::10/128,active`,
      `${withCreditCodeCheck('91350100MA0000770')},Lab Water Works,water,lab-town,plant LAN,other,general,2,10.77.0.0/27,active`,
    ].join('\n'))
    expect((await runCli(['archive', 'locality', 'lab-town', '--zh', '实验镇'], env)).code).toBe(0)
    const archive = await runCli(['archive', 'import', csv], env)
    expect(archive.code, archive.stdout + archive.stderr).toBe(0)
    expect((await runCli(['import-pcap', capture], env)).code).toBe(0)

    const run = await runCli(['detect', '--from', '2026-11-22T12:08:00Z', '--to', '2026-11-22T12:10:00Z', '--json'], { ...env, HOLOWATCH_LOG_LEVEL: 'warn' })
    expect(run.code, run.stderr).toBe(0)
    const result = JSON.parse(run.stdout) as { incidents: { rule: string; source: string; details: Record<string, unknown> }[] }
    expect(result.incidents.map((i) => `${i.rule} ${i.source}`).sort()).toEqual([
      'brute_force 10.77.0.66', 'flood ', 'port_scan 10.77.0.66', 'port_scan 2001:db8:77::66',
    ])
    expect(run.stderr).toContain('attack detected')
  })
})
