import { request } from '../api.ts'
import { h } from '../dom.ts'
import { hasRoute } from '../features.ts'
import { t } from '../i18n/index.ts'
import type { PageContext } from '../page.ts'
import type { Attack } from '../types.ts'

/**
 * "Dispatch a rectification notice" for an incident on an archived asset, when the server has
 * the notices API (POST /attacks/{id}/notice); nothing otherwise.
 */
export async function dispatchControl(a: Attack, _ctx: PageContext): Promise<HTMLElement | null> {
  if (!a.asset.id || !(await hasRoute('/attacks/{id}/notice'))) return null
  const result = h('span', { role: 'status' })
  const button = h('button', { class: 'btn', type: 'button' }, t('incident.dispatch'))
  button.addEventListener('click', () => {
    button.setAttribute('disabled', '')
    request('POST', `/attacks/${a.id}/notice`, { body: {} })
      .then(() => (result.textContent = t('incident.dispatched')))
      .catch((err: Error) => {
        button.removeAttribute('disabled')
        result.textContent = t('common.error', { detail: err.message })
      })
  })
  return h('div', { class: 'dispatch' }, button, ' ', result)
}
