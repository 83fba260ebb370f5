import { VERSION } from '../../core/version.ts'
import type { Command } from '../command.ts'

export const versionCommand: Command = {
  name: 'version',
  usage: 'Usage: holowatch version\n\nPrints the holowatch version and the Node.js version.',
  async run() {
    console.log(`holowatch ${VERSION} (node ${process.version})`)
    return 0
  },
}
