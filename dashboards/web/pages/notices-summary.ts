import { get } from '../api.ts'
import { h } from '../dom.ts'
import { num } from '../format.ts'
import { hasRoute } from '../features.ts'
import { label, t } from '../i18n/index.ts'
import { stat } from './common.ts'

interface Notice { state?: string; status?: string }

/** Rectification notices by state, once the health-check API offers them. */
export async function noticeStatus(signal: AbortSignal): Promise<HTMLElement> {
  if (!(await hasRoute('/notices'))) return h('p', { class: 'empty' }, t('common.unavailable'))
  const page = await get<{ items: Notice[]; total?: number }>('/notices', { limit: 500 }, signal)
  const counts = new Map<string, number>()
  for (const n of page.items) {
    const state = n.state ?? n.status ?? 'unknown'
    counts.set(state, (counts.get(state) ?? 0) + 1)
  }
  if (counts.size === 0) return h('p', { class: 'empty' }, t('health.empty'))
  return h('div', { class: 'mini-stats', 'data-testid': 'notice-status' }, [...counts].map(([state, n]) => stat(label('notice', state), num(n))))
}
