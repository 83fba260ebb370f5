import { createSocket } from 'node:dgram'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort, freeUdpPort, runCli, startCli, waitForStatus } from '../helpers/cli.ts'

// What an operator sees when the service cannot start for a reason outside holowatch: one line
// naming the directory or port and what to do, exit code 2, never a stack trace.
const root = mkdtempSync(join(tmpdir(), 'holowatch-startup-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const noStack = (text: string) => expect(text).not.toMatch(/^\s+at /m)

describe('start-up errors', () => {
  it('a data directory held by a running serve: the directory and the process that holds it', async () => {
    const dir = join(root, 'held')
    const port = await freePort()
    const serve = startCli(['serve'], { HOLOWATCH_DATA_DIR: dir, HOLOWATCH_API_PORT: String(port) })
    try {
      await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200)
      const second = await runCli(['token', 'list'], { HOLOWATCH_DATA_DIR: dir })
      expect(second.code).toBe(2)
      expect(second.stderr.trim()).toBe(
        `holowatch token: the data directory ${dir} is in use by pid ${serve.child.pid} (holowatch serve); stop it, or give this command another HOLOWATCH_DATA_DIR`,
      )
      noStack(second.stderr)
    } finally {
      serve.child.kill('SIGTERM')
      await serve.exited
    }
    // Once it has stopped, the directory is free again (the status file it leaves is not a lock).
    const after = await runCli(['token', 'list'], { HOLOWATCH_DATA_DIR: dir })
    expect(after.code).toBe(0)
  })

  it('an API port taken by another process', async () => {
    const blocker = createServer()
    const port = await freePort()
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve))
    try {
      const res = await runCli(['serve'], { HOLOWATCH_DATA_DIR: join(root, 'api-port'), HOLOWATCH_API_PORT: String(port) })
      expect(res.code).toBe(2)
      expect(res.stderr).toContain(`holowatch serve: the API port ${port} on 127.0.0.1 is in use by another process; stop it or choose another port (HOLOWATCH_API_PORT`)
      noStack(res.stderr)
    } finally {
      blocker.close()
    }
  })

  it('a NetFlow port taken by another process', async () => {
    const udp = await freeUdpPort()
    const blocker = createSocket('udp6')
    await new Promise<void>((resolve) => blocker.bind(udp, '::', resolve))
    try {
      const res = await runCli(['serve'], { HOLOWATCH_DATA_DIR: join(root, 'udp-port'), HOLOWATCH_API_PORT: String(await freePort()), HOLOWATCH_NETFLOW_PORT: String(udp) })
      expect(res.code).toBe(2)
      expect(res.stderr).toContain(`the NetFlow/IPFIX UDP port ${udp} on :: is in use by another process; stop it or choose another port (HOLOWATCH_NETFLOW_PORT`)
      noStack(res.stderr)
    } finally {
      blocker.close()
    }
  })

  it('a data directory that cannot be created', async () => {
    const file = join(root, 'a-file')
    writeFileSync(file, 'not a directory')
    const res = await runCli(['migrate'], { HOLOWATCH_DATA_DIR: join(file, 'data') })
    expect(res.code).toBe(2)
    expect(res.stderr.trim()).toBe(`holowatch migrate: cannot use the data directory ${join(file, 'data')}: a part of the path is a file, not a directory`)
  })
})
