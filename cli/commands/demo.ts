import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createPcapImporter } from '../../collector/capture/importer.ts'
import { cliActor } from '../../archive/cli-actor.ts'
import { importArchive } from '../../archive/import.ts'
import { LOCALITY } from '../../archive/kinds.ts'
import { createArchiveService } from '../../archive/service.ts'
import { createTokenStore } from '../../archive/tokens.ts'
import { withCreditCodeCheck } from '../../archive/uscc.ts'
import { createLogger } from '../../core/logger.ts'
import { createDetector, detectorConfigFrom } from '../../detection/index.ts'
import { createHealthcheck } from '../../healthcheck/index.ts'
import { healthcheckConfigFrom } from '../../healthcheck/config.ts'
import { UsageError, type Command } from '../command.ts'
import { configFrom, openMigrated } from '../context.ts'
import { serveCommand } from './serve.ts'

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/', import.meta.url))

/**
 * The lab of the lab captures of test/fixtures (10.77.0.0/24, 2001:db8:77::/64) as an archive, plus two
 * organisations with no traffic, so that owners see only their own. Columns as
 * docs/archive-import-template.csv, plus each organisation's allocations (the address space its
 * owner may register networks in).
 */
const LAB = withCreditCodeCheck('91350100MA0000770')
const SCHOOL = withCreditCodeCheck('12350100MB0000001')
const HOSPITAL = withCreditCodeCheck('12350100MB0000002')
const HEADER = 'credit_code,org_name,sector,locality,org_address,cso_name,cso_phone,cso_email,cso_certificate,asset_id,asset_name,category,grade,mlps_level,networks,domains,services,icp_filing,mlps_filing,tags,status,notes,allocations'
const SEED = [
  [LAB, '实验水务有限公司', 'water', 'lab-town', '实验镇水厂路1号', '王磊', '0591-8877001', 'wanglei@water.example.cn', 'CISP-2025-0077', '', 'SCADA web server', 'industrial_control', 'core', '3', '10.77.0.10/32; 2001:db8:77::10/128', 'scada.water.example.cn', '80/tcp nginx; 22/tcp OpenSSH', '', '35010099077-25001', 'scada', 'active', 'water treatment control', '10.77.0.0/24; 2001:db8:77::/64'],
  [LAB, '实验水务有限公司', 'water', 'lab-town', '实验镇水厂路1号', '王磊', '0591-8877001', 'wanglei@water.example.cn', 'CISP-2025-0077', '', 'operator workstation', 'business_system', 'general', '2', '10.77.0.20/32', '', '', '', '', 'office', 'active', '', '10.77.0.0/24; 2001:db8:77::/64'],
  [LAB, '实验水务有限公司', 'water', 'lab-town', '实验镇水厂路1号', '王磊', '0591-8877001', 'wanglei@water.example.cn', 'CISP-2025-0077', '', 'plant LAN', 'other', 'general', '2', '10.77.0.0/27', '', '', '', '', 'lan', 'active', 'the plant network block', '10.77.0.0/24; 2001:db8:77::/64'],
  [SCHOOL, '第一中学', 'education', 'east-street', '东街1号', '张伟', '0591-8888001', 'zhangwei@school.example.cn', 'CISP-2024-0001', '', '学校门户网站', 'website', 'important', '2', '203.0.113.10', 'www.school.example.cn', '443/tcp nginx 1.24; 80/tcp nginx 1.24', '闽ICP备00000001号', '35010099001-24001', 'portal', 'active', '对外门户', '203.0.113.0/28'],
  [HOSPITAL, '县人民医院', 'health', 'east-street', '西街8号', '李娜', '0591-8888002', 'lina@hospital.example.cn', '', '', 'HIS', 'database', 'core', '3', '10.30.0.0/24', '', '1433/tcp SQL Server 2019', '', '35010099002-24001', 'medical', 'active', '', '10.30.0.0/24; 44.228.249.3/32'],
  // The host of the demo's Nessus report (a real scan of Acunetix's public test site), registered
  // so that the health check's findings, notices and warnings have an owner.
  [HOSPITAL, '县人民医院', 'health', 'east-street', '西街8号', '李娜', '0591-8888002', 'lina@hospital.example.cn', '', '', '预约挂号网站', 'website', 'important', '2', '44.228.249.3/32', 'testphp.vulnweb.com', '80/tcp nginx 1.19.0', '', '', 'portal', 'active', '', '10.30.0.0/24; 44.228.249.3/32'],
]
/** The health check's report: a real Nessus export with 49 findings on that host (test/fixtures/scans/SOURCES.md). */
const HEALTH_CHECK_REPORT = 'scans/nessus/nessus_with_cvssv3.nessus'

const CAPTURE_FROM = '2026-11-22T12:08:00Z'
const CAPTURE_TO = '2026-11-22T12:10:00Z'

