import { badge, h } from '../dom.ts'
import { label } from '../i18n/index.ts'
import { href, rangeQuery } from '../route.ts'

export const severityBadge = (s: string) => badge(`sev-${s}`, label('severity', s))
export const stateBadge = (s: string) => badge(`state-${s}`, label('state', s))
export const gradeBadge = (g: string) => (g ? badge(`grade-${g}`, label('grade', g)) : '')

export const link = (path: string[], text: string) => h('a', { href: href(path, rangeQuery()) }, text)

/** A big figure with its caption, for the wall screen. */
export function stat(caption: string, value: string, extra?: string, testid?: string): HTMLElement {
  return h('div', { class: 'stat', 'data-testid': testid },
    h('div', { class: 'stat-value' }, value),
    h('div', { class: 'stat-caption' }, caption),
    extra ? h('div', { class: 'stat-extra' }, extra) : null)
}

/** The window of the attack lists on archive pages: the last twelve months. */
export function lastYear(): { from: string; to: string } {
  const now = Date.now()
  return { from: new Date(now - 365 * 24 * 3600_000).toISOString(), to: new Date(now).toISOString() }
}
