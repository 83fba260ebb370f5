import { get, request, token, upload, url } from '../api.ts'
import { clear, h, table } from '../dom.ts'
import { num, shortTime } from '../format.ts'
import { label, lang, t, type MessageKey } from '../i18n/index.ts'
import type { PageContext } from '../page.ts'
import type { Campaign, Finding, Notice, Page, Upload } from '../types.ts'
import { severityBadge } from './common.ts'
import { findingsTable } from './findings.ts'

/** The next lifecycle steps of a notice or warning, and who takes them (as the API allows). */
const NEXT: Record<string, { action: string; roles: string[]; note: boolean }[]> = {
  issued: [{ action: 'acknowledge', roles: ['admin', 'owner'], note: false }],
  acknowledged: [{ action: 'report', roles: ['admin', 'owner'], note: true }],
  reported: [{ action: 'verify', roles: ['admin', 'analyst'], note: false }, { action: 'reject', roles: ['admin', 'analyst'], note: true }],
  verified: [{ action: 'close', roles: ['admin', 'analyst'], note: false }],
}

/**
 * Health checks: campaigns with their uploads (vendors upload here, with progress), findings,
 * rectification notices and risk warnings with their lifecycle (owners acknowledge and report
 * rectification, the centre verifies and closes).
 */
export async function healthPage(ctx: PageContext): Promise<void> {
  const role = ctx.me.role
  const seesCampaigns = role !== 'owner'
  const seesNotices = role !== 'vendor'
  const [campaigns, findings, notices, warnings] = await Promise.all([
    seesCampaigns ? get<{ items: Campaign[] }>('/campaigns', {}, ctx.signal) : null,
    get<Page<Finding>>('/findings', { limit: 100 }, ctx.signal),
    seesNotices ? get<Page<Notice>>('/notices', { limit: 200 }, ctx.signal) : null,
    seesNotices ? get<Page<Notice>>('/warnings', { limit: 200 }, ctx.signal) : null,
  ])
  const uploads = campaigns ? await Promise.all(campaigns.items.map((c) => get<{ items: Upload[] }>(`/campaigns/${c.id}/uploads`, {}, ctx.signal).then((r) => r.items))) : []
  clear(ctx.root,
    h('h1', null, t('health.title')),
    campaigns ? h('section', { class: 'panel', 'data-testid': 'campaigns' }, h('h2', null, t('health.campaigns')),
      campaigns.items.length === 0 ? h('p', { class: 'empty' }, t('health.empty')) : campaigns.items.map((c, i) => campaignBlock(c, uploads[i] ?? [], ctx))) : null,
    notices ? h('section', { class: 'panel', 'data-testid': 'notices' }, h('h2', null, t('health.notices')), noticeTable('/notices', notices.items, ctx)) : null,
    warnings ? h('section', { class: 'panel', 'data-testid': 'warnings' }, h('h2', null, t('health.warnings')), noticeTable('/warnings', warnings.items, ctx)) : null,
    h('section', { class: 'panel', 'data-testid': 'findings' }, h('h2', null, `${t('health.findings')} (${num(findings.total)})`),
      findingsTable(findings.items, t('health.empty'), role === 'admin' || role === 'analyst'
        ? (f) => centreAction(t('health.warnSimilar'), '/warnings', { finding_id: f.id }, (r: { items: unknown[]; assets: unknown[] }) => t('health.warned', { n: r.items.length, assets: r.assets.length }), ctx)
        : undefined)),
  )
}

function campaignBlock(c: Campaign, uploads: Upload[], ctx: PageContext): HTMLElement {
  const canUpload = (ctx.me.role === 'vendor' || ctx.me.role === 'admin') && c.status !== 'closed'
  return h('div', { class: 'campaign' },
    h('div', { class: 'title-row' }, h('h3', null, c.name), h('span', { class: 'badge badge-muted' }, String(c.year)), h('span', { class: 'muted' }, label('campaign', c.status)),
      h('span', { class: 'muted small' }, `${t('health.vendors')}: ${c.vendors.join(', ') || '—'}`)),
    canUpload ? uploadControl(c, ctx) : null,
    ctx.me.role === 'admin' || ctx.me.role === 'analyst' ? centreAction(t('health.issueNotices'), `/campaigns/${encodeURIComponent(c.id)}/notices`, {}, (r: { items: unknown[] }) => t('health.issued', { n: r.items.length }), ctx) : null,
    table<Upload>([
      { title: t('health.file'), cell: (u) => u.file_name },
      { title: '', cell: (u) => u.format },
      { title: t('health.vendors'), cell: (u) => u.vendor },
      { title: t('health.uploadedAt'), cell: (u) => shortTime(u.uploaded_at) },
      { title: t('health.host'), cell: (u) => num(u.hosts), class: 'num' },
      { title: t('health.findingsCount'), cell: (u) => num(u.findings), class: 'num' },
    ], uploads, t('health.empty')))
}

