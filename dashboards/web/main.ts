import { get, setToken, token, whenUnauthorized } from './api.ts'
import { clear, h } from './dom.ts'
import { lang, setLang, t, type MessageKey } from './i18n/index.ts'
import { errorBox, type PageContext, type PageRender } from './page.ts'
import { archivePage } from './pages/archive.ts'
import { assetPage } from './pages/asset.ts'
import { attacksPage } from './pages/attacks.ts'
import { healthPage } from './pages/health.ts'
import { incidentPage } from './pages/incident.ts'
import { loginPage } from './pages/login.ts'
import { organisationPage } from './pages/organisation.ts'
import { screenPage } from './pages/screen.ts'
import { trafficPage } from './pages/traffic.ts'
import { forgetNames, loadNames } from './names.ts'
import { PRESETS, presetLabel, rangeOf } from './range.ts'
import { currentRoute, href, rangeQuery, withQuery } from './route.ts'
import type { Me, Role } from './types.ts'

interface PageDef {
  render: PageRender
  roles: Role[]
  nav?: MessageKey
  /** Whether the page reads the time range (shows the range picker). */
  ranged: boolean
}

const CENTRE: Role[] = ['admin', 'analyst']
const READERS: Role[] = ['admin', 'analyst', 'owner']

/** First path segment → page. Sub-pages (attacks/ID) are told apart by their parameters. */
const PAGES: Record<string, PageDef> = {
  screen: { render: screenPage, roles: CENTRE, nav: 'nav.screen', ranged: true },
  attacks: { render: (ctx) => (ctx.params.length > 0 ? incidentPage(ctx) : attacksPage(ctx)), roles: READERS, nav: 'nav.attacks', ranged: true },
  archive: { render: archivePage, roles: READERS, nav: 'nav.archive', ranged: false },
  organisations: { render: organisationPage, roles: READERS, ranged: false },
  assets: { render: assetPage, roles: READERS, ranged: false },
  traffic: { render: trafficPage, roles: READERS, nav: 'nav.traffic', ranged: true },
  health: { render: healthPage, roles: ['admin', 'analyst', 'owner', 'vendor'], nav: 'nav.health', ranged: false },
}

const HOME: Record<Role, string> = { admin: 'screen', analyst: 'screen', owner: 'archive', vendor: 'health', sensor: 'health' }

const app = document.getElementById('app')!
let me: Me | null = null
const teardown: (() => void)[] = []
let controller = new AbortController()

function leavePage(): void {
  controller.abort()
  controller = new AbortController()
  for (const fn of teardown.splice(0)) fn()
}

async function signIn(): Promise<Me | null> {
  if (!token()) return null
  try {
    me = await get<Me>('/me')
    if (me.role !== 'vendor' && me.role !== 'sensor') await loadNames()
    return me
  } catch {
    setToken(null)
    return null
  }
}

function signOut(): void {
  setToken(null)
  me = null
  forgetNames()
  location.hash = '#/'
  void render()
}

whenUnauthorized(signOut)

function rangePicker(query: URLSearchParams): HTMLElement {
  const range = rangeOf(query)
  const select = h('select', { 'aria-label': t('range.label'), 'data-testid': 'range' },
    [...PRESETS, 'custom' as const].map((p) => h('option', { value: p, selected: p === range.preset }, t(presetLabel(p)))))
  const local = (iso: string) => new Date(Date.parse(iso) - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
  const from = h('input', { type: 'datetime-local', value: local(range.from), 'aria-label': t('range.from') })
  const to = h('input', { type: 'datetime-local', value: local(range.to), 'aria-label': t('range.to') })
  const custom = h('span', { class: range.preset === 'custom' ? 'custom-range' : 'custom-range hidden' }, from, to,
    h('button', { class: 'btn', onclick: () => (location.hash = withQuery({ range: undefined, from: new Date(from.value).toISOString(), to: new Date(to.value).toISOString() })) }, t('range.apply')))
  select.addEventListener('change', () => {
    if (select.value === 'custom') custom.classList.remove('hidden')
    else location.hash = withQuery({ range: select.value, from: undefined, to: undefined })
  })
  return h('div', { class: 'range' }, select, custom)
}

function header(active: string, def: PageDef | undefined, query: URLSearchParams): HTMLElement {
  const nav = Object.entries(PAGES).filter(([, p]) => p.nav && me && p.roles.includes(me.role))
  return h('header', { class: 'topbar' },
    h('a', { class: 'brand', href: '#/' }, h('span', { class: 'logo' }, '◉'), t('app.name')),
    h('nav', null, nav.map(([name, p]) => h('a', { href: href([name], rangeQuery()), class: name === active || (active === 'assets' || active === 'organisations' ? name === 'archive' : false) ? 'active' : undefined }, t(p.nav!)))),
    h('div', { class: 'spacer' }),
    def?.ranged ? rangePicker(query) : null,
    h('button', { class: 'btn btn-ghost', 'data-testid': 'lang', onclick: () => { setLang(lang() === 'zh-CN' ? 'en' : 'zh-CN'); void render() } }, t('lang.switch')),
    me ? h('span', { class: 'who' }, me.name, ' · ', t(`role.${me.role}` as MessageKey)) : null,
    h('button', { class: 'btn btn-ghost', onclick: signOut }, t('nav.logout')),
  )
}

async function render(): Promise<void> {
  leavePage()
  document.documentElement.lang = lang()
  document.title = t('app.name')
  if (!me && !(await signIn())) {
    clear(app, loginPage(async (value) => {
      setToken(value)
      const who = await signIn()
      if (who) void render()
      return who !== null
    }))
    return
  }
  const user = me!
  const { path, query } = currentRoute()
  const [name = HOME[user.role], ...params] = path
  const def = PAGES[name]
  const main = h('main', { class: `page page-${name}` })
  clear(app, header(name, def, query), main)
  const ready = () => {
    main.setAttribute('data-route', location.hash)
    main.setAttribute('data-ready', 'true')
  }
  if (!def || !def.roles.includes(user.role)) {
    clear(main, def ? h('div', { class: 'notice notice-warn', role: 'alert' }, t('common.forbidden')) : errorBox(new Error(`no page ${name}`)))
    return ready()
  }
  const ctx: PageContext = {
    root: main, params, query, me: user, range: rangeOf(query), signal: controller.signal,
    cleanup: (fn) => teardown.push(fn),
    every: (ms, fn) => {
      const timer = setInterval(() => void fn().catch(() => undefined), ms)
      teardown.push(() => clearInterval(timer))
    },
    rerender: () => void render(),
  }
  clear(main, h('p', { class: 'loading' }, t('common.loading')))
  try {
    await def.render(ctx)
  } catch (err) {
    if ((err as Error).name !== 'AbortError') clear(main, errorBox(err))
  }
  ready()
}

window.addEventListener('hashchange', () => void render())
void render()
