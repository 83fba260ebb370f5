import { Worker } from 'node:worker_threads'
import type { Logger } from '../../core/logger.ts'
import { listenProblem } from '../../core/startup.ts'
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
  /** Datagrams the receive thread dropped because decoding fell too far behind. */
  dropped(): number
}

export interface ExporterTraffic {
  datagrams: number
  bytes: number
  refused: number
  lastSeen: number
}

/** How many distinct exporter addresses are tracked; beyond it new ones are folded into "other". */
const MAX_EXPORTERS = 4096
/** Datagram bytes handed to the main thread and not yet decoded, beyond which the receive thread drops (counted). */
const MAX_IN_FLIGHT_BYTES = 256 * 1024 * 1024
const WORKER = new URL('./receiver-worker.mjs', import.meta.url)

interface WorkerMessage {
  type: 'listening' | 'error' | 'warning' | 'batch' | 'stopped'
  ports?: number[]
  receiveBuffer?: number
  message?: string
  /** Of an error: the socket error code (EADDRINUSE, …) and the port it was for. */
  code?: string
  port?: number
  buffer?: ArrayBuffer
  offset?: number
  length?: number
  at?: number
  dropped?: number
}

/**
 * Receives NetFlow v5/v9 and IPFIX datagrams on every configured port (each port accepts every
 * version) and hands them to the decoder, then the flows to the sink. The sockets live in a
 * receive thread (receiver-worker.mjs) that only copies datagrams, so that decoding and batch
 * encoding on this thread never leave the kernel buffer undrained. Exporters are identified by
 * source address (IPv4-mapped IPv6 addresses are reported as plain IPv4).
 */
export function createUdpListener(config: UdpListenerConfig, deps: { decoder: PacketDecoder; sink: FlowSink; logger: Logger }): UdpListener {
  const allowed = new Set(config.allowedExporters.map(normaliseAddress))
  const traffic = new Map<string, ExporterTraffic>()
  let worker: Worker | undefined
  let bound: number[] = []
  let overflow = 0

  function account(exporter: string, bytes: number, refused: boolean, at: number): void {
    const key = traffic.has(exporter) || traffic.size < MAX_EXPORTERS ? exporter : 'other'
    let t = traffic.get(key)
    if (!t) traffic.set(key, (t = { datagrams: 0, bytes: 0, refused: 0, lastSeen: 0 }))
    if (refused) t.refused++
    else {
      t.datagrams++
      t.bytes += bytes
    }
    t.lastSeen = at
  }

  function onMessage(packet: Buffer, address: string, at: number): void {
    const exporter = normaliseAddress(address)
    if (allowed.size > 0 && !allowed.has(exporter)) {
      account(exporter, packet.length, true, at)
      return
    }
    account(exporter, packet.length, false, at)
    const flows = deps.decoder.decode(packet, exporter, at)
    if (flows.length > 0) deps.sink.write(flows)
  }

  /** Unpacks a batch of the receive thread: [u8 address length][address][u16 length][payload]... */
  function onBatch(m: WorkerMessage): void {
    const buf = Buffer.from(m.buffer!, m.offset ?? 0, m.length ?? 0)
    const at = m.at ?? Date.now()
    for (let o = 0; o < buf.length; ) {
      const addressLength = buf[o]!
      const address = buf.toString('latin1', o + 1, o + 1 + addressLength)
      o += 1 + addressLength
      const length = buf.readUInt16BE(o)
      onMessage(buf.subarray(o + 2, o + 2 + length), address, at)
      o += 2 + length
    }
    if (m.dropped) {
      overflow += m.dropped
      deps.logger.warn({ dropped: m.dropped }, 'collector behind: the receive thread dropped datagrams')
    }
    worker?.postMessage({ type: 'ack', bytes: m.length ?? 0 })
  }

  return {
    async start() {
      const w = new Worker(WORKER, {
        workerData: { host: config.host, ports: config.ports, receiveBufferBytes: config.receiveBufferBytes, maxInFlightBytes: MAX_IN_FLIGHT_BYTES },
      })
      worker = w
      const failed = (err: Error) => {
        worker = undefined
        void w.terminate()
        throw err
      }
      await new Promise<void>((resolve, reject) => {
        w.on('message', (m: WorkerMessage) => {
          if (m.type === 'batch') onBatch(m)
          else if (m.type === 'listening') {
            bound = m.ports ?? []
            deps.logger.info({ host: config.host, ports: bound, receiveBuffer: m.receiveBuffer }, 'listening for NetFlow/IPFIX')
            resolve()
          } else if (m.type === 'error') {
            const err = Object.assign(new Error(m.message), { code: m.code })
            reject(listenProblem(err, 'the NetFlow/IPFIX UDP', config.host, m.port ?? 0, 'HOLOWATCH_NETFLOW_PORT, HOLOWATCH_IPFIX_PORT') ?? err)
          }
          else if (m.type === 'warning') deps.logger.warn(m.message)
        })
        w.on('error', (err) => {
          deps.logger.error({ err }, 'the UDP receive thread failed')
          reject(err)
        })
      }).catch(failed)
    },
    async stop() {
      const w = worker
      if (!w) return
      worker = undefined
      const stopped = new Promise<void>((resolve) => {
        w.on('message', (m: WorkerMessage) => m.type === 'stopped' && resolve())
        w.once('exit', () => resolve())
      })
      w.postMessage({ type: 'stop' })
      await Promise.race([stopped, new Promise((r) => setTimeout(r, 2000))])
      await w.terminate()
      bound = []
    },
    ports() {
      return bound
    },
    exporters() {
      return traffic
    },
    dropped() {
      return overflow
    },
  }
}

export function normaliseAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}
