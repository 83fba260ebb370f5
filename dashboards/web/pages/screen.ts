import { get } from '../api.ts'
import { chart, GRID, SEVERITY_COLOURS, type ChartOption } from '../charts.ts'
import { clear, h, table } from '../dom.ts'
import { bytes, compact, num, shortTime, time } from '../format.ts'
import { label, t } from '../i18n/index.ts'
import { localityName, orgName, sectorName } from '../names.ts'
import type { PageContext } from '../page.ts'
import { bucketMs, rangeOf, type Range } from '../range.ts'
import type { Attack, Exporter, Overview, Page, TopItem } from '../types.ts'
import { gradeBadge, link, severityBadge, stat } from './common.ts'
import { noticeStatus } from './notices-summary.ts'

const SEVERITIES = ['critical', 'high', 'medium', 'low']
const REFRESH_MS = 30_000

/**
 * The one screen the centre watches 7×24: headline figures, attacks over time by type, who is
 * attacked and from where, traffic by sector and locality, open work, collector health.
 * Everything refreshes every 30 s; the layout fills a wall screen (dark, large type).
 */
export async function screenPage(ctx: PageContext): Promise<void> {
  const box = (title: string, cls = '') => {
    const body = h('div', { class: 'panel-body' })
    return { el: h('section', { class: `panel ${cls}` }, h('h2', null, title), body), body }
  }
  const kpis = h('div', { class: 'kpis', 'data-testid': 'kpis' })
  const overTime = box(t('screen.overTime'), 'span-2')
  const severity = box(t('screen.openBySeverity'))
  const assets = box(t('screen.topAssets'))
  const sources = box(t('screen.sources'))
  const latest = box(t('screen.latest'))
  const sectors = box(t('screen.bySector'))
  const localities = box(t('screen.byLocality'))
  const collector = box(t('screen.collector'))
  const notices = box(t('screen.notices'), 'span-3')
  const stamp = h('span', { class: 'muted' })
  const full = h('button', { class: 'btn btn-ghost', onclick: () => void document.documentElement.requestFullscreen?.() }, t('screen.fullscreen'))
  clear(ctx.root,
    h('div', { class: 'screen-head' }, h('h1', null, t('screen.title')), h('span', { class: 'muted' }, `${time(ctx.range.from)} — ${time(ctx.range.to)}`), h('div', { class: 'spacer' }), stamp, full),
    kpis,
    h('div', { class: 'screen-grid' }, overTime.el, severity.el, assets.el, sources.el, latest.el, sectors.el, localities.el, collector.el, notices.el),
  )
  for (const b of [overTime, severity, sectors, localities]) b.body.classList.add('chart')
  const drawOverTime = chart(overTime.body, ctx.cleanup)
  const drawSeverity = chart(severity.body, ctx.cleanup)
  const drawSectors = chart(sectors.body, ctx.cleanup)
  const drawLocalities = chart(localities.body, ctx.cleanup)

  const draw = async () => {
    // A preset range slides with the clock on every refresh; an explicit one stays put.
    const range = ctx.range.preset === 'custom' ? ctx.range : rangeOf(ctx.query)
    const q = { from: range.from, to: range.to }
    const [overview, attacks, series, attackers, open, bySector, byLocality, exporters, spool] = await Promise.all([
      get<Overview>('/stats/overview', q, ctx.signal),
      get<Page<Attack>>('/attacks', { ...q, limit: 8, sort: 'last_seen', order: 'desc' }, ctx.signal),
      get<AttackSeries>('/attacks/timeseries', { ...q, step: bucketMs(range) / 1000 }, ctx.signal),
      get<{ items: Attacker[] }>('/attacks/sources', { ...q, limit: 8 }, ctx.signal),
      Promise.all(SEVERITIES.map((s) => get<Page<Attack>>('/attacks', { state: ['open'], severity: [s], limit: 1 }, ctx.signal).then((p) => p.total))),
      get<{ items: TopItem[] }>('/traffic/top', { ...q, by: 'sector', limit: 12 }, ctx.signal),
      get<{ items: TopItem[] }>('/traffic/top', { ...q, by: 'locality', limit: 12 }, ctx.signal),
      get<{ collecting: boolean; items: Exporter[] }>('/exporters', {}, ctx.signal),
      spoolFigures(ctx.signal),
    ])
    const hours = Math.max((Date.parse(range.to) - Date.parse(range.from)) / 3600_000, 1 / 60)
    const openTotal = open.reduce((a, b) => a + b, 0)
    clear(kpis,
      stat(t('screen.attacks'), num(overview.attacks.total), undefined, 'kpi-attacks'),
      stat(t('screen.open'), num(openTotal), undefined, 'kpi-open'),
      stat(t('screen.rate'), (overview.attacks.total / hours).toFixed(overview.attacks.total / hours >= 10 ? 0 : 2)),
      stat(t('screen.traffic'), bytes(overview.traffic.bytes)),
      stat(t('screen.flows'), compact(overview.traffic.flows)),
      stat(t('screen.assets'), num(overview.assets.total), ['core', 'important', 'general'].map((g) => `${label('grade', g)} ${overview.assets.by_grade[g] ?? 0}`).join(' · ')),
    )
    drawOverTime(overTimeOption(series, range))
    drawSeverity({
      tooltip: { trigger: 'item' },
      legend: { bottom: 0 },
      series: [{
        type: 'pie', radius: ['45%', '72%'], center: ['50%', '45%'],
        label: { color: '#e6edf3', formatter: '{b}\n{c}', fontSize: 14 },
        data: SEVERITIES.map((s, i) => ({ name: label('severity', s), value: open[i] ?? 0, itemStyle: { color: SEVERITY_COLOURS[s] } })).filter((d) => d.value > 0),
      }],
    })
    clear(assets.body, table([
      { title: t('attacks.asset'), cell: (r) => link(['assets', r.asset_id], r.asset_name || r.asset_id) },
      { title: t('archive.grade'), cell: (r) => gradeBadge(r.grade) },
      { title: t('attacks.organisation'), cell: (r) => orgName(r.org_id) },
      { title: t('screen.attacks'), cell: (r) => num(r.incidents), class: 'num' },
    ], overview.most_attacked.slice(0, 8), t('common.none')))
    clear(sources.body, table([
      { title: t('attacks.source'), cell: (r) => h('code', null, r.source) },
      { title: t('attacks.rule'), cell: (r) => r.rules.map((x) => label('rule', x)).join(', ') },
      { title: t('screen.attacks'), cell: (r) => num(r.incidents), class: 'num' },
    ], attackers.items, t('common.none')))
    clear(latest.body, table([
      { title: t('attacks.lastSeen'), cell: (r) => shortTime(r.last_seen) },
      { title: t('attacks.rule'), cell: (r) => label('rule', r.rule) },
      { title: t('attacks.severity'), cell: (r) => severityBadge(r.severity) },
      { title: t('attacks.target'), cell: (r) => r.asset.name || r.targets[0] || '' },
    ], attacks.items.slice(0, 8), t('common.none'), (r) => `#/attacks/${r.id}`))
    drawSectors(directionBars(bySector.items, sectorName))
    drawLocalities(directionBars(byLocality.items, localityName))
    clear(collector.body, collectorHealth(exporters.items, spool))
    clear(notices.body, await noticeStatus(ctx.signal))
    stamp.textContent = t('common.refreshed', { time: new Date().toLocaleTimeString() })
  }
  await draw()
  ctx.every(REFRESH_MS, draw)
}

