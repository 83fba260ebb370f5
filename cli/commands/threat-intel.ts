import { parseArgs } from 'node:util'
import { deleteFeed, isFeedName, listFeeds, refreshFeedFromFile } from '../../detection/threat-intel.ts'
import { UsageError, type Command } from '../command.ts'
import { configFrom, openMigrated } from '../context.ts'

export const threatIntelCommand: Command = {
  name: 'threat-intel',
  usage: `Usage: holowatch threat-intel list [--config FILE]
       holowatch threat-intel load NAME FILE [--description TEXT] [--config FILE]
       holowatch threat-intel delete NAME [--config FILE]

A list is plain text (one address or CIDR per line, '#' comments, an optional label after the
address) or CSV (a header naming the address column: ip, address, cidr, indicator…, and
optionally a label column). 'load' replaces the feed NAME with the file's entries as a new
version, and remembers FILE so that loading it again refreshes it. Every flow is matched against
every active feed on both ends (rule threat_intel).`,
  async run(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { description: { type: 'string' }, config: { type: 'string' } } })
    const [action, name, file] = positionals
    if (!action || !['list', 'load', 'delete'].includes(action)) throw new UsageError('expected list, load or delete')
    if (action !== 'list' && (!name || !isFeedName(name))) throw new UsageError('NAME must be letters, digits, _ . - (up to 64)')
    if (action === 'load' && !file) throw new UsageError('load needs NAME and FILE')
    const { clickhouse } = await openMigrated(configFrom(values.config))
    try {
      if (action === 'list') {
        const feeds = await listFeeds(clickhouse)
        if (feeds.length === 0) console.log('no threat-intel feeds')
        for (const f of feeds) console.log(`${f.name.padEnd(24)} ${String(f.entries).padStart(9)} entries  ${f.version_at}  ${f.source}`)
      } else if (action === 'load') {
        const { feed, rejected } = await refreshFeedFromFile(clickhouse, name!, file!, 'cli', values.description ?? '')
        console.log(`feed ${feed.name}: ${feed.entries} entries loaded from ${file}`)
        for (const r of rejected.slice(0, 20)) console.error(`  line ${r.line} skipped (no address): ${r.text}`)
        if (rejected.length > 20) console.error(`  … and ${rejected.length - 20} more lines skipped`)
      } else {
        const deleted = await deleteFeed(clickhouse, name!, 'cli')
        console.log(deleted ? `feed ${name} deleted` : `no active feed ${name}`)
        if (!deleted) return 1
      }
      return 0
    } finally {
      await clickhouse.close()
    }
  },
}
