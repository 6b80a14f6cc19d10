/**
 * Test support (not shipped): a real HTTP listener on 127.0.0.1 that records every request and
 * answers through a scriptable handler. Used by the transport, export and e2e tests.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedRequest {
  readonly method: string
  readonly url: string
  readonly headers: http.IncomingHttpHeaders
  readonly body: string
  /** How many requests had arrived before this one (0-based). */
  readonly index: number
}

/** Answers one request: status (+ headers, body), `'hang'` (never answer) or `'reset'` (drop the socket). */
export type Reply =
  { status: number; headers?: Record<string, string>; body?: string; delayMs?: number } | 'hang' | 'reset'

export type Handler = (request: ReceivedRequest) => Reply | Promise<Reply>

export interface RecordingServer {
  readonly url: string
  readonly port: number
  readonly received: ReceivedRequest[]
  /** TCP connections accepted so far (keep-alive reuse keeps this low). */
  readonly connections: () => number
  handler: Handler
  /** Polls until `condition` holds; throws after `timeoutMs`. */
  waitFor(condition: () => boolean, timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

export const OK: Handler = () => ({ status: 200, body: '{}' })

export async function startRecordingServer(handler: Handler = OK): Promise<RecordingServer> {
  const received: ReceivedRequest[] = []
  let connections = 0
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        index: received.length,
      }
      received.push(request)
      void Promise.resolve(state.handler(request)).then((reply) => {
        if (reply === 'hang') return
        if (reply === 'reset') return void req.socket.destroy()
        const send = (): void => {
          res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
          res.end(reply.body ?? '{}')
        }
        if (reply.delayMs !== undefined) setTimeout(send, reply.delayMs)
        else send()
      })
    })
  })
  server.on('connection', () => connections++)
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const state: RecordingServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    connections: () => connections,
    handler,
    async waitFor(condition, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    },
    close() {
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  return state
}

/** A port on 127.0.0.1 where nothing listens (a server was opened there and closed again). */
export async function closedPort(): Promise<number> {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
