import { get, request } from '../api.ts'
import { clear, h, table } from '../dom.ts'
import { shortTime, time } from '../format.ts'
import { label, t } from '../i18n/index.ts'
import { localityName, sectorName } from '../names.ts'
import type { PageContext } from '../page.ts'
import type { Asset, Attack, Organisation, Page } from '../types.ts'
import { gradeBadge, lastYear, link, severityBadge } from './common.ts'

/** One organisation: its record, chief security officer and contacts, assets and the attacks on them. */
export async function organisationPage(ctx: PageContext): Promise<void> {
  const id = ctx.params[0]!
  const { body: o } = await request<Organisation>('GET', `/organisations/${encodeURIComponent(id)}`, { signal: ctx.signal })
  const [assets, attacks] = await Promise.all([
    get<Page<Asset>>('/assets', { organisation: id, limit: 200, sort: 'name', order: 'asc' }, ctx.signal),
    get<Page<Attack>>('/attacks', { organisation: id, ...lastYear(), limit: 20 }, ctx.signal),
  ])
  const facts: [string, string][] = [
    [t('archive.creditCode'), o.credit_code],
    [t('archive.sector'), sectorName(o.sector)],
    [t('archive.locality'), localityName(o.locality)],
    [t('archive.address'), o.address],
    [t('archive.allocations'), o.allocations.join(', ')],
    [t('archive.cso'), [o.cso.name, o.cso.phone, o.cso.email].filter(Boolean).join(' · ')],
    [t('archive.status'), label('status', o.status)],
    [t('archive.versionAt'), `${time(o.version_at)} (${o.changed_by})`],
  ]
  clear(ctx.root,
    h('div', { class: 'title-row' }, h('a', { class: 'btn btn-ghost', href: '#/archive?tab=organisations' }, '← ', t('common.back')), h('h1', null, o.name)),
    h('div', { class: 'grid-2' },
      h('section', { class: 'panel' }, h('h2', null, t('archive.organisation')), h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', null, k), h('dd', null, v || '—')]))),
      h('section', { class: 'panel' }, h('h2', null, t('archive.contacts')), table([
        { title: t('archive.name'), cell: (c) => c.name }, { title: '', cell: (c) => c.role }, { title: '☎', cell: (c) => c.phone }, { title: '✉', cell: (c) => c.email },
      ], o.contacts, '—'))),
    h('section', { class: 'panel', 'data-testid': 'org-assets' }, h('h2', null, t('archive.assets')), table([
      { title: t('archive.name'), cell: (a) => link(['assets', a.id], a.name) },
      { title: t('archive.grade'), cell: (a) => gradeBadge(a.grade) },
      { title: t('archive.category'), cell: (a) => label('category', a.category) },
      { title: t('archive.networks'), cell: (a) => h('code', null, a.networks.join(', ')) },
    ], assets.items, t('archive.empty'), (a) => `#/assets/${a.id}`)),
    h('section', { class: 'panel' }, h('h2', null, t('org.attacks')), table([
      { title: '', cell: (a) => severityBadge(a.severity) },
      { title: t('attacks.rule'), cell: (a) => label('rule', a.rule) },
      { title: t('attacks.target'), cell: (a) => a.asset.name },
      { title: t('attacks.lastSeen'), cell: (a) => shortTime(a.last_seen) },
    ], attacks.items, t('attacks.empty'), (a) => `#/attacks/${a.id}`)),
  )
}
