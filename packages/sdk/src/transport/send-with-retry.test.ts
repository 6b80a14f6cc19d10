import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HttpTransport } from './http-transport.js'
import {
  closedPort,
  type RecordingServer,
  type Reply,
  startRecordingServer,
} from './recording-server.test-helper.js'
import type { RetryPolicy } from './retry-policy.js'
import { backoffDelay, DEFAULT_RETRY_POLICY } from './retry-policy.js'
import { sendWithRetry } from './send-with-retry.js'
import type { TransportRequest } from './transport.js'

let server: RecordingServer
let transport: HttpTransport

const FAST: RetryPolicy = {
  maxAttempts: 5,
  maxTotalMs: 10_000,
  baseDelayMs: 10,
  maxDelayMs: 40,
  maxRetryAfterMs: 3_000,
}

beforeEach(async () => {
  server = await startRecordingServer()
  transport = new HttpTransport()
})
afterEach(async () => {
  transport.destroy()
  await server.close()
})

const request = (timeoutMs = 2000): TransportRequest => ({
  method: 'POST',
  url: new URL('/ingest', server.url),
  headers: { 'Content-Type': 'application/json' },
  body: '{"n":1}',
  timeoutMs,
})

/** Answers with `replies` in order, then 200 for ever. */
const script =
  (...replies: Reply[]) =>
  (r: { index: number }) =>
    replies[r.index] ?? { status: 200 }

describe('sendWithRetry', () => {
  it('retries 500 and 503 and succeeds on the third attempt', async () => {
    server.handler = script({ status: 500 }, { status: 503 })
    const retries: number[] = []
    const outcome = await sendWithRetry(transport, request(), {
      policy: FAST,
      onRetry: (a) => retries.push(a),
    })
    expect(outcome).toMatchObject({ status: 'success', attempts: 3 })
    expect(retries).toEqual([1, 2])
    expect(server.received.map((r) => r.body)).toEqual(['{"n":1}', '{"n":1}', '{"n":1}'])
  })

  it('honours 429 Retry-After in seconds', async () => {
    server.handler = script({ status: 429, headers: { 'retry-after': '1' } })
    const delays: number[] = []
    const started = Date.now()
    const outcome = await sendWithRetry(transport, request(), {
      policy: FAST,
      onRetry: (_a, _r, d) => delays.push(d),
    })
    expect(outcome).toMatchObject({ status: 'success', attempts: 2 })
    expect(delays).toEqual([1000])
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
  })

  it('honours Retry-After as an HTTP-date, and caps a long one', async () => {
    const inOneSecond = new Date(Date.now() + 1500).toUTCString()
    server.handler = script(
      { status: 503, headers: { 'retry-after': inOneSecond } },
      { status: 429, headers: { 'retry-after': '3600' } },
    )
    const delays: number[] = []
    const outcome = await sendWithRetry(transport, request(), {
      policy: { ...FAST, maxRetryAfterMs: 50 },
      onRetry: (_a, _r, d) => delays.push(d),
    })
    expect(outcome.status).toBe('success')
    expect(delays).toEqual([50, 50])
  })

  it('treats 4xx other than 408/429 as final after one attempt', async () => {
    server.handler = () => ({ status: 403 })
    const outcome = await sendWithRetry(transport, request(), { policy: FAST })
    expect(outcome).toMatchObject({ status: 'failure', attempts: 1, statusCode: 403 })
    expect(server.received).toHaveLength(1)
  })

  it('retries 408', async () => {
    server.handler = script({ status: 408 })
    expect(await sendWithRetry(transport, request(), { policy: FAST })).toMatchObject({
      status: 'success',
      attempts: 2,
    })
  })

  it('retries network errors: a dropped socket, then a refused connection', async () => {
    server.handler = script('reset')
    expect(await sendWithRetry(transport, request(), { policy: FAST })).toMatchObject({
      status: 'success',
      attempts: 2,
    })
    const port = await closedPort()
    const outcome = await sendWithRetry(
      transport,
      { ...request(), url: new URL(`http://127.0.0.1:${port}/x`) },
      { policy: { ...FAST, maxAttempts: 3 } },
    )
    expect(outcome).toMatchObject({
      status: 'failure',
      attempts: 3,
      reason: expect.stringContaining('gave up after 3 attempts'),
    })
  })

  it('stops after maxAttempts', async () => {
    server.handler = () => ({ status: 500 })
    const outcome = await sendWithRetry(transport, request(), { policy: FAST })
    expect(outcome).toMatchObject({ status: 'failure', attempts: 5, statusCode: 500 })
    expect(server.received).toHaveLength(5)
  })

  it('stops when the total time budget is spent, timeouts included', async () => {
    server.handler = () => 'hang'
    const started = Date.now()
    const outcome = await sendWithRetry(transport, request(150), {
      policy: { ...FAST, maxAttempts: 100, maxTotalMs: 600 },
    })
    const elapsed = Date.now() - started
    expect(outcome.status).toBe('failure')
    expect(outcome.attempts).toBeGreaterThan(1)
    expect(outcome.attempts).toBeLessThan(10)
    expect(elapsed).toBeLessThan(3000)
  })

  it('gives up at once when a Retry-After would overrun the budget', async () => {
    server.handler = () => ({ status: 503, headers: { 'retry-after': '5' } })
    const outcome = await sendWithRetry(transport, request(), {
      policy: { ...FAST, maxTotalMs: 1000, maxRetryAfterMs: 10_000 },
    })
    expect(outcome).toMatchObject({
      status: 'failure',
      attempts: 1,
      reason: expect.stringContaining('budget'),
    })
  })

  it('stops waiting when aborted', async () => {
    server.handler = () => ({ status: 503, headers: { 'retry-after': '10' } })
    const controller = new AbortController()
    const pending = sendWithRetry(transport, request(), {
      policy: { ...FAST, maxRetryAfterMs: 10_000, maxTotalMs: 60_000 },
      signal: controller.signal,
    })
    await server.waitFor(() => server.received.length === 1)
    controller.abort()
    expect(await pending).toMatchObject({
      status: 'failure',
      attempts: 1,
      reason: expect.stringContaining('aborted'),
    })
  })
})

describe('backoffDelay', () => {
  it('doubles from the base, with jitter between half and all of the ceiling, capped', () => {
    const p = DEFAULT_RETRY_POLICY
    expect(backoffDelay(1, p, () => 0)).toBe(100)
    expect(backoffDelay(1, p, () => 1)).toBe(200)
    expect(backoffDelay(3, p, () => 0)).toBe(400)
    expect(backoffDelay(3, p, () => 1)).toBe(800)
    expect(backoffDelay(20, p, () => 1)).toBe(p.maxDelayMs)
  })
})
