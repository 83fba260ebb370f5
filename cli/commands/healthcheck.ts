import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { cliActor } from '../../archive/cli-actor.ts'
import { CAMPAIGN_STATUSES, checkCampaign, type CampaignInput } from '../../healthcheck/campaigns.ts'
import { CampaignClosedError, createHealthcheck, healthcheckConfigFrom, ReportError, type Healthcheck } from '../../healthcheck/index.ts'
import type { UploadResult } from '../../healthcheck/uploads.ts'
import { UsageError, type Command } from '../command.ts'
import { configFrom, openMigrated } from '../context.ts'

const USAGE = `Usage: holowatch healthcheck <action> [options]

Health-check campaigns from the command line (the API offers the same under /api/v1/campaigns).

  import --campaign ID [--vendor NAME] [--json] FILE...
      Imports scanner reports into a campaign: Nessus (.nessus v2), OpenVAS/GMP XML, Nmap XML,
      Qualys (asset data or scan report), Burp XML, or the CSV/XLSX template
      (docs/healthcheck-import.md); the format is recognised from the content. Each file is
      imported all or nothing; the same file twice is recognised by its SHA-256 and adds nothing.
  campaigns [--json]
      Lists the campaigns.
  campaign-create --name NAME --year YYYY [--vendor NAME]... [--status planned|active|closed]
      Creates a campaign and prints its id.
  escalate [--json]
      Flags every overdue notice and warning to its regulator and locality (run it daily, e.g.
      from cron); prints what it flagged.

Options:
  --config FILE   JSON file of settings (environment variables win)

Exit code 0 when everything was imported (or had been already); 1 when a file could not be
imported (the reason names the place in the file); 2 for wrong arguments.`

export const healthcheckCommand: Command = {
  name: 'healthcheck',
  usage: USAGE,
  async run(args) {
    const [action, ...rest] = args
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        campaign: { type: 'string' }, vendor: { type: 'string', multiple: true }, json: { type: 'boolean' }, config: { type: 'string' },
        name: { type: 'string' }, year: { type: 'string' }, status: { type: 'string' },
      },
    })
    if (!action || !['import', 'campaigns', 'campaign-create', 'escalate'].includes(action)) throw new UsageError(`unknown action "${action ?? ''}"`)
    if (action === 'import' && (!values.campaign || positionals.length === 0)) throw new UsageError('import needs --campaign ID and at least one FILE')
    if (action === 'campaign-create' && (!values.name || !/^\d{4}$/.test(values.year ?? ''))) throw new UsageError('campaign-create needs --name NAME and --year YYYY')
    if (values.status && !(CAMPAIGN_STATUSES as readonly string[]).includes(values.status)) throw new UsageError(`--status must be one of ${CAMPAIGN_STATUSES.join(', ')}`)
    const loaded = configFrom(values.config)
    const hcConfig = healthcheckConfigFrom(loaded.config)
    const { clickhouse } = await openMigrated(loaded)
    const hc = createHealthcheck(hcConfig, { clickhouse })
    try {
      if (action === 'import') return await importFiles(hc, values.campaign!, values.vendor?.[0], positionals, values.json ?? false)
      if (action === 'campaigns') {
        for (const c of await hc.campaigns.list()) console.log(values.json ? JSON.stringify(c) : `${c.id}  ${c.year}  ${c.status.padEnd(7)}  ${c.name}`)
        return 0
      }
      if (action === 'campaign-create') {
        const input: CampaignInput = {
          name: values.name!, year: Number(values.year), vendors: values.vendor ?? [], scope: { organisations: [], sectors: [], localities: [], networks: [] },
          starts_at: null, ends_at: null, sla: {}, status: (values.status ?? 'active') as CampaignInput['status'], notes: '',
        }
        const problem = checkCampaign(input)
        if (problem) throw new UsageError(problem)
        const c = await hc.campaigns.create(input, cliActor())
        console.log(values.json ? JSON.stringify(c) : c.id)
        return 0
      }
      const flagged = [...await hc.notices.escalate('notice', cliActor()), ...await hc.notices.escalate('warning', cliActor())]
      for (const n of flagged) console.log(values.json ? JSON.stringify(n) : `${n.number}  due ${n.due_at.slice(0, 10)}  ${n.org_name}  → ${[n.copy_to.sector, n.copy_to.locality].filter(Boolean).join(', ')}`)
      if (!values.json) console.error(`${flagged.length} overdue notice(s) and warning(s) escalated`)
      return 0
    } finally {
      await clickhouse.close()
    }
  },
}

async function importFiles(hc: Healthcheck, campaignId: string, vendor: string | undefined, files: string[], json: boolean): Promise<number> {
  const campaign = /^[0-9a-f-]{36}$/i.test(campaignId) ? await hc.campaigns.get(campaignId) : undefined
  if (!campaign) throw new UsageError(`--campaign ${campaignId}: no such campaign (see holowatch healthcheck campaigns)`)
  const actor = cliActor()
  let failed = 0
  for (const file of files) {
    try {
      const bytes = await readFile(file)
      const r = await hc.uploads.importReport(campaign, bytes, { fileName: file.split('/').pop() ?? file, vendor: vendor ?? actor.name, actor })
      console.log(json ? JSON.stringify({ file, ...r }) : describe(file, r))
    } catch (err) {
      failed++
      const reason = err instanceof ReportError || err instanceof CampaignClosedError ? err.message
        : (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message
      if (json) console.log(JSON.stringify({ file, status: 'failed', error: reason }))
      console.error(`${file}: not imported (nothing written): ${reason}`)
    }
  }
  return failed > 0 ? 1 : 0
}

function describe(file: string, r: UploadResult): string {
  const u = r.upload
  if (r.status === 'already_imported') return `${file}: already imported on ${u.uploaded_at} as ${u.file_name} (upload ${u.id}); nothing added. sha256 ${u.sha256}`
  return [
    `${file}: imported ${u.format}, upload ${u.id}`,
    `  hosts ${u.hosts} (matched ${u.matched_hosts}, unregistered ${u.unregistered_hosts})  items ${u.items}  findings ${u.findings}  observations ${u.observations}`,
    `  new ${u.created}  seen again ${u.updated}  reopened ${u.reopened}  mitigated ${u.mitigated}  merged ${u.merged}`,
    ...u.notes.map((n) => `  note: ${n}`),
  ].join('\n')
}
