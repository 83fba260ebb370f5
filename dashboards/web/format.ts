import { lang } from './i18n/index.ts'

const locale = () => (lang() === 'zh-CN' ? 'zh-CN' : 'en-GB')

export function num(n: number): string {
  return new Intl.NumberFormat(locale()).format(n)
}

/** 1234567 → "1.2 M" (or "123.5 万" in Chinese, as people here count). */
export function compact(n: number): string {
  return new Intl.NumberFormat(locale(), { notation: 'compact', maximumFractionDigits: 1 }).format(n)
}

export function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB']
  let v = n
  let i = 0
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000
    i++
  }
  return `${v.toFixed(v >= 100 || i === 0 ? 0 : 1)} ${units[i]}`
}

/** A time in the viewer's zone, to the second. */
export function time(iso: string | number): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return String(iso)
  return new Intl.DateTimeFormat(locale(), { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(d)
}

export function shortTime(iso: string | number): string {
  return new Intl.DateTimeFormat(locale(), { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso))
}

const PROTOCOLS: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 47: 'GRE', 50: 'ESP', 58: 'ICMPv6', 132: 'SCTP' }

export function protocol(p: number | string): string {
  return PROTOCOLS[Number(p)] ?? String(p)
}
