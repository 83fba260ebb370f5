import type { ClickHouseClient } from '../core/clickhouse.ts'
import { loadSql } from '../sql/queries.ts'
import { chTime, isoFromCh } from './time.ts'

/** Who makes a change and from where: a token over the API, or an operator on the command line. */
export interface Actor {
  name: string
  role: string
  tokenId?: string
  /** The client address for the API, the host name for the command line. */
  address: string
  via: 'api' | 'cli'
}

export type AuditAction = 'create' | 'update' | 'decommission' | 'revoke' | 'import' | 'failed'
export type AuditObject = 'token' | 'sector' | 'locality' | 'organisation' | 'asset' | 'archive' | 'incident'

/** A changed field: its value before and after the write (null where it did not exist). */
export type Changes = Record<string, [unknown, unknown]>

export interface AuditEntry {
  action: AuditAction
  objectType: AuditObject
  objectId: string
  changes: Changes
}

/**
 * The fields whose values differ between two versions of an object, each as [before, after].
 * A created object has `before` null, so every field it has is listed.
 */
export function diffFields(before: Record<string, unknown> | null, after: Record<string, unknown>, skip: readonly string[] = []): Changes {
  const changes: Changes = {}
  for (const key of Object.keys(after)) {
    if (skip.includes(key)) continue
    const old = before ? before[key] : null
    if (JSON.stringify(old) !== JSON.stringify(after[key])) changes[key] = [old ?? null, after[key]]
  }
  return changes
}

/**
 * Every write with its audit entries, audit first: ClickHouse has no transaction across two
 * tables, so the entries are recorded before the write runs. When they cannot be recorded the
 * write does not happen (the request fails having changed nothing); when the write itself then
 * fails, a `failed` entry for each object says so (as far as the database still answers).
 */
export async function auditedWrite<R>(ch: ClickHouseClient, actor: Actor, entries: AuditEntry[], write: () => Promise<R>): Promise<R> {
  await recordAudit(ch, actor, entries)
  try {
    return await write()
  } catch (err) {
    const reason = String((err as { code?: string }).code ?? (err as Error).name ?? 'error')
    await recordAudit(ch, actor, entries.map((e) => ({ ...e, action: 'failed' as const, changes: { attempted: [null, e.action], reason: [null, reason] } }))).catch(() => undefined)
    throw err
  }
}

/** Appends audit rows; one insert for all the entries of one write (an import writes many). */
export async function recordAudit(ch: ClickHouseClient, actor: Actor, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return
  await ch.insert({
    table: 'audit_log',
    format: 'JSONEachRow',
    values: entries.map((e) => ({
      actor: actor.name,
      role: actor.role,
      token_id: actor.tokenId ?? '',
      action: e.action,
      object_type: e.objectType,
      object_id: e.objectId,
      changes: JSON.stringify(e.changes),
      address: actor.address,
      via: actor.via,
    })),
  })
}

export interface AuditFilter {
  from?: number
  to?: number
  objectType?: string
  objectId?: string
  actor?: string
  action?: string
  via?: string
  limit: number
  offset: number
}

export interface AuditRecord {
  at: string
  actor: string
  role: string
  token_id: string
  action: string
  object_type: string
  object_id: string
  changes: Changes
  address: string
  via: string
}

/** The audit log, newest first, with the total number of matching entries. */
export async function listAudit(ch: ClickHouseClient, f: AuditFilter): Promise<{ items: AuditRecord[]; total: number }> {
  const rs = await ch.query({
    query: loadSql('archive/audit'),
    query_params: {
      from: chTime(f.from ?? 0, 6), to: chTime(f.to ?? Date.parse('2200-01-01'), 6), object_type: f.objectType ?? '', object_id: f.objectId ?? '',
      actor: f.actor ?? '', action: f.action ?? '', via: f.via ?? '', limit: f.limit, offset: f.offset,
    },
    format: 'JSONEachRow',
  })
  const rows = await rs.json<{
    at_text: string; actor: string; role_text: string; token_id: string; action_text: string; object_type_text: string; object_id: string
    changes: string; address: string; via_text: string; total: number
  }>()
  return {
    items: rows.map((r) => ({
      at: isoFromCh(r.at_text), actor: r.actor, role: r.role_text, token_id: r.token_id, action: r.action_text, object_type: r.object_type_text,
      object_id: r.object_id, changes: JSON.parse(r.changes) as Changes, address: r.address, via: r.via_text,
    })),
    total: Number(rows[0]?.total ?? 0),
  }
}
