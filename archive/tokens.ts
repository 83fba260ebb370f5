import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import type { ClickHouseClient } from '../core/clickhouse.ts'
import { loadSql } from '../sql/queries.ts'
import { auditedWrite, type Actor } from './audit.ts'
import { chTime } from './time.ts'

export const ROLES = ['admin', 'analyst', 'owner', 'vendor', 'sensor'] as const
export type TokenRole = (typeof ROLES)[number]

/** A token as lists show it: never the secret, never its hash. */
export interface TokenInfo {
  id: string
  name: string
  role: TokenRole
  orgs: string[]
  campaigns: string[]
  /** The first characters of the token, to tell tokens apart. */
  hint: string
  created_at: string
  created_by: string
  expires_at: string | null
  revoked_at: string | null
  revoked_by: string
  last_used_at: string | null
}

export interface NewToken {
  name: string
  role: TokenRole
  orgs?: string[]
  campaigns?: string[]
  expiresAt?: number | null
}

export type Verdict = { ok: true; token: TokenInfo } | { ok: false; reason: 'malformed' | 'unknown' | 'expired' | 'revoked' }

const PREFIX = 'hw_'
const TOKEN_FORMAT = /^hw_[A-Za-z0-9_-]{43}$/
const TOKEN_NAME = /^[\p{L}\p{N}][\p{L}\p{N} _.@-]{0,63}$/u
const USAGE_EVERY_MS = 60_000

interface Row {
  id: string
  name: string
  role: TokenRole
  orgs: string[]
  campaigns: string[]
  hint: string
  created_ms: number
  created_by: string
  expires_ms: number | null
  revoked_ms: number | null
  revoked_by: string
  last_used_ms: number | null
}

