import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { analyse, LOCAL } from './helpers.ts'

// Passive service discovery on real loopback traffic (make-services.sh): a TLS 1.3 server reached
// with SNI, an SMTP and an FTP greeting. SERVICES.tsv is what tshark decoded from the same file.
const tshark = readFileSync(new URL('SERVICES.tsv', LOCAL), 'utf8').trim().split('\n').map((l) => l.split('\t'))
const sni = tshark.find((r) => r[1] === '8443')![2]!
const smtp = tshark.find((r) => r[0] === '2525')![3]!.replace(/\\r\\n$/, '')
const ftp = tshark.find((r) => r[0] === '2121')![4]!

describe('passive service discovery', () => {
  it('names the TLS server by the SNI its client asked for, and the greeting servers by their banner', async () => {
    const { summary } = await analyse(new URL('services.pcap', LOCAL))
    const byPort = Object.fromEntries(summary.services.map((s) => [s.port, s]))
    expect(Object.keys(byPort).sort()).toEqual(['2121', '2525', '8443'])
    expect(byPort[8443]).toMatchObject({ addr: '127.0.0.1', protocol: 'tcp', service: 'tls', evidence: `TLS 1.3; SNI: ${sni}` })
    expect(sni).toBe('portal.example.gov')
    expect(byPort[2525]).toMatchObject({ addr: '127.0.0.1', service: 'smtp', product: 'Postfix', evidence: smtp })
    expect(byPort[2121]).toMatchObject({ addr: '::1', service: 'ftp', product: 'ProFTPD 1.3.8', evidence: `220 ${ftp}` })
  })

  it("a service's packets and times are those of the flows to and from it", async () => {
    const { summary, flows } = await analyse(new URL('services.pcap', LOCAL))
    for (const s of summary.services) {
      const mine = flows.filter((f) => (f.srcAddr === s.addr && f.srcPort === s.port) || (f.dstAddr === s.addr && f.dstPort === s.port))
      expect(s.packets).toBe(mine.reduce((n, f) => n + f.packets, 0))
      expect(s.firstSeen).toBe(Math.min(...mine.map((f) => f.timeStart)))
      expect(s.lastSeen).toBe(Math.max(...mine.map((f) => f.timeEnd)))
    }
  })

  it('clients are not services: the ephemeral ports that connected are not listed', async () => {
    const { summary, flows } = await analyse(new URL('services.pcap', LOCAL))
    const clientPorts = new Set(flows.filter((f) => [8443, 2525, 2121].includes(f.dstPort)).map((f) => f.srcPort))
    expect(clientPorts.size).toBeGreaterThanOrEqual(3)
    expect(summary.services.some((s) => clientPorts.has(s.port))).toBe(false)
  })
})
