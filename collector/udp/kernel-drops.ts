import { readFileSync } from 'node:fs'

/**
 * Datagrams the kernel dropped on our UDP sockets because their receive buffer was full (the
 * `drops` column of /proc/net/udp and /proc/net/udp6, summed over the given local ports).
 * Undefined where /proc is not there (not Linux). These losses happen before holowatch sees a
 * byte, so only the kernel can count them; a rising value says: raise HOLOWATCH_UDP_RECEIVE_BUFFER
 * (and net.core.rmem_max) or give the collector more CPU.
 */
export function kernelDrops(ports: readonly number[]): number | undefined {
  if (ports.length === 0) return 0
  const wanted = new Set(ports.map((p) => p.toString(16).toUpperCase().padStart(4, '0')))
  let total = 0
  let found = false
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    let text: string
    try {
      text = readFileSync(file, 'latin1')
    } catch {
      continue
    }
    found = true
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/)
      const local = cols[1]
      if (!local || !wanted.has(local.slice(local.lastIndexOf(':') + 1))) continue
      total += Number(cols[cols.length - 1]) || 0
    }
  }
  return found ? total : undefined
}
