import { request } from '../api.ts'
import { h } from '../dom.ts'
import { t } from '../i18n/index.ts'
import type { PageContext } from '../page.ts'
import type { Attack } from '../types.ts'

/** "Dispatch a rectification notice" for an incident on an archived asset (POST /notices/from-incident). */
export function dispatchControl(a: Attack, ctx: PageContext): HTMLElement | null {
  if (!a.asset.id) return null
  const result = h('span', { role: 'status' })
  const button = h('button', { class: 'btn', type: 'button', 'data-testid': 'dispatch' }, t('incident.dispatch'))
  button.addEventListener('click', () => {
    button.setAttribute('disabled', '')
    request('POST', '/notices/from-incident', { body: { incident_id: a.id } })
      .then(() => {
        result.textContent = t('incident.dispatched')
        setTimeout(() => ctx.rerender(), 800)
      })
      .catch((err: Error) => {
        button.removeAttribute('disabled')
        result.textContent = t('common.error', { detail: err.message })
      })
  })
  return h('div', { class: 'dispatch' }, button, ' ', result)
}
