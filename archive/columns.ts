import { ASSET_CATEGORIES } from './kinds.ts'

/**
 * The columns of the import/export spreadsheet: one row per asset, with the columns of its
 * organisation (a row without an asset name is an organisation alone). Headers may be the
 * English key or the Chinese label; lists (networks, domains, services, tags) are separated by
 * semicolons or new lines. docs/archive-import.md documents each column.
 */
export interface Column {
  key: string
  zh: string
  doc: string
  required?: boolean
}

export const COLUMNS: readonly Column[] = [
  { key: 'credit_code', zh: '统一社会信用代码', doc: 'unified social credit code of the organisation (18 characters, checksum checked); identifies it', required: true },
  { key: 'org_name', zh: '单位名称', doc: 'organisation name', required: true },
  { key: 'sector', zh: '所属行业', doc: 'sector code or name (education / 教育, health / 卫生健康, …)', required: true },
  { key: 'locality', zh: '所属属地', doc: 'locality code or name (town / street)', required: true },
  { key: 'org_address', zh: '单位地址', doc: 'postal address' },
  { key: 'cso_name', zh: '安全负责人', doc: 'chief security officer' },
  { key: 'cso_phone', zh: '安全负责人电话', doc: 'their phone' },
  { key: 'cso_email', zh: '安全负责人邮箱', doc: 'their e-mail' },
  { key: 'cso_certificate', zh: '安全负责人证书编号', doc: 'their certificate number' },
  { key: 'asset_id', zh: '资产编号', doc: 'holowatch asset id (from an export); empty for a new asset, which is matched by organisation and name' },
  { key: 'asset_name', zh: '资产名称', doc: 'asset name; empty = a row for the organisation only' },
  { key: 'category', zh: '资产类别', doc: `${ASSET_CATEGORIES.join(', ')} (or the Chinese label)` },
  { key: 'grade', zh: '重要程度', doc: 'core / important / general (核心 / 重要 / 一般)' },
  { key: 'mlps_level', zh: '等保级别', doc: 'MLPS level 1–5 (3, 三级 and 第三级 are all read as 3)' },
  { key: 'networks', zh: 'IP地址', doc: 'IPv4/IPv6 addresses and CIDRs, host bits zero' },
  { key: 'domains', zh: '域名', doc: 'domain names' },
  { key: 'services', zh: '开放服务', doc: 'port/protocol product version, e.g. "443/tcp nginx 1.24; 22/tcp OpenSSH 9.6"' },
  { key: 'icp_filing', zh: 'ICP备案号', doc: 'ICP filing number' },
  { key: 'mlps_filing', zh: '等保备案号', doc: 'MLPS filing number' },
  { key: 'tags', zh: '标签', doc: 'free tags' },
  { key: 'status', zh: '状态', doc: 'active / decommissioned (在用 / 已下线); empty = active for a new asset' },
  { key: 'notes', zh: '备注', doc: 'free notes' },
  // Last, so that files and tools written before allocations existed keep their column positions.
  { key: 'allocations', zh: '地址段', doc: 'address blocks the centre allocates to the organisation (CIDRs); a file without this column leaves them as they are' },
]

export const CATEGORY_LABELS: Record<string, string> = {
  网站: 'website', 业务系统: 'business_system', 数据库: 'database', 云平台: 'cloud_platform', 工控系统: 'industrial_control',
  工业控制系统: 'industrial_control', 物联网: 'iot_camera', 摄像头: 'iot_camera', '物联网/摄像头': 'iot_camera', 网络设备: 'network_device',
  邮件系统: 'mail', 邮件: 'mail', 域名系统: 'dns', 其他: 'other',
}
export const CATEGORY_ZH: Record<string, string> = {
  website: '网站', business_system: '业务系统', database: '数据库', cloud_platform: '云平台', industrial_control: '工控系统',
  iot_camera: '物联网/摄像头', network_device: '网络设备', mail: '邮件系统', dns: '域名系统', other: '其他',
}
export const GRADE_LABELS: Record<string, string> = { 核心: 'core', 重要: 'important', 一般: 'general' }
export const STATUS_LABELS: Record<string, string> = { 在用: 'active', 已下线: 'decommissioned', 下线: 'decommissioned' }
const LEVELS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5 }

/** Maps a header row to column keys: English keys or Chinese labels, any case, spaces ignored. */
export function mapHeaders(headers: string[]): { keys: (string | undefined)[]; unknown: string[]; missing: string[] } {
  const norm = (h: string) => h.replace(/^\uFEFF/, '').replace(/[\s*（）()]/g, '').toLowerCase()
  const byName = new Map<string, string>()
  for (const c of COLUMNS) {
    byName.set(norm(c.key), c.key)
    byName.set(norm(c.zh), c.key)
  }
  const keys = headers.map((h) => byName.get(norm(h)))
  const unknown = headers.filter((h, i) => h.trim() !== '' && keys[i] === undefined)
  const missing = COLUMNS.filter((c) => c.required && !keys.includes(c.key)).map((c) => `${c.key} (${c.zh})`)
  return { keys, unknown, missing }
}

/** Splits a list cell on semicolons, commas, new lines (full-width ones too). */
export function splitList(cell: string): string[] {
  return cell.split(/[;,\n\r；，、]+/).map((s) => s.trim()).filter((s) => s !== '')
}

/** Reads "3", "三级", "第三级" or "level 3" as 3; undefined for anything else. */
export function parseLevel(cell: string): number | undefined {
  const t = cell.trim().replace(/^第/, '').replace(/级$/, '').replace(/^level\s*/i, '')
  if (/^[1-5]$/.test(t)) return Number(t)
  return LEVELS[t]
}
