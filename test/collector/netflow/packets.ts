// Builders of NetFlow v5 / v9 and IPFIX export packets for tests: every byte laid out as
// RFC 3954 / RFC 7011 and Cisco's v5 format say, so each test states exactly what an exporter sent.

/** A field of a template: information element, length, enterprise number (IPFIX only). */
export type Field = [element: number, length: number, enterprise?: number]

export const u8 = (v: number) => Buffer.from([v & 0xff])
export const u16 = (v: number) => {
  const b = Buffer.alloc(2)
  b.writeUInt16BE(v)
  return b
}
export const u32 = (v: number) => {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(v >>> 0)
  return b
}
export const u64 = (v: number | bigint) => {
  const b = Buffer.alloc(8)
  b.writeBigUInt64BE(BigInt(v))
  return b
}
export const ipv4 = (text: string) => Buffer.from(text.split('.').map(Number))
export const ipv6 = (text: string) => {
  const [head = '', tail = ''] = text.split('::')
  const h = head ? head.split(':') : []
  const t = tail ? tail.split(':') : []
  const groups = [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t]
  return Buffer.concat(groups.map((g) => u16(parseInt(g, 16))))
}
/** An NTP timestamp (RFC 7011 dateTimeMicroseconds / dateTimeNanoseconds) of epoch ms. */
export const ntp = (ms: number) => Buffer.concat([u32(Math.floor(ms / 1000) + 2_208_988_800), u32(Math.round(((ms % 1000) / 1000) * 2 ** 32))])
/** IPFIX variable-length encoding: one length byte, or 255 and two length bytes. */
export const varField = (value: Buffer) => Buffer.concat([value.length < 255 ? u8(value.length) : Buffer.concat([u8(255), u16(value.length)]), value])

function set(id: number, body: Buffer, pad = true): Buffer {
  const padding = pad ? (4 - ((body.length + 4) % 4)) % 4 : 0
  return Buffer.concat([u16(id), u16(body.length + 4 + padding), body, Buffer.alloc(padding)])
}

export function v9TemplateSet(templates: { id: number; fields: Field[] }[]): Buffer {
  return set(0, Buffer.concat(templates.map((t) => Buffer.concat([u16(t.id), u16(t.fields.length), ...t.fields.map(([e, l]) => Buffer.concat([u16(e), u16(l)]))]))))
}

/** A v9 options template with one System scope field (type 1, 4 bytes) and the given option fields. */
export function v9OptionsTemplateSet(id: number, fields: Field[]): Buffer {
  const options = Buffer.concat(fields.map(([e, l]) => Buffer.concat([u16(e), u16(l)])))
  return set(1, Buffer.concat([u16(id), u16(4), u16(options.length), u16(1), u16(4), options]))
}

export function ipfixTemplateSet(templates: { id: number; fields: Field[] }[]): Buffer {
  return set(2, Buffer.concat(templates.map((t) => Buffer.concat([u16(t.id), u16(t.fields.length), ...t.fields.map(ipfixFieldSpec)]))), false)
}

export function ipfixOptionsTemplateSet(id: number, scope: Field[], fields: Field[]): Buffer {
  const all = [...scope, ...fields]
  return set(3, Buffer.concat([u16(id), u16(all.length), u16(scope.length), ...all.map(ipfixFieldSpec)]), false)
}

/** IPFIX template withdrawal: a template record with no fields. */
export const ipfixWithdrawal = (id: number) => set(2, Buffer.concat([u16(id), u16(0)]), false)

function ipfixFieldSpec([element, length, enterprise]: Field): Buffer {
  return enterprise === undefined ? Buffer.concat([u16(element), u16(length)]) : Buffer.concat([u16(element | 0x8000), u16(length), u32(enterprise)])
}

export const dataSet = (id: number, records: Buffer[], pad = true) => set(id, Buffer.concat(records), pad)

export function v9Packet(h: { uptime: number; secs: number; sequence: number; sourceId?: number }, sets: Buffer[]): Buffer {
  return Buffer.concat([u16(9), u16(sets.length), u32(h.uptime), u32(h.secs), u32(h.sequence), u32(h.sourceId ?? 0), ...sets])
}

export function ipfixMessage(h: { exportTime: number; sequence: number; domain?: number }, sets: Buffer[]): Buffer {
  const body = Buffer.concat(sets)
  return Buffer.concat([u16(10), u16(16 + body.length), u32(h.exportTime), u32(h.sequence), u32(h.domain ?? 0), body])
}

export interface V5Flow {
  src: string
  dst: string
  srcPort?: number
  dstPort?: number
  protocol?: number
  flags?: number
  packets: number
  bytes: number
  first: number
  last: number
}

export function v5Packet(h: { uptime: number; secs: number; nsecs?: number; sequence: number; engine?: number; sampling?: number }, flows: V5Flow[]): Buffer {
  const header = Buffer.concat([u16(5), u16(flows.length), u32(h.uptime), u32(h.secs), u32(h.nsecs ?? 0), u32(h.sequence), u16(h.engine ?? 0), u16(h.sampling ?? 0)])
  const records = flows.map((f) =>
    Buffer.concat([
      ipv4(f.src), ipv4(f.dst), ipv4('0.0.0.0'), u16(1), u16(2), u32(f.packets), u32(f.bytes), u32(f.first), u32(f.last),
      u16(f.srcPort ?? 0), u16(f.dstPort ?? 0), u8(0), u8(f.flags ?? 0), u8(f.protocol ?? 6), u8(0), u16(0), u16(0), u8(24), u8(24), u16(0),
    ]),
  )
  return Buffer.concat([header, ...records])
}
