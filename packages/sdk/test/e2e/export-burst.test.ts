// End to end: a synchronous burst of 100,000 spans with default settings reaches a slow listener
// in full, each span exactly once, in requests of at most 5 MiB.
import type { SpanEventEnvelope } from '@llmobs/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/config.js'
import { createDatadogExporter } from '../../src/export/datadog-exporter.js'
import type { Exporter } from '../../src/export/exporter.js'
import { makeRecord } from '../../src/export/span-fixtures.test-helper.js'
import { Diagnostics } from '../../src/internal/diagnostics.js'
import {
  type RecordingServer,
  startRecordingServer,
} from '../../src/transport/recording-server.test-helper.js'
import type { SpanRecord } from '../../src/span/span-record.js'

const SPANS = 100_000
let agent: RecordingServer
let exporter: Exporter | undefined
let spanIds: Map<string, number>
let lines: string[]

beforeEach(async () => {
  spanIds = new Map()
  lines = []
  // A slow agent: every answer waits 25 ms. It counts span ids as requests arrive, then lets the
  // body go, so the test holds no more memory than the exporter does.
  agent = await startRecordingServer((r) => {
    if (r.url === '/evp_proxy/v2/api/v2/llmobs') {
      for (const envelope of JSON.parse(r.body) as SpanEventEnvelope[]) {
        for (const span of envelope.spans) spanIds.set(span.span_id, (spanIds.get(span.span_id) ?? 0) + 1)
      }
      agent.received.length = 0
    }
    return { status: 200, body: '{}', delayMs: 25 }
  })
})
afterEach(async () => {
  await exporter?.shutdown({ timeoutMs: 2000 })
  exporter = undefined
  await agent.close()
})

/** The benchmark's workload: a workflow span with three llm children (messages in and out). */
function workload(i: number): SpanRecord {
  const spanId = String(10_000_000 + i)
  return i % 4 === 0
    ? makeRecord({
        spanId,
        kind: 'workflow',
        name: 'answer-question',
        modelName: undefined,
        modelProvider: undefined,
        input: { value: 'How do I rotate the API key?' },
        output: { value: 'Create a second key first.' },
        metadata: {},
        metrics: {},
      })
    : makeRecord({ spanId, parentId: String(10_000_000 + i - (i % 4)), metadata: {} })
}

describe('burst', () => {
  it(`delivers a synchronous burst of ${SPANS.toLocaleString('en-US')} spans in full with default settings`, async () => {
    const { config } = resolveConfig({
      mlApp: 'bench',
      service: 'bench',
      agentUrl: agent.url,
      mode: 'agent-proxy',
    })
    exporter = createDatadogExporter(
      config,
      new Diagnostics({ logger: { warn: (m: string) => lines.push(m) } }),
    )
    const started = process.hrtime.bigint()
    const cpu = process.cpuUsage()
    for (let i = 0; i < SPANS; i++) exporter.exportSpan(workload(i))
    const burstMs = Number(process.hrtime.bigint() - started) / 1e6
    const result = await exporter.flush()
    const totalMs = Number(process.hrtime.bigint() - started) / 1e6
    const used = process.cpuUsage(cpu)

    expect(result.spans).toEqual({ sent: SPANS, failed: 0, dropped: 0 })
    expect(spanIds.size).toBe(SPANS)
    expect([...spanIds.values()].every((n) => n === 1)).toBe(true)
    expect(lines).toEqual([])
    console.log(
      `[export-burst] ${SPANS} spans: burst ${burstMs.toFixed(0)} ms, delivered after ${totalMs.toFixed(0)} ms, ` +
        `CPU ${((used.user + used.system) / 1000).toFixed(0)} ms (listener included)`,
    )
  }, 120_000)
})
