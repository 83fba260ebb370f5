import { describe, expect, it } from 'vitest'
import { freshSpans, SPAN_GAP_MS } from '../../detection/spans.ts'

// The hours of fresh flows a live run finds (new_data.sql) become the ranges it evaluates.
const H = 3_600_000
const hour = (startMs: number, endMs: number, flows = 10) => ({ flows, min_start_ms: startMs, max_start_ms: endMs, max_received_ms: 0 })

describe('freshSpans', () => {
  it('keeps hours closer than two hours together and cuts at wider gaps, in flow-time order', () => {
    const now = Date.parse('2026-12-04T18:00:00Z')
    const lastYear = Date.parse('2025-10-18T12:08:31Z')
    expect(freshSpans([hour(now + 5 * 60_000, now + 20 * 60_000), hour(lastYear, lastYear + 28_000, 7), hour(now - H + 60_000, now - 1, 3)])).toEqual([
      { from: lastYear, to: lastYear + 28_001, flows: 7 },
      { from: now - H + 60_000, to: now + 20 * 60_000 + 1, flows: 13 },
    ])
    expect(freshSpans([hour(0, 1_000), hour(1_001 + SPAN_GAP_MS, 2 * SPAN_GAP_MS)])).toHaveLength(1)
    expect(freshSpans([hour(0, 1_000), hour(1_002 + SPAN_GAP_MS, 2 * SPAN_GAP_MS)])).toHaveLength(2)
    expect(freshSpans([])).toEqual([])
  })
})
