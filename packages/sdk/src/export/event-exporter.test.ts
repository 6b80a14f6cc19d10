import type { SpanEvent } from '@llmobs/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type LLMObsOptions, resolveConfig } from '../config.js'
import { Diagnostics } from '../internal/diagnostics.js'
import {
  closedPort,
  type RecordingServer,
  startRecordingServer,
} from '../transport/recording-server.test-helper.js'
import { EventExporter } from './event-exporter.js'
import { spanEventJson } from './span-event-json.js'
import { fixtureEncode, makeEvaluation, makeRecord } from './span-fixtures.test-helper.js'

const KEY = 'f00dfeedcafe0123456789abcdef4242'
const FAST_RETRY = {
  maxAttempts: 3,
  maxTotalMs: 5_000,
  baseDelayMs: 10,
  maxDelayMs: 20,
  maxRetryAfterMs: 100,
}

let server: RecordingServer
let lines: string[]
const exporters: EventExporter[] = []

beforeEach(async () => {
  server = await startRecordingServer()
  lines = []
})
afterEach(async () => {
  await Promise.all(exporters.splice(0).map((e) => e.shutdown({ timeoutMs: 1000 })))
  await server.close()
})

function exporter(
  options: LLMObsOptions,
  extra: Partial<ConstructorParameters<typeof EventExporter>[0]> = {},
) {
  const { config } = resolveConfig({ agentUrl: server.url, mode: 'agent-proxy', ...options })
  const log = (m: string): number => lines.push(m)
  const diagnostics = new Diagnostics({
    logger: { debug: log, info: log, warn: log, error: log },
    level: 'debug',
  })
  const e = new EventExporter({
    config,
    diagnostics,
    encodeSpan: fixtureEncode,
    retryPolicy: FAST_RETRY,
    flushOnExit: false,
    ...extra,
  })
  exporters.push(e)
  return e
}

