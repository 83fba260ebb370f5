import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ReportError, parseReport, type ParsedReport } from '../../healthcheck/importers/index.ts'

// Every real sample of test/fixtures/scans/ with the numbers SOURCES.md counted for it:
// hosts and raw items, and the severity split where SOURCES.md gives one.
const FIXTURES = join(import.meta.dirname, '../fixtures/scans')
const load = (path: string) => readFileSync(join(FIXTURES, path))
const findings = (r: ParsedReport) => r.hosts.flatMap((h) => h.findings)
const services = (r: ParsedReport) => r.hosts.flatMap((h) => h.services)
const bySeverity = (r: ParsedReport) => {
  const out: Record<string, number> = {}
  for (const f of findings(r)) out[f.severity] = (out[f.severity] ?? 0) + 1
  return out
}

const CASES: { file: string; format: string; hosts: number; items: number; severities?: Record<string, number>; addresses?: string[] }[] = [
  { file: 'nessus/nessus_with_cvssv3.nessus', format: 'nessus', hosts: 1, items: 49, severities: { info: 23, low: 1, medium: 13, high: 10, critical: 2 }, addresses: ['44.228.249.3'] },
  { file: 'nessus/ruby-nessus_example_v2.nessus', format: 'nessus', hosts: 2, items: 69, severities: { info: 19, low: 47, medium: 3 }, addresses: ['173.45.230.150', '64.13.134.52'] },
  { file: 'openvas/many_vuln.xml', format: 'openvas', hosts: 1, items: 44, severities: { high: 19, medium: 25 } },
  { file: 'openvas/no_vuln.xml', format: 'openvas', hosts: 0, items: 0 },
  { file: 'nmap/nmap_multiple_port.xml', format: 'nmap', hosts: 1, items: 13 },
  { file: 'nmap/issue12411.xml', format: 'nmap', hosts: 2, items: 4, addresses: ['172.217.18.238', '54.239.28.85'] },
  { file: 'qualys/Qualys_Sample_Report.xml', format: 'qualys', hosts: 7, items: 301 },
  { file: 'qualys/qualys_infrascan_webgui_1.xml', format: 'qualys_scan', hosts: 1, items: 1, severities: { critical: 1 }, addresses: ['10.1.10.1'] },
  { file: 'burp/seven_findings.xml', format: 'burp', hosts: 1, items: 16, severities: { high: 5, low: 2, info: 9 } },
  { file: 'burp/one_finding_with_cwe.xml', format: 'burp', hosts: 1, items: 1, severities: { info: 1 } },
  { file: 'generic-csv/generic_csv_defect_dojo.csv', format: 'csv', hosts: 1, items: 4, severities: { low: 4 }, addresses: ['192.168.1.1'] },
  { file: 'generic-csv/generic_report1.csv', format: 'csv', hosts: 1, items: 5, severities: { low: 5 } },
]

