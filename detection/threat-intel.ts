import { readFile } from 'node:fs/promises'
import type { ClickHouseClient } from '@clickhouse/client'
import { parseNetwork } from './cidr.ts'

export interface ThreatEntry {
  prefix: string
  label: string
}

export interface ParsedList {
  entries: ThreatEntry[]
  rejected: { line: number; text: string }[]
}

export interface Feed {
  name: string
  description: string
  source: string
  version: number
  entries: number
  status: 'active' | 'deleted'
  version_at: string
  changed_by: string
}

const MAX_ENTRIES = 2_000_000
const FEED_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/
const ADDRESS_HEADERS = ['ip', 'ip_address', 'address', 'addr', 'cidr', 'network', 'indicator', 'ioc', 'value']
const LABEL_HEADERS = ['label', 'description', 'type', 'threat', 'category', 'comment', 'tags']

export function isFeedName(name: string): boolean {
  return FEED_NAME.test(name)
}

/**
 * Reads a threat-intel list: plain text (one address or CIDR per line, `#` or `;` comments, an
 * optional label after whitespace) or CSV (a header naming the address column — ip, address,
 * cidr, indicator… — and optionally a label column; without a header the first column is the
 * address and the second the label). Entries are canonical CIDRs; lines that hold no address
 * are returned as rejected, never silently dropped, and never stop the rest from loading.
 */
export function parseThreatList(text: string): ParsedList {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  const entries = new Map<string, string>()
  const rejected: ParsedList['rejected'] = []
  let addrCol = 0
  let labelCol = -1
  let first = true
  lines.forEach((raw, n) => {
    const line = raw.trim()
    if (!line || line.startsWith('#') || line.startsWith(';') || line.startsWith('//')) return
    const csv = line.includes(',')
    const cells = csv ? splitCsv(line) : line.split(/\s+/)
    const isFirst = first
    first = false
    if (isFirst && csv) {
      const lower = cells.map((c) => c.toLowerCase())
      const a = lower.findIndex((c) => ADDRESS_HEADERS.includes(c))
      if (a >= 0) {
        addrCol = a
        labelCol = lower.findIndex((c) => LABEL_HEADERS.includes(c))
        return
      }
    }
    const net = parseNetwork(cells[addrCol] ?? '')
    if (!net) {
      rejected.push({ line: n + 1, text: line.slice(0, 200) })
      return
    }
    const label = (labelCol >= 0 ? cells[labelCol] : cells.slice(addrCol + 1).join(' ')) ?? ''
    if (entries.size < MAX_ENTRIES) entries.set(net.text, label.slice(0, 200))
  })
  return { entries: [...entries].map(([prefix, label]) => ({ prefix, label })), rejected }
}

function splitCsv(line: string): string[] {
  const out: string[] = []
  let cur = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (c === '"' && quoted && line[i + 1] === '"') {
      cur += '"'
      i++
    } else if (c === '"') {
      quoted = !quoted
    } else if (c === ',' && !quoted) {
      out.push(cur.trim())
      cur = ''
    } else {
      cur += c
    }
  }
  out.push(cur.trim())
  return out
}

/** Stores a feed's entries under a new version, points the feed at it and reloads the dictionary. */
export async function storeFeed(
  ch: ClickHouseClient,
  feed: { name: string; description: string; source: string; entries: ThreatEntry[]; changedBy: string },
): Promise<Feed> {
  const version = Date.now() * 1000 + Math.floor(Math.random() * 1000)
  const chunk = 100_000
  for (let i = 0; i < feed.entries.length; i += chunk) {
    await ch.insert({
      table: 'threat_intel_entries',
      values: feed.entries.slice(i, i + chunk).map((e) => ({ feed: feed.name, version, prefix: e.prefix, label: e.label })),
      format: 'JSONEachRow',
    })
  }
  await ch.insert({
    table: 'threat_intel_feeds',
    values: [{ name: feed.name, description: feed.description, source: feed.source, version, entries: feed.entries.length, status: 'active', changed_by: feed.changedBy }],
    format: 'JSONEachRow',
  })
  await reloadThreatIntel(ch)
  return (await getFeed(ch, feed.name))!
}

/** Re-reads a feed from its file path (or `path`) and stores it as a new version. */
export async function refreshFeedFromFile(ch: ClickHouseClient, name: string, path: string, changedBy: string, description = ''): Promise<{ feed: Feed; rejected: ParsedList['rejected'] }> {
  const parsed = parseThreatList(await readFile(path, 'utf8'))
  const feed = await storeFeed(ch, { name, description, source: path, entries: parsed.entries, changedBy })
  return { feed, rejected: parsed.rejected }
}

export async function deleteFeed(ch: ClickHouseClient, name: string, changedBy: string): Promise<Feed | undefined> {
  const current = await getFeed(ch, name)
  if (!current || current.status === 'deleted') return undefined
  await ch.insert({
    table: 'threat_intel_feeds',
    values: [{ ...current, version_at: undefined, status: 'deleted', changed_by: changedBy }],
    format: 'JSONEachRow',
  })
  await reloadThreatIntel(ch)
  return { ...current, status: 'deleted' }
}

export async function listFeeds(ch: ClickHouseClient): Promise<Feed[]> {
  const rs = await ch.query({
    query: `SELECT name, description, source, version, entries, toString(status) AS status,
              toString(version_at) AS version_at, changed_by
            FROM threat_intel_feeds ORDER BY name, version_at DESC LIMIT 1 BY name`,
    format: 'JSONEachRow',
  })
  return (await rs.json<Feed>()).filter((f) => f.status === 'active')
}

export async function getFeed(ch: ClickHouseClient, name: string): Promise<Feed | undefined> {
  const rs = await ch.query({
    query: `SELECT name, description, source, version, entries, toString(status) AS status,
              toString(version_at) AS version_at, changed_by
            FROM threat_intel_feeds WHERE name = {name:String} ORDER BY version_at DESC LIMIT 1`,
    query_params: { name },
    format: 'JSONEachRow',
  })
  return (await rs.json<Feed>())[0]
}

export async function reloadThreatIntel(ch: ClickHouseClient): Promise<void> {
  await ch.command({ query: 'SYSTEM RELOAD DICTIONARY threat_intel_dict' })
}
