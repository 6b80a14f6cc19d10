import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { extractHeaders, extractPropagation } from './extract.js'
import { injectHeaders } from './inject.js'
import type { HeaderRecord, PropagationContext } from './propagation-context.js'

// The official tracer on the other side of a real process hop (testdata/dd-trace-peer.mjs).
const PEER = fileURLToPath(new URL('./testdata/dd-trace-peer.mjs', import.meta.url))
const run = promisify(execFile)

async function peer<T>(command: object): Promise<T> {
  const { stdout } = await run(process.execPath, [PEER, JSON.stringify(command)], {
    timeout: 30_000,
    env: { ...process.env, DD_TRACE_DEBUG: 'false', DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false' },
  })
  const lines = stdout.trim().split('\n')
  return JSON.parse(lines[lines.length - 1] as string) as T
}

interface Exported {
  traceId: string
  spanId: string
}
interface InjectAnswer {
  headers: Record<string, string>
  agent: Exported
  exported: Exported
  apmTraceId: string
  apmSpanId: string
}
interface LlmobsEvent {
  spans: Array<{
    trace_id: string
    span_id: string
    parent_id: string
    tags: string[]
    session_id?: string
    _dd: { apm_trace_id: string; sample_rate?: string; sampling_decision?: string }
  }>
}
interface ExtractAnswer {
  extracted: {
    traceId: string
    spanId: string
    priority: number
    origin?: string
    tags: Record<string, string>
  } | null
  exported: Exported
  reinjected: Record<string, string>
  events: LlmobsEvent[] | string
}

function onlySpan(answer: ExtractAnswer): LlmobsEvent['spans'][number] {
  expect(Array.isArray(answer.events), String(answer.events)).toBe(true)
  const spans = (answer.events as LlmobsEvent[]).flatMap((event) => event.spans)
  expect(spans).toHaveLength(1)
  return spans[0] as LlmobsEvent['spans'][number]
}

const upstream: PropagationContext = {
  apmTraceId: '6b03fc19000000007953b531107242bf',
  parentSpanId: '774591771944634912',
  samplingPriority: 2,
  decisionMaker: '-4',
  origin: 'rum',
  llmobs: {
    traceId: '6b03fc1900000000a1b2c3d4e5f60718',
    parentId: '155780522099886039',
    mlApp: 'caller-app',
    sessionId: 'sess=42',
    sampleRate: 0.5,
    samplingDecision: 1,
    agentSpanId: '1162658443587032122',
    agentName: 'planner',
  },
  propagationTags: { '_dd.p.usr.id': 'dXNlcg==' },
  foreignTracestate: 'ot=th:0,congo=t61rcWkgMzE',
}

describe('interop with dd-trace 5.132 (real process)', () => {
  it('recovers everything dd-trace sends from inside an LLMObs span', async () => {
    const answer = await peer<InjectAnswer>({ mode: 'inject', mlApp: 'peer-app', sessionId: 'sess-7' })
    const { context, problems } = extractPropagation(answer.headers)
    expect(problems).toEqual([])
    expect(context).toMatchObject({
      apmTraceId: answer.apmTraceId,
      parentSpanId: answer.apmSpanId,
      samplingPriority: 1,
      decisionMaker: '-0',
      llmobs: {
        traceId: answer.exported.traceId,
        parentId: answer.exported.spanId,
        mlApp: 'peer-app',
        sessionId: 'sess-7',
        sampleRate: 1,
        samplingDecision: 1,
        agentSpanId: answer.agent.spanId,
        agentName: 'planner',
      },
    })
    // dd-trace's OpenTelemetry sampling member is another vendor's: it passes through.
    expect(context?.foreignTracestate).toMatch(/^ot=/)
    expect(context?.propagationTags).toBeUndefined()
  })

  it('with a 420-character ml_app dd-trace drops x-datadog-tags whole; the high half comes back from traceparent', async () => {
    const answer = await peer<InjectAnswer>({ mode: 'inject', mlApp: 'm'.repeat(420) })
    expect(answer.headers['x-datadog-tags']).toBeUndefined()
    const context = extractHeaders(answer.headers)
    expect(context?.apmTraceId).toBe(answer.apmTraceId)
    expect(context?.problems).toContain(
      '_dd.p.tid absent: the high 64 bits of the trace id come from traceparent',
    )
    // What dd-trace did not send cannot be recovered: the LLMObs link is lost on its side.
    expect(context?.llmobs).toBeUndefined()
  })

  it('dd-trace continues the LLMObs trace from headers injectHeaders writes (both styles)', async () => {
    const headers: HeaderRecord = {}
    injectHeaders(headers, upstream)
    const answer = await peer<ExtractAnswer>({ mode: 'extract', headers })
    expect(answer.extracted).toMatchObject({
      traceId: upstream.apmTraceId,
      spanId: upstream.parentSpanId,
      priority: 2,
      origin: 'rum',
      tags: {
        '_dd.p.tid': '6b03fc1900000000',
        '_dd.p.dm': '-4',
        '_dd.p.usr.id': 'dXNlcg==',
        '_dd.p.llmobs_parent_id': '155780522099886039',
        '_dd.p.llmobs_ml_app': 'caller-app',
        '_dd.p.llmobs_sid': 'sess=42',
        '_dd.p.llmobs_sr': '0.5',
        '_dd.p.llmobs_sd': '1',
        '_dd.p.llmobs_pagent_span_id': '1162658443587032122',
        '_dd.p.llmobs_pagent_name': 'planner',
      },
    })
    // Same parent in both families: dd-trace records no `_dd.parent_id`.
    expect(answer.extracted?.tags['_dd.parent_id']).toBeUndefined()
    const span = onlySpan(answer)
    expect(span.trace_id).toBe(upstream.llmobs?.traceId)
    expect(span.parent_id).toBe('155780522099886039')
    expect(span.tags).toContain('ml_app:caller-app')
    expect(span.session_id).toBe('sess=42')
    expect(span._dd).toMatchObject({
      apm_trace_id: upstream.apmTraceId,
      sample_rate: '0.5',
      sampling_decision: '1',
    })
    // And what dd-trace forwards from there, read back by extractHeaders, still names the trace.
    const next = extractHeaders(answer.reinjected)
    expect(next?.llmobs).toMatchObject({
      traceId: upstream.llmobs?.traceId,
      parentId: answer.exported.spanId,
    })
    expect(next?.foreignTracestate).toContain('congo=t61rcWkgMzE')
  })

  it('W3C alone carries the LLMObs entries to dd-trace (t.llmobs_*)', async () => {
    const headers: HeaderRecord = {}
    injectHeaders(headers, upstream, { styles: ['tracecontext'] })
    expect(Object.keys(headers).sort()).toEqual(['traceparent', 'tracestate'])
    const answer = await peer<ExtractAnswer>({ mode: 'extract', headers })
    expect(answer.extracted).toMatchObject({
      traceId: upstream.apmTraceId,
      spanId: upstream.parentSpanId,
      priority: 2,
    })
    const span = onlySpan(answer)
    expect(span.trace_id).toBe(upstream.llmobs?.traceId)
    expect(span.parent_id).toBe('155780522099886039')
    expect(span.tags).toContain('ml_app:caller-app')
  })

  it('the 512-byte budget keeps the trace id and LLMObs ids for dd-trace where dd-trace itself would drop them', async () => {
    const headers: HeaderRecord = {}
    const longApp = { ...upstream, llmobs: { ...upstream.llmobs!, mlApp: 'm'.repeat(420) } }
    const result = injectHeaders(headers, longApp)
    expect(result.trimmed).toContain('_dd.p.llmobs_ml_app')
    expect(String(headers['x-datadog-tags']).length).toBeLessThanOrEqual(512)
    const answer = await peer<ExtractAnswer>({ mode: 'extract', headers, mlApp: 'local-app' })
    expect(answer.extracted?.traceId).toBe(upstream.apmTraceId)
    expect(answer.extracted?.tags).toMatchObject({ '_dd.p.tid': '6b03fc1900000000', '_dd.p.dm': '-4' })
    const span = onlySpan(answer)
    expect(span.trace_id).toBe(upstream.llmobs?.traceId)
    expect(span.parent_id).toBe('155780522099886039')
    // The trimmed ml_app is gone from the wire, so the downstream service uses its own.
    expect(span.tags).toContain('ml_app:local-app')
  })

  it('an LLMObs root upstream travels as parent "undefined" and dd-trace keeps it a root of the same LLMObs trace', async () => {
    const headers: HeaderRecord = {}
    injectHeaders(headers, { ...upstream, llmobs: { ...upstream.llmobs!, parentId: undefined } })
    expect(headers['x-datadog-tags']).toContain('_dd.p.llmobs_parent_id=undefined')
    const answer = await peer<ExtractAnswer>({ mode: 'extract', headers })
    const span = onlySpan(answer)
    expect(span.trace_id).toBe(upstream.llmobs?.traceId)
    expect(span.parent_id).toBe('undefined')
  })

  it('when W3C names a nearer parent, both tracers pick it and keep the last Datadog span', async () => {
    const headers: HeaderRecord = {}
    injectHeaders(headers, upstream)
    // A W3C-only hop in between rewrote traceparent's parent and left the dd member alone.
    headers.traceparent = `00-${upstream.apmTraceId}-00000000000000ff-01`
    const ours = extractHeaders(headers)
    const answer = await peer<ExtractAnswer>({ mode: 'extract', headers })
    expect(ours?.parentSpanId).toBe('255')
    expect(answer.extracted?.spanId).toBe('255')
    expect(ours?.lastDatadogParentId).toBe(answer.extracted?.tags['_dd.parent_id'])
    expect(ours?.lastDatadogParentId).toBe('0abfe71cd4b34a20')
  })
})
