import { Slot, slotFor } from './fields.ts'

/** IPFIX marks a variable-length field with this length (RFC 7011 section 7). */
export const VARIABLE = 0xffff

/** A template compiled for decoding: where each field's value goes and how long it is. */
export interface Template {
  id: number
  /** Options templates describe the exporter (sampling, system init time), not flows. */
  options: boolean
  slots: Uint8Array
  /** Field lengths in bytes; VARIABLE for an IPFIX variable-length field. */
  lengths: Uint16Array
  /** Length of every record when no field is variable, else -1. */
  fixedLength: number
  /** Shortest possible record: fixed fields plus one length byte per variable field. */
  minLength: number
  /** The raw field list, to tell a refresh (same template) from a redefinition. */
  signature: string
}

export interface FieldSpec {
  element: number
  enterprise: number
  length: number
}

export const MAX_FIELDS = 512

/**
 * Compiles a field list into a template, or returns the reason it cannot be used: no fields, a
 * zero-length field, more fields than any real exporter sends, or a record that cannot fit in a
 * datagram. Variable-length fields are allowed only when the caller says so (IPFIX).
 */
export function compileTemplate(id: number, options: boolean, fields: readonly FieldSpec[], allowVariable: boolean): Template | string {
  if (fields.length === 0) return 'template has no fields'
  if (fields.length > MAX_FIELDS) return `template has ${fields.length} fields (more than ${MAX_FIELDS})`
  const slots = new Uint8Array(fields.length)
  const lengths = new Uint16Array(fields.length)
  let fixed = 0
  let variable = 0
  let signature = options ? 'o' : 'd'
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!
    if (f.length === 0) return `field ${f.element} has length 0`
    if (f.length === VARIABLE) {
      if (!allowVariable) return `field ${f.element} has the variable length marker in NetFlow v9`
      variable++
      slots[i] = Slot.Skip
    } else {
      fixed += f.length
      slots[i] = slotFor(f.element, f.enterprise, f.length)
    }
    lengths[i] = f.length
    signature += `,${f.enterprise}:${f.element}:${f.length}`
  }
  if (fixed + variable > 0xffff) return 'template records longer than a datagram'
  return { id, options, slots, lengths, fixedLength: variable === 0 ? fixed : -1, minLength: fixed + variable, signature }
}
