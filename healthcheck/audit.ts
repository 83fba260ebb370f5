import { recordAudit, type Actor, type AuditAction, type AuditObject, type Changes } from '../archive/audit.ts'
import type { ClickHouseClient } from '../core/clickhouse.ts'

export type { Actor, Changes }
export { diffFields } from '../archive/audit.ts'
export type HealthcheckObject = 'campaign' | 'upload' | 'finding' | 'notice' | 'warning'

/**
 * Audits health-check writes in the archive's audit log. audit_log's object_type and action are
 * free text; archive/audit.ts only types the archive's own kinds, hence the widening here.
 */
export async function audit(
  ch: ClickHouseClient,
  actor: Actor,
  entries: { action: string; objectType: HealthcheckObject; objectId: string; changes: Changes }[],
): Promise<void> {
  await recordAudit(ch, actor, entries.map((e) => ({ ...e, action: e.action as AuditAction, objectType: e.objectType as AuditObject })))
}
