import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findChromium, HOW_TO_INSTALL } from '../helpers/chromium.ts'
import { freePort, freeUdpPort, startCli, waitForStatus } from '../helpers/cli.ts'

// The dashboard in real headless Chromium against `holowatch demo` (the lab capture, an
// archive of the lab, detection, a health-check campaign and a dispatched notice), served by the
// real CLI. Every page must load without console errors; screenshots go to test-artifacts/dashboard/.
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SHOTS = join(ROOT, 'test-artifacts', 'dashboard')
const SCAN = fileURLToPath(new URL('../fixtures/scans/generic-csv/generic_csv_defect_dojo.csv', import.meta.url))
const RANGE = 'from=2026-11-22T12:08:00Z&to=2026-11-22T12:10:00Z'

type Role = 'admin' | 'analyst' | 'owner' | 'vendor'

describe('web dashboard in Chromium', () => {
  let serve: ReturnType<typeof startCli>
  let base: string
  let browser: Browser
  const tokens = {} as Record<Role, string>
  const contexts: BrowserContext[] = []

  const api = async <T = Record<string, unknown>>(role: Role, path: string, init: RequestInit = {}): Promise<{ status: number; body: T; etag: string }> => {
    const res = await fetch(`${base}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${tokens[role]}`, 'content-type': 'application/json', ...init.headers } })
    return { status: res.status, body: (await res.json()) as T, etag: res.headers.get('etag') ?? '' }
  }

  /** A signed-in tab whose console errors (and uncaught exceptions) are collected. */
  async function signIn(role: Role, lang: 'en' | 'zh-CN' = 'en'): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: lang === 'en' ? 'en-GB' : 'zh-CN' })
    contexts.push(context)
    const page = await context.newPage()
    const errors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`))
    await page.goto(`${base}/`)
    await page.evaluate((l) => localStorage.setItem('holowatch.lang', l), lang)
    await page.reload()
    await page.fill('input[name=token]', tokens[role])
    await page.click('button[type=submit]')
    await page.waitForSelector('main[data-ready=true]')
    return { page, errors }
  }

  /** Opens a route and waits until its page has drawn (main carries the route it drew). */
  async function open(page: Page, route: string, shot?: string): Promise<void> {
    const hash = `#${route}`
    await page.evaluate((h) => (location.hash = h), hash)
    await page.waitForFunction((h) => {
      const main = document.querySelector('main')
      return main?.dataset.ready === 'true' && main.dataset.route === h
    }, hash)
    await page.waitForLoadState('networkidle')
    if (shot) await page.screenshot({ path: join(SHOTS, `${shot}.png`), fullPage: true })
  }

  const rows = (page: Page, testid: string) => page.locator(`[data-testid="${testid}"] tbody tr`)

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dashboards/dist/index.html'))) execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'dashboards/build.ts')], { cwd: ROOT })
    mkdirSync(SHOTS, { recursive: true })
    const [port, udp] = [await freePort(), await freeUdpPort()]
    const dir = join(mkdtempSync(join(tmpdir(), 'holowatch-web-')), 'demo')
    serve = startCli(['demo', '--data-dir', dir], { HOLOWATCH_API_PORT: String(port), HOLOWATCH_NETFLOW_PORT: String(udp), HOLOWATCH_IPFIX_PORT: '0' })
    base = `http://127.0.0.1:${port}`
    await waitForStatus(`${base}/readyz`, 200)
    for (const m of serve.output().matchAll(/^\s+(admin|analyst|owner|vendor)\s+(hw_\S+)$/gm)) tokens[m[1] as Role] = m[2]!
    expect(Object.keys(tokens).sort()).toEqual(['admin', 'analyst', 'owner', 'vendor'])
    const executablePath = findChromium()
    if (!executablePath) throw new Error(HOW_TO_INSTALL)
    browser = await chromium.launch({ executablePath })
  }, 240_000)

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined)
    await browser?.close()
    serve?.child.kill('SIGTERM')
    await serve?.exited
  })

  it('shows the one screen to an analyst: the seeded attacks, assets, notices, and no exporter (the demo loads the capture, not its export as well)', async () => {
    // The demo's traffic is the capture's, once: the IP packets and IP bytes tshark counted (test/fixtures/pcap/TOTALS.md).
    const totals = await api<{ packets: number; bytes: number; flows: number }>('analyst', `/traffic/summary?${RANGE}`)
    expect([totals.body.packets, totals.body.bytes]).toEqual([16909, 1252554])
    const { page, errors } = await signIn('analyst')
    await open(page, `/screen?${RANGE}`, 'screen-en')
    await expect.poll(() => page.locator('[data-testid="kpi-attacks"] .stat-value').textContent()).toBe('4')
    const latest = await page.locator('section.panel', { hasText: 'Latest attacks' }).innerText()
    // The nmap scans and the 6379 sweep by 10.77.0.66 of the same organisation are one incident.
    for (const rule of ['Port scan', 'Flood (DoS)', 'Brute force']) expect(latest).toContain(rule)
    expect(await page.locator('section.panel', { hasText: 'Most attacked assets' }).innerText()).toContain('SCADA web server')
    expect(await page.locator('section.panel', { hasText: 'Attack sources' }).innerText()).toContain('10.77.0.66')
    expect(await page.locator('section.panel', { hasText: 'Collector health' }).innerText()).toContain('No NetFlow/IPFIX exporter heard')
    expect(await page.locator('[data-testid="notice-status"]').innerText()).toMatch(/2\s*Issued/)
    expect(await page.locator('canvas').count()).toBeGreaterThanOrEqual(4)
    expect(errors).toEqual([])
  })

  it('filters, sorts and opens attacks; records a note on an incident; switches language', async () => {
    const { page, errors } = await signIn('analyst')
    await open(page, `/attacks?${RANGE}`, 'attacks-en')
    await expect.poll(() => rows(page, 'attack-list').count()).toBe(4)
    await open(page, `/attacks?${RANGE}&rule=port_scan&sort=peak&order=desc`)
    expect(await rows(page, 'attack-list').count()).toBe(2)
    expect(await rows(page, 'attack-list').first().innerText()).toContain('201 ports')
    await rows(page, 'attack-list').first().click()
    await page.waitForSelector('[data-testid="incident-facts"]')
    await page.waitForLoadState('networkidle')
    expect(await page.locator('[data-testid="incident-facts"]').innerText()).toContain('SCADA web server')
    expect(await page.locator('section.panel', { hasText: 'Sample flows' }).innerText()).toContain('10.77.0.66')
    await page.screenshot({ path: join(SHOTS, 'incident-en.png'), fullPage: true })
    await page.selectOption('[data-testid="work-form"] select[name=state]', 'acknowledged')
    await page.fill('[data-testid="work-form"] textarea', 'scanner on the lab LAN, owner informed')
    await page.click('[data-testid="work-form"] button[type=submit]')
    await expect.poll(() => page.locator('[data-testid="incident-history"]').innerText()).toContain('scanner on the lab LAN, owner informed')
    expect(await page.locator('[data-testid="incident-facts"]').innerText()).toContain('Acknowledged')

    await open(page, `/attacks?${RANGE}`)
    expect(await page.locator('header nav').innerText()).toContain('Attacks')
    await page.click('[data-testid=lang]')
    await page.waitForSelector('main[data-ready=true]')
    await expect.poll(() => page.locator('header nav').innerText()).toContain('攻击事件')
    expect(await page.locator('h1').innerText()).toBe('攻击事件')
    expect(await page.locator('[data-testid="attack-list"] thead').innerText()).toContain('类型')
    expect(await page.locator('[data-testid="attack-list"] tbody').innerText()).toContain('端口扫描')
    await page.screenshot({ path: join(SHOTS, 'attacks-zh.png'), fullPage: true })
    await open(page, `/screen?${RANGE}`, 'screen-zh')
    expect(await page.locator('h1').innerText()).toBe('攻击态势')
    await page.click('[data-testid=lang]')
    await expect.poll(() => page.locator('h1').innerText()).toBe('Attack situation')
    expect(errors).toEqual([])
  })

  it('browses the archive: search, organisation and asset pages with observed services and history; traffic', async () => {
    const { page, errors } = await signIn('analyst')
    await open(page, '/archive', 'archive-en')
    expect(await rows(page, 'archive-list').count()).toBe(6)
    await page.fill('input[name=q]', 'SCADA')
    await page.press('input[name=q]', 'Enter')
    await expect.poll(() => rows(page, 'archive-list').count()).toBe(1)
    await rows(page, 'archive-list').first().click()
    await page.waitForSelector('[data-testid="asset-name"]')
    await page.waitForLoadState('networkidle')
    const services = await page.locator('[data-testid="services"]').innerText()
    expect(services).toMatch(/22\/tcp[\s\S]*ssh \(OpenSSH_9\.2p1\)/)
    expect(services).toMatch(/80\/tcp[\s\S]*http/)
    expect(await page.locator('[data-testid="asset-attacks"] tbody tr').count()).toBe(4)
    expect(await page.locator('[data-testid="asset-history"] tbody tr').count()).toBe(1)
    await page.screenshot({ path: join(SHOTS, 'asset-en.png'), fullPage: true })
    await open(page, '/archive?tab=organisations')
    expect(await page.locator('[data-testid="archive-list"]').innerText()).toContain('第一中学')
    await page.locator('[data-testid="archive-list"] a', { hasText: '实验水务有限公司' }).click()
    await page.waitForSelector('[data-testid="org-assets"]')
    expect(await rows(page, 'org-assets').count()).toBe(3)
    await open(page, `/traffic?${RANGE}&by=sector`, 'traffic-en')
    expect(await page.locator('[data-testid="traffic-top"]').innerText()).toContain('Water')
    await open(page, `/traffic?${RANGE}&by=destination_port&metric=packets`)
    expect(await page.locator('[data-testid="traffic-top"] tbody').innerText()).toContain('80')
    await open(page, '/health', 'health-analyst-en')
    expect(await page.locator('[data-testid="notices"]').innerText()).toContain('SCADA web server')
    // The demo's Nessus report: its findings on the registered host, and the nginx warnings.
    expect(await page.locator('[data-testid="findings"]').innerText()).toContain('44.228.249.3')
    expect(await rows(page, 'warnings').count()).toBe(3)
    expect(errors).toEqual([])
  })

  it("keeps an owner to its own organisation: another organisation's asset is not found; the owner acknowledges its notice", async () => {
    const { page, errors } = await signIn('owner')
    expect(await page.locator('header nav').innerText()).not.toContain('One screen')
    await open(page, '/archive', 'archive-owner-en')
    expect(await rows(page, 'archive-list').count()).toBe(3)
    const school = (await api<{ items: { id: string }[] }>('admin', '/assets?q=' + encodeURIComponent('学校门户网站'))).body.items[0]!.id
    await open(page, `/assets/${school}`)
    expect(await page.locator('main [role=alert]').innerText()).toBe('Not found, or not yours to see.')
    expect(await page.locator('main').innerText()).not.toContain('学校门户网站')
    expect(errors.splice(0)).toEqual([expect.stringContaining('404')])
    await open(page, '/screen')
    expect(await page.locator('main [role=alert]').innerText()).toBe('Your role cannot open this page.')
    await open(page, '/health', 'health-owner-en')
    const notices = page.locator('[data-testid="notices"]')
    expect(await notices.innerText()).toContain('Issued')
    await notices.locator('button[data-action=acknowledge]').click()
    await expect.poll(() => page.locator('[data-testid="notices"] tbody').innerText()).toContain('Acknowledged')
    expect(errors).toEqual([])
  })

  it('shows a kind conflict when the owner saves an asset someone else changed meanwhile (stale ETag, 412)', async () => {
    const { page, errors } = await signIn('owner')
    const scada = (await api<{ items: { id: string }[] }>('owner', '/assets?q=SCADA')).body.items[0]!.id
    await open(page, `/assets/${scada}`)
    await page.click('[data-testid=edit]')
    await page.fill('[data-testid="edit-form"] input[name=name]', 'SCADA web server (HMI)')
    // Meanwhile the centre's admin changes the asset with the version it read.
    const current = await api('admin', `/assets/${scada}`)
    const changed = await api('admin', `/assets/${scada}`, { method: 'PATCH', headers: { 'if-match': current.etag }, body: JSON.stringify({ notes: 'moved to the new control room' }) })
    expect(changed.status).toBe(200)
    await page.click('[data-testid="edit-form"] button[type=submit]')
    const message = page.locator('[data-testid="edit-message"]')
    await expect.poll(() => message.innerText()).toContain('Someone else changed this asset while you were editing it')
    expect(await page.inputValue('[data-testid="edit-form"] input[name=name]')).toBe('SCADA web server (HMI)')
    await page.screenshot({ path: join(SHOTS, 'asset-conflict-en.png'), fullPage: true })
    expect(errors.splice(0)).toEqual([expect.stringContaining('412')])
    await message.locator('button').click()
    await page.waitForFunction(() => document.querySelector('main')?.innerText.includes('moved to the new control room'))
    // With the current version loaded, the same edit goes through.
    await page.click('[data-testid=edit]')
    await page.fill('[data-testid="edit-form"] input[name=name]', 'SCADA web server (HMI)')
    await page.click('[data-testid="edit-form"] button[type=submit]')
    await expect.poll(() => page.locator('[data-testid="asset-name"]').innerText()).toBe('SCADA web server (HMI)')
    expect(await page.locator('[data-testid="asset-history"] tbody tr').count()).toBe(3)
    // The oldest version, as the archive held it before both edits.
    await page.locator('[data-testid="asset-history"] tbody tr').last().locator('a').click()
    await page.waitForSelector('.notice-info')
    await expect.poll(() => page.locator('[data-testid="asset-name"]').innerText()).toBe('SCADA web server')
    expect(await page.locator('main').innerText()).toContain('water treatment control')
    expect(await page.locator('[data-testid=edit]').count()).toBe(0)
    expect(errors).toEqual([])
  })

  it('lets a vendor upload a report to its campaign with progress, and nothing else', async () => {
    const { page, errors } = await signIn('vendor', 'zh-CN')
    expect(await page.locator('header nav').innerText()).toBe('安全体检')
    await open(page, '/health')
    expect(await page.locator('[data-testid="campaigns"]').innerText()).toContain('2026 annual health check')
    await page.setInputFiles('[data-testid="campaigns"] input[type=file]', SCAN)
    await expect.poll(() => page.locator('[data-testid="campaigns"] [role=status]').innerText(), { timeout: 20_000 }).toContain('已上传')
    // The page draws again with the upload listed and its findings.
    await page.waitForFunction(() => document.querySelector('[data-testid="campaigns"] tbody')?.textContent?.includes('generic_csv_defect_dojo.csv'))
    await page.waitForLoadState('networkidle')
    await page.screenshot({ path: join(SHOTS, 'health-vendor-zh.png'), fullPage: true })
    expect(await page.locator('[data-testid="findings"]').innerText()).toContain('192.168.1.1')
    expect(errors).toEqual([])
  })

  it('cannot be framed by another site, and runs under its Content-Security-Policy without a violation', async () => {
    const context = await browser.newContext()
    contexts.push(context)
    const page = await context.newPage()
    await page.route('http://framing.example/', (route) => route.fulfill({ contentType: 'text/html', body: `<iframe id="f" src="${base}/"></iframe>` }))
    await page.goto('http://framing.example/')
    await page.waitForTimeout(1500)
    const frame = page.frames().find((f) => f !== page.mainFrame())
    // Chromium refuses to render the sign-in page inside the frame (frame-ancestors 'none', X-Frame-Options DENY).
    expect(frame ? await frame.locator('input[name=token]').count() : 0).toBe(0)
    const response = await fetch(`${base}/`)
    expect(response.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/)
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'(;|$)/)
    const { page: signedIn, errors } = await signIn('analyst')
    await open(signedIn, '/')
    expect(errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([])
  })
})
