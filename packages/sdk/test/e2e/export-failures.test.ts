// End to end: the exporter against a real listener that fails, throttles, hangs and recovers.
// Every item must end sent, failed or dropped exactly once, and arrive as often as retries allow.
import type { SpanEventEnvelope } from '@llmobs/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type LLMObsOptions, resolveConfig } from '../../src/config.js'
import { createDatadogExporter } from '../../src/export/datadog-exporter.js'
import { makeEvaluation, makeRecord } from '../../src/export/span-fixtures.test-helper.js'
import { Diagnostics } from '../../src/internal/diagnostics.js'
import {
  type Handler,
  type ReceivedRequest,
  type RecordingServer,
  startRecordingServer,
} from '../../src/transport/recording-server.test-helper.js'

const SPANS_PATH = '/evp_proxy/v2/api/v2/llmobs'
let agent: RecordingServer
let lines: string[]
let exporter: ReturnType<typeof createDatadogExporter> | undefined

beforeEach(async () => {
  agent = await startRecordingServer()
  lines = []
})
afterEach(async () => {
  await exporter?.shutdown({ timeoutMs: 1000 })
  exporter = undefined
  await agent.close()
})

function start(options: LLMObsOptions = {}) {
  const { config } = resolveConfig({ mlApp: 'demo', agentUrl: agent.url, mode: 'agent-proxy', ...options })
  exporter = createDatadogExporter(
    config,
    new Diagnostics({ logger: { warn: (m: string) => lines.push(m) } }),
  )
  return exporter
}

const spanIdsOf = (r: ReceivedRequest): string[] =>
  (JSON.parse(r.body) as SpanEventEnvelope[]).flatMap((e) => e.spans.map((s) => s.span_id))

/** Answers `replies` in order to span posts, then 200; records which posts were accepted. */
function scripted(replies: ReturnType<Handler>[], accepted: ReceivedRequest[]): Handler {
  let posts = 0
  return (r) => {
    if (r.url !== SPANS_PATH) return { status: 200 }
    const reply = replies[posts++] ?? { status: 200 }
    if (typeof reply === 'object' && 'status' in reply && reply.status === 200) accepted.push(r)
    return reply
  }
}

describe('failures and recovery', () => {
  it('500, 503, then 429 with Retry-After, then recovery: delivered once, after four attempts', async () => {
    const accepted: ReceivedRequest[] = []
    agent.handler = scripted(
      [{ status: 500 }, { status: 503 }, { status: 429, headers: { 'retry-after': '1' } }, { status: 200 }],
      accepted,
    )
    const e = start()
    const records = Array.from({ length: 50 }, () => makeRecord())
    for (const record of records) e.exportSpan(record)
    const started = Date.now()
    const result = await e.flush()
    expect(result.spans).toEqual({ sent: 50, failed: 0, dropped: 0 })
    expect(Date.now() - started).toBeGreaterThanOrEqual(950) // waited out Retry-After: 1
    const posts = agent.received.filter((r) => r.url === SPANS_PATH)
    expect(posts).toHaveLength(4)
    expect(new Set(posts.map((p) => p.body)).size).toBe(1) // the same bytes each time
    expect(accepted.flatMap(spanIdsOf)).toEqual(records.map((r) => r.spanId))
    expect(e.stats().transport).toMatchObject({ requests: 4, retries: 3 })
    expect(lines).toEqual([])
  })

  it('a server that keeps failing gets exactly five attempts, then the data counts as failed', async () => {
    agent.handler = (r) => (r.url === SPANS_PATH ? { status: 503 } : { status: 200 })
    const e = start()
    for (let i = 0; i < 10; i++) e.exportSpan(makeRecord())
    e.exportEvaluation(makeEvaluation())
    const result = await e.flush()
    expect(result).toEqual({
      spans: { sent: 0, failed: 10, dropped: 0 },
      evaluations: { sent: 1, failed: 0, dropped: 0 },
    })
    expect(agent.received.filter((r) => r.url === SPANS_PATH)).toHaveLength(5)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/could not send 10 span events .*HTTP 503.*\(gave up after 5 attempts\)/)
  })

  it('a 4xx other than 408/429 is final: one attempt, counted as failed', async () => {
    agent.handler = (r) => (r.url === SPANS_PATH ? { status: 413 } : { status: 200 })
    const e = start()
    e.exportSpan(makeRecord())
    expect((await e.flush()).spans).toEqual({ sent: 0, failed: 1, dropped: 0 })
    expect(agent.received).toHaveLength(1)
  })

  it('a server that hangs past the request timeout is retried, and recovery delivers', async () => {
    const accepted: ReceivedRequest[] = []
    agent.handler = scripted(['hang', 'hang', { status: 200 }], accepted)
    const e = start({ requestTimeoutMs: 200 })
    const record = makeRecord()
    e.exportSpan(record)
    const result = await e.flush()
    expect(result.spans).toEqual({ sent: 1, failed: 0, dropped: 0 })
    expect(agent.received.filter((r) => r.url === SPANS_PATH)).toHaveLength(3)
    expect(accepted.flatMap(spanIdsOf)).toEqual([record.spanId])
  })

  it('a server that always hangs: flush({timeoutMs}) returns early; the span later counts as failed', async () => {
    agent.handler = () => 'hang'
    const e = start({ requestTimeoutMs: 100 })
    e.exportSpan(makeRecord())
    const early = await e.flush({ timeoutMs: 50 })
    expect(early.spans).toEqual({ sent: 0, failed: 0, dropped: 0 }) // still in flight
    const final = await e.flush()
    expect(final.spans).toEqual({ sent: 0, failed: 1, dropped: 0 })
    expect(agent.received).toHaveLength(5)
    expect(lines[0]).toContain('within 100 ms')
  })

  it('every batch of a large export that fails once is delivered exactly once', async () => {
    // Each distinct body is refused the first time it arrives (alternating 500 and 429), then accepted.
    const seen = new Set<string>()
    const accepted: string[] = []
    agent.handler = (r) => {
      if (r.url !== SPANS_PATH) return { status: 200 }
      if (!seen.has(r.body)) {
        seen.add(r.body)
        return seen.size % 2 === 0 ? { status: 500 } : { status: 429, headers: { 'retry-after': '0' } }
      }
      accepted.push(...spanIdsOf(r))
      return { status: 200 }
    }
    const e = start()
    const records = Array.from({ length: 20_000 }, () => makeRecord({ metadata: { pad: 'p'.repeat(500) } }))
    for (const record of records) e.exportSpan(record)
    const result = await e.flush()
    expect(result.spans).toEqual({ sent: records.length, failed: 0, dropped: 0 })
    expect(seen.size).toBeGreaterThan(1) // more than one 5 MiB request
    expect(accepted.sort()).toEqual(records.map((r) => r.spanId).sort())
    expect(e.stats().transport.retries).toBe(seen.size)
  })
})
