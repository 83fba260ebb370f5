import { ApiProblem } from './api.ts'
import { h } from './dom.ts'
import { t } from './i18n/index.ts'
import type { Range } from './range.ts'
import type { Me } from './types.ts'

/** What a page gets: where to draw, the route, who is looking, the time range, and teardown hooks. */
export interface PageContext {
  root: HTMLElement
  params: string[]
  query: URLSearchParams
  me: Me
  range: Range
  signal: AbortSignal
  /** Runs `fn` when the page is left (charts, timers). */
  cleanup(fn: () => void): void
  /** Calls `fn` every `ms` while the page is shown (auto-refresh). */
  every(ms: number, fn: () => Promise<void>): void
  /** Draws the page again (after a write). */
  rerender(): void
}

export type PageRender = (ctx: PageContext) => Promise<void>

/** The message for a failed load: the server's reason, or the kind words for 403 and 404. */
export function errorBox(err: unknown): HTMLElement {
  if (err instanceof ApiProblem && err.status === 404) return h('div', { class: 'notice notice-warn', role: 'alert' }, t('common.notFound'))
  if (err instanceof ApiProblem && err.status === 403) return h('div', { class: 'notice notice-warn', role: 'alert' }, t('common.forbidden'))
  const detail = err instanceof Error ? err.message : String(err)
  return h('div', { class: 'notice notice-error', role: 'alert' }, t('common.error', { detail }))
}

/** Fills `el` with the result of `load`, or with the error box when it fails. */
export async function section(el: HTMLElement, load: () => Promise<Node | Node[]>): Promise<void> {
  try {
    const out = await load()
    el.replaceChildren(...(Array.isArray(out) ? out : [out]))
  } catch (err) {
    if ((err as Error).name === 'AbortError') return
    el.replaceChildren(errorBox(err))
  }
}
