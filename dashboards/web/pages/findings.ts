import { get } from '../api.ts'
import { h, table } from '../dom.ts'
import { shortTime } from '../format.ts'
import { label, t } from '../i18n/index.ts'
import type { Finding, Page } from '../types.ts'
import { link, severityBadge } from './common.ts'

/** The health-check findings on one asset. */
export async function assetFindings(assetId: string, signal: AbortSignal): Promise<HTMLElement> {
  const page = await get<Page<Finding>>('/findings', { asset: assetId, limit: 100 }, signal)
  return findingsTable(page.items, t('asset.noFindings'))
}

export function findingsTable(items: Finding[], empty = t('health.empty'), action?: (f: Finding) => HTMLElement): HTMLElement {
  return table<Finding>([
    { title: t('health.severity'), cell: (f) => severityBadge(f.severity) },
    { title: t('health.title.col'), cell: (f) => f.title },
    { title: t('health.host'), cell: (f) => h('code', null, `${f.address || f.host}${f.port ? `:${f.port}/${f.protocol}` : ''}`) },
    { title: t('attacks.asset'), cell: (f) => (f.asset_id ? link(['assets', f.asset_id], f.asset_name) : '—') },
    { title: t('health.cves'), cell: (f) => f.cves.slice(0, 3).join(', ') },
    { title: t('health.state'), cell: (f) => label('finding', f.state) },
    { title: t('attacks.lastSeen'), cell: (f) => shortTime(f.last_seen) },
    ...(action ? [{ title: '', cell: action }] : []),
  ], items, empty)
}
