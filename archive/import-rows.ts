import { randomUUID } from 'node:crypto'
import { CATEGORY_LABELS, GRADE_LABELS, STATUS_LABELS, parseLevel, splitList } from './columns.ts'
import type { Asset, Organisation, Service } from './kinds.ts'

/** A cell of the row being read, trimmed: undefined when the file has no such column. */
export type ReadCell = (column: string) => string | undefined
type Problem = (column: string, reason: string) => void

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const same = (text: string) => text

/**
 * How a row sets the optional fields of an object that exists already. A column the file does
 * not have leaves the field as it is, so that a file naming a few columns changes only those. An
 * empty cell leaves it too, and its column is listed in `kept`, unless the import clears empty
 * cells: then it sets the field's empty value (`parse('')`). A new object has nothing to keep:
 * its absent and empty cells give the empty value, as they always did.
 */
function fieldPicker(read: ReadCell, clearEmpty: boolean) {
  const kept: string[] = []
  function pick<T>(column: string, current: T | undefined, parse: (text: string) => T): T {
    const text = read(column)
    if (current === undefined) return parse(text ?? '')
    if (text === undefined) return current
    if (text !== '') return parse(text)
    if (clearEmpty) return parse('')
    kept.push(column)
    return current
  }
  return { pick, kept }
}

/**
 * The organisation a row describes, on top of `base` (the archive's version, or the one an earlier
 * row of the file described). The required columns (credit code, name, sector, locality) are
 * always taken from the row: an empty one is a problem for the checks, not a value to keep.
 */
export function orgFromRow(
  read: ReadCell, base: Organisation | undefined, sectors: Map<string, string>, localities: Map<string, string>, clearEmpty: boolean,
): { org: Organisation; kept: string[] } {
  const { pick, kept } = fieldPicker(read, clearEmpty)
  const text = (column: string) => read(column) ?? ''
  const label = (v: string, map: Map<string, string>) => map.get(v) ?? map.get(v.toLowerCase()) ?? v
  const org: Organisation = {
    id: base?.id ?? randomUUID(), name: text('org_name'), credit_code: text('credit_code').toUpperCase(),
    sector: label(text('sector'), sectors), locality: label(text('locality'), localities), address: pick('org_address', base?.address, same),
    cso: {
      name: pick('cso_name', base?.cso.name, same), phone: pick('cso_phone', base?.cso.phone, same),
      email: pick('cso_email', base?.cso.email, same), certificate: pick('cso_certificate', base?.cso.certificate, same),
    },
    contacts: base?.contacts ?? [], allocations: pick('allocations', base?.allocations, splitList), status: base?.status ?? 'active',
  }
  return { org, kept }
}

/**
 * The asset a row describes, matched by `asset_id` or else by organisation and name. Category,
 * grade and MLPS level have no empty value: a new asset needs them, and clearing one is refused
 * by the same checks. An empty status reads as active.
 */
export function assetFromRow(
  read: ReadCell, problem: Problem, orgId: string, byId: Map<string, Asset>, byName: Map<string, Asset>, clearEmpty: boolean,
): { asset: Asset | undefined; existing: Asset | undefined; kept: string[] } {
  const idText = read('asset_id') ?? ''
  if (idText && !UUID.test(idText)) {
    problem('asset_id', `"${idText}" is not an asset id`)
    return { asset: undefined, existing: undefined, kept: [] }
  }
  const name = read('asset_name') ?? ''
  const existing = idText ? byId.get(idText.toLowerCase()) : byName.get(`${orgId}\u0000${name}`)
  const { pick, kept } = fieldPicker(read, clearEmpty)
  const text = (column: string) => read(column) ?? ''
  let bad = false
  const report = (column: string, reason: string) => {
    bad = true
    problem(column, reason)
  }
  const category = pick('category', existing?.category, (t) => CATEGORY_LABELS[t] ?? t)
  const grade = pick<string>('grade', existing?.grade, (t) => GRADE_LABELS[t] ?? t.toLowerCase())
  const level = pick('mlps_level', existing?.mlps_level, parseLevel)
  const status = pick<string>('status', existing?.status, (t) => STATUS_LABELS[t] ?? (t.toLowerCase() || 'active'))
  if (!['core', 'important', 'general'].includes(grade)) report('grade', `"${text('grade')}" is not core, important or general (核心/重要/一般)`)
  if (level === undefined) report('mlps_level', `"${text('mlps_level')}" is not an MLPS level 1–5`)
  if (!['active', 'decommissioned'].includes(status)) report('status', `"${text('status')}" is not active or decommissioned (在用/已下线)`)
  const services = pick('services', existing?.services, (t) => parseServices(t, report))
  const asset: Asset = {
    id: existing?.id ?? (idText ? idText.toLowerCase() : randomUUID()), organisation_id: orgId, name, category, grade: grade as Asset['grade'],
    mlps_level: level!, networks: pick('networks', existing?.networks, splitList), domains: pick('domains', existing?.domains, splitList),
    services: services ?? [], icp_filing: pick('icp_filing', existing?.icp_filing, same), mlps_filing: pick('mlps_filing', existing?.mlps_filing, same),
    tags: pick('tags', existing?.tags, splitList), contacts: existing?.contacts ?? [], status: status as Asset['status'], notes: pick('notes', existing?.notes, same),
  }
  return { asset: bad || !services ? undefined : asset, existing, kept }
}

/** "443/tcp nginx 1.24; 22/tcp" → services; the product is every word between the port and the last (the version). */
export function parseServices(text: string, problem: Problem): Service[] | undefined {
  const out: Service[] = []
  for (const item of text.split(/[;\n；]+/).map((s) => s.trim()).filter(Boolean)) {
    const [head = '', ...rest] = item.split(/\s+/)
    const m = /^(\d{1,5})\/(tcp|udp|sctp)$/i.exec(head)
    if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535) {
      problem('services', `"${item}" is not PORT/PROTOCOL [PRODUCT [VERSION]] (e.g. 443/tcp nginx 1.24)`)
      return undefined
    }
    const version = rest.length >= 2 ? rest[rest.length - 1]! : ''
    const product = (rest.length >= 2 ? rest.slice(0, -1) : rest).join(' ')
    out.push({ port: Number(m[1]), protocol: m[2]!.toLowerCase(), product, version })
  }
  return out
}
