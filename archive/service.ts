import { ApiError } from '../api/errors.ts'
import type { ClickHouseClient } from '../core/clickhouse.ts'
import { CENTRE, checkAllocations, checkAssetSpace, type Access } from './allocations.ts'
import { auditedWrite, diffFields, type Actor, type AuditAction, type AuditEntry, type Changes } from './audit.ts'
import { loadContext, type ArchiveContext } from './context.ts'
import { ASSET, withoutStamp, type ArchiveObject, type Asset, type Kind, type Locality, type Organisation, type Sector, type Versioned } from './kinds.ts'
import { createRepository, microsOf, type Repository } from './repository.ts'
import { checkAsset, checkLocality, checkOrganisation, checkSector, type Checked, type Overlap } from './validate.ts'

/** Which organisations a caller may touch: null for the centre's roles (all of them). */
export type Scope = string[] | null

export interface WriteResult<T extends ArchiveObject> {
  object: Versioned<T>
  etag: string
  /** Networks sharing addresses with other assets (an owner's: only its own organisations' assets): allowed, but the caller should know. */
  overlaps: Overlap[]
  /** Allowed, but the caller should know (an administrator registering outside the allocations). */
  warnings: string[]
}

/** Options of a write: an administrator's explicit consent to nest address blocks across organisations. */
export interface WriteOptions {
  allowCrossOrg?: boolean
}

/** One object to write in a batch: its state before (null when new) and after. */
export interface Change {
  kind: Kind
  key: string
  before: Versioned<ArchiveObject> | null
  after: ArchiveObject
  action: AuditAction
  /** Recorded in the audit entry besides the changed fields (e.g. cross_org_overlap). */
  notes?: Changes
}

export function etagOf(v: { version_at: string }): string {
  return `"${microsOf(v.version_at)}"`
}

export function orgOf(kind: Kind, obj: ArchiveObject): string | undefined {
  if (kind.name === 'organisation') return (obj as Organisation).id
  if (kind.name === 'asset') return (obj as Asset).organisation_id
  return undefined
}

export function inScope(kind: Kind, obj: ArchiveObject, scope: Scope): boolean {
  const org = orgOf(kind, obj)
  return scope === null || org === undefined || scope.includes(org)
}

/**
 * Validates one object against the context (canonicalising networks, allocations and domains in
 * place), for a caller with `access`; `before` is the current version (null for a new object).
 */
export function check(kind: Kind, obj: ArchiveObject, ctx: ArchiveContext, access: Access = CENTRE, before: ArchiveObject | null = null): Checked {
  switch (kind.name) {
    case 'sector': return checkSector(obj as Sector)
    case 'locality': return checkLocality(obj as Locality, ctx)
    case 'organisation': {
      const c = checkOrganisation(obj as Organisation, ctx)
      checkAllocations(obj as Organisation, before as Organisation | null, ctx, access, c)
      return c
    }
    case 'asset': {
      const scope = access.scope
      const c = checkAsset(obj as Asset, ctx, (org) => scope === null || scope.includes(org))
      checkAssetSpace(obj as Asset, before as Asset | null, ctx, access, c)
      return c
    }
  }
}

/** What the audit entry of a checked write records besides the changed fields. */
export function auditNotes(c: Checked): Changes | undefined {
  const notes: Changes = {}
  if (c.crossOrg.length > 0) notes.cross_org_overlap = [null, c.crossOrg]
  if (c.warnings.length > 0) notes.warnings = [null, c.warnings]
  return Object.keys(notes).length > 0 ? notes : undefined
}

/** Throws the 400 or 409 a failed check deserves. */
export function assertChecked(c: Checked): void {
  if (c.problems.length > 0) {
    throw new ApiError('validation_failed', c.problems.map((p) => `${p.field}: ${p.message}`).join('; '), { errors: c.problems })
  }
  if (c.conflicts.length > 0 || c.refused.length > 0) {
    const detail = [...c.conflicts, ...c.refused.map((r) => r.message)].join('; ')
    throw new ApiError('conflict', detail, c.refused.length > 0 ? { errors: c.refused } : {})
  }
}

