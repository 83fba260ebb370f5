import { auditedWrite, type Actor, type AuditAction, type AuditEntry, type AuditObject, type Changes } from '../archive/audit.ts'
import type { ClickHouseClient } from '../core/clickhouse.ts'

export type { Actor, Changes }
export { diffFields } from '../archive/audit.ts'
export type HealthcheckObject = 'campaign' | 'upload' | 'finding' | 'notice' | 'warning'

type Entry = { action: string; objectType: HealthcheckObject; objectId: string; changes: Changes }

/**
 * A health-check write with its entries in the archive's audit log, audit first (see
 * archive/audit.ts auditedWrite). audit_log's object_type and action are free text;
 * archive/audit.ts only types the archive's own kinds, hence the widening here.
 */
export function audited<R>(ch: ClickHouseClient, actor: Actor, entries: Entry[], write: () => Promise<R>): Promise<R> {
  const widened: AuditEntry[] = entries.map((e) => ({ ...e, action: e.action as AuditAction, objectType: e.objectType as AuditObject }))
  return auditedWrite(ch, actor, widened, write)
}
