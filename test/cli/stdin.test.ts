import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { HOLOWATCH_BIN } from '../helpers/cli.ts'

const PCAPS = fileURLToPath(new URL('../fixtures/pcap/', import.meta.url))

/** Runs a bash script whose standard input is the given text, through a pipe. */
function bash(script: string, input: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd: PCAPS, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    child.on('close', (code) => resolve({ code, out }))
    child.stdin.end(input)
  })
}

describe('a holowatch command whose standard input is a pipe', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'holowatch-stdin-'))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('works in a `while read` loop and leaves the rest of the input to the loop', async () => {
    const script = `while read f; do echo "== $f"; node ${JSON.stringify(HOLOWATCH_BIN)} import-pcap "$f" || echo "FAILED $f"; done`
    const { code, out } = await bash(script, 'ether.pcap\nloop.pcap\nvlan.pcap\n', { HOLOWATCH_DATA_DIR: dataDir })
    expect(code).toBe(0)
    expect(out).not.toContain('FAILED')
    expect(out).not.toMatch(/inlined and external data/)
    // Every file of the loop ran (the first command did not swallow the others' names) with its own counts.
    expect(out).toContain('== ether.pcap')
    expect(out).toContain('== loop.pcap')
    expect(out).toContain('== vlan.pcap')
    expect(out.match(/packets \d+ {2}flows \d+/g)).toHaveLength(3)
  })

  it('migrates a fresh data dir with piped input, and runs with standard input closed', async () => {
    const bin = JSON.stringify(HOLOWATCH_BIN)
    const fresh = join(dataDir, 'fresh')
    const { code, out } = await bash(`echo hello | node ${bin} migrate && node ${bin} token list <&-`, '', { HOLOWATCH_DATA_DIR: fresh })
    expect(out).not.toMatch(/inlined and external data/)
    expect(code).toBe(0)
  })
})
