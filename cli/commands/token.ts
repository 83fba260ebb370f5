import { parseArgs } from 'node:util'
import { cliActor } from '../../archive/cli-actor.ts'
import { ROLES, createTokenStore, isTokenName, type TokenRole } from '../../archive/tokens.ts'
import { UsageError, type Command } from '../command.ts'
import { configFrom, openMigrated } from '../context.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export const tokenCommand: Command = {
  name: 'token',
  usage: `Usage: holowatch token create NAME --role ROLE [--org UUID]... [--campaign ID]... [--expires ISO-TIME]
       holowatch token list [--json]
       holowatch token revoke ID
       (every form takes --config FILE)

Roles: admin (everything), analyst (reads everything, works incidents), owner (its organisations'
archive records and attacks: give --org once per organisation), vendor (its health-check
campaigns: --campaign), sensor (ingest only). 'create' prints the token once: it is stored hashed
and cannot be shown again. 'revoke' takes effect at once. Every change is in the audit log as
cli:<user>.`,
  async run(args) {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true,
      options: {
        role: { type: 'string' }, org: { type: 'string', multiple: true }, campaign: { type: 'string', multiple: true },
        expires: { type: 'string' }, json: { type: 'boolean' }, config: { type: 'string' },
      },
    })
    const [action, arg] = positionals
    if (!action || !['create', 'list', 'revoke'].includes(action)) throw new UsageError('expected create, list or revoke')
    let expiresAt: number | null = null
    if (action === 'create') {
      if (!arg || !isTokenName(arg)) throw new UsageError('create needs a NAME: 1–64 letters, digits, spaces, _ . @ -')
      if (!values.role || !(ROLES as readonly string[]).includes(values.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`)
      if (values.role === 'owner' && !values.org?.length) throw new UsageError('an owner token needs --org UUID (once per organisation)')
      if (values.org?.some((o) => !UUID.test(o))) throw new UsageError('--org takes an organisation id (UUID)')
      if (values.expires !== undefined) {
        expiresAt = Date.parse(values.expires)
        if (Number.isNaN(expiresAt) || expiresAt <= Date.now()) throw new UsageError('--expires must be a future ISO 8601 time')
      }
    }
    if (action === 'revoke' && (!arg || !UUID.test(arg))) throw new UsageError('revoke needs the token ID (see holowatch token list)')
    const { clickhouse } = await openMigrated(configFrom(values.config))
    try {
      const store = createTokenStore(clickhouse)
      if (action === 'create') {
        const { token, info } = await store.create(
          { name: arg!, role: values.role as TokenRole, orgs: values.org ?? [], campaigns: values.campaign ?? [], expiresAt },
          cliActor(),
        )
        console.log(`token "${info.name}" (${info.role}, id ${info.id}) created; it is shown this once only:\n\n${token}\n`)
      } else if (action === 'list') {
        const tokens = await store.list()
        if (values.json) console.log(JSON.stringify(tokens, null, 2))
        else if (tokens.length === 0) console.log('no tokens')
        else for (const t of tokens) console.log(describe(t))
      } else {
        const revoked = await store.revoke(arg!, cliActor())
        console.log(revoked ? `token ${arg} revoked` : `no active token ${arg}`)
        if (!revoked) return 1
      }
      return 0
    } finally {
      await clickhouse.close()
    }
  },
}

function describe(t: Awaited<ReturnType<ReturnType<typeof createTokenStore>['list']>>[number]): string {
  const state = t.revoked_at ? `revoked ${t.revoked_at}` : t.expires_at && Date.parse(t.expires_at) <= Date.now() ? `expired ${t.expires_at}` : 'active'
  const scope = t.role === 'owner' ? ` orgs=${t.orgs.join(',')}` : t.role === 'vendor' ? ` campaigns=${t.campaigns.join(',')}` : ''
  return `${t.id}  ${t.hint}…  ${t.role.padEnd(7)} ${t.name}  ${state}  last used ${t.last_used_at ?? 'never'}${scope}`
}
