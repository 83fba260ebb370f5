// The UDP receive thread of the collector. It only binds the sockets and copies each datagram,
// with its sender address, into batches that it hands to the main thread every few milliseconds
// (transferred, not copied). The main thread decodes and writes; whatever it is busy with (a
// batch to encode, a garbage collection), this thread keeps draining the kernel's socket buffer,
// so the buffer does not overflow and datagrams are not lost.
//
// Plain JavaScript on purpose: worker threads do not inherit the TypeScript loader of the main
// thread, and this file must run unchanged under `holowatch`, vitest and the benchmarks.
//
// Protocol. workerData: { host, ports, receiveBufferBytes, maxInFlightBytes }.
// To the main thread: { type: 'listening', ports, receiveBuffer } once bound, or { type: 'error', message, code, port };
// { type: 'batch', buffer, length, at, dropped } with datagrams packed as
// [u8 address length][address, latin1][u16 payload length][payload] ...
// From the main thread: { type: 'ack', bytes } when a batch is processed, { type: 'stop' }.
import { createSocket } from 'node:dgram'
import { parentPort, workerData } from 'node:worker_threads'

const FLUSH_MS = 5
const BATCH_BYTES = 512 * 1024
const { host, ports, receiveBufferBytes, maxInFlightBytes } = workerData

let buffer = Buffer.allocUnsafe(BATCH_BYTES + 70_000)
let used = 0
let inFlight = 0
let dropped = 0
const sockets = []

function flush() {
  if (used === 0 && dropped === 0) return
  const out = buffer
  const length = used
  inFlight += length
  parentPort.postMessage({ type: 'batch', buffer: out.buffer, offset: out.byteOffset, length, at: Date.now(), dropped }, [out.buffer])
  buffer = Buffer.allocUnsafe(BATCH_BYTES + 70_000)
  used = 0
  dropped = 0
}

function onMessage(payload, rinfo) {
  // The main thread is far behind: drop here, counted, instead of queueing without bound.
  if (inFlight > maxInFlightBytes) {
    dropped++
    return
  }
  const address = rinfo.address
  buffer[used] = address.length
  buffer.write(address, used + 1, 'latin1')
  used += 1 + address.length
  buffer.writeUInt16BE(payload.length, used)
  payload.copy(buffer, used + 2)
  used += 2 + payload.length
  if (used >= BATCH_BYTES) flush()
}

async function bind(port) {
  const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', ipv6Only: false, reuseAddr: false })
  await new Promise((resolve, reject) => {
    const failed = (err) => {
      socket.close()
      reject(Object.assign(new Error(`cannot listen for NetFlow/IPFIX on UDP ${host} port ${port}: ${err.code ?? err.message}`), { code: err.code, port }))
    }
    socket.once('error', failed)
    socket.bind(port, host, () => {
      socket.off('error', failed)
      resolve()
    })
  })
  socket.on('message', onMessage)
  socket.on('error', (err) => parentPort.postMessage({ type: 'warning', message: `UDP socket error on port ${port}: ${err.message}` }))
  let receiveBuffer = socket.getRecvBufferSize()
  if (receiveBufferBytes > 0) {
    try {
      socket.setRecvBufferSize(receiveBufferBytes)
      receiveBuffer = socket.getRecvBufferSize()
    } catch (err) {
      parentPort.postMessage({ type: 'warning', message: `could not set the UDP receive buffer size: ${err.message}` })
    }
  }
  sockets.push(socket)
  return receiveBuffer
}

parentPort.on('message', (message) => {
  if (message.type === 'ack') inFlight -= message.bytes
  else if (message.type === 'stop') {
    for (const s of sockets) s.close()
    flush()
    clearInterval(timer)
    parentPort.postMessage({ type: 'stopped' })
    parentPort.close()
  }
})

const timer = setInterval(flush, FLUSH_MS)
try {
  let receiveBuffer = 0
  for (const port of ports) receiveBuffer = await bind(port)
  parentPort.postMessage({ type: 'listening', ports: sockets.map((s) => s.address().port), receiveBuffer })
} catch (err) {
  for (const s of sockets) s.close()
  clearInterval(timer)
  parentPort.postMessage({ type: 'error', message: err.message, code: err.code, port: err.port })
}