export function isTokenName(name: string): boolean {
  return TOKEN_NAME.test(name)
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
const toInfo = (r: Row): TokenInfo => ({
  id: r.id, name: r.name, role: r.role, orgs: r.orgs, campaigns: r.campaigns, hint: r.hint,
  created_at: new Date(r.created_ms).toISOString(), created_by: r.created_by, expires_at: iso(r.expires_ms),
  revoked_at: iso(r.revoked_ms), revoked_by: r.revoked_by, last_used_at: iso(r.last_used_ms),
})

export interface TokenStore {
  /** Issues a token; the returned secret is the only copy there will ever be. */
  create(spec: NewToken, actor: Actor): Promise<{ token: string; info: TokenInfo }>
  list(): Promise<TokenInfo[]>
  get(id: string): Promise<TokenInfo | undefined>
  /** Revokes a token (a new version); false when there is no such token or it was revoked already. */
  revoke(id: string, actor: Actor): Promise<boolean>
  /** Checks a presented token: known, not expired, not revoked. Records its use at most once a minute. */
  verify(presented: string, address?: string): Promise<Verdict>
  /** True once any token was ever issued (revoked ones count: the first start is over). */
  anyIssued(): Promise<boolean>
}

/**
 * Tokens over ClickHouse. Verified tokens are cached for `cacheMs` (default 5 s) so that a busy
 * client does not cost a query per request; a revocation through this store takes effect at once,
 * one made by another process within `cacheMs`.
 */
export function createTokenStore(ch: ClickHouseClient, options: { cacheMs?: number; now?: () => number } = {}): TokenStore {
  const cacheMs = options.cacheMs ?? 5_000
  const now = options.now ?? Date.now
  const cache = new Map<string, { row: Row | undefined; at: number }>()
  const lastUsageWrite = new Map<string, number>()

  async function rows(params: { id?: string; hash?: string }): Promise<Row[]> {
    const rs = await ch.query({ query: loadSql('archive/tokens'), query_params: { id: params.id ?? '', hash: params.hash ?? '' }, format: 'JSONEachRow' })
    return rs.json<Row>()
  }

  async function insertVersion(row: Omit<Row, 'last_used_ms'> & { hash: string }): Promise<void> {
    await ch.insert({
      table: 'api_tokens',
      format: 'JSONEachRow',
      values: [{
        id: row.id, name: row.name, role: row.role, orgs: row.orgs, campaigns: row.campaigns, hash: row.hash, hint: row.hint,
        created_at: chTime(row.created_ms), created_by: row.created_by,
        expires_at: row.expires_ms === null ? null : chTime(row.expires_ms),
        revoked_at: row.revoked_ms === null ? null : chTime(row.revoked_ms), revoked_by: row.revoked_by,
        version_at: chTime(now(), 6),
      }],
    })
  }

  /** One row a minute per token at most; awaited, so that a list right after shows the use. */
  async function recordUse(id: string, address: string): Promise<void> {
    const t = now()
    if (t - (lastUsageWrite.get(id) ?? 0) < USAGE_EVERY_MS) return
    lastUsageWrite.set(id, t)
    try {
      await ch.insert({ table: 'api_token_usage', format: 'JSONEachRow', values: [{ token_id: id, used_at: chTime(t), address }] })
    } catch {
      // Best effort: a lost last-used mark must never fail the request it belongs to.
      lastUsageWrite.delete(id)
    }
  }

  return {
    async create(spec, actor) {
      if (!isTokenName(spec.name)) throw new RangeError('a token name is 1–64 letters, digits, spaces, _ . @ -, starting with a letter or digit')
      const secret = PREFIX + randomBytes(32).toString('base64url')
      const row = {
        id: randomUUID(), name: spec.name, role: spec.role, orgs: spec.role === 'owner' ? (spec.orgs ?? []) : [],
        campaigns: spec.role === 'vendor' ? (spec.campaigns ?? []) : [], hint: secret.slice(0, 9), created_ms: now(),
        created_by: actor.name, expires_ms: spec.expiresAt ?? null, revoked_ms: null, revoked_by: '', hash: hashToken(secret),
      }
      const info = toInfo({ ...row, last_used_ms: null })
      await auditedWrite(ch, actor, [{
        action: 'create', objectType: 'token', objectId: row.id,
        changes: { name: [null, info.name], role: [null, info.role], orgs: [null, info.orgs], campaigns: [null, info.campaigns], expires_at: [null, info.expires_at] },
      }], () => insertVersion(row))
      return { token: secret, info }
    },
    async list() {
      return (await rows({})).map(toInfo)
    },
    async get(id) {
      const [row] = await rows({ id })
      return row ? toInfo(row) : undefined
    },
    async revoke(id, actor) {
      const rs = await ch.query({
        query: 'SELECT hash FROM api_tokens WHERE id = toUUIDOrZero({id:String}) ORDER BY version_at DESC LIMIT 1',
        query_params: { id }, format: 'JSONEachRow',
      })
      const [found] = await rs.json<{ hash: string }>()
      const [row] = await rows({ id })
      if (!found || !row || row.revoked_ms !== null) return false
      const t = now()
      await auditedWrite(ch, actor, [{ action: 'revoke', objectType: 'token', objectId: id, changes: { revoked_at: [null, new Date(t).toISOString()] } }],
        () => insertVersion({ ...row, hash: found.hash, revoked_ms: t, revoked_by: actor.name }))
      cache.delete(found.hash)
      return true
    },
    async verify(presented, address = '') {
      if (!TOKEN_FORMAT.test(presented)) return { ok: false, reason: 'malformed' }
      const hash = hashToken(presented)
      let hit = cache.get(hash)
      if (!hit || now() - hit.at > cacheMs) {
        const [row] = await rows({ hash })
        hit = { row, at: now() }
        if (cache.size > 10_000) cache.clear()
        cache.set(hash, hit)
      }
      const row = hit.row
      if (!row) return { ok: false, reason: 'unknown' }
      if (row.revoked_ms !== null) return { ok: false, reason: 'revoked' }
      if (row.expires_ms !== null && row.expires_ms <= now()) return { ok: false, reason: 'expired' }
      await recordUse(row.id, address)
      return { ok: true, token: toInfo(row) }
    },
    async anyIssued() {
      const rs = await ch.query({ query: 'SELECT count() AS n FROM api_tokens', format: 'JSONEachRow' })
      const [r] = await rs.json<{ n: number }>()
      return (r?.n ?? 0) > 0
    },
  }
}

/** Compares a presented token with the configured bootstrap token in constant time. */
export function matchesBootstrapToken(presented: string, configured: string | undefined): boolean {
  if (!configured) return false
  const a = Buffer.from(hashToken(presented), 'hex')
  const b = Buffer.from(hashToken(configured), 'hex')
  return timingSafeEqual(a, b)
}

/**
 * On the first start (no token was ever issued), issues an admin token and prints it once:
 * whoever installed holowatch uses it to create the real tokens, then may revoke it.
 * Returns the token printed, or undefined when tokens exist already.
 */
export async function ensureFirstAdminToken(ch: ClickHouseClient, print: (line: string) => void = console.log): Promise<string | undefined> {
  const store = createTokenStore(ch)
  if (await store.anyIssued()) return undefined
  const actor: Actor = { name: 'first-start', role: 'system', address: '', via: 'cli' }
  const { token, info } = await store.create({ name: 'first-admin', role: 'admin' }, actor)
  print(
    [
      '',
      'holowatch: no API token existed, so an admin token was created. It is shown this once only:',
      '',
      `    ${token}`,
      '',
      `  (token "${info.name}", id ${info.id}). Use it as "Authorization: Bearer <token>" to create`,
      '  the tokens people need (POST /api/v1/tokens or holowatch token create), then revoke it.',
      '',
    ].join('\n'),
  )
  return token
}
