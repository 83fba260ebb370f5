import { parseArgs } from 'node:util'
import { describeConfig } from '../../core/config.ts'
import type { Command } from '../command.ts'
import { UsageError } from '../command.ts'
import { configFrom } from '../context.ts'

export const configCommand: Command = {
  name: 'config',
  usage: `Usage: holowatch config --check [--config FILE] [--json]

Reads every setting from the environment, the optional JSON config file and the defaults,
validates them, and prints the effective configuration with where each value came from.
Exits 1 with a message naming the setting when one is invalid. Secrets are masked.`,
  async run(args) {
    const { values } = parseArgs({ args, options: { check: { type: 'boolean' }, config: { type: 'string' }, json: { type: 'boolean' } } })
    if (!values.check) throw new UsageError('config needs --check')
    const rows = describeConfig(configFrom(values.config))
    if (values.json) {
      console.log(JSON.stringify(rows, null, 2))
      return 0
    }
    const width = Math.max(...rows.map((r) => r.setting.length))
    const valueWidth = Math.min(40, Math.max(...rows.map((r) => r.value.length)))
    for (const r of rows) {
      console.log(`${r.setting.padEnd(width)}  ${r.value.padEnd(valueWidth)}  (${r.source})  ${r.doc}`)
    }
    console.log('configuration is valid')
    return 0
  },
}