describe('report importers on the real fixtures', () => {
  for (const c of CASES) {
    it(`${c.file}: ${c.format}, ${c.hosts} host(s), ${c.items} item(s)`, async () => {
      const r = await parseReport(load(c.file))
      expect(r.format).toBe(c.format)
      expect(r.hosts).toHaveLength(c.hosts)
      expect(r.items).toBe(c.items)
      if (c.format === 'nmap') expect(services(r)).toHaveLength(c.items)
      else expect(findings(r)).toHaveLength(c.items)
      if (c.severities) expect(bySeverity(r)).toEqual(c.severities)
      if (c.addresses) expect(r.hosts.map((h) => h.address)).toEqual(c.addresses)
    })
  }

  it('keeps scanner ids, CVEs, CVSS, ports and solutions (Nessus, Qualys, OpenVAS)', async () => {
    const nessus = await parseReport(load('nessus/nessus_with_cvssv3.nessus'))
    const critical = findings(nessus).filter((f) => f.severity === 'critical')
    expect(critical.every((f) => f.scannerId !== '' && f.cvss >= 9 && f.solution !== '')).toBe(true)
    expect(nessus.hosts[0]!.hostname).toBe('testphp.vulnweb.com')
    const qualys = await parseReport(load('qualys/qualys_infrascan_webgui_1.xml'))
    expect(findings(qualys)[0]).toMatchObject({ scannerId: '123168', cvss: 3.4, title: 'Oracle Java SE Critical Patch Update - January 2015' })
    expect(findings(qualys)[0]!.cves).toContain('CVE-2014-3566')
    const asset = await parseReport(load('qualys/Qualys_Sample_Report.xml'))
    expect(new Set(findings(asset).map((f) => f.scannerId)).size).toBe(92)
    const openvas = await parseReport(load('openvas/many_vuln.xml'))
    const rexec = findings(openvas).find((f) => f.scannerId === '1.3.6.1.4.1.25623.1.0.100111')
    expect(rexec).toMatchObject({ port: 512, protocol: 'tcp', severity: 'high', cvss: 10, cves: ['CVE-1999-0618'] })
  })

  it('turns the invalid OpenVAS host 192.168.1.1001 into a named host, with a note, not an address', async () => {
    const r = await parseReport(load('openvas/many_vuln.xml'))
    expect(r.hosts[0]).toMatchObject({ address: '', hostname: 'b6b9f466d63' })
    expect(r.notes.join()).toContain('192.168.1.1001')
  })

  it('Nmap: open ports with service and version are observations; filtered ports are not', async () => {
    const r = await parseReport(load('nmap/issue12411.xml'))
    expect(r.hosts[1]!.services.map((s) => s.port)).toEqual([80, 443])
    const multi = await parseReport(load('nmap/nmap_multiple_port.xml'))
    expect(multi.hosts[0]!.services.every((s) => s.protocol === 'tcp' && s.port > 0)).toBe(true)
  })

  it('Nmap: vulnerability script output becomes a finding on its port', async () => {
    const xml = `<?xml version="1.0"?><nmaprun><host><status state="up"/><address addr="10.9.8.7" addrtype="ipv4"/>
      <ports><port protocol="tcp" portid="445"><state state="open"/><service name="microsoft-ds" product="Samba smbd" version="3.0.20"/>
      <script id="smb-vuln-ms17-010" output="&#xa;  Remote Code Execution vulnerability in Microsoft SMBv1 servers (ms17-010)&#xa;    State: VULNERABLE&#xa;    IDs:  CVE:CVE-2017-0143"/>
      </port></ports></host></nmaprun>`
    const r = await parseReport(Buffer.from(xml))
    expect(findings(r)).toHaveLength(1)
    expect(findings(r)[0]).toMatchObject({ port: 445, scannerId: 'smb-vuln-ms17-010', cves: ['CVE-2017-0143'], severity: 'high', product: 'Samba smbd', version: '3.0.20' })
    expect(findings(r)[0]!.title).toContain('ms17-010')
  })

  it('reads the generic template with Chinese headers, CSV and XLSX alike', async () => {
    const csv = await parseReport(readFileSync(join(import.meta.dirname, '../../docs/healthcheck-template.csv')))
    expect(csv.format).toBe('csv')
    expect(findings(csv).length).toBeGreaterThan(0)
    const zh = 'IP地址,端口,协议,漏洞名称,风险等级,CVE编号,整改建议\n10.1.2.3,3306,tcp,MySQL 弱口令,高危,,修改口令\n10.1.2.4,443,tcp,OpenSSL 心脏出血,严重,CVE-2014-0160,升级\n'
    const r = await parseReport(Buffer.from(zh))
    expect(findings(r).map((f) => [f.title, f.severity, f.port])).toEqual([['MySQL 弱口令', 'high', 3306], ['OpenSSL 心脏出血', 'critical', 443]])
    const { writeXlsx } = await import('../../archive/xlsx.ts')
    const xlsx = await writeXlsx('findings', zh.trim().split('\n').map((l) => l.split(',')))
    const fromXlsx = await parseReport(xlsx)
    expect(fromXlsx.format).toBe('xlsx')
    expect(findings(fromXlsx).map((f) => f.cves)).toEqual([[], ['CVE-2014-0160']])
  })
})

