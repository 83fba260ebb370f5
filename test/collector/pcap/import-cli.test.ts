import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { openClickHouse } from '../../../core/clickhouse.ts'
import { loadConfig } from '../../../core/config.ts'
import { runCli } from '../../helpers/cli.ts'
import { LOCAL } from './helpers.ts'

// holowatch import-pcap end to end: real processes on one data directory, then the rows counted
// in ClickHouse (chDB binds a data directory to one process, so the counting comes last).
const capture = fileURLToPath(new URL('dev-capture.pcap', LOCAL))
const dir = mkdtempSync(join(tmpdir(), 'holowatch-import-cli-'))
const env = { HOLOWATCH_DATA_DIR: dir, HOLOWATCH_LOG_LEVEL: 'warn' }
const FLOWS = 10_698 // with the default timeouts; see fixtures.test.ts
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('holowatch import-pcap', () => {
  it('imports, refuses the same content again, imports it when forced, and fails only on unreadable files', async () => {
    const first = await runCli(['import-pcap', '--sensor', 'tap-1', capture], env)
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(first.stdout).toContain('dev-capture.pcap: imported pcap, sensor tap-1')
    expect(first.stdout).toContain(`packets 16987  flows ${FLOWS}  services 3`)
    expect(first.stdout).toContain('skipped none')

    // The same bytes under another name: recognised by SHA-256, nothing added.
    const renamed = join(dir, 'renamed.pcap')
    copyFileSync(capture, renamed)
    const again = await runCli(['import-pcap', '--sensor', 'tap-2', '--json', renamed], env)
    expect(again.code).toBe(0)
    const report = JSON.parse(again.stdout)
    expect(report).toMatchObject({ status: 'already_imported', file: 'renamed.pcap', flows: FLOWS, previous: { file: 'dev-capture.pcap', sensor: 'tap-1', origin: 'cli' } })

    // A missing file and a text file are reported and give exit code 1; the good file between them is still imported.
    const cut = join(dir, 'cut.pcap')
    copyFileSync(fileURLToPath(new URL('../../fixtures/pcap/vlan.pcap', import.meta.url)), cut)
    const mixed = await runCli(['import-pcap', '--sensor', 'tap-3', join(dir, 'missing.pcap'), cut, fileURLToPath(import.meta.url)], env)
    expect(mixed.code).toBe(1)
    expect(mixed.stderr).toContain('missing.pcap: not imported: no such file')
    expect(mixed.stderr).toMatch(/import-cli\.test\.ts: not imported: not a pcap or pcapng file/)
    expect(mixed.stdout).toContain('cut.pcap: imported pcap, sensor tap-3')

    const forced = await runCli(['import-pcap', '--sensor', 'tap-2', '--force', renamed], env)
    expect(forced.code).toBe(0)
    expect(forced.stdout).toContain('renamed.pcap: imported pcap, sensor tap-2, forced')

    const help = await runCli(['import-pcap', '--help'], env)
    expect(help.stdout).toContain('Usage: holowatch import-pcap [--sensor NAME] [--force]')
    expect((await runCli(['import-pcap'], env)).code).toBe(2)

    const { config } = loadConfig({ HOLOWATCH_DATA_DIR: dir })
    const ch = await openClickHouse(config)
    try {
      const rows = async <T>(query: string) => (await ch.query({ query, format: 'JSONEachRow' })).json<T>()
      const flows = await rows<{ sensor: string; n: string; packets: string; kinds: string[] }>(
        "SELECT sensor, count() AS n, sum(packets) AS packets, groupUniqArray(toString(source_kind)) AS kinds FROM flows GROUP BY sensor ORDER BY sensor")
      expect(flows.map((f) => [f.sensor, Number(f.n), Number(f.packets), f.kinds])).toEqual([
        ['tap-1', FLOWS, 16_909, ['pcap']], // every IPv4 and IPv6 packet of TOTALS.md
        ['tap-2', FLOWS, 16_909, ['pcap']], // forced: a second copy, and only one
        ['tap-3', expect.any(Number), 32, ['pcap']], // vlan.pcap: tshark's 32 IP packets
      ])
      const imports = await rows<{ file_name: string; sensor: string; status: string; forced: boolean; flows: string; origin: string }>(
        'SELECT file_name, sensor, status, forced, flows, origin FROM pcap_imports_current ORDER BY started')
      expect(imports.map((i) => [i.file_name, i.sensor, i.status, i.forced, i.origin])).toEqual([
        ['dev-capture.pcap', 'tap-1', 'done', false, 'cli'],
        ['cut.pcap', 'tap-3', 'done', false, 'cli'],
        ['import-cli.test.ts', 'tap-3', 'failed', false, 'cli'],
        ['renamed.pcap', 'tap-2', 'done', true, 'cli'],
      ])
      const services = await rows<{ addr: string; port: number; product: string; packets: string; observations: string; sensors: string[] }>(
        "SELECT addr, port, product, packets, observations, sensors FROM observed_services_current WHERE addr = '::ffff:10.77.0.10' ORDER BY port")
      expect(services.map((s) => [s.port, s.product, Number(s.observations), s.sensors])).toEqual([
        [22, 'OpenSSH_9.2p1', 2, ['tap-1', 'tap-2']],
        [80, 'SimpleHTTP/0.6 Python/3.11.2', 2, ['tap-1', 'tap-2']],
      ])
    } finally {
      await ch.close()
    }
  }, 240_000)
})
