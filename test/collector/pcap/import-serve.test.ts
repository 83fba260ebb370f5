import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort, startCli, waitForStatus } from '../../helpers/cli.ts'
import { LOCAL } from './helpers.ts'

// `holowatch serve` with HOLOWATCH_PCAP_INBOX: the inbox stage runs in the real process and
// stops with it.
const dir = mkdtempSync(join(tmpdir(), 'holowatch-serve-inbox-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('holowatch serve with a pcap inbox', () => {
  it('imports a capture dropped into the inbox and stops cleanly', async () => {
    const inbox = join(dir, 'inbox')
    const [api, netflow, ipfix] = [await freePort(), await freePort(), await freePort()]
    const serve = startCli(['serve'], {
      HOLOWATCH_DATA_DIR: join(dir, 'data'), HOLOWATCH_PCAP_INBOX: inbox, HOLOWATCH_PCAP_INBOX_SENSOR: 'tap-serve',
      HOLOWATCH_API_PORT: String(api), HOLOWATCH_NETFLOW_PORT: String(netflow), HOLOWATCH_IPFIX_PORT: String(ipfix),
    })
    try {
      await waitForStatus(`http://127.0.0.1:${api}/readyz`, 200)
      copyFileSync(fileURLToPath(new URL('dev-capture.pcapng', LOCAL)), join(inbox, 'east.pcapng'))
      const summary = join(inbox, 'done', 'east.pcapng.summary.json')
      const deadline = Date.now() + 120_000
      while (!existsSync(summary) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
      expect(JSON.parse(readFileSync(summary, 'utf8'))).toMatchObject({ status: 'imported', sensor: 'tap-serve', format: 'pcapng', packets: 16_987, flows: 10_698 })
    } finally {
      serve.child.kill('SIGTERM')
    }
    expect(await serve.exited).toBe(0)
    expect(serve.output()).toContain('"msg":"watching the pcap inbox"')
    expect(serve.output()).toContain('"msg":"inbox capture handled"')
  }, 180_000)
})
