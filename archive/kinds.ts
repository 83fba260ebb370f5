import { isoFromCh } from './time.ts'

/**
 * The four kinds of archive object and how each maps between its versioned table and the API.
 * Sort keys and filters are allow-lists: a request picks among them by name, never writes SQL.
 */
export type KindName = 'sector' | 'locality' | 'organisation' | 'asset'

export interface Contact {
  name: string
  role: string
  phone: string
  email: string
}
export interface Service {
  port: number
  protocol: string
  product: string
  version: string
}

export interface Sector {
  code: string
  name_zh: string
  name_en: string
  status: 'active' | 'retired'
}
export interface Locality extends Sector {
  parent_code: string
}
export interface Organisation {
  id: string
  name: string
  credit_code: string
  sector: string
  locality: string
  address: string
  cso: { name: string; phone: string; email: string; certificate: string }
  contacts: Contact[]
  /** The address blocks the centre allocated (canonical CIDRs): owners register asset networks only inside them. */
  allocations: string[]
  status: 'active' | 'inactive'
}
export interface Asset {
  id: string
  organisation_id: string
  name: string
  category: string
  grade: 'core' | 'important' | 'general'
  mlps_level: number
  networks: string[]
  domains: string[]
  services: Service[]
  icp_filing: string
  mlps_filing: string
  tags: string[]
  contacts: Contact[]
  status: 'active' | 'decommissioned'
  notes: string
}

export type ArchiveObject = Sector | Locality | Organisation | Asset
/** An object as stored: its fields plus when this version was written and by whom. */
export type Versioned<T> = T & { version_at: string; changed_by: string }

export type Row = Record<string, unknown>

export interface Filter {
  /** A boolean SQL expression over the current row `o`, with one bound parameter named like the filter. */
  sql: string
  type: string
}

export interface Kind<T extends ArchiveObject = ArchiveObject> {
  name: KindName
  table: string
  key: 'code' | 'id'
  keyType: 'String' | 'UUID'
  /** The status a deleted object gets: the archive never forgets it. */
  retired: string
  /** The column an owner's organisations are matched against (none: everybody's objects are public). */
  scopeColumn?: 'id' | 'org_id'
  sorts: Record<string, string>
  filters: Record<string, Filter>
  toApi(row: Row): Versioned<T>
  toRow(obj: T): Row
}

export const ASSET_CATEGORIES = [
  'website', 'business_system', 'database', 'cloud_platform', 'industrial_control', 'iot_camera', 'network_device', 'mail', 'dns', 'other',
] as const

const str = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v))
const json = <T>(v: unknown, fallback: T): T => {
  try {
    return JSON.parse(str(v) || 'null') ?? fallback
  } catch {
    return fallback
  }
}
const stamp = (row: Row) => ({ version_at: isoFromCh(str(row.version_at)), changed_by: str(row.changed_by) })
const STATUS = { sql: 'toString(o.status) = {status:String}', type: 'String' }

export const SECTOR: Kind<Sector> = {
  name: 'sector', table: 'sectors', key: 'code', keyType: 'String', retired: 'retired',
  sorts: { code: 'o.code', name_en: 'o.name_en', name_zh: 'o.name_zh', version_at: 'o.version_at' },
  filters: { status: STATUS },
  toApi: (r) => ({ code: str(r.code), name_zh: str(r.name_zh), name_en: str(r.name_en), status: str(r.status) as Sector['status'], ...stamp(r) }),
  toRow: (o) => ({ code: o.code, name_zh: o.name_zh, name_en: o.name_en, status: o.status }),
}

export const LOCALITY: Kind<Locality> = {
  name: 'locality', table: 'localities', key: 'code', keyType: 'String', retired: 'retired',
  sorts: SECTOR.sorts,
  filters: { status: STATUS, parent: { sql: 'o.parent_code = {parent:String}', type: 'String' } },
  toApi: (r) => ({ ...SECTOR.toApi(r), parent_code: str(r.parent_code) }),
  toRow: (o) => ({ ...SECTOR.toRow(o), parent_code: o.parent_code }),
}

