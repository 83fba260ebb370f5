import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../../../api/app.ts'
import type { NewToken } from '../../../archive/tokens.ts'
import { createMetricsRegistry } from '../../../core/metrics.ts'
import { reloadArchiveDictionary, seedAsset, seedOrganisation } from '../../helpers/archive-seed.ts'
import { openTestDb, type TestDb } from '../../helpers/db.ts'
import { LOCAL } from './helpers.ts'

// POST /api/v1/pcaps with real bearer tokens (the auth plugin) against the embedded engine.
const ACTOR = { name: 'test-setup', role: 'admin', address: '127.0.0.1', via: 'cli' } as const
const CALLERS: Record<string, NewToken> = {
  sensor: { role: 'sensor', name: 'tap-east' },
  admin: { role: 'admin', name: 'admin-token' },
  analyst: { role: 'analyst', name: 'analyst-li' },
}
const gz = readFileSync(new URL('dev-capture.pcap.gz', LOCAL))
const pcapng = readFileSync(new URL('dev-capture.pcapng', LOCAL))
const FLOWS = 10_698
const LAB = '0a000000-0000-4000-8000-0000000000aa'
const LAB_WEB = '0b000000-0000-4000-8000-0000000000aa'

describe('POST /api/v1/pcaps', () => {
  let db: TestDb
  let app: App
  const tokens: Record<string, string> = {}
  const upload = (who: string | undefined, body: Buffer, query = '', type = 'application/vnd.tcpdump.pcap') =>
    app.inject({
      method: 'POST', url: `/api/v1/pcaps${query}`, payload: body,
      headers: { 'content-type': type, ...(who ? { authorization: `Bearer ${tokens[who]}` } : {}) },
    })
  const flowCount = async (sensor: string) =>
    Number((await db.rows<{ n: string }>('SELECT count() AS n FROM flows WHERE sensor = {sensor:String}', { sensor }))[0]!.n)

  beforeAll(async () => {
    db = await openTestDb({ env: { HOLOWATCH_PCAP_UPLOAD_MAX_MB: '2' } })
    // The lab's web/SSH server is an archive asset: its services must carry the attribution.
    await seedOrganisation(db.clickhouse, { id: LAB, name: 'Lab School', sector: 'education', locality: 'east-street' })
    await seedAsset(db.clickhouse, { id: LAB_WEB, org_id: LAB, name: 'lab web', grade: 'important', networks: ['10.77.0.10/32'] })
    await reloadArchiveDictionary(db.clickhouse)
    app = await buildApp({ config: db.config, clickhouse: db.clickhouse, engine: 'embedded', metrics: createMetricsRegistry() }, { logger: false })
    await app.ready()
    for (const [who, spec] of Object.entries(CALLERS)) tokens[who] = (await app.tokens.create(spec, ACTOR)).token
  })
  afterAll(async () => {
    await app.close()
    await db.close()
  })

  it('is for sensor and admin tokens only', async () => {
    expect((await upload(undefined, gz)).statusCode).toBe(401)
    const analyst = await upload('analyst', gz)
    expect(analyst.statusCode).toBe(403)
    expect(analyst.headers['content-type']).toContain('application/problem+json')
    expect(await flowCount('tap-east')).toBe(0)
  })

  it('a sensor uploads a gzipped pcap: flows under its own name, services, a summary; the same upload again adds nothing', async () => {
    const first = await upload('sensor', gz, '?name=east-0001.pcap.gz', 'application/gzip')
    expect(first.statusCode).toBe(201)
    expect(first.json()).toMatchObject({
      status: 'imported', file: 'east-0001.pcap.gz', sensor: 'tap-east', format: 'pcap', compressed: true,
      sha256: createHash('sha256').update(gz).digest('hex'), // what sha256sum says of the file
      packets: 16_987, flows: FLOWS, services: 3, skipped: {}, stoppedBy: null, size: gz.length,
      firstPacket: '2026-11-22T12:08:31.607231000Z',
    })
    expect(await flowCount('tap-east')).toBe(FLOWS)

    const retry = await upload('sensor', gz, '?name=east-0001-retry.pcap.gz', 'application/octet-stream')
    expect(retry.statusCode).toBe(200)
    expect(retry.json()).toMatchObject({ status: 'already_imported', id: first.json().id, previous: { file: 'east-0001.pcap.gz', origin: 'api', sensor: 'tap-east' } })
    expect(await flowCount('tap-east')).toBe(FLOWS)

    const services = await db.rows<{ addr: string; port: number; sensors: string[]; product: string; asset_id: string; org_id: string; sector: string; grade: string }>(
      'SELECT addr, port, sensors, product, asset_id, org_id, sector, grade FROM observed_services_current ORDER BY addr, port')
    expect(services).toEqual([
      { addr: '::ffff:10.77.0.10', port: 22, sensors: ['tap-east'], product: 'OpenSSH_9.2p1', asset_id: LAB_WEB, org_id: LAB, sector: 'education', grade: 'important' },
      { addr: '::ffff:10.77.0.10', port: 80, sensors: ['tap-east'], product: 'SimpleHTTP/0.6 Python/3.11.2', asset_id: LAB_WEB, org_id: LAB, sector: 'education', grade: 'important' },
      // Outside the archive: no attribution.
      { addr: '::ffff:10.77.0.11', port: 6379, sensors: ['tap-east'], product: '', asset_id: '00000000-0000-0000-0000-000000000000', org_id: '00000000-0000-0000-0000-000000000000', sector: '', grade: '' },
    ])
  })

  it('an admin names the sensor and may force a re-import; a sensor cannot pose as another', async () => {
    const forced = await upload('admin', gz, '?sensor=lab-1&force=true')
    expect(forced.statusCode).toBe(201)
    expect(forced.json()).toMatchObject({ status: 'imported', sensor: 'lab-1', forced: true, flows: FLOWS })
    expect(await flowCount('lab-1')).toBe(FLOWS)
    const pose = await upload('sensor', pcapng, '?sensor=lab-1')
    expect(pose.statusCode).toBe(403)
    const imports = await db.rows<{ sensor: string; status: string; origin: string; forced: boolean }>(
      "SELECT sensor, status, origin, forced FROM pcap_imports_current ORDER BY started")
    expect(imports).toEqual([
      { sensor: 'tap-east', status: 'done', origin: 'api', forced: false },
      { sensor: 'lab-1', status: 'done', origin: 'api', forced: true },
    ])
  })

  it('refuses what is not a capture (422), too big (413) and other media types (415), as problem+json', async () => {
    const text = await upload('sensor', Buffer.from('hello, this is not a capture'))
    expect(text.statusCode).toBe(422)
    expect(text.json()).toMatchObject({ code: 'unprocessable', detail: expect.stringContaining('not a pcap or pcapng file') })
    const big = await upload('sensor', Buffer.concat([pcapng, pcapng]))
    expect(big.statusCode).toBe(413)
    expect(big.json()).toMatchObject({ code: 'payload_too_large', detail: expect.stringContaining('HOLOWATCH_PCAP_UPLOAD_MAX_MB') })
    // Streamed without a Content-Length: the limit is enforced while the body arrives.
    const streamed = await app.inject({
      method: 'POST', url: '/api/v1/pcaps', payload: Readable.from([pcapng, pcapng]),
      headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${tokens.sensor}` },
    })
    expect(streamed.statusCode).toBe(413)
    expect(readdirSync(join(db.dir, 'pcap-uploads'))).toEqual([]) // the partial upload is gone
    const json = await upload('sensor', Buffer.from('{}'), '', 'application/json')
    expect(json.statusCode).toBe(415)
    expect(await flowCount('tap-east')).toBe(FLOWS)
  })

  it('takes the capture as the file of a multipart form (curl -F), named after it, with the same limits', async () => {
    const form = (parts: { name: string; filename?: string; data: Buffer }[]) => {
      const boundary = '----holowatch-test-boundary'
      const body = Buffer.concat([
        ...parts.flatMap((p) => [
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}\r\n` +
            `Content-Type: ${p.filename ? 'application/octet-stream' : 'text/plain'}\r\n\r\n`),
          p.data, Buffer.from('\r\n'),
        ]),
        Buffer.from(`--${boundary}--\r\n`),
      ])
      return app.inject({
        method: 'POST', url: '/api/v1/pcaps?sensor=form-lab', payload: body,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${tokens.admin}` },
      })
    }
    const res = await form([{ name: 'file', filename: '/captures/west-0007.pcap.gz', data: gz }])
    expect(res.statusCode).toBe(200) // the same bytes as the first upload: recognised by content
    expect(res.json()).toMatchObject({ status: 'already_imported', file: 'west-0007.pcap.gz', sensor: 'form-lab' })
    const ns = readFileSync(new URL('dev-capture-ns.pcap', LOCAL))
    const imported = await form([{ name: 'note', data: Buffer.from('nightly') }, { name: 'file', filename: 'west-0008.pcap', data: ns.subarray(0, 1_000_000) }])
    expect(imported.statusCode).toBe(201)
    expect(imported.json()).toMatchObject({ status: 'imported', file: 'west-0008.pcap', sensor: 'form-lab', format: 'pcap-ns', skipped: { truncated_record: 1 } })
    expect(await flowCount('form-lab')).toBe(imported.json().flows)
    // Refused by its declared length, and (just over the limit, within the form allowance) when the file passes it.
    for (const size of [2 * pcapng.length, 2 * 1024 * 1024 + 10_000]) {
      const big = await form([{ name: 'file', filename: 'huge.pcapng', data: Buffer.concat([pcapng, pcapng]).subarray(0, size) }])
      expect(big.statusCode).toBe(413)
      expect(big.json()).toMatchObject({ code: 'payload_too_large', detail: expect.stringContaining('HOLOWATCH_PCAP_UPLOAD_MAX_MB') })
    }
    expect(await flowCount('form-lab')).toBe(imported.json().flows)
    const empty = await form([{ name: 'note', data: Buffer.from('no file here') }])
    expect(empty.statusCode).toBe(400)
    expect(readdirSync(join(db.dir, 'pcap-uploads'))).toEqual([])
  })

  it('a big upload is answered at once with its import id (202); the import is followed at GET /pcaps/:id and listed', async () => {
    const get = (who: string, url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[who]}` } })
    const ns = readFileSync(new URL('dev-capture-ns.pcap', LOCAL))
    const accepted = await upload('sensor', ns, '?name=east-big.pcap&wait=false')
    expect(accepted.statusCode).toBe(202)
    const { id, location } = accepted.json()
    expect(accepted.json()).toMatchObject({ status: 'running', file: 'east-big.pcap', sensor: 'tap-east', size: ns.length, location: `/api/v1/pcaps/${id}` })
    expect(accepted.headers.location).toBe(location)
    let state = (await get('sensor', location)).json()
    for (let i = 0; i < 200 && state.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50))
      state = (await get('sensor', location)).json()
    }
    expect(state).toMatchObject({ id, status: 'done', file: 'east-big.pcap', sensor: 'tap-east', origin: 'api', format: 'pcap-ns', packets: 16_987, flows: FLOWS, services: 3, skipped: {}, error: null })
    expect(Date.parse(state.finished)).toBeGreaterThanOrEqual(Date.parse(state.started))
    expect(await flowCount('tap-east')).toBe(2 * FLOWS)
    expect(readdirSync(join(db.dir, 'pcap-uploads'))).toEqual([])
    // An analyst may read every import; another sensor does not see this one.
    expect((await get('analyst', location)).statusCode).toBe(200)
    const other = (await app.tokens.create({ role: 'sensor', name: 'tap-west' }, ACTOR)).token
    const hidden = await app.inject({ method: 'GET', url: location, headers: { authorization: `Bearer ${other}` } })
    expect(hidden.statusCode).toBe(404)
    const listed = (await get('admin', '/api/v1/pcaps?sensor=tap-east&status=done')).json().items as { id: string; sensor: string; status: string }[]
    expect(listed[0]!.id).toBe(id) // newest first
    expect(listed.every((i) => i.sensor === 'tap-east' && i.status === 'done')).toBe(true)
    const own = await app.inject({ method: 'GET', url: '/api/v1/pcaps', headers: { authorization: `Bearer ${other}` } })
    expect(own.json()).toEqual({ items: [] })
    // Content imported before needs no background job: the answer is immediate.
    const again = await upload('sensor', ns, '?wait=false')
    expect(again.statusCode).toBe(200)
    expect(again.json()).toMatchObject({ status: 'already_imported', id })
    // Not a capture: the background import fails and says why.
    const text = await upload('sensor', Buffer.from('no capture at all'), '?wait=false')
    expect(text.statusCode).toBe(202)
    let failed = (await get('sensor', text.json().location)).json()
    for (let i = 0; i < 100 && failed.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50))
      failed = (await get('sensor', text.json().location)).json()
    }
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringContaining('not a pcap or pcapng file') })
    expect((await get('sensor', '/api/v1/pcaps/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404)
  })

  it('a pcapng upload of the same packets is other content: imported, with the same flows', async () => {
    const res = await upload('sensor', pcapng, '?name=east.pcapng', 'application/x-pcapng')
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ format: 'pcapng', packets: 16_987, flows: FLOWS })
    expect(await flowCount('tap-east')).toBe(3 * FLOWS)
  })
})
