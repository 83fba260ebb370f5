import type { FlowRecord } from '../flows/record.ts'
import { decodeDataSet } from './records.ts'
import { newSession, type PacketContext, type Session } from './session.ts'
import { countDrop, newExporterStats, type ExporterStats, type ExportVersion } from './stats.ts'
import type { Template } from './template.ts'

/** Bounds on what hostile or broken exporters can make the decoder hold. */
export interface NetflowLimits {
  /** Templates (data and options) per exporter and source id / observation domain. */
  maxTemplatesPerDomain: number
  /** (exporter, domain) pairs with state; the least recently seen is forgotten beyond it. */
  maxDomains: number
  /** Exporters with counters; beyond it the least recently seen is forgotten. */
  maxExporters: number
  /** How long a data set waits for its template before it is dropped as no_template. */
  pendingHoldMs: number
  /** Data sets waiting for templates, per domain and in bytes over all domains. */
  maxPendingSetsPerDomain: number
  maxPendingBytes: number
}

export const DEFAULT_LIMITS: NetflowLimits = {
  maxTemplatesPerDomain: 1024,
  maxDomains: 8192,
  maxExporters: 4096,
  pendingHoldMs: 30_000,
  maxPendingSetsPerDomain: 256,
  maxPendingBytes: 16 * 1024 * 1024,
}

/** Sessions, counters and held data shared by the v5, v9 and IPFIX decoders. */
export class DecoderState {
  readonly sessions = new Map<string, Session>()
  readonly exporters = new Map<string, ExporterStats>()
  pendingBytes = 0

  constructor(readonly limits: NetflowLimits) {}

  stats(exporter: string, now: number): ExporterStats {
    let stats = this.exporters.get(exporter)
    if (!stats) {
      if (this.exporters.size >= this.limits.maxExporters) evictOldest(this.exporters)
      stats = newExporterStats(exporter, now)
      this.exporters.set(exporter, stats)
    }
    stats.lastSeen = now
    return stats
  }

  /** The state of (exporter, version, source id / observation domain): v9 and IPFIX templates never mix. */
  session(exporter: string, version: ExportVersion, domain: number, now: number): Session {
    const key = `${exporter}/${version}/${domain}`
    let session = this.sessions.get(key)
    if (!session) {
      if (this.sessions.size >= this.limits.maxDomains) {
        const dropped = evictOldest(this.sessions)
        if (dropped) this.releasePending(dropped)
      }
      session = newSession(exporter, domain)
      this.sessions.set(key, session)
    }
    session.lastSeen = now
    return session
  }

  /** Adds or redefines a template; false when the domain already holds the most it may. */
  addTemplate(session: Session, template: Template): boolean {
    if (!session.templates.has(template.id) && session.templates.size >= this.limits.maxTemplatesPerDomain) return false
    session.templates.set(template.id, template)
    return true
  }

  /** Holds a data set whose template has not come yet (a copy: the datagram is not ours to keep). */
  park(session: Session, stats: ExporterStats, templateId: number, body: Buffer, context: PacketContext): void {
    stats.templateMisses++
    if (session.pending.length >= this.limits.maxPendingSetsPerDomain || this.pendingBytes + body.length > this.limits.maxPendingBytes) {
      countDrop(stats, 'no_template')
      return
    }
    session.pending.push({ templateId, body: Buffer.from(body), context })
    session.pendingBytes += body.length
    this.pendingBytes += body.length
  }

  /** Decodes held data sets whose templates are now known; returns the data records decoded. */
  drain(session: Session, stats: ExporterStats, out: FlowRecord[]): number {
    let records = 0
    const waiting = []
    for (const p of session.pending) {
      const template = session.templates.get(p.templateId)
      if (!template) {
        waiting.push(p)
        continue
      }
      records += decodeDataSet(p.body, 0, p.body.length, template, p.context, session, stats, out)
      session.pendingBytes -= p.body.length
      this.pendingBytes -= p.body.length
    }
    session.pending = waiting
    return records
  }

  /** Drops held data sets older than the hold time (counted as no_template). */
  expire(now: number): void {
    for (const session of this.sessions.values()) {
      if (session.pending.length === 0) continue
      const keep = session.pending.filter((p) => now - p.context.receivedAt < this.limits.pendingHoldMs)
      const expired = session.pending.length - keep.length
      if (expired === 0) continue
      const stats = this.exporters.get(session.exporter)
      if (stats) countDrop(stats, 'no_template', expired)
      for (const p of session.pending) if (!keep.includes(p)) this.pendingBytes -= p.body.length
      session.pendingBytes = keep.reduce((n, p) => n + p.body.length, 0)
      session.pending = keep
    }
  }

  private releasePending(session: Session): void {
    this.pendingBytes -= session.pendingBytes
    const stats = this.exporters.get(session.exporter)
    if (stats && session.pending.length > 0) countDrop(stats, 'no_template', session.pending.length)
  }
}

/** Forgets the entry seen longest ago (a scan, but only when a bound is hit). */
function evictOldest<T extends { lastSeen: number }>(map: Map<string, T>): T | undefined {
  let oldestKey: string | undefined
  let oldest = Infinity
  for (const [key, value] of map) {
    if (value.lastSeen < oldest) {
      oldest = value.lastSeen
      oldestKey = key
    }
  }
  if (oldestKey === undefined) return undefined
  const value = map.get(oldestKey)
  map.delete(oldestKey)
  return value
}
