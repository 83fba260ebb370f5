import { randomUUID } from 'node:crypto'
import type { ClickHouseClient } from '../core/clickhouse.ts'
import { loadSql } from '../sql/queries.ts'
import { audited, type Actor } from './audit.ts'
import type { Severity } from './importers/types.ts'
import { NIL_UUID, SEVERITY_RANK } from './model.ts'
import { dueDate, slaDays, type SlaDays, type SlaPolicy } from './sla.ts'
import { isoFromChText, msFromCh, type Clock } from './time.ts'

export const NOTICE_STATES = ['issued', 'acknowledged', 'reported', 'verified', 'closed'] as const
export type NoticeState = (typeof NOTICE_STATES)[number]
export type NoticeKind = 'notice' | 'warning'

/** What a notice lists: a finding (notices) or an affected asset (warnings). */
export interface NoticeItem {
  finding_id?: string
  asset_id: string
  asset_name: string
  host: string
  port: number
  protocol: string
  title: string
  severity: Severity
  cves: string[]
  solution: string
  /** Where a warning found the characteristic: declared, observed, found. */
  sources?: string[]
  days?: number
}

export interface NoticeDraft {
  kind: NoticeKind
  campaign_id: string | null
  org: { id: string; sector: string; locality: string }
  title: string
  items: NoticeItem[]
  finding_ids: string[]
  incident_id?: string
  characteristic?: Record<string, unknown>
  /** Deadline in days per item grade, from the SLA. */
  grades: string[]
  sla?: SlaDays[]
}

export interface NoticeView {
  id: string; kind: NoticeKind; number: string; campaign_id: string | null; org_id: string; org_name: string
  copy_to: { sector: string; locality: string }; title: string; severity: Severity; finding_ids: string[]; incident_id: string
  characteristic: Record<string, unknown>; items: NoticeItem[]; issued_at: string; due_at: string; state: NoticeState; overdue: boolean
  escalated_at: string | null; owner_note: string; evidence: string; verify_note: string; updated_at: string; changed_by: string; event: string; event_note: string
}

/** The lifecycle: which states each action leaves from and where it goes. */
export const TRANSITIONS = {
  acknowledge: { from: ['issued'], to: 'acknowledged' },
  report: { from: ['acknowledged'], to: 'reported' },
  verify: { from: ['reported'], to: 'verified' },
  reject: { from: ['reported'], to: 'acknowledged' },
  close: { from: ['verified'], to: 'closed' },
} as const satisfies Record<string, { from: readonly NoticeState[]; to: NoticeState }>
export type NoticeAction = keyof typeof TRANSITIONS

/** The action is not possible in the notice's present state. */
export class TransitionError extends Error {}

interface Row {
  id: string; kind: NoticeKind; number: string; campaign_id: string; org_id: string; org_name: string; copy_sector: string; copy_locality: string
  title: string; severity: Severity; finding_ids: string[]; incident_id: string; characteristic: string; items: string; issued_at: string; due_at: string
  state: NoticeState; escalated_at: string | null; owner_note: string; evidence: string; verify_note: string; event: string; event_note: string
  version_at: string; changed_by: string; total?: string
}

export interface NoticeFilter {
  orgs: string[] | null
  id?: string
  campaign?: string
  org?: string
  states?: string[]
  overdue?: boolean
  limit: number
  offset: number
}

export interface NoticeStore {
  issue(drafts: NoticeDraft[], actor: Actor): Promise<NoticeView[]>
  list(kind: NoticeKind, f: NoticeFilter): Promise<{ items: NoticeView[]; total: number }>
  get(kind: NoticeKind, id: string, orgs: string[] | null): Promise<NoticeView | undefined>
  history(kind: NoticeKind, id: string): Promise<NoticeView[]>
  act(kind: NoticeKind, id: string, action: NoticeAction, fields: { note?: string; evidence?: string }, actor: Actor): Promise<NoticeView>
  /** Flags every overdue notice not flagged yet (copied to its regulator and locality); returns them. */
  escalate(kind: NoticeKind, actor: Actor): Promise<NoticeView[]>
}

const ch64 = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '')

