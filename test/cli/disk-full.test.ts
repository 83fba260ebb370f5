import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statfsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort, startCli, waitForStatus } from '../helpers/cli.ts'

// A real full disk: the data directory on a small tmpfs, filled with a real file while `serve`
// runs. Mounting needs root (CI runs as root); elsewhere these tests are skipped.
const ROOT_USER = process.getuid?.() === 0
const CAPTURE = readFileSync(fileURLToPath(new URL('../fixtures/pcap/dev-capture.pcap', import.meta.url)))
const SMALL = readFileSync(fileURLToPath(new URL('../fixtures/pcap/ether.pcap', import.meta.url)))
const ADMIN = 'disk-full-test-admin-token'

const mounts: string[] = []
afterEach(() => {
  for (const dir of mounts.splice(0)) {
    try {
      execFileSync('umount', ['-l', dir])
    } catch { /* already gone */ }
    rmSync(dir, { recursive: true, force: true })
  }
})

function tmpfs(sizeMb: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'holowatch-disk-'))
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir])
  mounts.push(dir)
  return dir
}

/** Fills the file system of `dir` until `leaveMb` MiB are free. */
function fill(dir: string, leaveMb: number): string {
  const s = statfsSync(dir)
  const bytes = s.bavail * s.bsize - leaveMb * 1024 * 1024
  const filler = join(dir, 'filler')
  execFileSync('fallocate', ['-l', String(Math.max(0, bytes)), filler])
  return filler
}

async function serveOn(dataDir: string, env: Record<string, string> = {}) {
  const port = await freePort()
  const serve = startCli(['serve'], { HOLOWATCH_DATA_DIR: dataDir, HOLOWATCH_API_PORT: String(port), HOLOWATCH_ADMIN_TOKEN: ADMIN, ...env })
  const base = `http://127.0.0.1:${port}`
  await waitForStatus(`${base}/readyz`, 200)
  const upload = (body: Buffer, name: string) => fetch(`${base}/api/v1/pcaps?name=${name}`, {
    method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/vnd.tcpdump.pcap' }, body: new Uint8Array(body),
  })
  const imports = async () => ((await (await fetch(`${base}/api/v1/pcaps`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { items: { status: string }[] }).items
  return { serve, base, upload, imports, stop: async () => { serve.child.kill('SIGTERM'); await serve.exited } }
}

describe.runIf(ROOT_USER)('a full disk', () => {
  it('below HOLOWATCH_MIN_FREE_MB (default 256 MiB): uploads get 503 with Retry-After, /readyz says why, nothing is stored; with space again both work', async () => {
    const disk = tmpfs(400)
    const dataDir = join(disk, 'data')
    mkdirSync(dataDir)
    const s = await serveOn(dataDir)
    try {
      const filler = fill(disk, 100)
      const refused = await s.upload(SMALL, 'ether.pcap')
      expect(refused.status).toBe(503)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
      const problem = (await refused.json()) as { code: string; detail: string }
      expect(problem.code).toBe('disk_full')
      expect(problem.detail).toMatch(/MiB free, below HOLOWATCH_MIN_FREE_MB \(256 MiB\); nothing was stored/)
      const ready = await fetch(`${s.base}/readyz`)
      expect(ready.status).toBe(503)
      expect(((await ready.json()) as { detail: string }).detail).toContain(`the disk holding ${dataDir} has`)
      expect(await s.imports()).toEqual([])

      rmSync(filler)
      expect((await fetch(`${s.base}/readyz`)).status).toBe(200)
      const accepted = await s.upload(SMALL, 'ether.pcap')
      expect(accepted.status).toBe(201)
      expect((await s.imports()).map((i) => i.status)).toEqual(['done'])
    } finally {
      await s.stop()
    }
  })

  it('a disk that fills up while the capture arrives: 503 disk_full, not 500, and the upload succeeds once there is room', async () => {
    const disk = tmpfs(200)
    const dataDir = join(disk, 'data')
    mkdirSync(dataDir)
    // The check is off (this tests that setting): the write itself meets ENOSPC.
    const s = await serveOn(dataDir, { HOLOWATCH_MIN_FREE_MB: '0' })
    try {
      const filler = fill(disk, 1)
      const refused = await s.upload(CAPTURE, 'dev-capture.pcap')
      expect(refused.status).toBe(503)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(((await refused.json()) as { code: string }).code).toBe('disk_full')
      rmSync(filler)
      const accepted = await s.upload(CAPTURE, 'dev-capture.pcap')
      expect(accepted.status).toBe(201)
      expect(((await accepted.json()) as { flows: number }).flows).toBeGreaterThan(0)
    } finally {
      await s.stop()
    }
  })
})
