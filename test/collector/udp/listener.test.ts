import { createSocket } from 'node:dgram'
import { afterEach, describe, expect, it } from 'vitest'
import type { FlowRecord } from '../../../collector/flows/record.ts'
import { createNetflowDecoder } from '../../../collector/netflow/index.ts'
import { createUdpListener, type UdpListener } from '../../../collector/udp/listener.ts'
import { createLogger } from '../../../core/logger.ts'
import { exportDatagrams } from '../../helpers/export-datagrams.ts'

// The listener on a real dual-stack socket: IPv4 and IPv6 exporters on one port, told apart by
// address; the allow-list refuses (and counts) everyone else.
const V5 = exportDatagrams('softflowd-v5.pcap').slice(0, 20).map((d) => d.payload)

async function send(family: 'udp4' | 'udp6', host: string, port: number, datagrams: Buffer[]): Promise<void> {
  const socket = createSocket(family)
  for (const d of datagrams) await new Promise((resolve) => socket.send(d, port, host, resolve))
  await new Promise<void>((resolve) => socket.close(() => resolve()))
}

async function until(check: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
}

describe('UDP listener', () => {
  let listener: UdpListener | undefined
  afterEach(async () => listener?.stop())

  it('takes IPv4 and IPv6 exporters on one dual-stack port and names each by its address', async () => {
    const flows: FlowRecord[] = []
    listener = createUdpListener(
      { host: '::', ports: [0], receiveBufferBytes: 1 << 20, allowedExporters: [] },
      { decoder: createNetflowDecoder(), sink: { write: (f) => flows.push(...f) }, logger: createLogger('silent') },
    )
    await listener.start()
    const port = listener.ports()[0]!
    await send('udp4', '127.0.0.1', port, V5)
    await send('udp6', '::1', port, V5)
    const expected = 2 * V5.reduce((n, d) => n + d.readUInt16BE(2), 0)
    await until(() => flows.length >= expected)
    expect(flows).toHaveLength(expected)
    expect(new Set(flows.map((f) => f.exporter))).toEqual(new Set(['127.0.0.1', '::1']))
    expect(listener.exporters().get('127.0.0.1')).toMatchObject({ datagrams: 20, refused: 0 })
    expect(listener.exporters().get('::1')).toMatchObject({ datagrams: 20, refused: 0 })
  })

  it('refuses exporters outside the allow-list, counted, and decodes the allowed one', async () => {
    const flows: FlowRecord[] = []
    listener = createUdpListener(
      { host: '::', ports: [0], receiveBufferBytes: 0, allowedExporters: ['::ffff:127.0.0.1'] },
      { decoder: createNetflowDecoder(), sink: { write: (f) => flows.push(...f) }, logger: createLogger('silent') },
    )
    await listener.start()
    const port = listener.ports()[0]!
    await send('udp6', '::1', port, V5)
    await send('udp4', '127.0.0.1', port, V5.slice(0, 5))
    await until(() => (listener!.exporters().get('::1')?.refused ?? 0) >= 20 && flows.length > 0)
    expect(listener.exporters().get('::1')).toMatchObject({ datagrams: 0, refused: 20 })
    expect(listener.exporters().get('127.0.0.1')).toMatchObject({ datagrams: 5, refused: 0 })
    expect(new Set(flows.map((f) => f.exporter))).toEqual(new Set(['127.0.0.1']))
  })

  it('fails to start with a clear message when the port is taken', async () => {
    const taken = createSocket('udp4')
    await new Promise<void>((resolve) => taken.bind(0, '127.0.0.1', () => resolve()))
    const port = taken.address().port
    listener = createUdpListener(
      { host: '127.0.0.1', ports: [port], receiveBufferBytes: 0, allowedExporters: [] },
      { decoder: createNetflowDecoder(), sink: { write: () => undefined }, logger: createLogger('silent') },
    )
    await expect(listener.start()).rejects.toThrow(`the NetFlow/IPFIX UDP port ${port} on 127.0.0.1 is in use by another process; stop it or choose another port (HOLOWATCH_NETFLOW_PORT, HOLOWATCH_IPFIX_PORT)`)
    taken.close()
  })
})
