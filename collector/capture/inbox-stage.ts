import type { ClickHouseClient } from '@clickhouse/client'
import type { Config } from '../../core/config.ts'
import type { Logger } from '../../core/logger.ts'
import { createPcapInbox } from './inbox.ts'
import type { FlowTap } from './import.ts'
import { createPcapImporter } from './importer.ts'

/**
 * The inbox as a stage of `holowatch serve` (started when HOLOWATCH_PCAP_INBOX is set): its own
 * importer and writer, stopped in order (no new file taken, the current one finished, flows flushed).
 */
export async function startPcapInboxStage(config: Config, deps: { clickhouse: ClickHouseClient; logger: Logger; tap?: FlowTap }): Promise<{ name: string; stop(): Promise<void> }> {
  if (!config.pcapInbox) throw new Error('HOLOWATCH_PCAP_INBOX is not set')
  const importer = createPcapImporter(config, deps, 'inbox')
  importer.start()
  const inbox = createPcapInbox({ dir: config.pcapInbox, sensor: config.pcapInboxSensor }, { importer, logger: deps.logger })
  await inbox.start()
  return {
    name: 'pcap-inbox',
    async stop() {
      await inbox.stop()
      await importer.stop()
    },
  }
}
