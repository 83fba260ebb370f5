import { get } from '../api.ts'
import { clear, h, table } from '../dom.ts'
import { label, t } from '../i18n/index.ts'
import { localityCodes, localityName, orgName, sectorCodes, sectorName } from '../names.ts'
import type { PageContext } from '../page.ts'
import { withQuery } from '../route.ts'
import type { Asset, Organisation, Page } from '../types.ts'
import { pager } from './attacks.ts'
import { gradeBadge, link } from './common.ts'

const PAGE_SIZE = 25
const GRADES = ['core', 'important', 'general']

/** The archive: organisations and assets, searchable (name, IP, domain) and filtered. */
export async function archivePage(ctx: PageContext): Promise<void> {
  const q = ctx.query
  const tab = q.get('tab') === 'organisations' ? 'organisations' : 'assets'
  const search = q.get('q') ?? ''
  const offset = Math.max(0, Number(q.get('offset') ?? 0) || 0)
  const sector = q.get('sector') ?? ''
  const locality = q.get('locality') ?? ''
  const grade = q.get('grade') ?? ''
  const common = { q: search || undefined, limit: PAGE_SIZE, offset, sector, locality, sort: 'name', order: 'asc' }
  let body: HTMLElement
  if (tab === 'assets') {
    // An address searches by IP (the archive matches it against every network), anything else by name or domain.
    const ip = /^[\d.]+$|:/.test(search) ? search : undefined
    const page = await get<Page<Asset>>('/assets', { ...common, q: ip ? undefined : common.q, ip, grade }, ctx.signal)
    body = h('div', null, table([
      { title: t('archive.name'), cell: (a) => link(['assets', a.id], a.name) },
      { title: t('archive.grade'), cell: (a) => gradeBadge(a.grade) },
      { title: t('archive.category'), cell: (a) => label('category', a.category) },
      { title: t('archive.organisation'), cell: (a) => orgName(a.organisation_id) },
      { title: t('archive.networks'), cell: (a) => h('code', null, a.networks.slice(0, 3).join(', ') + (a.networks.length > 3 ? ' …' : '')) },
      { title: t('archive.status'), cell: (a) => label('status', a.status) },
    ], page.items, t('archive.empty'), (a) => `#/assets/${a.id}`), pager(page))
  } else {
    const page = await get<Page<Organisation>>('/organisations', common, ctx.signal)
    body = h('div', null, table([
      { title: t('archive.name'), cell: (o) => link(['organisations', o.id], o.name) },
      { title: t('archive.sector'), cell: (o) => sectorName(o.sector) },
      { title: t('archive.locality'), cell: (o) => localityName(o.locality) },
      { title: t('archive.cso'), cell: (o) => o.cso.name },
      { title: t('archive.creditCode'), cell: (o) => h('code', null, o.credit_code) },
      { title: t('archive.status'), cell: (o) => label('status', o.status) },
    ], page.items, t('archive.empty'), (o) => `#/organisations/${o.id}`), pager(page))
  }
  const input = h('input', { type: 'search', name: 'q', value: search, placeholder: t('archive.search'), 'aria-label': t('common.search') })
  const form = h('form', { class: 'filters' },
    h('div', { class: 'tabs', role: 'tablist' },
      (['assets', 'organisations'] as const).map((name) => h('a', { role: 'tab', class: name === tab ? 'active' : undefined, href: withQuery({ tab: name, offset: undefined }) }, t(name === 'assets' ? 'archive.assets' : 'archive.organisations')))),
    input,
    h('button', { class: 'btn', type: 'submit' }, t('common.search')),
    ctx.me.role === 'owner' ? null : select('sector', sector, sectorCodes(), sectorName),
    ctx.me.role === 'owner' ? null : select('locality', locality, localityCodes(), localityName),
    tab === 'assets' ? select('grade', grade, GRADES, (g) => label('grade', g)) : null,
  )
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    location.hash = withQuery({ q: input.value.trim(), offset: undefined })
  })
  clear(ctx.root, h('h1', null, t('archive.title')), form, h('section', { class: 'panel', 'data-testid': 'archive-list' }, body))
}

function select(name: string, value: string, values: string[], text: (v: string) => string): HTMLElement {
  return h('select', { name, 'aria-label': name, onchange: (e: Event) => (location.hash = withQuery({ [name]: (e.target as HTMLSelectElement).value, offset: undefined })) },
    h('option', { value: '' }, `${t('common.all')}`), values.map((v) => h('option', { value: v, selected: v === value }, text(v))))
}
