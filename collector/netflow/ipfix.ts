import type { FlowRecord } from '../flows/record.ts'
import { decodeDataSet } from './records.ts'
import { observeSequence, type PacketContext, type Session } from './session.ts'
import type { DecoderState } from './state.ts'
import { countDrop, type ExporterStats } from './stats.ts'
import type { FieldSpec } from './template.ts'
import { install } from './v9.ts'

const VERSION = 'ipfix'
const HEADER = 16
const TEMPLATE_SET = 2
const OPTIONS_TEMPLATE_SET = 3

/**
 * IPFIX (RFC 7011): a 16-byte message header whose length must fit the datagram, then sets:
 * 2 templates, 3 options templates, 256 and above data. Templates live per (exporter,
 * observation domain); a template record with no fields withdraws it (id 2 / 3: all of them).
 */
export function decodeIpfix(buf: Buffer, exporter: string, receivedAt: number, state: DecoderState, stats: ExporterStats, out: FlowRecord[]): void {
  if (buf.length < HEADER) return countDrop(stats, 'short_packet')
  const length = buf.readUInt16BE(2)
  if (length < HEADER || length > buf.length) return countDrop(stats, 'bad_length')
  const sequence = buf.readUInt32BE(8)
  const domain = buf.readUInt32BE(12)
  const session = state.session(exporter, VERSION, domain, receivedAt)
  const ctx: PacketContext = { kind: VERSION, exporter, domain, receivedAt, exportMs: buf.readUInt32BE(4) * 1000, uptimeMs: -1 }
  let learned = false
  let records = 0
  let flowRecords = 0

  for (let o = HEADER; o + 4 <= length; ) {
    const id = buf.readUInt16BE(o)
    const setLength = buf.readUInt16BE(o + 2)
    if (setLength < 4 || o + setLength > length) {
      countDrop(stats, 'bad_set')
      break
    }
    const start = o + 4
    const end = o + setLength
    if (id === TEMPLATE_SET || id === OPTIONS_TEMPLATE_SET) {
      learned = readTemplates(buf, start, end, id === OPTIONS_TEMPLATE_SET, session, state, stats) || learned
    } else if (id >= 256) {
      const template = session.templates.get(id)
      if (template) {
        const n = decodeDataSet(buf, start, end, template, ctx, session, stats, out)
        records += n
        if (!template.options) flowRecords += n
      } else state.park(session, stats, id, buf.subarray(start, end), ctx)
    }
    o = end
  }
  if (learned && session.pending.length > 0) {
    const n = state.drain(session, stats, out)
    records += n
    flowRecords += n
  }

  const { lost, reset } = observeSequence(session.sequence, sequence, records, flowRecords)
  if (lost > 0) {
    stats.sequenceGaps++
    stats.lostFlows += lost
  }
  if (reset) stats.sequenceResets++
}

function readTemplates(buf: Buffer, o: number, end: number, options: boolean, session: Session, state: DecoderState, stats: ExporterStats): boolean {
  let learned = false
  const headerBytes = options ? 6 : 4
  while (end - o >= 4) {
    const id = buf.readUInt16BE(o)
    const count = buf.readUInt16BE(o + 2)
    if (id === 0) break // padding
    if (count === 0) {
      withdraw(id, options, session)
      o += 4
      continue
    }
    if (end - o < headerBytes) break
    const scopeCount = options ? buf.readUInt16BE(o + 4) : 0
    o += headerBytes
    if (id < 256 || (options && (scopeCount === 0 || scopeCount > count))) {
      countDrop(stats, 'bad_template')
      return learned
    }
    const fields: FieldSpec[] = []
    for (let i = 0; i < count; i++) {
      if (o + 4 > end) {
        countDrop(stats, 'bad_template')
        return learned
      }
      const raw = buf.readUInt16BE(o)
      const length = buf.readUInt16BE(o + 2)
      o += 4
      let enterprise = 0
      if (raw & 0x8000) {
        if (o + 4 > end) {
          countDrop(stats, 'bad_template')
          return learned
        }
        enterprise = buf.readUInt32BE(o)
        o += 4
      }
      fields.push({ element: raw & 0x7fff, enterprise, length })
    }
    learned = install(id, options, fields, session, state, stats, true) || learned
  }
  return learned
}

/** Template withdrawal: one template, or with the set id as template id every template of that kind. */
function withdraw(id: number, options: boolean, session: Session): void {
  if (id >= 256) {
    session.templates.delete(id)
    return
  }
  if (id === (options ? OPTIONS_TEMPLATE_SET : TEMPLATE_SET)) {
    for (const [key, template] of session.templates) if (template.options === options) session.templates.delete(key)
  }
}