export const ORGANISATION: Kind<Organisation> = {
  name: 'organisation', table: 'organisations', key: 'id', keyType: 'UUID', retired: 'inactive', scopeColumn: 'id',
  sorts: { name: 'o.name', credit_code: 'o.credit_code', sector: 'o.sector', locality: 'o.locality', version_at: 'o.version_at' },
  filters: {
    status: STATUS,
    sector: { sql: 'o.sector = {sector:String}', type: 'String' },
    locality: { sql: 'o.locality = {locality:String}', type: 'String' },
    credit_code: { sql: 'o.credit_code = {credit_code:String}', type: 'String' },
    q: { sql: '(positionCaseInsensitiveUTF8(o.name, {q:String}) > 0 OR positionCaseInsensitiveUTF8(o.address, {q:String}) > 0)', type: 'String' },
  },
  toApi: (r) => ({
    id: str(r.id), name: str(r.name), credit_code: str(r.credit_code), sector: str(r.sector), locality: str(r.locality), address: str(r.address),
    cso: { name: str(r.cso_name), phone: str(r.cso_phone), email: str(r.cso_email), certificate: str(r.cso_certificate) },
    contacts: json<Contact[]>(r.contacts, []), allocations: (r.allocations as string[] | undefined) ?? [], status: str(r.status) as Organisation['status'], ...stamp(r),
  }),
  toRow: (o) => ({
    id: o.id, name: o.name, credit_code: o.credit_code, sector: o.sector, locality: o.locality, address: o.address,
    cso_name: o.cso.name, cso_phone: o.cso.phone, cso_email: o.cso.email, cso_certificate: o.cso.certificate,
    contacts: JSON.stringify(o.contacts), allocations: o.allocations, status: o.status,
  }),
}

export const ASSET: Kind<Asset> = {
  name: 'asset', table: 'assets', key: 'id', keyType: 'UUID', retired: 'decommissioned', scopeColumn: 'org_id',
  sorts: { name: 'o.name', grade: 'o.grade', category: 'o.category', mlps_level: 'o.mlps_level', version_at: 'o.version_at' },
  filters: {
    status: STATUS,
    organisation: { sql: 'o.org_id = {organisation:UUID}', type: 'UUID' },
    category: { sql: 'o.category = {category:String}', type: 'String' },
    grade: { sql: 'toString(o.grade) = {grade:String}', type: 'String' },
    mlps_level: { sql: 'o.mlps_level = {mlps_level:UInt8}', type: 'UInt8' },
    tag: { sql: 'has(o.tags, {tag:String})', type: 'String' },
    domain: { sql: 'has(o.domains, {domain:String})', type: 'String' },
    ip: { sql: 'arrayExists(n -> isIPAddressInRange({ip:String}, n), o.networks)', type: 'String' },
    sector: { sql: 'o.org_id IN (SELECT id FROM organisations_current WHERE sector = {sector:String})', type: 'String' },
    locality: { sql: 'o.org_id IN (SELECT id FROM organisations_current WHERE locality = {locality:String})', type: 'String' },
    q: { sql: '(positionCaseInsensitiveUTF8(o.name, {q:String}) > 0 OR arrayExists(d -> positionCaseInsensitiveUTF8(d, {q:String}) > 0, o.domains))', type: 'String' },
  },
  toApi: (r) => ({
    id: str(r.id), organisation_id: str(r.org_id), name: str(r.name), category: str(r.category), grade: str(r.grade) as Asset['grade'],
    mlps_level: Number(r.mlps_level), networks: (r.networks as string[]) ?? [], domains: (r.domains as string[]) ?? [],
    services: ((r.services as unknown[]) ?? []).map(toService), icp_filing: str(r.icp_filing), mlps_filing: str(r.mlps_filing),
    tags: (r.tags as string[]) ?? [], contacts: json<Contact[]>(r.contacts, []), status: str(r.status) as Asset['status'], notes: str(r.notes), ...stamp(r),
  }),
  toRow: (o) => ({
    id: o.id, org_id: o.organisation_id, name: o.name, category: o.category, grade: o.grade, mlps_level: o.mlps_level, networks: o.networks,
    domains: o.domains, services: o.services.map((s) => ({ port: s.port, protocol: s.protocol, product: s.product, version: s.version })), icp_filing: o.icp_filing,
    mlps_filing: o.mlps_filing, tags: o.tags, contacts: JSON.stringify(o.contacts), status: o.status, notes: o.notes,
  }),
}

/** A service tuple as ClickHouse prints it: an object with named fields or a plain array. */
function toService(v: unknown): Service {
  if (Array.isArray(v)) return { port: Number(v[0]), protocol: str(v[1]), product: str(v[2]), version: str(v[3]) }
  const o = v as Record<string, unknown>
  return { port: Number(o.port), protocol: str(o.protocol), product: str(o.product), version: str(o.version) }
}

export const KINDS = { sector: SECTOR, locality: LOCALITY, organisation: ORGANISATION, asset: ASSET } as const

/** The fields of an object without its version stamp. */
export function withoutStamp<T extends ArchiveObject>(v: Versioned<T>): T {
  const { version_at: _v, changed_by: _c, ...rest } = v
  return rest as unknown as T
}
