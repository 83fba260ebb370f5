/**
 * Writes an address given as text (IPv4 dotted quad or IPv6) as the 16 bytes of a ClickHouse
 * IPv6 value, IPv4 mapped as ::ffff:a.b.c.d. Text that is not an address becomes :: (the flow
 * is still stored; decoders only produce valid addresses, so this is a last line of defence).
 */
export function writeIpv6(buf: Buffer, o: number, text: string): number {
  if (!writeIpv4Mapped(buf, o, text) && !writeIpv6Text(buf, o, text)) buf.fill(0, o, o + 16)
  return o + 16
}

function writeIpv4Mapped(buf: Buffer, o: number, text: string): boolean {
  // Parsed straight into the four octets: this runs three times per flow row.
  let a = 0, b = 0, c = 0, value = 0
  let part = 0
  let digits = 0
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (ch === 46) {
      if (digits === 0 || part === 3) return false
      if (part === 0) a = value
      else if (part === 1) b = value
      else c = value
      part++
      value = 0
      digits = 0
    } else if (ch >= 48 && ch <= 57 && digits < 3) {
      value = value * 10 + (ch - 48)
      digits++
      if (value > 255) return false
    } else return false
  }
  if (part !== 3 || digits === 0) return false
  buf.writeUInt32LE(0, o)
  buf.writeUInt32LE(0, o + 4)
  buf[o + 8] = 0
  buf[o + 9] = 0
  buf[o + 10] = 0xff
  buf[o + 11] = 0xff
  buf[o + 12] = a
  buf[o + 13] = b
  buf[o + 14] = c
  buf[o + 15] = value
  return true
}

function writeIpv6Text(buf: Buffer, o: number, text: string): boolean {
  const halves = text.split('::')
  if (halves.length > 2) return false
  const head = halves[0] ? halves[0].split(':') : []
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : []
  const groups: number[] = []
  const parse = (parts: string[], out: number[]): boolean => {
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!
      if (p.includes('.')) {
        // An embedded IPv4 address may only end the address.
        if (i !== parts.length - 1 || !writeIpv4Mapped(buf, o, p)) return false
        out.push(buf.readUInt16BE(o + 12), buf.readUInt16BE(o + 14))
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return false
        out.push(parseInt(p, 16))
      }
    }
    return true
  }
  const headGroups: number[] = []
  const tailGroups: number[] = []
  if (!parse(head, headGroups) || !parse(tail, tailGroups)) return false
  const missing = 8 - headGroups.length - tailGroups.length
  if (halves.length === 1 ? missing !== 0 : missing < 1) return false
  groups.push(...headGroups, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tailGroups)
  for (let i = 0; i < 8; i++) buf.writeUInt16BE(groups[i]!, o + i * 2)
  return true
}