describe('hostile and broken reports fail with the place named', () => {
  const fails = async (content: string | Buffer, place: RegExp, reason: RegExp) => {
    const err = await parseReport(typeof content === 'string' ? Buffer.from(content) : content).then(() => undefined, (e: unknown) => e)
    expect(err).toBeInstanceOf(ReportError)
    expect((err as ReportError).place).toMatch(place)
    expect((err as ReportError).reason).toMatch(reason)
  }

  it('refuses an external-entity probe (XXE) and an entity-expansion bomb', async () => {
    await fails('<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<NessusClientData_v2><Report><ReportHost name="&xxe;"/></Report></NessusClientData_v2>', /line 2/, /entity declarations are refused/)
    await fails('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><issues>&lol2;</issues>', /line 1/, /entity/)
    // A reference to an entity that is declared nowhere is refused too, not echoed.
    await fails('<issues>\n<issue><name>&xxe;</name></issue></issues>', /line 2, column 14/, /&xxe;/)
  })

  it('ignores an external DTD by URL (never fetched) and accepts an internal subset without entities', async () => {
    const r = await parseReport(Buffer.from('<!DOCTYPE SCAN SYSTEM "http://127.0.0.1:1/never.dtd"><SCAN><IP value="10.0.0.1"/></SCAN>'))
    expect(r.hosts).toHaveLength(1)
  })

  it('malformed and truncated XML name the line and column', async () => {
    const nessus = load('nessus/ruby-nessus_example_v2.nessus').toString()
    await fails(nessus.slice(0, 5000), /line \d+, column \d+/, /truncated|malformed|never/)
    await fails('<nmaprun>\n  <host><status state="up"></host>\n</nmaprun>', /line 2/, /malformed XML/)
  })

  it('bounds element depth', async () => {
    await fails(`<issues>${'<a>'.repeat(100)}${'</a>'.repeat(100)}</issues>`, /line 1/, /deeper than 64/)
  })

  it('an empty file, whitespace, an unknown root and binary data are refused', async () => {
    await fails('', /^$/, /empty/)
    await fails('  \n\n', /^$/, /empty/)
    await fails('<?xml version="1.0"?><html><body/></html>', /root element/, /<html> is not a known report/)
    await fails(Buffer.from([1, 2, 0, 4, 5]), /byte 2/, /binary/)
  })

  it('a CSV with an unclosed quote names the row and line where the quote opened', async () => {
    await fails('ip,title,severity\n10.0.0.1,"SQL injection,high\n10.0.0.2,XSS,low\n', /row 2, line 2/, /never closed/)
  })

  it('a CSV with invalid addresses, severities or ports lists every bad cell', async () => {
    const err = await parseReport(Buffer.from('ip,port,title,severity\n10.0.0.1,80,ok,high\n10.0.0.300,80,bad ip,high\n10.0.0.3,99999,bad port,meh\n'))
      .then(() => undefined, (e: unknown) => e as ReportError)
    expect(err).toBeInstanceOf(ReportError)
    expect(err!.problems.map((p) => p.place).sort()).toEqual(['row 3, column ip', 'row 4, column port', 'row 4, column severity'])
    expect(err!.problems[0]!.reason).toContain('10.0.0.300')
  })

  it('a CSV without the required columns or without rows is refused', async () => {
    await fails('foo,bar\n1,2\n', /header/, /missing column/)
    await fails('ip,title,severity\n', /row 2/, /no data rows/)
  })
})
