import { request } from '../api.ts'
import { chart, GRID } from '../charts.ts'
import { clear, h, table } from '../dom.ts'
import { bytes, compact, num, protocol, time } from '../format.ts'
import { label, t } from '../i18n/index.ts'
import type { PageContext } from '../page.ts'
import type { AttackDetail } from '../types.ts'
import { gradeBadge, link, severityBadge, stateBadge } from './common.ts'
import { dispatchControl } from './dispatch.ts'
import { STATES } from './attacks.ts'

interface Sample { start: string; src: string; src_port: number; dst: string; dst_port: number; protocol: number; tcp_flags: number; packets: number; bytes: number; sensor: string }

const TCP_FLAGS = ['F', 'S', 'R', 'P', 'A', 'U', 'E', 'C']
const flags = (f: number) => TCP_FLAGS.filter((_, i) => f & (1 << i)).join('') || '·'

/** One incident: what, who, when (per-minute timeline), sources, ports, sample flows, and its workflow. */
export async function incidentPage(ctx: PageContext): Promise<void> {
  const id = ctx.params[0]!
  const { body: a } = await request<AttackDetail>('GET', `/attacks/${encodeURIComponent(id)}`, { query: { samples: 50 }, signal: ctx.signal })
  const timelineEl = h('div', { class: 'chart' })
  const canWork = ctx.me.role === 'admin' || ctx.me.role === 'analyst'
  const facts: [string, Node | string][] = [
    [t('attacks.rule'), label('rule', a.rule)],
    [t('attacks.severity'), severityBadge(a.severity)],
    [t('attacks.state'), stateBadge(a.state)],
    [t('attacks.source'), a.source ? h('code', null, a.source) : t('attacks.many', { n: a.source_count })],
    [t('incident.targets'), h('code', null, a.targets.slice(0, 12).join(', ') + (a.target_count > 12 ? ` … (${a.target_count})` : ''))],
    [t('attacks.asset'), a.asset.id ? h('span', null, link(['assets', a.asset.id], a.asset.name), ' ', gradeBadge(a.asset.grade)) : '—'],
    [t('attacks.organisation'), a.asset.organisation_id ? link(['organisations', a.asset.organisation_id], a.asset.organisation_name) : '—'],
    [t('attacks.firstSeen'), time(a.first_seen)],
    [t('attacks.lastSeen'), time(a.last_seen)],
    [t('attacks.peak'), `${compact(a.peak)} ${label('unit', a.peak_unit)}`],
    [`${t('attacks.flows')} / ${t('attacks.packets')} / ${t('attacks.bytes')}`, `${num(a.flows)} / ${num(a.packets)} / ${bytes(a.bytes)}`],
  ]
  clear(ctx.root,
    h('div', { class: 'title-row' }, h('a', { class: 'btn btn-ghost', href: '#/attacks' }, '← ', t('common.back')),
      h('h1', null, label('rule', a.rule), ' ', severityBadge(a.severity)), h('span', { class: 'muted' }, h('code', null, a.id))),
    h('div', { class: 'grid-2' },
      h('section', { class: 'panel' }, h('h2', null, t('incident.details')), h('dl', { class: 'facts', 'data-testid': 'incident-facts' }, facts.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]))),
      h('section', { class: 'panel' }, h('h2', null, t('incident.timeline')), timelineEl)),
    h('div', { class: 'grid-2' },
      h('section', { class: 'panel' }, h('h2', null, t('incident.topSources')), table([
        { title: t('attacks.source'), cell: (s) => h('code', null, s.address) },
        { title: t('attacks.flows'), cell: (s) => num(s.flows), class: 'num' },
        { title: t('attacks.packets'), cell: (s) => num(s.packets), class: 'num' },
        { title: t('attacks.bytes'), cell: (s) => bytes(s.bytes), class: 'num' },
        { title: t('incident.ports'), cell: (s) => num(s.ports), class: 'num' },
      ], a.top_sources, t('common.none'))),
      h('section', { class: 'panel' }, h('h2', null, t('incident.ports')), table([
        { title: t('asset.protocol'), cell: (p) => protocol(p.protocol) },
        { title: t('attacks.port'), cell: (p) => String(p.port), class: 'num' },
        { title: t('attacks.flows'), cell: (p) => num(p.flows), class: 'num' },
        { title: t('attacks.packets'), cell: (p) => num(p.packets), class: 'num' },
        { title: t('attacks.bytes'), cell: (p) => bytes(p.bytes), class: 'num' },
      ], a.port_list.slice(0, 20), t('common.none')))),
    h('section', { class: 'panel' }, h('h2', null, t('incident.samples')), h('div', { class: 'scroll' }, table<Sample>([
      { title: t('attacks.firstSeen'), cell: (s) => time(s.start) },
      { title: t('asset.protocol'), cell: (s) => protocol(s.protocol) },
      { title: 'src', cell: (s) => h('code', null, `${s.src}:${s.src_port}`) },
      { title: 'dst', cell: (s) => h('code', null, `${s.dst}:${s.dst_port}`) },
      { title: 'TCP', cell: (s) => h('code', null, s.protocol === 6 ? flags(s.tcp_flags) : '') },
      { title: t('attacks.packets'), cell: (s) => num(s.packets), class: 'num' },
      { title: t('attacks.bytes'), cell: (s) => bytes(s.bytes), class: 'num' },
    ], a.samples as unknown as Sample[], t('common.none')))),
    h('section', { class: 'panel', 'data-testid': 'incident-history' }, h('h2', null, t('incident.history')),
      a.history.length === 0 ? h('p', { class: 'empty' }, t('common.none')) : h('ol', { class: 'history' }, a.history.map((e) => h('li', null,
        h('span', { class: 'muted' }, time(e.at)), ' ', e.previous_state && e.previous_state !== e.state ? [stateBadge(e.previous_state), ' → '] : null, stateBadge(e.state), ' ',
        h('span', { class: 'muted' }, t('incident.by', { who: e.changed_by })), e.note ? h('blockquote', null, e.note) : null))),
      canWork ? workForm(a, ctx) : null,
      canWork ? dispatchControl(a, ctx) : null),
  )
  chart(timelineEl, ctx.cleanup)({
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: GRID,
    xAxis: { type: 'time', min: Math.floor(Date.parse(a.first_seen) / 60_000) * 60_000 - 60_000, max: Math.ceil(Date.parse(a.last_seen) / 60_000) * 60_000 + 60_000 },
    yAxis: [{ type: 'value', name: t('attacks.flows') }, { type: 'value', name: t('attacks.sources'), minInterval: 1 }],
    series: [
      { name: t('attacks.flows'), type: 'bar', barMaxWidth: 40, data: a.timeline.map((p) => [Date.parse(p.minute), p.flows]) },
      { name: t('attacks.sources'), type: 'line', yAxisIndex: 1, data: a.timeline.map((p) => [Date.parse(p.minute), p.sources]) },
    ],
  })
}

/** State change and/or note: PATCH /attacks/{id}, then the page shows the new history. */
function workForm(a: AttackDetail, ctx: PageContext): HTMLElement {
  const state = h('select', { name: 'state' }, STATES.map((s) => h('option', { value: s, selected: s === a.state }, label('state', s))))
  const note = h('textarea', { name: 'note', rows: 2, placeholder: t('incident.notePlaceholder') })
  const result = h('p', { class: 'hidden', role: 'status' })
  const form = h('form', { class: 'work-form', 'data-testid': 'work-form' },
    h('label', null, t('incident.changeState'), state), h('label', { class: 'grow' }, t('incident.note'), note),
    h('button', { class: 'btn btn-primary', type: 'submit' }, t('incident.submit')), result)
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const body: { state?: string; note?: string } = {}
    if (state.value !== a.state) body.state = state.value
    if (note.value.trim()) body.note = note.value.trim()
    if (!body.state && !body.note) return
    request('PATCH', `/attacks/${a.id}`, { body })
      .then(() => ctx.rerender())
      .catch((err: Error) => {
        result.className = 'notice notice-error'
        result.textContent = t('common.error', { detail: err.message })
      })
  })
  return form
}
