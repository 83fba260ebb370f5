import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { requireRole } from '../attacks/access.ts'

const Count = Type.Integer({ minimum: 0 })
const Exporter = Type.Object({
  exporter: Type.String({ description: 'exporter address (IPv4-mapped IPv6 shown as IPv4)' }),
  firstSeen: Type.String({ format: 'date-time' }),
  lastSeen: Type.String({ format: 'date-time' }),
  datagrams: Count,
  bytes: Count,
  refused: Type.Integer({ minimum: 0, description: 'datagrams refused: the exporter is not on HOLOWATCH_EXPORTERS_ALLOW' }),
  packets: Type.Object({ netflow5: Count, netflow9: Count, ipfix: Count }),
  flows: Count,
  drops: Type.Record(Type.String(), Count, { description: 'packets, sets or records not decoded, by reason' }),
  templateMisses: Type.Integer({ minimum: 0, description: 'data sets that arrived before their template' }),
  sequenceGaps: Count,
  lostFlows: Type.Integer({ minimum: 0, description: 'flows lost according to v5 and IPFIX sequence numbers' }),
  lostPackets: Type.Integer({ minimum: 0, description: 'export packets lost according to v9 sequence numbers' }),
  sequenceResets: Count,
  templates: Count,
  domains: Type.Array(Type.Integer({ minimum: 0 }), { description: 'v9 source ids / IPFIX observation domains seen' }),
})

/** What this process's collector knows about exporters; absent when the process runs no collector. */
export interface ExporterSource {
  exporters(): object[]
}

/**
 * GET /exporters: every NetFlow / IPFIX exporter this process has heard from, with its counters
 * (the same ones /metrics publishes), most recently seen first. For the centre's staff.
 */
export default async function exporterRoutes(app: FastifyInstance, opts: { source?: ExporterSource }) {
  app.get(
    '/exporters',
    {
      schema: {
        tags: ['collector'],
        summary: 'NetFlow / IPFIX exporters with last-seen time and counters',
        response: { 200: Type.Object({ collecting: Type.Boolean({ description: 'whether this process runs the collector' }), items: Type.Array(Exporter) }) },
      },
    },
    async (request) => {
      requireRole(request, ['admin', 'analyst'])
      return { collecting: opts.source !== undefined, items: opts.source?.exporters() ?? [] }
    },
  )
}
