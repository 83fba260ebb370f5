import { get } from './api.ts'
import { lang } from './i18n/index.ts'
import type { Named, Organisation, Page } from './types.ts'

/**
 * Sector, locality and organisation names by code / id, loaded once per session: the API keys
 * everything by code, people read names (in their language).
 */
const sectors = new Map<string, Named>()
const localities = new Map<string, Named>()
const organisations = new Map<string, string>()
let loaded: Promise<void> | undefined

export function loadNames(): Promise<void> {
  loaded ??= (async () => {
    const [s, l, o] = await Promise.all([
      get<Page<Named>>('/sectors', { limit: 500 }).catch(() => ({ items: [] as Named[] })),
      get<Page<Named>>('/localities', { limit: 500 }).catch(() => ({ items: [] as Named[] })),
      get<Page<Organisation>>('/organisations', { limit: 500 }).catch(() => ({ items: [] as Organisation[] })),
    ])
    for (const x of s.items) sectors.set(x.code, x)
    for (const x of l.items) localities.set(x.code, x)
    for (const x of o.items) organisations.set(x.id, x.name)
  })()
  return loaded
}

export function forgetNames(): void {
  loaded = undefined
  sectors.clear()
  localities.clear()
  organisations.clear()
}

const pick = (n: Named | undefined, code: string) => (n ? (lang() === 'zh-CN' ? n.name_zh : n.name_en) || n.name_zh || code : code)

export const sectorName = (code: string) => pick(sectors.get(code), code)
export const localityName = (code: string) => pick(localities.get(code), code)
export const orgName = (id: string) => organisations.get(id) ?? id
export const sectorCodes = () => [...sectors.keys()]
export const localityCodes = () => [...localities.keys()]