export function createNoticeStore(ch: ClickHouseClient, sla: SlaPolicy, now: Clock, stamp: (ms?: number) => string): NoticeStore {
  const view = (r: Row): NoticeView => ({
    id: r.id, kind: r.kind, number: r.number, campaign_id: r.campaign_id === NIL_UUID ? null : r.campaign_id, org_id: r.org_id, org_name: r.org_name ?? '',
    copy_to: { sector: r.copy_sector, locality: r.copy_locality }, title: r.title, severity: r.severity, finding_ids: r.finding_ids, incident_id: r.incident_id,
    characteristic: JSON.parse(r.characteristic) as Record<string, unknown>, items: JSON.parse(r.items) as NoticeItem[],
    issued_at: isoFromChText(r.issued_at)!, due_at: isoFromChText(r.due_at)!, state: r.state,
    overdue: r.state !== 'verified' && r.state !== 'closed' && msFromCh(r.due_at) < now(),
    escalated_at: isoFromChText(r.escalated_at), owner_note: r.owner_note, evidence: r.evidence, verify_note: r.verify_note,
    updated_at: isoFromChText(r.version_at)!, changed_by: r.changed_by, event: r.event, event_note: r.event_note,
  })

  async function list(kind: NoticeKind, f: NoticeFilter) {
    const rs = await ch.query({
      query: loadSql('queries/healthcheck/notices'),
      query_params: {
        kind, orgs: f.orgs === null ? [] : f.orgs.length > 0 ? f.orgs : [NIL_UUID.replace(/0$/, '1')], id: f.id ?? '', campaign: f.campaign ?? '', org: f.org ?? '',
        states: f.states ?? [], overdue_before: f.overdue ? ch64(now()) : '', limit: f.limit, offset: f.offset,
      },
      format: 'JSONEachRow',
    })
    const rows = await rs.json<Row>()
    return { items: rows.map(view), total: Number(rows[0]?.total ?? 0) }
  }

  async function write(rows: Omit<Row, 'org_name' | 'total'>[]): Promise<void> {
    if (rows.length > 0) await ch.insert({ table: 'hc_notices', format: 'JSONEachRow', values: rows })
  }

  const rowOf = (v: NoticeView): Omit<Row, 'org_name' | 'total'> => ({
    id: v.id, kind: v.kind, number: v.number, campaign_id: v.campaign_id ?? NIL_UUID, org_id: v.org_id, copy_sector: v.copy_to.sector, copy_locality: v.copy_to.locality,
    title: v.title, severity: v.severity, finding_ids: v.finding_ids, incident_id: v.incident_id, characteristic: JSON.stringify(v.characteristic), items: JSON.stringify(v.items),
    issued_at: ch64(Date.parse(v.issued_at)), due_at: ch64(Date.parse(v.due_at)), state: v.state, escalated_at: v.escalated_at ? ch64(Date.parse(v.escalated_at)) : null,
    owner_note: v.owner_note, evidence: v.evidence, verify_note: v.verify_note, event: v.event, event_note: v.event_note, version_at: '', changed_by: v.changed_by,
  })

  return {
    async issue(drafts, actor) {
      const t = now()
      const rows = drafts.map((d) => {
        const id = randomUUID()
        const items = d.items.map((it, i) => ({ ...it, days: slaDays(sla, it.severity, d.grades[i] ?? '', ...(d.sla ?? [])) }))
        const severity = items.reduce<Severity>((worst, it) => (SEVERITY_RANK[it.severity] > SEVERITY_RANK[worst] ? it.severity : worst), 'info')
        return {
          id, kind: d.kind, number: `${d.kind === 'notice' ? 'ZG' : 'YJ'}-${new Date(t).getUTCFullYear()}-${id.slice(0, 6).toUpperCase()}`,
          campaign_id: d.campaign_id ?? NIL_UUID, org_id: d.org.id, copy_sector: d.org.sector, copy_locality: d.org.locality, title: d.title, severity,
          finding_ids: d.finding_ids, incident_id: d.incident_id ?? '', characteristic: JSON.stringify(d.characteristic ?? {}), items: JSON.stringify(items),
          issued_at: ch64(t), due_at: ch64(dueDate(t, items.map((it) => it.days), sla.days.low)), state: 'issued' as const, escalated_at: null,
          owner_note: '', evidence: '', verify_note: '', event: 'issued', event_note: '', version_at: stamp(t), changed_by: actor.name,
        }
      })
      await audited(ch, actor, rows.map((r) => ({
        action: 'create', objectType: r.kind, objectId: r.id,
        changes: { number: [null, r.number], org_id: [null, r.org_id], copy_to: [null, [r.copy_sector, r.copy_locality]], due_at: [null, isoFromChText(r.due_at)], findings: [null, r.finding_ids.length] },
      })), () => write(rows))
      return rows.map((r) => view({ ...r, org_name: '' }))
    },
    list,
    async get(kind, id, orgs) {
      return (await list(kind, { orgs, id, limit: 1, offset: 0 })).items[0]
    },
    async history(kind, id) {
      const rs = await ch.query({
        query: "SELECT *, '' AS org_name FROM hc_notices WHERE id = toUUIDOrZero({id:String}) AND kind = {kind:String} ORDER BY version_at",
        query_params: { id, kind }, format: 'JSONEachRow',
      })
      return (await rs.json<Row>()).map(view)
    },
    async act(kind, id, action, fields, actor) {
      const current = await this.get(kind, id, null)
      if (!current) throw new TransitionError(`no ${kind} ${id}`)
      const step = TRANSITIONS[action]
      if (!(step.from as readonly string[]).includes(current.state)) {
        throw new TransitionError(`cannot ${action} a ${kind} that is ${current.state} (only from ${step.from.join(' or ')})`)
      }
      const note = fields.note ?? ''
      const next: NoticeView = {
        ...current, state: step.to, event: action === 'reject' ? 'rejected' : step.to, event_note: note, changed_by: actor.name,
        ...(action === 'report' ? { owner_note: note, evidence: fields.evidence ?? '' } : {}),
        ...(action === 'verify' || action === 'reject' ? { verify_note: note } : {}),
      }
      await audited(ch, actor, [{ action: 'update', objectType: kind, objectId: id, changes: { state: [current.state, step.to], ...(note ? { note: [null, note] } : {}) } }],
        () => write([{ ...rowOf(next), version_at: stamp() }]))
      return (await this.get(kind, id, null))!
    },
    async escalate(kind, actor) {
      const overdue = (await list(kind, { orgs: null, overdue: true, limit: 100_000, offset: 0 })).items.filter((n) => n.escalated_at === null)
      const t = now()
      await audited(ch, actor, overdue.map((n) => ({ action: 'escalate', objectType: kind, objectId: n.id, changes: { escalated_at: [null, new Date(t).toISOString()] } })), () => write(overdue.map((n) => ({
        ...rowOf({ ...n, escalated_at: new Date(t).toISOString(), event: 'escalated', event_note: `overdue since ${n.due_at}; copied to ${[n.copy_to.sector, n.copy_to.locality].filter(Boolean).join(' and ')}`, changed_by: actor.name }),
        version_at: stamp(t),
      }))))
      return Promise.all(overdue.map(async (n) => (await this.get(kind, n.id, null))!))
    },
  }
}
