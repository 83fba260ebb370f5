/** A time as ClickHouse DateTime64 text in UTC ('2026-11-26 01:02:03.456'), `digits` fraction digits (3 or 6). */
export function chTime(ms: number, digits: 3 | 6 = 3): string {
  const text = new Date(ms).toISOString().replace('T', ' ').replace('Z', '')
  return digits === 6 ? `${text}000` : text
}

/** ClickHouse DateTime64 text ('2026-11-26 01:02:03.456789', UTC) as ISO 8601 with its microseconds. */
export function isoFromCh(text: string): string {
  return `${text.replace(' ', 'T')}Z`
}
