import { createSocket, type Socket } from 'node:dgram'
import type { Logger } from '../../core/logger.ts'
import type { FlowRecord } from '../flows/record.ts'

/** What the listener needs from a decoder: bytes in, flows out, never a throw. */
export interface PacketDecoder {
  decode(packet: Buffer, exporter: string, receivedAt: number): FlowRecord[]
}

/** Where decoded flows go (the writer). */
export interface FlowSink {
  write(flows: readonly FlowRecord[]): void
}

export interface UdpListenerConfig {
  /** Address to bind; '::' listens on every IPv4 and IPv6 address (dual stack). */
  host: string
  ports: number[]
  /** SO_RCVBUF in bytes; bursts from many exporters need several MiB. 0 keeps the OS default. */
  receiveBufferBytes: number
  /** Exporter addresses allowed to send; empty allows every exporter. */
  allowedExporters: string[]
}

export interface UdpListener {
  start(): Promise<void>
  stop(): Promise<void>
  /** The ports actually bound (useful when configured with port 0). */
  ports(): number[]
  /** Per exporter: datagrams and bytes received, datagrams refused, when last heard from. */
  exporters(): ReadonlyMap<string, ExporterTraffic>
}

export interface ExporterTraffic {
  datagrams: number
  bytes: number
  refused: number
  lastSeen: number
}

/** How many distinct exporter addresses are tracked; beyond it new ones are folded into "other". */
const MAX_EXPORTERS = 4096

/**
 * Receives NetFlow v5/v9 and IPFIX datagrams on every configured port (each port accepts every
 * version) and hands them to the decoder, then the flows to the sink. Exporters are identified
 * by source address (IPv4-mapped IPv6 addresses are reported as plain IPv4).
 */
export function createUdpListener(config: UdpListenerConfig, deps: { decoder: PacketDecoder; sink: FlowSink; logger: Logger }): UdpListener {
  const sockets: Socket[] = []
  const allowed = new Set(config.allowedExporters.map(normaliseAddress))
  const traffic = new Map<string, ExporterTraffic>()

  function account(exporter: string, bytes: number, refused: boolean): void {
    const key = traffic.has(exporter) || traffic.size < MAX_EXPORTERS ? exporter : 'other'
    let t = traffic.get(key)
    if (!t) traffic.set(key, (t = { datagrams: 0, bytes: 0, refused: 0, lastSeen: 0 }))
    if (refused) t.refused++
    else {
      t.datagrams++
      t.bytes += bytes
    }
    t.lastSeen = Date.now()
  }

  function onMessage(packet: Buffer, address: string): void {
    const exporter = normaliseAddress(address)
    if (allowed.size > 0 && !allowed.has(exporter)) {
      account(exporter, packet.length, true)
      return
    }
    account(exporter, packet.length, false)
    const flows = deps.decoder.decode(packet, exporter, Date.now())
    if (flows.length > 0) deps.sink.write(flows)
  }

  return {
    async start() {
      for (const port of config.ports) {
        const ipv6 = config.host.includes(':')
        const socket = createSocket({ type: ipv6 ? 'udp6' : 'udp4', ipv6Only: false, reuseAddr: false })
        socket.on('message', (msg, rinfo) => onMessage(msg, rinfo.address))
        socket.on('error', (err) => deps.logger.error({ err, port }, 'UDP socket error'))
        await new Promise<void>((resolve, reject) => {
          const failed = (err: NodeJS.ErrnoException) => {
            socket.close()
            reject(new Error(`cannot listen for NetFlow/IPFIX on UDP ${config.host} port ${port}: ${err.code ?? err.message}`))
          }
          socket.once('error', failed)
          socket.bind(port, config.host, () => {
            socket.off('error', failed)
            resolve()
          })
        })
        if (config.receiveBufferBytes > 0) {
          try {
            socket.setRecvBufferSize(config.receiveBufferBytes)
          } catch (err) {
            deps.logger.warn({ err, port }, 'could not set the UDP receive buffer size')
          }
        }
        sockets.push(socket)
        deps.logger.info({ host: config.host, port: socket.address().port, receiveBuffer: socket.getRecvBufferSize() }, 'listening for NetFlow/IPFIX')
      }
    },
    async stop() {
      await Promise.all(sockets.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))))
    },
    ports() {
      return sockets.map((s) => s.address().port)
    },
    exporters() {
      return traffic
    },
  }
}

export function normaliseAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}
