import type { LightMyRequestResponse } from 'fastify'
import { buildApp, type App } from '../../api/app.ts'
import type { NewToken } from '../../archive/tokens.ts'
import { withCreditCodeCheck } from '../../archive/uscc.ts'
import { createMetricsRegistry } from '../../core/metrics.ts'
import { openTestDb, type TestDb } from '../helpers/db.ts'

/**
 * An app over a fresh embedded database, with a token per role and two organisations, A and B.
 * A is allocated 10.60.0.0/16 and 10.100.0.0/16, B 10.110.0.0/16: owners register networks there.
 */
export interface Harness {
  db: TestDb
  app: App
  tokens: Record<'admin' | 'analyst' | 'ownerA' | 'ownerB' | 'vendor' | 'sensor', string>
  orgA: string
  orgB: string
  call(who: keyof Harness['tokens'] | null, method: string, url: string, payload?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>
  close(): Promise<void>
}

const SETUP = { name: 'test-setup', role: 'admin', address: '127.0.0.1', via: 'cli' } as const

/** A valid unified social credit code, different for each n. */
export const creditCode = (n: number) => withCreditCodeCheck(`91350100MA${String(n).padStart(7, '0')}`)

export async function openHarness(): Promise<Harness> {
  const db = await openTestDb()
  const app = await buildApp({ config: db.config, clickhouse: db.clickhouse, engine: 'embedded', metrics: createMetricsRegistry() }, { logger: false })
  await app.ready()
  const admin = (await app.tokens.create({ name: 'centre-admin', role: 'admin' }, SETUP)).token
  const tokens = { admin } as Harness['tokens']
  // Calls without a token come from a new address each time, so that the failed-auth limit
  // (tested in test/api/auth.test.ts) never blocks the callers that follow.
  let anonymous = 0
  const call: Harness['call'] = (who, method, url, payload, headers = {}) =>
    app.inject({
      method: method as 'GET', url, ...(payload === undefined ? {} : { payload: payload as object }),
      headers: { ...(who ? { authorization: `Bearer ${tokens[who]}` } : {}), ...headers },
      remoteAddress: who ? '127.0.0.1' : `198.18.${(++anonymous >> 8) & 255}.${anonymous & 255}`,
    })
  await call('admin', 'POST', '/api/v1/localities', { code: 'east-street', name_zh: '东街街道', name_en: 'East Street' })
  const org = async (name: string, n: number, allocations: string[]) => {
    const res = await call('admin', 'POST', '/api/v1/organisations', { name, credit_code: creditCode(n), sector: 'education', locality: 'east-street', allocations })
    if (res.statusCode !== 201) throw new Error(`cannot create organisation: ${res.body}`)
    return res.json().id as string
  }
  const orgA = await org('No. 1 Middle School', 1, ['10.60.0.0/16', '10.100.0.0/16'])
  const orgB = await org('County Hospital', 2, ['10.110.0.0/16'])
  const specs: Record<string, NewToken> = {
    analyst: { name: 'analyst-li', role: 'analyst' },
    ownerA: { name: 'school-cso', role: 'owner', orgs: [orgA] },
    ownerB: { name: 'hospital-cso', role: 'owner', orgs: [orgB] },
    vendor: { name: 'vendor-x', role: 'vendor', campaigns: ['2026'] },
    sensor: { name: 'sensor-1', role: 'sensor' },
  }
  for (const [who, spec] of Object.entries(specs)) tokens[who as keyof Harness['tokens']] = (await app.tokens.create(spec, SETUP)).token
  return {
    db, app, tokens, orgA, orgB, call,
    async close() {
      await app.close()
      await db.close()
    },
  }
}
