import type { ClickHouseClient } from '@clickhouse/client'
import { chTime, fromRow, toRow, type Incident, type IncidentRow, type IncidentState } from './incident.ts'

export interface WindowRow {
  incident_id: string
  phase: number
  window_start: string
  magnitude: number
  packets: number
  bytes: number
  flows: number
}

export interface StateChange {
  incidentId: string
  state: IncidentState
  previousState: string
  note: string
  changedBy: string
  changedFrom: string
}

/** Reads and appends incident rows; every write is a new version, nothing is updated in place. */
export function createIncidentStore(ch: ClickHouseClient) {
  return {
    /** The latest version of the most recent incident of each key active between `since` and `until` (an older range analysed again finds its own incidents, not later ones). */
    async byKeys(keys: string[], sinceMs: number, untilMs: number): Promise<Map<string, Incident>> {
      if (keys.length === 0) return new Map()
      const rs = await ch.query({
        query: `SELECT * EXCEPT updated_at FROM incidents
                WHERE incident_key IN {keys:Array(String)} AND last_seen >= {since:DateTime64(3)} AND first_seen <= {until:DateTime64(3)}
                ORDER BY id, updated_at DESC LIMIT 1 BY id`,
        query_params: { keys, since: chTime(sinceMs), until: chTime(untilMs) },
        format: 'JSONEachRow',
      })
      const out = new Map<string, Incident>()
      for (const row of await rs.json<IncidentRow>()) {
        const i = fromRow(row)
        const known = out.get(i.key)
        if (!known || known.lastSeen < i.lastSeen) out.set(i.key, i)
      }
      return out
    },

    async insertVersions(incidents: Incident[]): Promise<void> {
      if (incidents.length === 0) return
      await ch.insert({ table: 'incidents', values: incidents.map(toRow), format: 'JSONEachRow' })
    },

    async insertWindows(rows: WindowRow[]): Promise<void> {
      if (rows.length === 0) return
      await ch.insert({ table: 'incident_windows', values: rows, format: 'JSONEachRow' })
    },

    /** Totals over the windows of each incident: the phase that saw the most, each window at its fullest. */
    async totals(ids: string[]): Promise<Map<string, { packets: number; bytes: number; flows: number }>> {
      if (ids.length === 0) return new Map()
      const rs = await ch.query({
        query: `SELECT incident_id, argMax(p, p) AS packets, argMax(b, p) AS bytes, argMax(f, p) AS flows
                FROM (
                  SELECT incident_id, phase, sum(packets) AS p, sum(bytes) AS b, sum(flows) AS f
                  FROM (SELECT incident_id, phase, window_start, max(packets) AS packets, max(bytes) AS bytes, max(flows) AS flows
                        FROM incident_windows WHERE incident_id IN {ids:Array(UUID)}
                        GROUP BY incident_id, phase, window_start)
                  GROUP BY incident_id, phase)
                GROUP BY incident_id`,
        query_params: { ids },
        format: 'JSONEachRow',
      })
      const rows = await rs.json<{ incident_id: string; packets: number; bytes: number; flows: number }>()
      return new Map(rows.map((r) => [r.incident_id, { packets: r.packets, bytes: r.bytes, flows: r.flows }]))
    },

    async currentStates(ids: string[]): Promise<Map<string, IncidentState>> {
      if (ids.length === 0) return new Map()
      const rs = await ch.query({
        query: `SELECT incident_id, toString(argMax(state, version_at)) AS state FROM incident_states
                WHERE incident_id IN {ids:Array(UUID)} GROUP BY incident_id`,
        query_params: { ids },
        format: 'JSONEachRow',
      })
      return new Map((await rs.json<{ incident_id: string; state: IncidentState }>()).map((r) => [r.incident_id, r.state]))
    },

    async appendStates(changes: StateChange[]): Promise<void> {
      if (changes.length === 0) return
      await ch.insert({
        table: 'incident_states',
        values: changes.map((c) => ({
          incident_id: c.incidentId, state: c.state, previous_state: c.previousState, note: c.note,
          changed_by: c.changedBy, changed_from: c.changedFrom,
        })),
        format: 'JSONEachRow',
      })
    },
  }
}

export type IncidentStore = ReturnType<typeof createIncidentStore>
