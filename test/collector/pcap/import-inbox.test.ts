import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPcapInbox, type PcapInbox } from '../../../collector/capture/inbox.ts'
import { createPcapImporter, type PcapImporter } from '../../../collector/capture/importer.ts'
import { createLogger } from '../../../core/logger.ts'
import { openTestDb, type TestDb } from '../../helpers/db.ts'
import { LOCAL } from './helpers.ts'

// The watched folder, polling fast, on the embedded engine: real fixture files dropped in.
const capture = fileURLToPath(new URL('dev-capture.pcap', LOCAL))
const FLOWS = 10_698

async function until(what: string, check: () => boolean, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('pcap inbox (HOLOWATCH_PCAP_INBOX)', () => {
  let db: TestDb
  let importer: PcapImporter
  let inbox: PcapInbox
  let dir: string
  const flowCount = async (sensor: string) =>
    Number((await db.rows<{ n: string }>('SELECT count() AS n FROM flows WHERE sensor = {sensor:String}', { sensor }))[0]!.n)

  beforeAll(async () => {
    db = await openTestDb()
    dir = mkdtempSync(join(tmpdir(), 'holowatch-inbox-'))
    const logger = createLogger('silent')
    importer = createPcapImporter(db.config, { clickhouse: db.clickhouse, logger }, 'inbox')
    importer.start()
    inbox = createPcapInbox({ dir, sensor: 'inbox-east', pollMs: 50, stableMs: 300 }, { importer, logger })
    await inbox.start()
  })
  afterAll(async () => {
    await inbox.stop()
    await importer.stop()
    await db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('imports a dropped capture, moves it to done/ with its summary, and counts its flows once', async () => {
    copyFileSync(capture, join(dir, 'east-0001.pcap'))
    await until('done/east-0001.pcap', () => existsSync(join(dir, 'done', 'east-0001.pcap.summary.json')))
    expect(existsSync(join(dir, 'east-0001.pcap'))).toBe(false)
    const summary = JSON.parse(readFileSync(join(dir, 'done', 'east-0001.pcap.summary.json'), 'utf8'))
    expect(summary).toMatchObject({ status: 'imported', sensor: 'inbox-east', packets: 16_987, flows: FLOWS, services: 3 })
    expect(await flowCount('inbox-east')).toBe(FLOWS)

    // The same content again under another name: moved to done/ as already imported, nothing added.
    copyFileSync(capture, join(dir, 'east-0001-again.pcap'))
    await until('done/east-0001-again.pcap', () => existsSync(join(dir, 'done', 'east-0001-again.pcap.summary.json')))
    expect(JSON.parse(readFileSync(join(dir, 'done', 'east-0001-again.pcap.summary.json'), 'utf8'))).toMatchObject({ status: 'already_imported', id: summary.id })
    expect(await flowCount('inbox-east')).toBe(FLOWS)
  })

  it('waits until a file stops growing before it reads it', async () => {
    const whole = readFileSync(new URL('vlan.pcap', LOCAL))
    const path = join(dir, 'growing.pcap')
    writeFileSync(path, whole.subarray(0, 1000))
    for (let o = 1000; o < whole.length; o += 1000) {
      await new Promise((r) => setTimeout(r, 120)) // slower than a poll, faster than stableMs
      appendFileSync(path, whole.subarray(o, o + 1000))
    }
    await until('done/growing.pcap', () => existsSync(join(dir, 'done', 'growing.pcap.summary.json')))
    const summary = JSON.parse(readFileSync(join(dir, 'done', 'growing.pcap.summary.json'), 'utf8'))
    expect(summary).toMatchObject({ packets: 34, skipped: {}, size: whole.length })
  })

  it('a sub-folder names the sensor; what is not a capture goes to failed/ with a reason file', async () => {
    mkdirSync(join(dir, 'tap-west'))
    copyFileSync(fileURLToPath(new URL('sll2.pcap', LOCAL)), join(dir, 'tap-west', 'west.pcap'))
    writeFileSync(join(dir, 'notes.pcap'), 'these are my notes, not a capture\n')
    writeFileSync(join(dir, '.hidden.pcap'), 'still being uploaded')
    writeFileSync(join(dir, 'upload.pcap.part'), 'still being uploaded')
    await until('failed/notes.pcap', () => existsSync(join(dir, 'failed', 'notes.pcap.reason.txt')))
    await until('done/tap-west/west.pcap', () => existsSync(join(dir, 'done', 'tap-west', 'west.pcap.summary.json')))
    expect(readFileSync(join(dir, 'failed', 'notes.pcap.reason.txt'), 'utf8')).toMatch(/^not a pcap or pcapng file \(first bytes 74686573\)/)
    expect(existsSync(join(dir, 'failed', 'notes.pcap'))).toBe(true)
    expect(await flowCount('tap-west')).toBeGreaterThan(0)
    expect(readdirSync(dir).sort()).toEqual(['.hidden.pcap', 'done', 'failed', 'tap-west', 'upload.pcap.part'])
    const imports = await db.rows<{ file_name: string; sensor: string; status: string; origin: string }>(
      'SELECT file_name, sensor, status, origin FROM pcap_imports_current ORDER BY file_name')
    expect(imports).toEqual([
      { file_name: 'east-0001.pcap', sensor: 'inbox-east', status: 'done', origin: 'inbox' },
      { file_name: 'growing.pcap', sensor: 'inbox-east', status: 'done', origin: 'inbox' },
      { file_name: 'notes.pcap', sensor: 'inbox-east', status: 'failed', origin: 'inbox' },
      { file_name: 'west.pcap', sensor: 'tap-west', status: 'done', origin: 'inbox' },
    ])
  })
})
