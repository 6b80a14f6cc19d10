import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HttpTransport } from './http-transport.js'
import { closedPort, type RecordingServer, startRecordingServer } from './recording-server.test-helper.js'
import type { TransportRequest } from './transport.js'

let server: RecordingServer
let transport: HttpTransport

beforeEach(async () => {
  server = await startRecordingServer()
  transport = new HttpTransport()
})
afterEach(async () => {
  transport.destroy()
  await server.close()
})

const post = (path: string, body = '{"a":1}', extra: Partial<TransportRequest> = {}): TransportRequest => ({
  method: 'POST',
  url: new URL(path, server.url),
  headers: { 'Content-Type': 'application/json', 'X-Test': 'yes' },
  body,
  timeoutMs: 2000,
  ...extra,
})

describe('HttpTransport', () => {
  it('sends method, path, headers, an exact Content-Length and the body', async () => {
    const body = '{"text":"héllo ✓"}'
    const result = await transport.send(post('/p/q', body))
    expect(result).toEqual({ status: 'success', statusCode: 200, body: undefined })
    const [got] = server.received
    expect(got?.method).toBe('POST')
    expect(got?.url).toBe('/p/q')
    expect(got?.headers['x-test']).toBe('yes')
    expect(got?.headers['content-type']).toBe('application/json')
    expect(got?.headers['content-length']).toBe(String(Buffer.byteLength(body)))
    expect(got?.body).toBe(body)
  })

  it('reuses one keep-alive connection for sequential requests', async () => {
    for (let i = 0; i < 5; i++) expect((await transport.send(post('/x'))).status).toBe('success')
    expect(server.received).toHaveLength(5)
    expect(server.connections()).toBe(1)
    expect(server.received[0]?.headers.connection).toBe('keep-alive')
  })

  it('returns the response body when asked, bounded', async () => {
    server.handler = () => ({ status: 200, body: '{"endpoints":["/evp_proxy/v2/"]}' })
    const full = await transport.send({
      ...post('/info'),
      method: 'GET',
      body: undefined,
      readBodyLimit: 1000,
    })
    expect(full).toMatchObject({ status: 'success', body: '{"endpoints":["/evp_proxy/v2/"]}' })
    const cut = await transport.send({ ...post('/info'), method: 'GET', body: undefined, readBodyLimit: 5 })
    expect(cut).toMatchObject({ status: 'success', body: '{"end' })
  })

  it('classifies statuses: 5xx, 408 and 429 retryable, other 4xx final', async () => {
    const statuses = [500, 503, 408, 429, 400, 403, 404, 413]
    const results = []
    for (const status of statuses) {
      server.handler = () => ({ status })
      results.push(await transport.send(post('/s')))
    }
    expect(results.map((r) => r.status)).toEqual([
      'retryable',
      'retryable',
      'retryable',
      'retryable',
      'failure',
      'failure',
      'failure',
      'failure',
    ])
    expect(results[4]).toMatchObject({ statusCode: 400, reason: expect.stringContaining('HTTP 400') })
  })

  it('quotes the start of an error answer in the reason', async () => {
    server.handler = () => ({ status: 403, body: `{"errors":\n ["Forbidden"]}${'x'.repeat(500)}` })
    const result = await transport.send(post('/denied'))
    expect(result.status).toBe('failure')
    if (result.status !== 'failure') return
    expect(result.reason).toContain('HTTP 403: {"errors": ["Forbidden"]}')
    expect(result.reason.length).toBeLessThan(300)
  })

  it('passes Retry-After on as milliseconds', async () => {
    server.handler = () => ({ status: 429, headers: { 'retry-after': '2' } })
    expect(await transport.send(post('/r'))).toMatchObject({ status: 'retryable', retryAfterMs: 2000 })
  })

  it('times out a server that never answers, as a retryable result', async () => {
    server.handler = () => 'hang'
    const started = Date.now()
    const result = await transport.send(post('/hang', '{}', { timeoutMs: 200 }))
    expect(result.status).toBe('retryable')
    expect(result).toMatchObject({ reason: expect.stringContaining('within 200 ms') })
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('turns a refused connection and a reset socket into retryable results', async () => {
    const port = await closedPort()
    const refused = await transport.send({ ...post('/'), url: new URL(`http://127.0.0.1:${port}/x`) })
    expect(refused).toMatchObject({ status: 'retryable', reason: expect.stringContaining('ECONNREFUSED') })
    server.handler = () => 'reset'
    expect((await transport.send(post('/reset'))).status).toBe('retryable')
  })

  it('fails at once for an invalid header and when aborted, never throwing', async () => {
    const bad = await transport.send({ ...post('/'), headers: { 'X-Bad': 'line\nbreak' } })
    expect(bad.status).toBe('failure')
    const controller = new AbortController()
    server.handler = () => 'hang'
    const pending = transport.send(post('/abort', '{}', { signal: controller.signal, timeoutMs: 10_000 }))
    await server.waitFor(() => server.received.length > 0)
    controller.abort()
    expect(await pending).toEqual({ status: 'failure', reason: 'aborted' })
  })
})
