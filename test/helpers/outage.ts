import type { ClickHouseClient } from '../../core/clickhouse.ts'

/**
 * The real client with a switch that makes inserts fail like an unreachable server
 * (ECONNREFUSED), to test what the writer does during a ClickHouse outage. Every insert that
 * goes through reaches the real embedded engine.
 */
export function withOutage(client: ClickHouseClient): { client: ClickHouseClient; down: boolean; attempts: number } {
  const state = { client, down: false, attempts: 0 }
  state.client = new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver)
      if ((prop !== 'insert' && prop !== 'exec') || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value
      return async (params: unknown) => {
        state.attempts++
        if (state.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' })
        return value.call(target, params)
      }
    },
  })
  return state
}