describe('EventExporter', () => {
  it('delivers spans and evaluations and counts them as sent', async () => {
    const e = exporter({})
    for (let i = 0; i < 10; i++) e.exportSpan(makeRecord())
    e.exportEvaluation(makeEvaluation())
    const result = await e.flush()
    expect(result).toEqual({
      spans: { sent: 10, failed: 0, dropped: 0 },
      evaluations: { sent: 1, failed: 0, dropped: 0 },
    })
    expect(e.stats()).toMatchObject({ mode: 'agent-proxy', transport: { requests: 2, retries: 0 } })
    expect(e.stats().transport.bytes).toBe(server.received.reduce((n, r) => n + Buffer.byteLength(r.body), 0))
  })

  it('never logs the API key, whatever goes wrong', async () => {
    const port = await closedPort()
    const scenarios: LLMObsOptions[] = [
      { mode: 'agentless', apiKey: KEY, intakeUrl: 'http://intake.example.com' },
      { mode: 'agentless', apiKey: KEY, intakeUrl: `http://127.0.0.1:${port}/${KEY}` },
      { mode: 'agentless', apiKey: KEY, intakeUrl: `http://user:${KEY}@127.0.0.1:${server.port}` },
    ]
    server.handler = (r) => ({
      status: 403,
      body: JSON.stringify({ error: `bad key ${String(r.headers['dd-api-key'])}` }),
    })
    for (const options of scenarios) {
      const e = exporter(options)
      e.exportSpan(makeRecord())
      e.exportSpan(makeRecord({ metadata: { big: 1n } as never })) // unserialisable
      e.exportEvaluation(makeEvaluation())
      const result = await e.flush()
      expect(result.spans).toEqual({ sent: 0, failed: 1, dropped: 1 })
      expect(result.evaluations).toEqual({ sent: 0, failed: 1, dropped: 0 })
    }
    expect(lines.length).toBeGreaterThanOrEqual(4)
    expect(lines.some((l) => l.includes('refusing to send the API key to http://intake.example.com'))).toBe(
      true,
    )
    expect(lines.some((l) => l.includes('HTTP 403'))).toBe(true)
    for (const line of lines) expect(line).not.toContain(KEY)
  })

  it('refuses agentless over plain http to a non-loopback host before any byte is sent', async () => {
    const e = exporter({ mode: 'agentless', apiKey: KEY, intakeUrl: 'http://intake.example.com' })
    e.exportSpan(makeRecord())
    expect((await e.flush()).spans).toEqual({ sent: 0, failed: 1, dropped: 0 })
    expect(e.stats()).toMatchObject({ mode: 'unavailable', transport: { requests: 0 } })
  })

  it('counts a span the encoder rejects, or that cannot be serialised, as dropped', async () => {
    const e = exporter(
      {},
      {
        encodeSpan: (record) => {
          if (record.name === 'bad') throw new Error('cannot encode')
          return fixtureEncode(record)
        },
      },
    )
    e.exportSpan(makeRecord({ name: 'bad' }))
    e.exportSpan(makeRecord({ metadata: { n: 10n } as never }))
    e.exportSpan(makeRecord())
    expect((await e.flush()).spans).toEqual({ sent: 1, failed: 0, dropped: 2 })
    expect(lines.some((l) => l.includes('cannot encode'))).toBe(true)
  })

  it('drops only the span whose user data throws while serialised (default JSON writer)', async () => {
    const { config } = resolveConfig({ agentUrl: server.url, mode: 'agent-proxy' })
    const e = exporter({}, { spanJson: (record) => spanEventJson(record, config) })
    const hostile = {
      toJSON(): never {
        throw new Error('toJSON refuses')
      },
    }
    e.exportSpan(makeRecord({ name: 'before' }))
    e.exportSpan(makeRecord({ name: 'hostile', metadata: { hostile } }))
    e.exportSpan(makeRecord({ name: 'after' }))
    expect((await e.flush()).spans).toEqual({ sent: 2, failed: 0, dropped: 1 })
    const names = server.received.flatMap((r) =>
      (JSON.parse(r.body) as Array<{ spans: SpanEvent[] }>).map((envelope) => envelope.spans[0]!.name),
    )
    expect(names).toEqual(['before', 'after'])
    expect(lines.some((l) => l.includes('toJSON refuses'))).toBe(true)
  })

  it('trims an oversized span to maxSpanSize before serialising it, and says so once', async () => {
    const e = exporter({ maxSpanSize: 64 * 1024 })
    const big = 'x'.repeat(6 * 1024 * 1024)
    for (let i = 0; i < 3; i++) e.exportSpan(makeRecord({ kind: 'task', input: { value: big }, output: {} }))
    expect((await e.flush()).spans.sent).toBe(3)
    const [envelope] = JSON.parse(server.received[0]!.body) as Array<{ spans: SpanEvent[] }>
    const value = envelope!.spans[0]!.meta.input.value as string
    expect(value.length).toBeLessThanOrEqual(64 * 1024)
    expect(value).toMatch(
      /^x+\.\.\.\[llmobs: trimmed \d+ of 6291456 characters to fit the span size limit\]\.\.\.x+$/,
    )
    expect(lines.filter((l) => l.includes('carried more than maxSpanSize'))).toHaveLength(1)
  })

  it('reports a full queue once and shows the drops in flush()', async () => {
    const e = exporter({ maxQueueItems: 5 })
    for (let i = 0; i < 50; i++) e.exportSpan(makeRecord())
    const result = await e.flush()
    expect(result.spans).toEqual({ sent: 5, failed: 0, dropped: 45 })
    expect(lines.filter((l) => l.includes('queue is full'))).toHaveLength(1)
  })

  it('reports per flush what that flush settled, not running totals', async () => {
    const e = exporter({})
    const sent: number[] = []
    for (let i = 0; i < 3; i++) {
      e.exportSpan(makeRecord())
      sent.push((await e.flush()).spans.sent)
    }
    expect(sent).toEqual([1, 1, 1])
    expect((await e.flush()).spans.sent).toBe(0)
    expect(e.stats().spans.sent).toBe(3)
  })

  it('counts retries, and data refused for good as failed', async () => {
    server.handler = (r) =>
      r.index === 0 ? { status: 503 } : r.url.includes('eval') ? { status: 400 } : { status: 200 }
    const e = exporter({})
    e.exportSpan(makeRecord())
    expect((await e.flush()).spans).toEqual({ sent: 1, failed: 0, dropped: 0 })
    e.exportEvaluation(makeEvaluation())
    // Each flush reports what it settled; the span went with the previous one.
    const result = await e.flush()
    expect(result).toEqual({
      spans: { sent: 0, failed: 0, dropped: 0 },
      evaluations: { sent: 0, failed: 1, dropped: 0 },
    })
    expect(e.stats().spans).toMatchObject({ sent: 1, failed: 0, dropped: 0 })
    expect(e.stats().transport).toMatchObject({ requests: 3, retries: 1, errors: 2 })
  })

  it('shutdown is idempotent, flushes, and drops what comes after', async () => {
    const e = exporter({})
    e.exportSpan(makeRecord())
    const [a, b] = await Promise.all([e.shutdown(), e.shutdown()])
    expect(a).toBe(b)
    expect(a?.spans).toEqual({ sent: 1, failed: 0, dropped: 0 })
    e.exportSpan(makeRecord())
    expect((await e.flush()).spans).toEqual({ sent: 0, failed: 0, dropped: 1 })
    expect(e.stats().spans).toMatchObject({ sent: 1, failed: 0, dropped: 1 })
    expect(await e.shutdown()).toBe(a)
  })

  it('shutdown past its timeout fails what is left instead of waiting for it', async () => {
    server.handler = () => 'hang'
    const e = exporter({ requestTimeoutMs: 30_000 })
    e.exportSpan(makeRecord())
    const started = Date.now()
    const result = await e.shutdown({ timeoutMs: 200 })
    expect(result.spans).toEqual({ sent: 0, failed: 1, dropped: 0 })
    expect(Date.now() - started).toBeLessThan(5000)
  })
})
