import { get } from '../api.ts'
import { chart, GRID } from '../charts.ts'
import { clear, h, table } from '../dom.ts'
import { bytes, compact, num, protocol } from '../format.ts'
import { label, t, type MessageKey } from '../i18n/index.ts'
import { localityName, orgName, sectorName } from '../names.ts'
import type { PageContext } from '../page.ts'
import { withQuery } from '../route.ts'
import type { TopItem } from '../types.ts'

const DIMENSIONS = ['sector', 'locality', 'organisation', 'asset', 'destination_port', 'protocol', 'source']
const METRICS = ['bytes', 'packets', 'flows']
const DIRECTIONS = ['inbound', 'outbound', 'internal', 'external']

const cap = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

interface Point { time: string; direction: string; flows: number; packets: number; bytes: number }

/** Traffic over time by direction, and a top list by any dimension the API groups by. */
export async function trafficPage(ctx: PageContext): Promise<void> {
  const q = ctx.query
  const by = DIMENSIONS.includes(q.get('by') ?? '') ? q.get('by')! : 'sector'
  const metric = METRICS.includes(q.get('metric') ?? '') ? (q.get('metric') as 'bytes' | 'packets' | 'flows') : 'bytes'
  const direction = DIRECTIONS.includes(q.get('direction') ?? '') ? q.get('direction')! : ''
  const base = { from: ctx.range.from, to: ctx.range.to, direction: direction || undefined }
  const [series, top] = await Promise.all([
    get<{ step: number; points: Point[] }>('/traffic/timeseries', base, ctx.signal),
    get<{ items: TopItem[] }>('/traffic/top', { ...base, by, metric, limit: 20 }, ctx.signal),
  ])
  const keyName = (key: string): string => {
    if (!key) return t('traffic.unarchived')
    if (by === 'sector') return sectorName(key)
    if (by === 'locality') return localityName(key)
    if (by === 'organisation') return orgName(key)
    if (by === 'protocol') return protocol(key)
    return key || '—'
  }
  const pick = (key: string, caption: string, value: string, values: string[], text: (v: string) => string, all = false) =>
    h('label', null, caption, h('select', { name: key, onchange: (e: Event) => (location.hash = withQuery({ [key]: (e.target as HTMLSelectElement).value })) },
      all ? h('option', { value: '' }, t('common.all')) : null, values.map((v) => h('option', { value: v, selected: v === value }, text(v)))))
  const seriesEl = h('div', { class: 'chart chart-tall' })
  const topEl = h('div', { class: 'chart chart-tall' })
  const fmt = metric === 'bytes' ? bytes : compact
  clear(ctx.root,
    h('h1', null, t('traffic.title')),
    h('div', { class: 'filters' },
      pick('by', t('traffic.by'), by, DIMENSIONS, (d) => cap(t(`dim.${d}` as MessageKey))),
      pick('metric', t('traffic.metric'), metric, METRICS, (m) => cap(t(`metric.${m}` as MessageKey))),
      pick('direction', t('traffic.direction'), direction, DIRECTIONS, (d) => t(`traffic.${d}` as MessageKey), true)),
    h('section', { class: 'panel' }, h('h2', null, t('traffic.series')), seriesEl),
    h('div', { class: 'grid-2' },
      h('section', { class: 'panel' }, h('h2', null, t('traffic.top', { by: t(`dim.${by}` as MessageKey) })), topEl),
      h('section', { class: 'panel', 'data-testid': 'traffic-top' }, h('h2', null, t('traffic.top', { by: t(`dim.${by}` as MessageKey) })), table([
        { title: cap(t(`dim.${by}` as MessageKey)), cell: (r) => keyName(r.key) },
        { title: t('traffic.inbound'), cell: (r) => bytes(r.inbound_bytes), class: 'num' },
        { title: t('traffic.outbound'), cell: (r) => bytes(r.outbound_bytes), class: 'num' },
        { title: t('attacks.flows'), cell: (r) => num(r.flows), class: 'num' },
        { title: t('attacks.packets'), cell: (r) => num(r.packets), class: 'num' },
        { title: t('attacks.bytes'), cell: (r) => bytes(r.bytes), class: 'num' },
      ], top.items, t('common.none')))),
  )
  const directions = [...new Set(series.points.map((p) => p.direction))].sort()
  chart(seriesEl, ctx.cleanup)({
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => fmt(Number(v)) },
    legend: { top: 0 },
    grid: GRID,
    xAxis: { type: 'time', min: Date.parse(ctx.range.from), max: Date.parse(ctx.range.to) },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmt(v) } },
    series: directions.map((d) => ({
      // A short range has few points: show them, or a one-minute capture draws nothing.
      name: label('traffic', d), type: 'line', showSymbol: series.points.length <= 60, symbolSize: 7, areaStyle: { opacity: 0.12 },
      data: series.points.filter((p) => p.direction === d).map((p) => [Date.parse(p.time), p[metric]]),
    })),
  })
  const rows = top.items.slice(0, 12).reverse()
  chart(topEl, ctx.cleanup)({
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => fmt(Number(v)) },
    grid: { ...GRID, left: 8 },
    xAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmt(v) } },
    yAxis: { type: 'category', data: rows.map((r) => keyName(r.key)) },
    series: [{ type: 'bar', barMaxWidth: 28, data: rows.map((r) => r[metric]) }],
  })
}
