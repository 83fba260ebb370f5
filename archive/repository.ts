import type { ClickHouseClient } from '../core/clickhouse.ts'
import { fillSlots, loadSql } from '../sql/queries.ts'
import type { ArchiveObject, Kind, Row, Versioned } from './kinds.ts'
import { chTime } from './time.ts'

export interface ListQuery {
  filters: Record<string, string | number>
  sort: string
  order: 'asc' | 'desc'
  limit: number
  offset: number
  /** Epoch milliseconds; absent = now. */
  asOf?: number
  /** Owner scope: only objects of these organisations (empty = no limit). */
  scopeOrgs: string[]
}

const END_OF_TIME = '2200-01-01 00:00:00.000000'
const asOfParam = (asOf?: number) => (asOf === undefined ? END_OF_TIME : chTime(asOf, 6))

/** Reads of the versioned archive tables: current state, state as of a time, history. */
export function createRepository(ch: ClickHouseClient) {
  async function query(sql: string, params: Record<string, unknown>): Promise<Row[]> {
    const rs = await ch.query({ query: sql, query_params: params, format: 'JSONEachRow' })
    return rs.json<Row>()
  }

  return {
    async get<T extends ArchiveObject>(kind: Kind<T>, key: string, asOf?: number): Promise<Versioned<T> | undefined> {
      const sql = fillSlots(loadSql('archive/get'), { table: kind.table, key: kind.key, key_type: kind.keyType })
      const [row] = await query(sql, { key, as_of: asOfParam(asOf) })
      return row ? kind.toApi(row) : undefined
    },

    async history<T extends ArchiveObject>(kind: Kind<T>, key: string): Promise<Versioned<T>[]> {
      const sql = fillSlots(loadSql('archive/history'), { table: kind.table, key: kind.key, key_type: kind.keyType })
      return (await query(sql, { key })).map((r) => kind.toApi(r))
    },

    async list<T extends ArchiveObject>(kind: Kind<T>, q: ListQuery): Promise<{ items: Versioned<T>[]; total: number }> {
      const where: string[] = []
      const params: Record<string, unknown> = { as_of: asOfParam(q.asOf), limit: q.limit, offset: q.offset }
      for (const [name, value] of Object.entries(q.filters)) {
        const filter = kind.filters[name]
        if (!filter) throw new RangeError(`no filter ${name} on ${kind.name}`)
        where.push(filter.sql)
        params[name] = value
      }
      if (kind.scopeColumn && q.scopeOrgs.length > 0) {
        where.push(`has({scope:Array(UUID)}, o.${kind.scopeColumn})`)
        params.scope = q.scopeOrgs
      }
      const sort = kind.sorts[q.sort]
      if (!sort) throw new RangeError(`no sort ${q.sort} on ${kind.name}`)
      const sql = fillSlots(loadSql('archive/list'), {
        table: kind.table, key: kind.key, where: where.length ? where.join(' AND ') : '1',
        sort: `${sort} ${q.order === 'asc' ? 'ASC' : 'DESC'}, o.${kind.key}`,
      })
      const rows = await query(sql, params)
      return { items: rows.map((r) => kind.toApi(r)), total: Number(rows[0]?.total ?? 0) }
    },

    /** Appends versions; `versionAt` is in microseconds since the epoch so that versions of one object never tie. */
    async append(kind: Kind, rows: { row: Row; versionAtUs: number; changedBy: string }[]): Promise<void> {
      if (rows.length === 0) return
      await ch.insert({
        table: kind.table,
        format: 'JSONEachRow',
        values: rows.map((r) => ({ ...r.row, version_at: microText(r.versionAtUs), changed_by: r.changedBy })),
      })
    },

    async lookup(ip: string): Promise<{ id: string; org_id: string; prefix: string }[]> {
      return (await query(loadSql('archive/lookup'), { ip })) as { id: string; org_id: string; prefix: string }[]
    },

    async reloadDictionary(): Promise<void> {
      await ch.command({ query: 'SYSTEM RELOAD DICTIONARY asset_networks_dict' })
    },
  }
}

export type Repository = ReturnType<typeof createRepository>

/** Microseconds since the epoch as DateTime64(6) text. */
export function microText(us: number): string {
  const ms = Math.floor(us / 1000)
  return `${chTime(ms)}${String(us % 1000).padStart(3, '0')}`
}

/** ISO 8601 with microseconds (as the API prints version_at) back to microseconds since the epoch. */
export function microsOf(iso: string): number {
  const m = /\.(\d{6})Z$/.exec(iso)
  const whole = Date.parse(iso.replace(/\.\d+Z$/, 'Z'))
  return whole * 1000 + (m ? Number(m[1]) : 0)
}
