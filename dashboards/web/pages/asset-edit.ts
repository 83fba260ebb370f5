import { ApiProblem, request } from '../api.ts'
import { h } from '../dom.ts'
import { label, t } from '../i18n/index.ts'
import type { PageContext } from '../page.ts'
import type { Asset, Service } from '../types.ts'

const GRADES = ['core', 'important', 'general']
const CATEGORIES = ['website', 'business_system', 'database', 'cloud_platform', 'industrial_control', 'iot_camera', 'network_device', 'mail', 'dns', 'other']

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean)

/** "443/tcp nginx 1.24" per line ⇄ services. */
function parseServices(text: string): Service[] {
  return lines(text).map((line) => {
    const [portProto = '', product = '', ...version] = line.split(/\s+/)
    const [port = '', protocol = 'tcp'] = portProto.split('/')
    return { port: Number(port), protocol: protocol.toLowerCase(), product, version: version.join(' ') }
  })
}
const formatServices = (services: Service[]) => services.map((s) => [`${s.port}/${s.protocol}`, s.product, s.version].filter(Boolean).join(' ')).join('\n')

/**
 * The edit form: sends only the changed fields with If-Match (the ETag of the version shown).
 * When somebody else wrote first (412), it says so kindly, keeps what was typed, and offers the
 * current version to compare against.
 */
export function editForm(asset: Asset, etag: string, ctx: PageContext): HTMLElement {
  const name = h('input', { name: 'name', value: asset.name, required: true, maxlength: 200 })
  const grade = h('select', { name: 'grade' }, GRADES.map((g) => h('option', { value: g, selected: g === asset.grade }, label('grade', g))))
  const category = h('select', { name: 'category' }, CATEGORIES.map((c) => h('option', { value: c, selected: c === asset.category }, label('category', c))))
  const mlps = h('input', { name: 'mlps_level', type: 'number', min: 1, max: 5, value: asset.mlps_level })
  const networks = h('textarea', { name: 'networks', rows: 3 })
  networks.value = asset.networks.join('\n')
  const domains = h('textarea', { name: 'domains', rows: 3 })
  domains.value = asset.domains.join('\n')
  const services = h('textarea', { name: 'services', rows: 3, placeholder: '443/tcp nginx 1.24' })
  services.value = formatServices(asset.services)
  const notes = h('textarea', { name: 'notes', rows: 2 })
  notes.value = asset.notes
  const message = h('div', { role: 'alert', 'data-testid': 'edit-message' })
  const field = (caption: string, input: HTMLElement, hint?: string) => h('label', null, caption, hint ? h('span', { class: 'muted small' }, ` (${hint})`) : null, input)
  const form = h('form', { class: 'panel edit-form', 'data-testid': 'edit-form' },
    h('h2', null, t('asset.editTitle')),
    h('div', { class: 'form-grid' },
      field(t('archive.name'), name), field(t('archive.grade'), grade), field(t('archive.category'), category), field(t('archive.mlps'), mlps),
      field(t('archive.networks'), networks, t('asset.listHint')), field(t('archive.domains'), domains, t('asset.listHint')),
      field(t('asset.servicesDeclared'), services, t('asset.listHint')), field(t('archive.notes'), notes)),
    message,
    h('div', { class: 'actions' },
      h('button', { class: 'btn btn-primary', type: 'submit' }, t('common.save')),
      h('button', { class: 'btn btn-ghost', type: 'button', onclick: () => form.remove() }, t('common.cancel'))),
  )
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const next: Partial<Asset> = {
      name: name.value.trim(), grade: grade.value, category: category.value, mlps_level: Number(mlps.value),
      networks: lines(networks.value), domains: lines(domains.value), services: parseServices(services.value), notes: notes.value,
    }
    const changes = Object.fromEntries(Object.entries(next).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(asset[k as keyof Asset])))
    if (Object.keys(changes).length === 0) return form.remove()
    request<Asset>('PATCH', `/assets/${asset.id}`, { body: changes, ifMatch: etag })
      .then(() => ctx.rerender())
      .catch((err: unknown) => {
        if (err instanceof ApiProblem && err.status === 412) {
          message.className = 'notice notice-warn conflict'
          message.replaceChildren(
            h('strong', null, t('asset.conflict')), ' ',
            h('button', { class: 'btn', type: 'button', onclick: () => ctx.rerender() }, t('asset.reload')))
          return
        }
        message.className = 'notice notice-error'
        message.textContent = t('asset.invalid', { detail: err instanceof Error ? err.message : String(err) })
      })
  })
  return form
}
