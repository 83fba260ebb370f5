import { get, request, upload } from '../api.ts'
import { clear, h, table } from '../dom.ts'
import { shortTime } from '../format.ts'
import { apiPaths } from '../features.ts'
import { label, t } from '../i18n/index.ts'
import type { PageContext } from '../page.ts'
import { findingsTable } from './findings.ts'

interface Campaign { id: string; name?: string; year?: number; state?: string; status?: string }
interface Notice { id: string; title?: string; state?: string; status?: string; organisation_id?: string; asset_id?: string; deadline?: string; due_at?: string; created_at?: string }
type Listing<T> = { items: T[] }

/**
 * Health checks: campaigns (vendors upload their scan results here, with progress), findings,
 * rectification notices (owners answer them) and risk warnings — each shown as soon as the server
 * offers its route.
 */
export async function healthPage(ctx: PageContext): Promise<void> {
  const paths = await apiPaths()
  const has = (p: string) => paths.has(`/api/v1${p}`)
  if (!has('/campaigns') && !has('/notices') && !has('/findings')) {
    clear(ctx.root, h('h1', null, t('health.title')), h('section', { class: 'panel' }, h('p', { class: 'empty' }, t('common.unavailable'))))
    return
  }
  const [campaigns, findings, notices, warnings] = await Promise.all([
    has('/campaigns') ? get<Listing<Campaign>>('/campaigns', { limit: 100 }, ctx.signal) : null,
    has('/findings') && ctx.me.role !== 'vendor' ? get<Listing<Record<string, unknown>>>('/findings', { limit: 100 }, ctx.signal) : null,
    has('/notices') && ctx.me.role !== 'vendor' ? get<Listing<Notice>>('/notices', { limit: 100 }, ctx.signal) : null,
    has('/warnings') && ctx.me.role !== 'vendor' ? get<Listing<Notice>>('/warnings', { limit: 100 }, ctx.signal) : null,
  ])
  const uploadPath = ['/campaigns/{id}/uploads', '/uploads'].find(has)
  clear(ctx.root,
    h('h1', null, t('health.title')),
    campaigns ? h('section', { class: 'panel', 'data-testid': 'campaigns' }, h('h2', null, t('health.campaigns')), table([
      { title: t('health.name'), cell: (c) => c.name ?? c.id },
      { title: t('health.year'), cell: (c) => (c.year ? String(c.year) : '') },
      { title: t('health.state'), cell: (c) => c.state ?? c.status ?? '' },
      { title: t('health.upload'), cell: (c) => (uploadPath && (ctx.me.role === 'vendor' || ctx.me.role === 'admin') ? uploadControl(uploadPath.replace('{id}', encodeURIComponent(c.id))) : '') },
    ], campaigns.items, t('health.empty'))) : null,
    findings ? h('section', { class: 'panel' }, h('h2', null, t('health.findings')), findingsTable(findings.items as never[])) : null,
    notices ? h('section', { class: 'panel', 'data-testid': 'notices' }, h('h2', null, t('health.notices')), noticeTable(notices.items, ctx, has('/notices/{id}/answer'))) : null,
    warnings ? h('section', { class: 'panel' }, h('h2', null, t('health.warnings')), noticeTable(warnings.items, ctx, false)) : null,
  )
}

function uploadControl(path: string): HTMLElement {
  const input = h('input', { type: 'file', 'aria-label': t('health.upload') })
  const bar = h('progress', { max: 100, value: 0, class: 'hidden' })
  const status = h('span', { class: 'muted small', role: 'status' }, t('health.uploadHint'))
  input.addEventListener('change', () => {
    const file = input.files?.[0]
    if (!file) return
    bar.classList.remove('hidden')
    upload<{ id?: string }>(path, 'file', file, (pct) => {
      bar.value = pct
      status.textContent = t('health.uploading', { pct })
    })
      .then((r) => (status.textContent = t('health.uploaded', { detail: r.id ?? file.name })))
      .catch((err: Error) => (status.textContent = t('common.error', { detail: err.message })))
  })
  return h('div', { class: 'upload' }, input, bar, status)
}

function noticeTable(items: Notice[], ctx: PageContext, canAnswer: boolean): HTMLElement {
  return table([
    { title: t('health.title.col'), cell: (n) => n.title ?? n.id },
    { title: t('health.state'), cell: (n) => label('notice', n.state ?? n.status ?? '') },
    { title: t('health.deadline'), cell: (n) => (n.deadline ?? n.due_at ? shortTime(n.deadline ?? n.due_at ?? '') : '') },
    { title: t('health.answer'), cell: (n) => (canAnswer && ctx.me.role === 'owner' ? answerControl(n, ctx) : '') },
  ], items, t('health.empty'))
}

function answerControl(n: Notice, ctx: PageContext): HTMLElement {
  const text = h('input', { placeholder: t('health.answerPlaceholder'), 'aria-label': t('health.answer') })
  return h('form', { class: 'inline', onsubmit: (e: Event) => {
    e.preventDefault()
    void request('POST', `/notices/${encodeURIComponent(n.id)}/answer`, { body: { answer: text.value } }).then(() => ctx.rerender())
  } }, text, h('button', { class: 'btn', type: 'submit' }, t('health.answer')))
}
