import { describe, expect, it } from 'vitest'
import { en } from '../../dashboards/web/i18n/en.ts'
import { zhCN } from '../../dashboards/web/i18n/zh-CN.ts'

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('dashboard dictionaries', () => {
  it('zh-CN and English have exactly the same keys', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort())
  })

  it('every label is filled in, with the same placeholders in both languages', () => {
    for (const [key, text] of Object.entries(en)) {
      const zh = zhCN[key as keyof typeof en]
      expect(text.trim(), key).not.toBe('')
      expect(zh.trim(), key).not.toBe('')
      expect(placeholders(zh), key).toEqual(placeholders(text))
    }
  })

  it('the Chinese dictionary is Chinese: most labels carry CJK characters', () => {
    const cjk = Object.values(zhCN).filter((v) => /[\u4e00-\u9fff]/.test(v)).length
    expect(cjk / Object.keys(zhCN).length).toBeGreaterThan(0.9)
  })
})
