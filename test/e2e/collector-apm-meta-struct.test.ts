import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DEMO,
  demoSpanEvents,
  v04BodiesWithMetaStruct,
} from '../../packages/collector/test/fixtures/captures.js'
import type { CollectorProcess } from '../helpers/collector-process.js'
import { startCollectorProcess } from '../helpers/collector-process.js'

interface SpanView {
  spanId: string
  parentId: string | null
  traceId: string
  name: string
  kind: string
  status: string
  startNs: number
  durationNs: number
  sessionId: string | null
  mlApp: string | null
  apmTraceId: string | null
  meta: Record<string, unknown>
  metrics: Record<string, number>
  tags: string[]
}

const put = (url: string, body: Uint8Array, headers: Record<string, string> = {}) =>
  fetch(`${url}/v0.4/traces`, {
    method: 'PUT',
    headers: { 'content-type': 'application/msgpack', 'x-datadog-trace-count': '1', ...headers },
    body,
  })

describe('APM traces with meta_struct["_llmobs"] → collector (real process)', () => {
  let collector: CollectorProcess
  beforeAll(async () => {
    collector = await startCollectorProcess()
  })
  afterAll(async () => {
    await collector.stop()
  })

  it('rebuilds the LLM spans from the struct and their host spans, as the EVP path would have sent them', async () => {
    const [first, second] = v04BodiesWithMetaStruct({ submitted: false })
    const answer = await put(collector.url, first as Uint8Array)
    expect(answer.status).toBe(200)
    expect(await answer.json()).toEqual({
      rate_by_service: { 'service:,env:': 1, 'service:demo-svc,env:dev': 1 },
    })
    // The second request gzip-compressed, as some tracers send it.
    expect(
      (await put(collector.url, gzipSync(second as Uint8Array), { 'content-encoding': 'gzip' })).status,
    ).toBe(200)

    const trace = await collector.waitFor<{ spans: SpanView[] }>(
      `/api/traces/${DEMO.llmobsTraceId}`,
      (t) => t.spans.length === 3,
    )
    const stored = new Map(trace.spans.map((s) => [s.spanId, s]))
    for (const event of demoSpanEvents()) {
      const span = stored.get(event.span_id)
      expect(span, event.name).toBeDefined()
      expect(span).toMatchObject({
        traceId: event.trace_id,
        parentId: event.parent_id === 'undefined' ? null : event.parent_id,
        name: event.name,
        kind: event.meta['span.kind'],
        status: event.status,
        durationNs: event.duration,
        sessionId: event.session_id ?? null,
        mlApp: 'demo',
        apmTraceId: DEMO.apmTraceId,
        metrics: event.metrics,
      })
      // The host span's start is exact in msgpack; the JSON capture rounded it. Same instant.
      expect(Math.abs((span?.startNs ?? 0) - event.start_ns)).toBeLessThan(1000)
      expect(span?.meta.input).toEqual(event.meta.input)
      expect(span?.meta.output).toEqual(event.meta.output)
      expect(span?.tags).toEqual(expect.arrayContaining(['ml_app:demo', 'session_id:sess-1', 'error:0']))
    }

    const apm = await collector.query<{
      spans: Array<{ spanId: string; parentId: string | null }>
      llmSpans: SpanView[]
    }>(`/api/apm/traces/${DEMO.apmTraceId}`)
    expect(apm.spans.map((s) => [s.spanId, s.parentId])).toEqual([
      [DEMO.rootSpanId, null],
      [DEMO.chatSpanId, DEMO.rootSpanId],
      [DEMO.bgTaskSpanId, DEMO.rootSpanId],
    ])
    expect(apm.llmSpans).toHaveLength(3)
  })

  it('changes nothing when the same payloads come again (a retry)', async () => {
    const before = await collector.query<{ counts: unknown }>('/api/stats')
    for (const body of v04BodiesWithMetaStruct({ submitted: false }))
      expect((await put(collector.url, body)).status).toBe(200)
    expect((await collector.query<{ counts: unknown }>('/api/stats')).counts).toEqual(before.counts)
  })

  it('never extracts spans tagged _dd.llmobs.submitted:1, but stores them as APM spans', async () => {
    const other = await startCollectorProcess()
    try {
      for (const body of v04BodiesWithMetaStruct({ submitted: true }))
        expect((await put(other.url, body)).status).toBe(200)
      const { counts } = await other.query<{ counts: { llmSpans: number; apmSpans: number } }>('/api/stats')
      expect(counts).toMatchObject({ llmSpans: 0, apmSpans: 3 })
    } finally {
      await other.stop()
    }
  })
})
