import type { FlowRecord } from '../flows/record.ts'
import { decodeDataSet } from './records.ts'
import { observeSequence, type PacketContext, type Session } from './session.ts'
import type { DecoderState } from './state.ts'
import { countDrop, type ExporterStats } from './stats.ts'
import { compileTemplate, templateSignature, type FieldSpec } from './template.ts'

const VERSION = 'netflow9'
const HEADER = 20

/**
 * NetFlow v9 (RFC 3954): a 20-byte header, then FlowSets: 0 templates, 1 options templates,
 * 256 and above data. Templates live per (exporter, source id); data before its template is held.
 */
export function decodeV9(buf: Buffer, exporter: string, receivedAt: number, state: DecoderState, stats: ExporterStats, out: FlowRecord[]): void {
  if (buf.length < HEADER) return countDrop(stats, 'short_packet')
  const uptimeMs = buf.readUInt32BE(4)
  const sequence = buf.readUInt32BE(12)
  const domain = buf.readUInt32BE(16)
  const session = state.session(exporter, VERSION, domain, receivedAt)
  const ctx: PacketContext = { kind: VERSION, exporter, domain, receivedAt, exportMs: buf.readUInt32BE(8) * 1000, uptimeMs }
  let learned = false

  for (let o = HEADER; o + 4 <= buf.length; ) {
    const id = buf.readUInt16BE(o)
    const length = buf.readUInt16BE(o + 2)
    if (length < 4 || o + length > buf.length) {
      countDrop(stats, 'bad_set')
      break
    }
    const start = o + 4
    const end = o + length
    if (id === 0) learned = readTemplates(buf, start, end, session, state, stats) || learned
    else if (id === 1) learned = readOptionsTemplates(buf, start, end, session, state, stats) || learned
    else if (id >= 256) {
      const template = session.templates.get(id)
      if (template) decodeDataSet(buf, start, end, template, ctx, session, stats, out)
      else state.park(session, stats, id, buf.subarray(start, end), ctx)
    }
    o = end
  }
  if (learned && session.pending.length > 0) state.drain(session, stats, out)

  const { lost, reset } = observeSequence(session.sequence, sequence, 1)
  if (lost > 0) {
    stats.sequenceGaps++
    stats.lostPackets += lost
  }
  if (reset) stats.sequenceResets++
}

function readTemplates(buf: Buffer, o: number, end: number, session: Session, state: DecoderState, stats: ExporterStats): boolean {
  let learned = false
  while (end - o >= 4) {
    const id = buf.readUInt16BE(o)
    const count = buf.readUInt16BE(o + 2)
    o += 4
    if (id < 256 || count === 0 || o + count * 4 > end) {
      countDrop(stats, 'bad_template')
      return learned
    }
    const fields: FieldSpec[] = []
    for (let i = 0; i < count; i++, o += 4) fields.push({ element: buf.readUInt16BE(o), enterprise: 0, length: buf.readUInt16BE(o + 2) })
    learned = install(id, false, fields, session, state, stats) || learned
  }
  return learned
}

function readOptionsTemplates(buf: Buffer, o: number, end: number, session: Session, state: DecoderState, stats: ExporterStats): boolean {
  let learned = false
  // Each options template: id, scope length, options length (bytes), fields; then padding to 4 bytes.
  while (end - o >= 10) {
    const id = buf.readUInt16BE(o)
    const scopeBytes = buf.readUInt16BE(o + 2)
    const optionBytes = buf.readUInt16BE(o + 4)
    o += 6
    if (id < 256 || scopeBytes % 4 !== 0 || optionBytes % 4 !== 0 || scopeBytes + optionBytes === 0 || o + scopeBytes + optionBytes > end) {
      countDrop(stats, 'bad_template')
      return learned
    }
    const fields: FieldSpec[] = []
    // Scope fields (system, interface, line card, cache, template) are not information elements: skipped by length.
    for (const stop = o + scopeBytes; o < stop; o += 4) fields.push({ element: 0, enterprise: 1, length: buf.readUInt16BE(o + 2) })
    for (const stop = o + optionBytes; o < stop; o += 4) fields.push({ element: buf.readUInt16BE(o), enterprise: 0, length: buf.readUInt16BE(o + 2) })
    learned = install(id, true, fields, session, state, stats) || learned
  }
  return learned
}

/** Compiles and stores a template; a refresh (the same fields again, as exporters send every minute) keeps the compiled one. */
export function install(id: number, options: boolean, fields: FieldSpec[], session: Session, state: DecoderState, stats: ExporterStats, allowVariable = false): boolean {
  if (session.templates.get(id)?.signature === templateSignature(options, fields)) return true
  const template = compileTemplate(id, options, fields, allowVariable)
  if (typeof template === 'string') {
    countDrop(stats, 'bad_template')
    return false
  }
  if (!state.addTemplate(session, template)) {
    countDrop(stats, 'template_limit')
    return false
  }
  return true
}
