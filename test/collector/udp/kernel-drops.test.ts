import { spawn } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { describe, expect, it } from 'vitest'
import { kernelDrops } from '../../../collector/udp/kernel-drops.ts'
import { freeUdpPort } from '../../helpers/cli.ts'

// A socket whose owner stops reading (a process busy for three seconds) with a 4 KiB receive
// buffer: the kernel drops what does not fit, and kernelDrops reads that count for the port.
describe('kernel drops on a collector port', () => {
  it('counts the datagrams the kernel dropped on a full receive buffer, and none on other ports', async () => {
    const port = await freeUdpPort()
    const busy = spawn(process.execPath, [
      '-e',
      `const s = require('node:dgram').createSocket('udp4');
       s.bind(${port}, '127.0.0.1', () => { s.setRecvBufferSize(4096); console.log('bound'); const t = Date.now(); while (Date.now() - t < 3000) {} process.exit(0) })`,
    ])
    await new Promise<void>((resolve) => busy.stdout.once('data', () => resolve()))
    expect(kernelDrops([port])).toBe(0)
    const sender = createSocket('udp4')
    const payload = Buffer.alloc(1000, 1)
    for (let i = 0; i < 200; i++) await new Promise((resolve) => sender.send(payload, port, '127.0.0.1', resolve))
    sender.close()
    const drops = kernelDrops([port])
    expect(drops).toBeGreaterThan(150)
    expect(drops).toBeLessThanOrEqual(200)
    expect(kernelDrops([port === 65535 ? 1 : port + 1])).toBe(0)
    busy.kill()
  })
})