export const demoCommand: Command = {
  name: 'demo',
  usage: `Usage: holowatch demo [--data-dir DIR] [--fixtures DIR] [--no-serve]

For a first look: creates a fresh data directory (default ./var/demo; it must not exist or be
empty), loads an archive of the lab network (three organisations, six assets), imports the
capture test/fixtures/pcap/dev-capture.pcapng once (its NetFlow exports carry the same packets, so
they are not loaded as well: the one screen's totals are the capture's), runs detection over its
time span, opens a health-check campaign with a real Nessus report, issues rectification notices
for its critical and high findings and a risk warning to the organisations with a similar asset,
dispatches the critical incidents, creates an admin, an analyst, an owner and a vendor token
(printed once), then serves like 'holowatch serve'. Open the printed URL and sign in with a
printed token.

  --data-dir DIR  the data directory to create (default ./var/demo)
  --fixtures DIR  the fixtures folder (default test/fixtures of this checkout)
  --no-serve      load and detect only; then run HOLOWATCH_DATA_DIR=DIR holowatch serve`,
  async run(args) {
    const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' }, fixtures: { type: 'string' }, 'no-serve': { type: 'boolean' } } })
    const dir = resolve(values['data-dir'] ?? 'var/demo')
    const fixtures = resolve(values.fixtures ?? FIXTURES)
    if (existsSync(dir) && readdirSync(dir).length > 0) throw new UsageError(`${dir} is not empty: the demo loads into a fresh data directory`)
    const capture = `${fixtures}/pcap/dev-capture.pcapng`
    if (!existsSync(capture)) throw new UsageError(`no ${capture}: point --fixtures at the fixtures folder`)
    process.env.HOLOWATCH_DATA_DIR = dir
    const loaded = configFrom(undefined)
    const logger = createLogger('error')
    const started = Date.now()
    const { clickhouse } = await openMigrated(loaded)
    const tokens: [string, string][] = []
    try {
      const service = createArchiveService(clickhouse)
      const actor = { ...cliActor(), name: 'demo' }
      for (const [code, zh, en] of [['lab-town', '实验镇', 'Lab Town'], ['east-street', '东街街道', 'East Street']] as const) {
        await service.create(LOCALITY, { code, name_zh: zh, name_en: en, parent_code: '', status: 'active' }, actor, null)
      }
      const rows = [HEADER.split(','), ...SEED]
      const report = await importArchive(clickhouse, service, rows, { dryRun: false, actor, source: 'demo' })
      if (report.problems.length > 0) throw new Error(`demo archive refused: ${JSON.stringify(report.problems)}`)
      console.log(`archive: ${report.created.organisations} organisations, ${report.created.assets} assets`)

      const importer = createPcapImporter(loaded.config, { clickhouse, logger }, 'demo')
      importer.start()
      try {
        const r = await importer.importFile(capture, { sensor: 'demo-sensor', origin: 'cli' })
        console.log(`capture: ${r.packets} packets → ${r.flows} flows, ${r.services} services (${capture})`)
      } finally {
        await importer.stop()
      }

      // At the product's defaults, like every installation.
      const detection = await createDetector(detectorConfigFrom(loaded.config), { clickhouse, logger }).runWindow(Date.parse(CAPTURE_FROM), Date.parse(CAPTURE_TO))
      console.log(`detection: ${detection.opened.length} incidents opened over ${CAPTURE_FROM} … ${CAPTURE_TO}`)

      // A health-check campaign with one vendor's Nmap report, and the critical incidents dispatched
      // as rectification notices to the lab's organisation (what the owner then answers).
      const hc = createHealthcheck(healthcheckConfigFrom(loaded.config), { clickhouse })
      const campaign = await hc.campaigns.create({
        name: '2026 annual health check', year: 2026, vendors: ['demo-vendor'], starts_at: null, ends_at: null, sla: {},
        scope: { organisations: [], sectors: [], localities: [], networks: [] }, status: 'active', notes: 'demo',
      }, actor)
      const upload = await hc.uploads.importReport(campaign, readFileSync(`${fixtures}/${HEALTH_CHECK_REPORT}`), { fileName: HEALTH_CHECK_REPORT.split('/').pop()!, vendor: 'demo-vendor', actor })
      const campaignNotices = await hc.issueCampaignNotices(campaign, { severities: ['critical', 'high'] }, actor)
      // Issue one, prevent ten: the scanned site runs nginx; every other organisation running it is warned.
      const warned = await hc.issueWarnings({ characteristic: { product: 'nginx' }, severity: 'medium' }, actor)
      let dispatched = 0
      for (const incident of detection.opened.filter((i) => i.severity === 'critical')) if (await hc.dispatchIncident(incident.id, undefined, actor)) dispatched++
      console.log(`health checks: campaign "${campaign.name}", ${upload.upload.findings} findings, ${campaignNotices.length} rectification notices, ${warned.warnings.length} risk warnings, ${dispatched} incidents dispatched`)

      const labOrg = (await (await clickhouse.query({ query: 'SELECT toString(id) AS id FROM organisations WHERE credit_code = {code:String} LIMIT 1', query_params: { code: LAB }, format: 'JSONEachRow' })).json<{ id: string }>())[0]?.id
      const store = createTokenStore(clickhouse)
      for (const spec of [{ name: 'demo-admin', role: 'admin' as const }, { name: 'demo-analyst', role: 'analyst' as const }, { name: 'demo-owner', role: 'owner' as const, orgs: labOrg ? [labOrg] : [] }, { name: 'demo-vendor', role: 'vendor' as const, campaigns: [campaign.id] }]) {
        tokens.push([spec.role, (await store.create(spec, actor)).token])
      }
    } finally {
      await clickhouse.close()
    }
    const { config } = loaded
    const host = config.apiHost === '0.0.0.0' || config.apiHost === '::' ? '127.0.0.1' : config.apiHost
    const url = `http://${host}:${config.apiPort}/#/screen?from=${CAPTURE_FROM}&to=${CAPTURE_TO}`
    console.log(`\nloaded in ${((Date.now() - started) / 1000).toFixed(1)} s.\n\nTokens (shown once; sign in with one of them):`)
    for (const [role, token] of tokens) console.log(`  ${role.padEnd(8)} ${token}`)
    console.log(`\nDashboard (the capture is from ${CAPTURE_FROM.slice(0, 10)}; this link shows its time range):\n  ${url}\n`)
    if (values['no-serve']) {
      console.log(`Serve it with: HOLOWATCH_DATA_DIR=${dir} holowatch serve`)
      return 0
    }
    return serveCommand.run([])
  },
}