/**
 * Writes to the archive: every write validates against the current archive, appends a version,
 * records the audit entry and reloads the network dictionary. Writes are serialised within the
 * process so that an If-Match check and the write it guards cannot interleave with another write,
 * and two assets can never claim the same network at once.
 */
export function createArchiveService(ch: ClickHouseClient, repo: Repository = createRepository(ch)) {
  let queue: Promise<unknown> = Promise.resolve()
  function exclusive<R>(fn: () => Promise<R>): Promise<R> {
    const run = queue.then(fn, fn)
    queue = run.catch(() => undefined)
    return run
  }

  /** Appends every change in one insert per kind, audits them, reloads the dictionary. */
  async function commit(changes: Change[], actor: Actor): Promise<Map<Change, Versioned<ArchiveObject>>> {
    const now = Date.now() * 1000
    const written = new Map<Change, Versioned<ArchiveObject>>()
    const byKind = new Map<Kind, { row: Record<string, unknown>; versionAtUs: number; changedBy: string }[]>()
    const audit: AuditEntry[] = []
    for (const c of changes) {
      const versionAtUs = Math.max(now, c.before ? microsOf(c.before.version_at) + 1 : 0)
      const rows = byKind.get(c.kind) ?? []
      rows.push({ row: c.kind.toRow(c.after as never), versionAtUs, changedBy: actor.name })
      byKind.set(c.kind, rows)
      const after = { ...c.after, version_at: new Date(Math.floor(versionAtUs / 1000)).toISOString().replace('Z', `${String(versionAtUs % 1000).padStart(3, '0')}Z`), changed_by: actor.name }
      written.set(c, after)
      const before = c.before ? (withoutStamp(c.before) as unknown as Record<string, unknown>) : null
      audit.push({ action: c.action, objectType: c.kind.name, objectId: c.key, changes: { ...diffFields(before, c.after as unknown as Record<string, unknown>), ...c.notes } })
    }
    await auditedWrite(ch, actor, audit, async () => {
      for (const [kind, rows] of byKind) await repo.append(kind, rows)
    })
    if (changes.some((c) => c.kind.name === 'asset' || c.kind.name === 'organisation')) await repo.reloadDictionary()
    return written
  }

  async function single<T extends ArchiveObject>(
    kind: Kind<T>, key: string, build: (current: Versioned<T> | undefined, ctx: ArchiveContext) => { after: T; action: AuditAction }, actor: Actor,
    access: Access = CENTRE,
  ): Promise<WriteResult<T>> {
    return exclusive(async () => {
      const current = await repo.get(kind, key)
      const ctx = await loadContext(ch)
      const { after, action } = build(current, ctx)
      const checked = check(kind as unknown as Kind, after, ctx, access, current ? withoutStamp(current) : null)
      assertChecked(checked)
      const notes = auditNotes(checked)
      const change: Change = { kind: kind as unknown as Kind, key, before: (current ?? null) as Versioned<ArchiveObject> | null, after, action, ...(notes ? { notes } : {}) }
      const object = (await commit([change], actor)).get(change) as unknown as Versioned<T>
      return { object, etag: etagOf(object), overlaps: checked.overlaps, warnings: checked.warnings }
    })
  }

  /** Who may nest blocks across organisations: only the centre, and only when it says so. */
  function accessOf(scope: Scope, opts: WriteOptions): Access {
    if (scope !== null && opts.allowCrossOrg) throw new ApiError('forbidden', "allow_cross_org is for the centre's administrators")
    return { scope, allowCrossOrg: opts.allowCrossOrg === true }
  }

  /** The object a scoped caller may see: undefined (404) when it does not exist or is not theirs. */
  async function visible<T extends ArchiveObject>(kind: Kind<T>, key: string, scope: Scope, asOf?: number): Promise<Versioned<T> | undefined> {
    const obj = await repo.get(kind, key, asOf)
    return obj && inScope(kind as unknown as Kind, obj, scope) ? obj : undefined
  }

  function requireMatch(current: { version_at: string }, ifMatch: string | undefined, required: boolean): void {
    if (ifMatch === undefined) {
      if (required) throw new ApiError('precondition_required', 'send If-Match with the ETag of the version you read (GET it first)')
      return
    }
    const tags = ifMatch.split(',').map((t) => t.trim())
    if (!tags.includes(etagOf(current)) && !tags.includes('*')) {
      throw new ApiError('precondition_failed', `the ${'object'} changed since it was read (now ${etagOf(current)}); read it again and reapply your change`)
    }
  }

  return {
    repo,
    visible,
    commit,
    exclusive,

    async create<T extends ArchiveObject>(kind: Kind<T>, obj: T, actor: Actor, scope: Scope, opts: WriteOptions = {}): Promise<WriteResult<T>> {
      const key = String((obj as unknown as Record<string, unknown>)[kind.key])
      const access = accessOf(scope, opts)
      return single(kind, key, (current) => {
        if (current) throw new ApiError('conflict', `${kind.name} ${key} exists already`)
        if (!inScope(kind as unknown as Kind, obj, scope)) throw new ApiError('not_found', `no organisation ${orgOf(kind as unknown as Kind, obj)}`)
        return { after: obj, action: 'create' }
      }, actor, access)
    },

    async update<T extends ArchiveObject>(
      kind: Kind<T>, key: string, patch: Partial<T>, ifMatch: string | undefined, actor: Actor, scope: Scope, opts: WriteOptions = {},
    ): Promise<WriteResult<T>> {
      const access = accessOf(scope, opts)
      if (scope !== null && 'allocations' in patch) throw new ApiError('forbidden', 'an owner cannot change allocations; ask the centre')
      return single(kind, key, (current) => {
        if (!current || !inScope(kind as unknown as Kind, current, scope)) throw new ApiError('not_found', `no ${kind.name} ${key}`)
        requireMatch(current, ifMatch, true)
        const base = withoutStamp(current) as unknown as Record<string, unknown>
        const merged = { ...base } as Record<string, unknown>
        for (const [field, value] of Object.entries(patch)) {
          merged[field] = field === 'cso' ? { ...(base.cso as object), ...(value as object) } : value
        }
        const after = merged as unknown as T
        if (!inScope(kind as unknown as Kind, after, scope)) throw new ApiError('not_found', `no organisation ${orgOf(kind as unknown as Kind, after)}`)
        return { after, action: 'update' }
      }, actor, access)
    },

    /** Delete = decommission: a new version with the retired status; the history stays. */
    async retire<T extends ArchiveObject>(kind: Kind<T>, key: string, ifMatch: string | undefined, actor: Actor, scope: Scope): Promise<WriteResult<T>> {
      return single(kind, key, (current, ctx) => {
        if (!current || !inScope(kind as unknown as Kind, current, scope)) throw new ApiError('not_found', `no ${kind.name} ${key}`)
        requireMatch(current, ifMatch, false)
        if (current.status === kind.retired) throw new ApiError('conflict', `${kind.name} ${key} is ${kind.retired} already`)
        if (kind.name === 'sector' && ctx.usedCodes.sectors.has(key)) throw new ApiError('conflict', `sector ${key} is used by active organisations; move them first`)
        if (kind.name === 'locality' && ctx.usedCodes.localities.has(key)) {
          throw new ApiError('conflict', `locality ${key} is used by active organisations or localities; move them first`)
        }
        if (kind.name === 'organisation' && ctx.activeAssetOrgs.has(key)) {
          throw new ApiError('conflict', `organisation ${key} still has active assets; decommission them first`)
        }
        return { after: { ...withoutStamp(current), status: kind.retired } as T, action: 'decommission' }
      }, actor)
    },

    /** The active asset whose network most specifically contains `ip` (what flows are attributed to). */
    async lookup(ip: string, scope: Scope): Promise<{ asset: Versioned<Asset>; network: string } | undefined> {
      const matches = await repo.lookup(ip)
      const bits = (p: string) => Number(p.split('/')[1] ?? 0) + (p.includes(':') ? 0 : 96)
      const best = matches.sort((a, b) => bits(b.prefix) - bits(a.prefix))[0]
      if (!best) return undefined
      const asset = await visible(ASSET, best.id, scope)
      return asset ? { asset, network: best.prefix } : undefined
    },
  }
}

export type ArchiveService = ReturnType<typeof createArchiveService>
