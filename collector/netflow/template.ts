import { Slot, SLOTS, slotFor } from './fields.ts'

/** IPFIX marks a variable-length field with this length (RFC 7011 section 7). */
export const VARIABLE = 0xffff

/** A template compiled for decoding: where in a record each value the decoder uses sits. */
export interface Template {
  id: number
  /** Options templates describe the exporter (sampling, system init time), not flows. */
  options: boolean
  /** Field lengths in bytes in template order; VARIABLE for an IPFIX variable-length field. */
  lengths: Uint16Array
  /** The slot each field fills (Slot.Skip for fields holowatch does not use). */
  slots: Uint8Array
  /**
   * Offset of each slot's value from the start of the record, -1 when the template lacks it.
   * Only meaningful when `fixedLength` >= 0; records of variable-length templates are walked.
   */
  offsets: Int32Array
  /** Length of each slot's value in bytes. */
  slotLengths: Uint8Array
  /** Length of every record when no field is variable, else -1. */
  fixedLength: number
  /** Shortest possible record: fixed fields plus one length byte per variable field. */
  minLength: number
  /** The raw field list, to tell a refresh (same template) from a redefinition. */
  signature: string
  /** Which time elements give the flow's start and end (chosen once per template). */
  start: TimeSource
  end: TimeSource
  /** The counters used: delta counts, else total counts, else post (egress) counts; Skip if none (reads 0). */
  octets: Slot
  packets: Slot
  /** Whether records carry a sampling rate or a sampler id, or only the domain's rate applies. */
  perRecordSampling: boolean
}

/** A time element and how to read it. */
export interface TimeSource {
  kind: 'millis' | 'ntp' | 'seconds' | 'delta' | 'uptime' | 'none'
  slot: Slot
}

const START_SOURCES: [TimeSource['kind'], Slot][] = [
  ['millis', Slot.StartMillis], ['ntp', Slot.StartNtp], ['seconds', Slot.StartSeconds], ['delta', Slot.StartDeltaMicros], ['uptime', Slot.StartUptime],
]
const END_SOURCES: [TimeSource['kind'], Slot][] = [
  ['millis', Slot.EndMillis], ['ntp', Slot.EndNtp], ['seconds', Slot.EndSeconds], ['delta', Slot.EndDeltaMicros], ['uptime', Slot.EndUptime],
]

function timeSource(offsets: Int32Array, sources: [TimeSource['kind'], Slot][]): TimeSource {
  for (const [kind, slot] of sources) if (offsets[slot]! >= 0) return { kind, slot }
  return { kind: 'none', slot: Slot.Skip }
}

function firstPresent(offsets: Int32Array, candidates: Slot[]): Slot {
  for (const slot of candidates) if (offsets[slot]! >= 0) return slot
  return Slot.Skip
}

export interface FieldSpec {
  element: number
  enterprise: number
  length: number
}

export const MAX_FIELDS = 512

/** The identity of a field list: a template sent again with the same one is a refresh. */
export function templateSignature(options: boolean, fields: readonly FieldSpec[]): string {
  let signature = options ? 'o' : 'd'
  for (const f of fields) signature += `,${f.enterprise}:${f.element}:${f.length}`
  return signature
}

/**
 * Compiles a field list into a template, or returns the reason it cannot be used: no fields, a
 * zero-length field, more fields than any real exporter sends, or a record that cannot fit in a
 * datagram. Variable-length fields are allowed only when the caller says so (IPFIX). When an
 * element appears twice, the first occurrence is used.
 */
export function compileTemplate(id: number, options: boolean, fields: readonly FieldSpec[], allowVariable: boolean): Template | string {
  if (fields.length === 0) return 'template has no fields'
  if (fields.length > MAX_FIELDS) return `template has ${fields.length} fields (more than ${MAX_FIELDS})`
  const lengths = new Uint16Array(fields.length)
  const slots = new Uint8Array(fields.length)
  const offsets = new Int32Array(SLOTS).fill(-1)
  const slotLengths = new Uint8Array(SLOTS)
  let offset = 0
  let variable = 0
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!
    if (f.length === 0) return `field ${f.element} has length 0`
    lengths[i] = f.length
    if (f.length === VARIABLE) {
      if (!allowVariable) return `field ${f.element} has the variable length marker in NetFlow v9`
      variable++
      continue
    }
    const slot = slotFor(f.element, f.enterprise, f.length)
    slots[i] = slot
    if (slot !== Slot.Skip && offsets[slot] === -1) {
      offsets[slot] = offset
      slotLengths[slot] = f.length
    }
    offset += f.length
  }
  if (offset + variable > 0xffff) return 'template records longer than a datagram'
  // Variable-length templates record which slots exist at the same offsets table (positions vary).
  return {
    id,
    options,
    lengths,
    slots,
    offsets,
    slotLengths,
    fixedLength: variable === 0 ? offset : -1,
    minLength: offset + variable,
    signature: templateSignature(options, fields),
    start: timeSource(offsets, START_SOURCES),
    end: timeSource(offsets, END_SOURCES),
    octets: firstPresent(offsets, [Slot.Octets, Slot.TotalOctets, Slot.PostOctets]),
    packets: firstPresent(offsets, [Slot.Packets, Slot.TotalPackets, Slot.PostPackets]),
    perRecordSampling: [Slot.SamplingInterval, Slot.PacketInterval, Slot.SamplerId].some((slot) => offsets[slot]! >= 0),
  }
}
