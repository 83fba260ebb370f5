/** Flows received since the detector's last look, in one hour of flow time (sql/detection/new_data.sql). */
export interface FreshHour {
  flows: number
  min_start_ms: number
  max_start_ms: number
  max_received_ms: number
}

/** A stretch of flow time with fresh flows: [from, to). */
export interface Span {
  from: number
  to: number
  flows: number
}

/**
 * Flow-time hours closer than this are one span: the longest rule windows (slow sweeps, slow brute
 * force) are two hours, so nothing one window could see is cut in two.
 */
export const SPAN_GAP_MS = 2 * 3_600_000

/**
 * Cuts the hours of fresh flows into spans separated by more than SPAN_GAP_MS. Live traffic makes
 * one span near now; a capture of last year imported meanwhile makes a span of its own, so a live
 * run evaluates the rules over both stretches and not over the months between them.
 */
export function freshSpans(hours: readonly FreshHour[]): Span[] {
  const sorted = [...hours].filter((h) => Number(h.flows) > 0).sort((a, b) => Number(a.min_start_ms) - Number(b.min_start_ms))
  const spans: Span[] = []
  for (const h of sorted) {
    const from = Number(h.min_start_ms)
    const to = Number(h.max_start_ms) + 1
    const last = spans.at(-1)
    if (last && from - last.to <= SPAN_GAP_MS) {
      last.to = Math.max(last.to, to)
      last.flows += Number(h.flows)
    } else spans.push({ from, to, flows: Number(h.flows) })
  }
  return spans
}
