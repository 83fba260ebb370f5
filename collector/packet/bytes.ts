/*
 * Fixed-width reads for the per-packet paths (capture records, headers). Buffer's own
 * readUInt16BE & co. validate their offset through a wrapped helper on every call, which costs
 * more than the read; these are plain byte arithmetic that the compiler inlines. The callers
 * have already checked that the bytes are there (an out-of-range byte reads as 0, never throws).
 */

export function u16be(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!
}

export function u32be(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0
}

export function u32le(b: Uint8Array, o: number): number {
  return ((b[o + 3]! << 24) | (b[o + 2]! << 16) | (b[o + 1]! << 8) | b[o]!) >>> 0
}

/** Unsigned 32-bit in either byte order. */
export function u32(b: Uint8Array, o: number, littleEndian: boolean): number {
  return littleEndian ? u32le(b, o) : u32be(b, o)
}

/** Unsigned 16-bit in either byte order. */
export function u16(b: Uint8Array, o: number, littleEndian: boolean): number {
  return littleEndian ? b[o]! | (b[o + 1]! << 8) : u16be(b, o)
}
