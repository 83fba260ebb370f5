/** A clock in epoch milliseconds; tests pass their own to move time. */
export type Clock = () => number

/**
 * Version stamps (DateTime64(6) text) that strictly increase within this process, so that two
 * writes to one object in the same millisecond still have an order.
 */
export function createStamper(now: Clock): (ms?: number) => string {
  let last = 0
  return (ms = now()) => {
    const micros = Math.max(ms * 1000, last + 1)
    last = micros
    const text = new Date(Math.floor(micros / 1000)).toISOString().replace('T', ' ').replace('Z', '')
    return `${text}${String(micros % 1000).padStart(3, '0')}`
  }
}

/** ClickHouse DateTime64 text (UTC) as epoch milliseconds. */
export function msFromCh(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`)
}

export function isoFromChText(text: string | null): string | null {
  return text === null || text === '' ? null : new Date(msFromCh(text)).toISOString()
}

export const DAY_MS = 86_400_000