function uploadControl(c: Campaign, ctx: PageContext): HTMLElement {
  const input = h('input', { type: 'file', name: 'report', 'aria-label': t('health.upload') })
  const bar = h('progress', { max: 100, value: 0, class: 'hidden' })
  const status = h('span', { class: 'muted small', role: 'status' }, t('health.uploadHint'))
  input.addEventListener('change', () => {
    const file = input.files?.[0]
    if (!file) return
    bar.classList.remove('hidden')
    upload<{ status: string; upload: Upload }>(`/campaigns/${encodeURIComponent(c.id)}/uploads`, 'file', file, (pct) => {
      bar.value = pct
      status.textContent = t('health.uploading', { pct })
    })
      .then((r) => {
        status.textContent = t('health.uploaded', { detail: `${r.upload.file_name}: ${r.upload.findings} ${t('health.findingsCount')}` })
        setTimeout(() => ctx.rerender(), 1500)
      })
      .catch((err: Error) => (status.textContent = t('common.error', { detail: err.message })))
  })
  return h('div', { class: 'upload' }, h('strong', null, t('health.upload')), input, bar, status)
}

function noticeTable(path: string, items: Notice[], ctx: PageContext): HTMLElement {
  return table<Notice>([
    { title: t('health.number'), cell: (n) => h('code', null, n.number) },
    { title: t('health.title.col'), cell: (n) => n.title },
    { title: t('health.organisation'), cell: (n) => n.org_name },
    { title: t('health.severity'), cell: (n) => severityBadge(n.severity) },
    { title: t('health.state'), cell: (n) => h('span', null, h('span', { class: `badge badge-notice-${n.state}` }, label('notice', n.state)), n.overdue ? [' ', h('span', { class: 'badge badge-sev-critical' }, t('health.overdue'))] : null) },
    { title: t('health.due'), cell: (n) => shortTime(n.due_at) },
    { title: t('health.action'), cell: (n) => actions(path, n, ctx) },
    { title: '', cell: (n) => h('button', { class: 'btn btn-ghost', type: 'button', onclick: () => void printable(`${path}/${encodeURIComponent(n.id)}/document`) }, t('health.print')) },
  ], items, t('health.empty'))
}

function actions(path: string, n: Notice, ctx: PageContext): HTMLElement | string {
  const steps = (NEXT[n.state] ?? []).filter((s) => s.roles.includes(ctx.me.role))
  if (steps.length === 0) return ''
  const note = steps.some((s) => s.note) ? h('input', { name: 'note', placeholder: t('health.answerPlaceholder'), 'aria-label': t('health.answer') }) : null
  const result = h('span', { class: 'small', role: 'status' })
  return h('div', { class: 'notice-actions' }, note, steps.map((s) => h('button', {
    class: 'btn', type: 'button', 'data-action': s.action,
    onclick: () => {
      request('POST', `${path}/${encodeURIComponent(n.id)}/${s.action}`, { body: note?.value.trim() ? { note: note.value.trim() } : {} })
        .then(() => ctx.rerender())
        .catch((err: Error) => (result.textContent = err.message))
    },
  }, t(`action.${s.action}` as MessageKey))), result)
}

/** A centre action (issue notices, warn similar assets): one POST, its outcome in words, then the page again. */
function centreAction<T>(caption: string, path: string, body: object, done: (result: T) => string, ctx: PageContext): HTMLElement {
  const result = h('span', { class: 'small', role: 'status' })
  const button = h('button', { class: 'btn', type: 'button' }, caption)
  button.addEventListener('click', () => {
    button.setAttribute('disabled', '')
    request<T>('POST', path, { body })
      .then((r) => {
        result.textContent = done(r.body)
        setTimeout(() => ctx.rerender(), 1200)
      })
      .catch((err: Error) => {
        button.removeAttribute('disabled')
        result.textContent = t('common.error', { detail: err.message })
      })
  })
  return h('span', { class: 'centre-action' }, button, ' ', result)
}

/** The printable notice (A4 HTML, in the reader's language) in a new tab: fetched with the token, shown from a blob. */
async function printable(path: string): Promise<void> {
  const tab = window.open('', '_blank')
  const res = await fetch(url(path, { lang: lang() === 'zh-CN' ? 'zh' : 'en' }), { headers: { authorization: `Bearer ${token() ?? ''}` } })
  const html = await res.blob()
  if (tab) tab.location.href = URL.createObjectURL(html)
}
