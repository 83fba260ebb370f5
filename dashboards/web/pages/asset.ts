import { get, request } from '../api.ts'
import { clear, h, table } from '../dom.ts'
import { shortTime, time } from '../format.ts'
import { label, t } from '../i18n/index.ts'
import { orgName } from '../names.ts'
import type { PageContext } from '../page.ts'
import { withQuery } from '../route.ts'
import type { Asset, Attack, ObservedService, Page } from '../types.ts'
import { gradeBadge, lastYear, link, severityBadge, stateBadge } from './common.ts'
import { assetFindings } from './findings.ts'
import { editForm } from './asset-edit.ts'

/**
 * One asset: its record (as of any date), networks, services declared against services observed
 * in traffic, the attacks on it, its findings and every version. Owners and admins edit it here.
 */
export async function assetPage(ctx: PageContext): Promise<void> {
  const id = ctx.params[0]!
  const asOf = ctx.query.get('as_of') ?? undefined
  const path = `/assets/${encodeURIComponent(id)}`
  const { body: asset, etag } = await request<Asset>('GET', path, { query: { as_of: asOf }, signal: ctx.signal })
  const [history, observed, attacks, findings] = await Promise.all([
    get<{ items: Asset[] }>(`${path}/history`, {}, ctx.signal),
    get<{ items: ObservedService[] }>(`${path}/observed-services`, {}, ctx.signal),
    get<Page<Attack>>('/attacks', { asset: id, ...lastYear(), limit: 20 }, ctx.signal),
    assetFindings(id, ctx.signal),
  ])
  const canEdit = !asOf && (ctx.me.role === 'admin' || ctx.me.role === 'owner')
  const editSlot = h('div')
  const facts: [string, Node | string][] = [
    [t('archive.organisation'), link(['organisations', asset.organisation_id], orgName(asset.organisation_id))],
    [t('archive.grade'), gradeBadge(asset.grade)],
    [t('archive.category'), label('category', asset.category)],
    [t('archive.mlps'), String(asset.mlps_level)],
    [t('archive.networks'), h('code', { 'data-testid': 'asset-networks' }, asset.networks.join(', ') || '—')],
    [t('archive.domains'), asset.domains.join(', ') || '—'],
    [t('archive.tags'), asset.tags.join(', ') || '—'],
    [t('archive.status'), label('status', asset.status)],
    [t('archive.notes'), asset.notes || '—'],
    [t('archive.versionAt'), `${time(asset.version_at)} (${asset.changed_by})`],
  ]
  const asOfInput = h('input', { type: 'datetime-local', 'aria-label': t('asset.asOf') })
  clear(ctx.root,
    h('div', { class: 'title-row' },
      h('a', { class: 'btn btn-ghost', href: '#/archive' }, '← ', t('common.back')),
      h('h1', { 'data-testid': 'asset-name' }, asset.name), gradeBadge(asset.grade),
      h('div', { class: 'spacer' }),
      h('label', { class: 'inline' }, t('asset.asOf'), asOfInput,
        h('button', { class: 'btn', onclick: () => { if (asOfInput.value) location.hash = withQuery({ as_of: new Date(asOfInput.value).toISOString() }) } }, '↺'),
        asOf ? h('a', { class: 'btn', href: withQuery({ as_of: undefined }) }, t('asset.asOfNow')) : null),
      canEdit ? h('button', { class: 'btn btn-primary', 'data-testid': 'edit', onclick: () => clear(editSlot, editForm(asset, etag, ctx)) }, t('common.edit')) : null),
    asOf ? h('div', { class: 'notice notice-info' }, t('asset.viewingAsOf', { time: time(asOf) })) : null,
    editSlot,
    h('div', { class: 'grid-2' },
      h('section', { class: 'panel' }, h('h2', null, t('incident.details')), h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]))),
      h('section', { class: 'panel', 'data-testid': 'services' }, h('h2', null, `${t('asset.servicesDeclared')} / ${t('asset.servicesObserved')}`), servicesCompared(asset, observed.items))),
    h('section', { class: 'panel', 'data-testid': 'asset-attacks' }, h('h2', null, t('asset.attacks')), table([
      { title: '', cell: (a) => severityBadge(a.severity) },
      { title: t('attacks.rule'), cell: (a) => label('rule', a.rule) },
      { title: t('attacks.state'), cell: (a) => stateBadge(a.state) },
      { title: t('attacks.source'), cell: (a) => h('code', null, a.source || t('attacks.many', { n: a.source_count })) },
      { title: t('attacks.lastSeen'), cell: (a) => shortTime(a.last_seen) },
    ], attacks.items, t('attacks.empty'), (a) => `#/attacks/${a.id}`)),
    h('section', { class: 'panel' }, h('h2', null, t('asset.findings')), findings),
    h('section', { class: 'panel', 'data-testid': 'asset-history' }, h('h2', null, t('asset.history')), table([
      { title: t('archive.versionAt'), cell: (v) => h('a', { href: withQuery({ as_of: v.version_at }) }, time(v.version_at)) },
      { title: t('archive.changedBy'), cell: (v) => v.changed_by },
      { title: t('archive.name'), cell: (v) => v.name },
      { title: t('archive.grade'), cell: (v) => gradeBadge(v.grade) },
      { title: t('archive.networks'), cell: (v) => h('code', null, v.networks.join(', ')) },
      { title: t('archive.status'), cell: (v) => label('status', v.status) },
    ], [...history.items].reverse(), '—')),
  )
}

/** Declared (the owner's record) against observed (passive discovery): what matches, what is missing on either side. */
function servicesCompared(asset: Asset, observed: ObservedService[]): HTMLElement {
  interface Row { port: number; protocol: string; declared: string | null; observed: ObservedService[] }
  const rows = new Map<string, Row>()
  for (const s of asset.services) rows.set(`${s.protocol}/${s.port}`, { port: s.port, protocol: s.protocol, declared: [s.product, s.version].filter(Boolean).join(' ') || '✓', observed: [] })
  for (const o of observed) {
    const key = `${o.protocol}/${o.port}`
    const row = rows.get(key) ?? { port: o.port, protocol: o.protocol, declared: null, observed: [] }
    row.observed.push(o)
    rows.set(key, row)
  }
  return table([
    { title: t('asset.port'), cell: (r) => `${r.port}/${r.protocol}` },
    { title: t('asset.declared'), cell: (r) => r.declared ?? h('span', { class: 'badge badge-warn' }, t('asset.undeclared')) },
    { title: t('asset.observed'), cell: (r) => r.observed.length === 0 ? h('span', { class: 'badge badge-muted' }, t('asset.unseen')) : r.observed.map((o) => [o.service || '?', o.product ? ` (${o.product})` : '']).flat().join('') },
    { title: t('asset.lastSeen'), cell: (r) => (r.observed[0] ? shortTime(r.observed[0].last_seen) : '') },
  ], [...rows.values()].sort((a, b) => a.port - b.port), t('common.none'))
}

