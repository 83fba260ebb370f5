import { createSocket } from 'node:dgram'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { freePort, freeUdpPort, startCli, waitForStatus } from '../helpers/cli.ts'
import { exportDatagrams } from '../helpers/export-datagrams.ts'

describe('holowatch collect', () => {
  it('writes every flow an exporter sends, shows it on /metrics, and serves nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'holowatch-collect-'))
    const [port, udp] = [await freePort(), await freeUdpPort()]
    const collect = startCli(['collect'], { HOLOWATCH_DATA_DIR: dir, HOLOWATCH_API_PORT: String(port), HOLOWATCH_NETFLOW_PORT: String(udp), HOLOWATCH_LOG_LEVEL: 'info' })
    try {
      const base = `http://127.0.0.1:${port}`
      await waitForStatus(`${base}/readyz`, 200)
      const socket = createSocket('udp4')
      for (const d of exportDatagrams('softflowd-v5.pcap')) await new Promise((resolve) => socket.send(d.payload, udp, '127.0.0.1', resolve))
      socket.close()
      let text = ''
      const deadline = Date.now() + 90_000
      while (Date.now() < deadline && !text.includes('holowatch_writer_rows_written_total 10596')) {
        text = await (await fetch(`${base}/metrics`)).text()
        await new Promise((r) => setTimeout(r, 200))
      }
      expect(text).toContain('holowatch_writer_rows_written_total 10596')
      expect(text).toContain('holowatch_netflow_packets_total{exporter="127.0.0.1",version="netflow5"} 354')
      expect((await fetch(`${base}/api/v1/attacks`)).status).toBe(404)
    } finally {
      collect.child.kill('SIGTERM')
    }
    expect(await collect.exited).toBe(0)
    expect(collect.output()).toContain('"msg":"holowatch is collecting"')
  })
})
