import { h } from '../dom.ts'
import { lang, setLang, t } from '../i18n/index.ts'

/** The sign-in card: a token, kept in sessionStorage for this tab only. */
export function loginPage(submit: (token: string) => Promise<boolean>): HTMLElement {
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'off', placeholder: 'hw_…', required: true, 'aria-label': t('login.token') })
  const error = h('p', { class: 'notice notice-error hidden', role: 'alert' })
  const form = h('form', { class: 'login-card' },
    h('div', { class: 'login-brand' }, h('span', { class: 'logo' }, '◉'), t('app.name')),
    h('p', { class: 'muted' }, t('app.tagline')),
    h('h1', null, t('login.title')),
    h('label', null, t('login.token'), input),
    error,
    h('button', { class: 'btn btn-primary', type: 'submit' }, t('login.submit')),
    h('p', { class: 'muted small' }, t('login.hint')),
    h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'lang', onclick: () => { setLang(lang() === 'zh-CN' ? 'en' : 'zh-CN'); location.reload() } }, t('lang.switch')),
  )
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    void submit(input.value.trim()).then((ok) => {
      if (ok) return
      error.textContent = t('login.bad', { detail: 'HTTP 401' })
      error.classList.remove('hidden')
    })
  })
  return h('div', { class: 'login' }, form)
}
