/**
 * pcapng timestamps are a 64-bit count of units per interface (if_tsresol): 10^-n seconds when
 * the high bit of the option byte is clear, 2^-n seconds when it is set; 10^-6 by default.
 * `toSecNs` splits a count into whole seconds and nanoseconds without losing precision: counts
 * below 2^53 go through doubles, nanosecond counts through a 16-bit long division, anything
 * rarer (picoseconds, binary fractions) through BigInt.
 */
export interface TsResolution {
  /** Units per second when that is a power of ten up to 10^9; 0 otherwise. */
  decimal: number
  /** Nanoseconds per unit for `decimal` resolutions. */
  nsPerUnit: number
  /** Units per second as a BigInt, for the general path. */
  unitsPerSec: bigint
}

export const MICROSECONDS: TsResolution = resolutionFromOption(6)

export function resolutionFromOption(value: number): TsResolution {
  const exp = value & 0x7f
  if (value & 0x80) return { decimal: 0, nsPerUnit: 0, unitsPerSec: 1n << BigInt(exp) }
  if (exp <= 9) {
    const decimal = 10 ** exp
    return { decimal, nsPerUnit: 10 ** (9 - exp), unitsPerSec: BigInt(decimal) }
  }
  return { decimal: 0, nsPerUnit: 0, unitsPerSec: 10n ** BigInt(exp) }
}

export interface SecNs {
  sec: number
  ns: number
}

export function toSecNs(hi: number, lo: number, res: TsResolution, out: SecNs): void {
  const d = res.decimal
  if (d !== 0) {
    if (hi < 0x200000) {
      const units = hi * 4294967296 + lo
      const sec = Math.floor(units / d)
      out.sec = sec
      out.ns = (units - sec * d) * res.nsPerUnit
      return
    }
    // Long division of the four 16-bit digits: every intermediate stays below 2^53.
    let cur = hi >>> 16
    let q = Math.floor(cur / d)
    let r = cur - q * d
    cur = r * 65536 + (hi & 0xffff)
    let qd = Math.floor(cur / d)
    r = cur - qd * d
    q = q * 65536 + qd
    cur = r * 65536 + (lo >>> 16)
    qd = Math.floor(cur / d)
    r = cur - qd * d
    q = q * 65536 + qd
    cur = r * 65536 + (lo & 0xffff)
    qd = Math.floor(cur / d)
    r = cur - qd * d
    q = q * 65536 + qd
    out.sec = q
    out.ns = r * res.nsPerUnit
    return
  }
  const units = (BigInt(hi) << 32n) | BigInt(lo)
  const per = res.unitsPerSec
  out.sec = Number(units / per)
  out.ns = Number(((units % per) * 1_000_000_000n) / per)
}
