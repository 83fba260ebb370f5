import { createSocket } from 'node:dgram'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { freePort, freeUdpPort, runCli, startCli, waitForStatus } from '../helpers/cli.ts'
import { exportDatagrams } from '../helpers/export-datagrams.ts'

describe('holowatch serve', () => {
  it('migrates a fresh data dir, answers /healthz, /readyz and /metrics, and stops on SIGTERM with exit code 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'holowatch-serve-'))
    const port = await freePort()
    const serve = startCli(['serve'], { HOLOWATCH_DATA_DIR: dir, HOLOWATCH_API_PORT: String(port), HOLOWATCH_LOG_LEVEL: 'info' })
    try {
      const base = `http://127.0.0.1:${port}`
      const health = await waitForStatus(`${base}/healthz`, 200)
      expect(await health.json()).toEqual({ status: 'ok' })
      const ready = await waitForStatus(`${base}/readyz`, 200)
      expect(await ready.json()).toEqual({ status: 'ready', engine: 'embedded', database: 'holowatch' })
      const metrics = await fetch(`${base}/metrics`)
      expect(metrics.headers.get('content-type')).toContain('text/plain')
      expect(await metrics.text()).toContain('holowatch_http_request_duration_seconds_count{method="GET",route="/readyz",status="200"} 1')
      const missing = await fetch(`${base}/nothing-here`)
      expect(missing.status).toBe(404)
      expect(missing.headers.get('content-type')).toContain('application/problem+json')
      // Without a token, nothing under /api/v1 answers (not even whether a route exists).
      expect((await fetch(`${base}/api/v1/nothing-here`)).status).toBe(401)
    } finally {
      serve.child.kill('SIGTERM')
    }
    expect(await serve.exited).toBe(0)
    expect(serve.output()).toContain('"msg":"stopped"')
  })

  it('collects NetFlow on its UDP port: the exporter shows on /api/v1/exporters for the first-start admin token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'holowatch-serve-'))
    const [port, udp] = [await freePort(), await freeUdpPort()]
    const serve = startCli(['serve'], { HOLOWATCH_DATA_DIR: dir, HOLOWATCH_API_PORT: String(port), HOLOWATCH_NETFLOW_PORT: String(udp) })
    try {
      const base = `http://127.0.0.1:${port}`
      await waitForStatus(`${base}/readyz`, 200)
      const token = /^\s+(hw_\S+)$/m.exec(serve.output())?.[1]
      expect(token).toBeDefined()
      const socket = createSocket('udp4')
      for (const d of exportDatagrams('softflowd-v9.pcap')) await new Promise((resolve) => socket.send(d.payload, udp, '127.0.0.1', resolve))
      socket.close()
      const deadline = Date.now() + 90_000
      let exporter: { flows?: number; packets?: { netflow9: number } } | undefined
      while (Date.now() < deadline && exporter?.flows !== 10620) {
        const res = await fetch(`${base}/api/v1/exporters`, { headers: { authorization: `Bearer ${token}` } })
        expect(res.status).toBe(200)
        exporter = ((await res.json()) as { items: (typeof exporter)[] }).items[0]
        await new Promise((r) => setTimeout(r, 200))
      }
      expect(exporter).toMatchObject({ exporter: '127.0.0.1', flows: 10620, packets: { netflow9: 338 } })
    } finally {
      serve.child.kill('SIGTERM')
    }
    expect(await serve.exited).toBe(0)
  })

  it('refuses to start on an invalid setting, naming it', async () => {
    const result = await runCli(['serve'], { HOLOWATCH_API_PORT: '70000' })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('invalid configuration: HOLOWATCH_API_PORT')
  })
})

describe('holowatch CLI', () => {
  it('prints help for the program and for each command', async () => {
    const help = await runCli(['--help'])
    expect(help.code).toBe(0)
    for (const name of ['serve', 'migrate', 'config', 'version']) expect(help.stdout).toContain(name)
    const migrateHelp = await runCli(['migrate', '--help'])
    expect(migrateHelp.stdout).toContain('Usage: holowatch migrate')
  })

  it('migrates once, then reports the schema up to date', async () => {
    const env = { HOLOWATCH_DATA_DIR: mkdtempSync(join(tmpdir(), 'holowatch-migrate-')) }
    const first = await runCli(['migrate'], env)
    expect(first.code).toBe(0)
    expect(first.stdout).toContain('applied  0001_archive')
    const second = await runCli(['migrate'], env)
    expect(second.stdout).toContain('schema is up to date')
    const status = await runCli(['migrate', '--status'], env)
    expect(status.stdout).toMatch(/^applied {2}0001_archive$/m)
  })

  it('rejects an unknown command and unknown options with exit code 2', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2)
    const bad = await runCli(['migrate', '--bogus'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('Usage: holowatch migrate')
  })
})
