import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPcapImporter } from '../../collector/capture/importer.ts'
import { createLogger } from '../../core/logger.ts'
import { openHarness, type Harness } from '../archive/harness.ts'

const CAPTURE = new URL('../fixtures/pcap/dev-capture.pcapng', import.meta.url).pathname

// The services passive discovery found in the lab capture, read back per asset; and /me.
describe('GET /assets/{id}/observed-services and GET /me', () => {
  let h: Harness
  let server: string
  let client: string
  beforeAll(async () => {
    h = await openHarness()
    const importer = createPcapImporter(h.db.config, { clickhouse: h.db.clickhouse, logger: createLogger('silent') }, 'test')
    importer.start()
    await importer.importFile(CAPTURE, { sensor: 'lab', origin: 'cli' })
    await importer.stop()
    // Archived after the import: the asset is found by its networks, not by the enrichment at insert time.
    const create = async (name: string, networks: string[]) => {
      const res = await h.call('admin', 'POST', '/api/v1/assets', { organisation_id: h.orgA, name, category: 'industrial_control', grade: 'core', mlps_level: 3, networks })
      expect(res.statusCode, res.body).toBe(201)
      return res.json().id as string
    }
    server = await create('SCADA web server', ['10.77.0.10/32', '2001:db8:77::10/128'])
    client = await create('operator workstation', ['10.77.0.20/32'])
  })
  afterAll(() => h.close())

  it('lists the SSH and HTTP servers seen answering on the asset, with product and sensor', async () => {
    const res = await h.call('analyst', 'GET', `/api/v1/assets/${server}/observed-services`)
    expect(res.statusCode, res.body).toBe(200)
    const items = res.json().items as { address: string; port: number; protocol: string; service: string; product: string; sensors: string[] }[]
    expect(items.map((i) => [i.address, i.port, i.protocol, i.service])).toEqual([['10.77.0.10', 22, 'tcp', 'ssh'], ['10.77.0.10', 80, 'tcp', 'http']])
    expect(items[0]!.product).toContain('OpenSSH')
    expect(items.every((i) => i.sensors.includes('lab'))).toBe(true)
  })

  it('answers an empty list for an asset nothing was seen answering on', async () => {
    const res = await h.call('admin', 'GET', `/api/v1/assets/${client}/observed-services`)
    expect(res.statusCode).toBe(200)
    expect(res.json().items).toEqual([])
  })

  it('follows archive scoping: the owner reads its own asset, another owner gets 404, vendors and sensors 403', async () => {
    const url = `/api/v1/assets/${server}/observed-services`
    expect((await h.call('ownerA', 'GET', url)).statusCode).toBe(200)
    expect((await h.call('ownerB', 'GET', url)).statusCode).toBe(404)
    expect((await h.call('vendor', 'GET', url)).statusCode).toBe(403)
    expect((await h.call('sensor', 'GET', url)).statusCode).toBe(403)
    expect((await h.call(null, 'GET', url)).statusCode).toBe(401)
    expect((await h.call('admin', 'GET', '/api/v1/assets/00000000-0000-4000-8000-000000000000/observed-services')).statusCode).toBe(404)
  })

  it('/me tells each token its role and scope', async () => {
    expect((await h.call('ownerA', 'GET', '/api/v1/me')).json()).toEqual({ name: 'school-cso', role: 'owner', orgs: [h.orgA], campaigns: [] })
    expect((await h.call('vendor', 'GET', '/api/v1/me')).json()).toEqual({ name: 'vendor-x', role: 'vendor', orgs: [], campaigns: ['2026'] })
    expect((await h.call('analyst', 'GET', '/api/v1/me')).json()).toMatchObject({ role: 'analyst', orgs: [] })
    expect((await h.call(null, 'GET', '/api/v1/me')).statusCode).toBe(401)
  })
})
