import { get } from '../api.ts'
import { h } from '../dom.ts'
import { num } from '../format.ts'
import { label, t } from '../i18n/index.ts'
import type { Notice, Page } from '../types.ts'
import { stat } from './common.ts'

const STATES = ['issued', 'acknowledged', 'reported', 'verified', 'closed']

/** Rectification notices by lifecycle state, with how many are overdue. */
export async function noticeStatus(signal: AbortSignal): Promise<HTMLElement> {
  const page = await get<Page<Notice>>('/notices', { limit: 1000 }, signal)
  const counts = new Map<string, number>(STATES.map((s) => [s, 0]))
  for (const n of page.items) counts.set(n.state, (counts.get(n.state) ?? 0) + 1)
  const overdue = page.items.filter((n) => n.overdue).length
  return h('div', { 'data-testid': 'notice-status' },
    h('div', { class: 'mini-stats' }, [...counts].map(([state, n]) => stat(label('notice', state), num(n)))),
    h('p', { class: overdue > 0 ? 'notice notice-warn' : 'muted small' }, `${t('health.notices')}: ${num(page.total)} · ${t('screen.overdue', { n: overdue })}`))
}
