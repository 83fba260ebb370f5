import { en, type MessageKey } from './en.ts'
import { zhCN } from './zh-CN.ts'

export type Lang = 'zh-CN' | 'en'
export type { MessageKey }

const DICTIONARIES: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zhCN, en }
const STORAGE_KEY = 'holowatch.lang'

let current: Lang = initialLang()

function initialLang(): Lang {
  const saved = localStorage.getItem(STORAGE_KEY)
  if (saved === 'zh-CN' || saved === 'en') return saved
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'
}

export function lang(): Lang {
  return current
}

export function setLang(next: Lang): void {
  current = next
  localStorage.setItem(STORAGE_KEY, next)
  document.documentElement.lang = next
}

/** The label for `key` in the current language, with `{name}` placeholders filled from `vars`. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text = DICTIONARIES[current][key]
  return text.replace(/\{(\w+)\}/g, (_m, name: string) => String(vars[name] ?? `{${name}}`))
}

/** A label for an enumerated value (rule, severity, grade…), or the raw value when it has none. */
export function label(prefix: string, value: string): string {
  const key = `${prefix}.${value}` as MessageKey
  return key in DICTIONARIES[current] ? t(key) : value
}
