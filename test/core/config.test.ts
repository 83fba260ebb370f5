import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, describeConfig, loadConfig } from '../../core/config.ts'

describe('configuration', () => {
  it('uses documented defaults: embedded engine on ./var/clickhouse, API on 127.0.0.1:8080', () => {
    const { config, sources } = loadConfig({})
    expect(config.clickhouseUrl).toBeUndefined()
    expect(config.dataDir).toBe(join(process.cwd(), 'var/clickhouse'))
    expect(config.apiHost).toBe('127.0.0.1')
    expect(config.apiPort).toBe(8080)
    expect(sources.apiPort).toBe('default')
  })

  it('fails on a bad port with a message naming the setting', () => {
    for (const bad of ['0', '65536', '80a', '-1', 'http']) {
      expect(() => loadConfig({ HOLOWATCH_API_PORT: bad })).toThrow(ConfigError)
      expect(() => loadConfig({ HOLOWATCH_API_PORT: bad })).toThrow(/^HOLOWATCH_API_PORT: expected a TCP\/UDP port/)
    }
  })

  it('fails on an engine URL with an unknown scheme, naming the setting', () => {
    expect(() => loadConfig({ CLICKHOUSE_URL: 'tcp://db:9000' })).toThrow(/^CLICKHOUSE_URL: unsupported scheme "tcp"/)
    expect(() => loadConfig({ CLICKHOUSE_URL: 'not a url' })).toThrow(/^CLICKHOUSE_URL: not a URL/)
    expect(loadConfig({ CLICKHOUSE_URL: 'https://ch.example:8443' }).config.clickhouseUrl).toBe('https://ch.example:8443')
  })

  it('reads a JSON config file, lets the environment win, and refuses unknown keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'holowatch-config-'))
    const file = join(dir, 'holowatch.json')
    writeFileSync(file, JSON.stringify({ HOLOWATCH_API_PORT: 9000, HOLOWATCH_LOG_LEVEL: 'debug' }))
    const loaded = loadConfig({ HOLOWATCH_LOG_LEVEL: 'warn' }, file)
    expect(loaded.config.apiPort).toBe(9000)
    expect(loaded.sources.apiPort).toBe('file')
    expect(loaded.config.logLevel).toBe('warn')
    writeFileSync(file, JSON.stringify({ HOLOWATCH_API_PROT: 9000 }))
    expect(() => loadConfig({}, file)).toThrow(/^HOLOWATCH_API_PROT: unknown setting/)
    writeFileSync(file, '{ not json')
    expect(() => loadConfig({}, file)).toThrow(/^HOLOWATCH_CONFIG: .* is not valid JSON/)
  })

  it('masks secrets when describing the effective configuration', () => {
    const rows = describeConfig(loadConfig({ CLICKHOUSE_PASSWORD: 's3cret', HOLOWATCH_FLOWS_TTL_DAYS: '7' }))
    expect(rows.find((r) => r.setting === 'CLICKHOUSE_PASSWORD')).toMatchObject({ value: '********', source: 'environment' })
    expect(rows.find((r) => r.setting === 'HOLOWATCH_FLOWS_TTL_DAYS')).toMatchObject({ value: '7' })
    expect(() => loadConfig({ HOLOWATCH_FLOWS_TTL_DAYS: '-3' })).toThrow(/^HOLOWATCH_FLOWS_TTL_DAYS/)
  })
})