interface AttackSeries {
  step: number
  points: { time: string; rule: string; started: number }[]
}

interface Attacker {
  source: string
  incidents: number
  rules: string[]
}

/** Attacks started per bucket, one stacked series per rule (every incident of the range, counted by the API). */
function overTimeOption(series: AttackSeries, range: Range): ChartOption {
  const step = series.step * 1000
  const start = Math.floor(Date.parse(range.from) / step) * step
  const end = Date.parse(range.to)
  const buckets: number[] = []
  for (let x = start; x <= end; x += step) buckets.push(x)
  const rules = [...new Set(series.points.map((p) => p.rule))].sort()
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: GRID,
    xAxis: { type: 'time', min: start, max: end },
    yAxis: { type: 'value', minInterval: 1 },
    series: rules.map((rule) => {
      const counts = new Map(series.points.filter((p) => p.rule === rule).map((p) => [Date.parse(p.time), p.started]))
      return { name: label('rule', rule), type: 'bar', stack: 'rules', barMaxWidth: 28, data: buckets.map((x) => [x, counts.get(x) ?? 0]) }
    }),
  }
}

function directionBars(items: TopItem[], name: (code: string) => string): ChartOption {
  const rows = items.filter((i) => i.key !== '').slice().reverse()
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => bytes(Number(v)) },
    legend: { top: 0 },
    grid: { ...GRID, left: 8 },
    xAxis: { type: 'value', axisLabel: { formatter: (v: number) => bytes(v) } },
    yAxis: { type: 'category', data: rows.map((r) => name(r.key)) },
    series: [
      { name: t('traffic.inbound'), type: 'bar', stack: 'd', barMaxWidth: 26, data: rows.map((r) => r.inbound_bytes) },
      { name: t('traffic.outbound'), type: 'bar', stack: 'd', barMaxWidth: 26, data: rows.map((r) => r.outbound_bytes) },
    ],
  }
}

/** Spool figures from /metrics (public, Prometheus text): batches and bytes waiting on disk. */
async function spoolFigures(signal: AbortSignal): Promise<{ batches: number; bytes: number } | null> {
  try {
    const text = await (await fetch('/metrics', { signal })).text()
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN)
    const out = { batches: value('holowatch_writer_spool_batches'), bytes: value('holowatch_writer_spool_bytes') }
    return Number.isNaN(out.batches) ? null : out
  } catch {
    return null
  }
}

function collectorHealth(exporters: Exporter[], spool: { batches: number; bytes: number } | null): HTMLElement[] {
  const sum = (f: (e: Exporter) => number) => exporters.reduce((a, e) => a + f(e), 0)
  const packets = sum((e) => e.packets.netflow5 + e.packets.netflow9 + e.packets.ipfix)
  const drops = sum((e) => Object.values(e.drops).reduce((a, b) => a + b, 0))
  const gaps = sum((e) => e.sequenceGaps)
  return [
    h('div', { class: 'mini-stats' },
      stat(t('screen.exporters'), num(exporters.length)),
      stat(t('screen.packets'), compact(packets)),
      stat(t('screen.drops'), num(drops), undefined, drops > 0 ? 'warn' : undefined),
      stat(t('screen.gaps'), num(gaps)),
      stat(t('screen.spool'), spool ? `${num(spool.batches)} · ${bytes(spool.bytes)}` : '—')),
    exporters.length === 0
      ? h('p', { class: 'empty' }, t('screen.noExporters'))
      : table([
        { title: t('screen.exporters'), cell: (e) => h('code', null, e.exporter) },
        { title: t('attacks.flows'), cell: (e) => compact(e.flows), class: 'num' },
        { title: t('screen.gaps'), cell: (e) => num(e.sequenceGaps), class: 'num' },
        { title: t('attacks.lastSeen'), cell: (e) => shortTime(e.lastSeen) },
      ], exporters.slice(0, 5), ''),
  ]
}
