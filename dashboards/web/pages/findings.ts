import { get } from '../api.ts'
import { h, table } from '../dom.ts'
import { hasRoute } from '../features.ts'
import { label, t } from '../i18n/index.ts'
import { severityBadge } from './common.ts'

interface Finding { id: string; title?: string; name?: string; severity?: string; state?: string; port?: number; asset_id?: string }

/** The health-check findings on one asset, once the server offers /findings. */
export async function assetFindings(assetId: string, signal: AbortSignal): Promise<HTMLElement> {
  if (!(await hasRoute('/findings'))) return h('p', { class: 'empty' }, t('common.unavailable'))
  const page = await get<{ items: Finding[] }>('/findings', { asset: assetId, limit: 100 }, signal)
  return findingsTable(page.items)
}

export function findingsTable(items: Finding[]): HTMLElement {
  return table([
    { title: t('health.severity'), cell: (f) => (f.severity ? severityBadge(f.severity) : '') },
    { title: t('health.title.col'), cell: (f) => f.title ?? f.name ?? f.id },
    { title: t('asset.port'), cell: (f) => (f.port ? String(f.port) : '') },
    { title: t('health.state'), cell: (f) => (f.state ? label('finding', f.state) : '') },
  ], items, t('asset.noFindings'))
}
