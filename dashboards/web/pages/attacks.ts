import { get } from '../api.ts'
import { clear, h, table, type Column } from '../dom.ts'
import { bytes, compact, shortTime } from '../format.ts'
import { label, t, type MessageKey } from '../i18n/index.ts'
import { localityCodes, localityName, sectorCodes, sectorName } from '../names.ts'
import type { PageContext } from '../page.ts'
import { withQuery } from '../route.ts'
import type { Attack, Page } from '../types.ts'
import { gradeBadge, severityBadge, stateBadge } from './common.ts'

export const RULES = ['port_scan', 'host_sweep', 'flood', 'amplification', 'brute_force', 'threat_intel', 'exposed_service']
export const SEVERITIES = ['critical', 'high', 'medium', 'low']
export const STATES = ['open', 'acknowledged', 'resolved', 'false_positive']
const SORTS = ['last_seen', 'first_seen', 'severity', 'peak', 'packets', 'bytes', 'sources']
const PAGE_SIZE = 25

/** Attacks (incidents): filter by anything the API filters on, sort by a column, page through. */
export async function attacksPage(ctx: PageContext): Promise<void> {
  const q = ctx.query
  const sort = SORTS.includes(q.get('sort') ?? '') ? q.get('sort')! : 'last_seen'
  const order = q.get('order') === 'asc' ? 'asc' : 'desc'
  const offset = Math.max(0, Number(q.get('offset') ?? 0) || 0)
  const filters = {
    rule: q.get('rule') ?? '', severity: q.get('severity') ?? '', state: q.get('state') ?? '', source: q.get('source') ?? '',
    port: q.get('port') ?? '', sector: q.get('sector') ?? '', locality: q.get('locality') ?? '', asset: q.get('asset') ?? '', organisation: q.get('organisation') ?? '',
  }
  const page = await get<Page<Attack>>('/attacks', {
    from: ctx.range.from, to: ctx.range.to, sort, order, limit: PAGE_SIZE, offset,
    rule: filters.rule ? [filters.rule] : undefined, severity: filters.severity ? [filters.severity] : undefined, state: filters.state ? [filters.state] : undefined,
    source: filters.source, port: filters.port, sector: filters.sector, locality: filters.locality, asset: filters.asset, organisation: filters.organisation,
  }, ctx.signal)

  const choice = (name: keyof typeof filters, caption: MessageKey, values: string[], text: (v: string) => string) =>
    h('label', null, t(caption), h('select', { name, onchange: (e: Event) => (location.hash = withQuery({ [name]: (e.target as HTMLSelectElement).value, offset: undefined })) },
      h('option', { value: '' }, t('common.all')), values.map((v) => h('option', { value: v, selected: v === filters[name] }, text(v)))))
  const textFilter = (name: keyof typeof filters, caption: MessageKey, type = 'text') =>
    h('label', null, t(caption), h('input', { name, type, value: filters[name], onchange: (e: Event) => (location.hash = withQuery({ [name]: (e.target as HTMLInputElement).value.trim(), offset: undefined })) }))
  const sortable = (key: string, caption: MessageKey): string => `${t(caption)}${sort === key ? (order === 'desc' ? ' ▼' : ' ▲') : ''}`
  const head = (key: string, caption: MessageKey) => h('a', { href: withQuery({ sort: key, order: sort === key && order === 'desc' ? 'asc' : 'desc', offset: undefined }) }, sortable(key, caption))

  const columns: Column<Attack>[] = [
    { title: '', cell: (a) => severityBadge(a.severity) },
    { title: t('attacks.rule'), cell: (a) => h('a', { href: `#/attacks/${a.id}` }, label('rule', a.rule)) },
    { title: t('attacks.state'), cell: (a) => stateBadge(a.state) },
    { title: t('attacks.source'), cell: (a) => (a.source ? h('code', null, a.source) : t('attacks.many', { n: a.source_count })) },
    { title: t('attacks.target'), cell: (a) => h('span', null, a.asset.name || a.targets[0] || '', ' ', gradeBadge(a.asset.grade)) },
    { title: t('attacks.organisation'), cell: (a) => a.asset.organisation_name },
    { title: t('attacks.port'), cell: (a) => a.ports.slice(0, 4).join(', ') + (a.ports.length > 4 ? ' …' : '') },
    { title: t('attacks.peak'), cell: (a) => `${compact(a.peak)} ${label('unit', a.peak_unit)}`, class: 'num' },
    { title: t('attacks.bytes'), cell: (a) => bytes(a.bytes), class: 'num' },
    { title: t('attacks.lastSeen'), cell: (a) => shortTime(a.last_seen) },
  ]
  const list = table(columns, page.items, t('attacks.empty'), (a) => `#/attacks/${a.id}`)
  const headers = list.querySelectorAll('th')
  const sortAt: Record<number, [string, MessageKey]> = { 0: ['severity', 'attacks.severity'], 7: ['peak', 'attacks.peak'], 8: ['bytes', 'attacks.bytes'], 9: ['last_seen', 'attacks.lastSeen'] }
  for (const [i, [key, caption]] of Object.entries(sortAt)) headers[Number(i)]?.replaceChildren(head(key, caption))

  clear(ctx.root,
    h('h1', null, t('attacks.title')),
    h('div', { class: 'filters', 'data-testid': 'filters' },
      choice('rule', 'attacks.rule', RULES, (v) => label('rule', v)),
      choice('severity', 'attacks.severity', SEVERITIES, (v) => label('severity', v)),
      choice('state', 'attacks.state', STATES, (v) => label('state', v)),
      ctx.me.role === 'owner' ? null : choice('sector', 'attacks.sector', sectorCodes(), sectorName),
      ctx.me.role === 'owner' ? null : choice('locality', 'attacks.locality', localityCodes(), localityName),
      textFilter('source', 'attacks.source'),
      textFilter('port', 'attacks.port', 'number'),
    ),
    h('section', { class: 'panel', 'data-testid': 'attack-list' }, list, pager(page)),
  )
}

export function pager(page: { total: number; limit: number; offset: number }): HTMLElement | null {
  if (page.total <= page.limit && page.offset === 0) return h('p', { class: 'muted small' }, t('common.page', { from: page.total ? 1 : 0, to: page.total, total: page.total }))
  const prev = Math.max(0, page.offset - page.limit)
  const next = page.offset + page.limit
  return h('div', { class: 'pager' },
    h('a', { class: `btn ${page.offset === 0 ? 'disabled' : ''}`, href: withQuery({ offset: String(prev) }) }, t('common.prev')),
    h('span', { class: 'muted' }, t('common.page', { from: page.offset + 1, to: Math.min(page.total, next), total: page.total })),
    h('a', { class: `btn ${next >= page.total ? 'disabled' : ''}`, href: withQuery({ offset: String(next) }) }, t('common.next')))
}
