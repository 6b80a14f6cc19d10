// The SDK in the apm-* modes against a real collector process: LLM spans ride their APM traces, each
// sampling source decides as the README says, and whatever APM sampling or the APM pipeline drops,
// the LLM data arrives once through the LLM Observability intake (the rescue).
import { createLLMObs } from '@llmobs/sdk'
import type { LLMObs, LLMObsOptions } from '@llmobs/sdk'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { CollectorProcess } from '../helpers/collector-process.js'
import { startCollectorProcess } from '../helpers/collector-process.js'
import { FORWARD, startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js'

interface SpanView {
  spanId: string
  name: string
  apmTraceId: string | null
  apmSampled: boolean | null
}
interface ApmTraceView {
  spans: Array<{
    spanId: string
    parentId: string | null
    llmobs: boolean
    samplingPriority: number | null
    meta: Record<string, string>
  }>
}

/** Services the collector answers an agent rate of 0 for (its agent says: drop them all). */
const DROPPED_SERVICE = 'svc-dropped'

let collector: CollectorProcess
const instances: LLMObs[] = []
beforeAll(async () => {
  collector = await startCollectorProcess({
    args: ['--agent-sample-rates', JSON.stringify({ [`service:${DROPPED_SERVICE},env:e2e`]: 0 })],
  })
})
afterEach(async () => {
  await Promise.all(instances.splice(0).map((i) => i.shutdown({ timeoutMs: 2_000 })))
})
afterAll(async () => {
  await collector.stop()
})

function start(options: LLMObsOptions = {}): LLMObs {
  const llmobs = createLLMObs({
    mlApp: 'apm-e2e',
    service: 'svc',
    env: 'e2e',
    agentUrl: collector.url,
    mode: 'apm-agent',
    flushIntervalMs: 50,
    logLevel: 'silent',
    ...options,
  })
  instances.push(llmobs)
  return llmobs
}

/** A workflow with an llm and a tool child; returns the LLMObs trace id. */
function traceApp(llmobs: LLMObs, before?: (root: { keepTrace(): void; dropTrace(): void }) => void): string {
  let traceId = ''
  llmobs.trace({ kind: 'workflow', name: 'answer' }, (root) => {
    before?.(root)
    traceId = root.traceId
    llmobs.trace({ kind: 'llm', name: 'chat', modelName: 'gpt-4o', modelProvider: 'openai' }, (llm) =>
      llm.annotate({ inputData: 'hi', outputData: 'yo', metrics: { inputTokens: 1, outputTokens: 1 } }),
    )
    llmobs.trace({ kind: 'tool', name: 'lookup' }, () => 42)
  })
  return traceId
}

async function llmSpans(traceId: string): Promise<SpanView[]> {
  const { spans } = await collector.waitFor<{ spans: SpanView[] }>(
    `/api/traces/${traceId}`,
    (t) => t.spans.length === 3 && t.spans.every((s) => s.apmSampled !== null),
  )
  return spans
}

async function apmTrace(apmTraceId: string): Promise<ApmTraceView> {
  return collector.waitFor<ApmTraceView>(`/api/apm/traces/${apmTraceId}`, (t) => t.spans.length === 3)
}

describe('apm-agent mode against a real collector', () => {
  it('sends each LLM span inside its APM trace (meta_struct), nothing through the LLMObs intake', async () => {
    const llmobs = start()
    const traceId = traceApp(llmobs)
    const result = await llmobs.flush()
    expect(result.spans).toEqual({ sent: 3, failed: 0, dropped: 0 })
    const spans = await llmSpans(traceId)
    expect(spans.map((s) => s.apmSampled)).toEqual([true, true, true])
    const apm = await apmTrace(spans[0]!.apmTraceId!)
    expect(apm.spans.every((s) => s.llmobs && s.samplingPriority === 1)).toBe(true)
    const root = apm.spans.find((s) => s.parentId === null)
    expect(apm.spans.filter((s) => s.parentId === root?.spanId)).toHaveLength(2)
    const status = llmobs.status()
    expect(status.route).toBe('apm-agent')
    expect(status.apm?.traces.chunks).toMatchObject({ sent: 1, failed: 0, dropped: 0 })
    expect(status.apm?.rescued).toEqual({ sampledOut: 0, payloadFailed: 0, queueFull: 0, closed: 0 })
  })

  it('a second flush sends nothing again: each span once, in one channel', async () => {
    const llmobs = start()
    const traceId = traceApp(llmobs)
    expect((await llmobs.flush()).spans.sent).toBe(3)
    expect((await llmobs.flush()).spans).toEqual({ sent: 0, failed: 0, dropped: 0 })
    await llmSpans(traceId)
    const { counts } = await collector.query<{ counts: { llmSpans: number } }>('/api/stats')
    const before = counts.llmSpans
    await llmobs.flush()
    await new Promise((resolve) => setTimeout(resolve, 200))
    const after = (await collector.query<{ counts: { llmSpans: number } }>('/api/stats')).counts.llmSpans
    expect(after).toBe(before)
    const apm = llmobs.status().apm
    expect(apm?.traces.spans.sent).toBe(3)
  })

  it('a trace the agent rates at 0 keeps its LLM data: sent once through EVP, apmSampled false', async () => {
    const llmobs = start({ service: DROPPED_SERVICE })
    // The first chunk goes out before the agent has given a rate (default keep); its answer teaches
    // the sampler the rate of 0 for this service.
    traceApp(llmobs)
    await llmobs.flush()
    const traceId = traceApp(llmobs)
    const result = await llmobs.flush()
    expect(result.spans).toEqual({ sent: 3, failed: 0, dropped: 0 })
    const spans = await llmSpans(traceId)
    expect(spans.map((s) => s.apmSampled)).toEqual([false, false, false])
    const apm = await apmTrace(spans[0]!.apmTraceId!)
    expect(apm.spans.map((s) => s.samplingPriority)).toEqual([0, 0, 0])
    expect(llmobs.status().apm?.rescued.sampledOut).toBe(3)
  })

  it('keepTrace() wins over an agent rate of 0; dropTrace() rescues a trace the agent would keep', async () => {
    const dropped = start({ service: DROPPED_SERVICE })
    traceApp(dropped)
    await dropped.flush()
    const kept = traceApp(dropped, (root) => root.keepTrace())
    await dropped.flush()
    const keptSpans = await llmSpans(kept)
    expect(keptSpans.map((s) => s.apmSampled)).toEqual([true, true, true])
    expect((await apmTrace(keptSpans[0]!.apmTraceId!)).spans.map((s) => s.samplingPriority)).toEqual([
      2, 2, 2,
    ])

    const llmobs = start()
    const rejected = traceApp(llmobs, (root) => root.dropTrace())
    await llmobs.flush()
    const rejectedSpans = await llmSpans(rejected)
    expect(rejectedSpans.map((s) => s.apmSampled)).toEqual([false, false, false])
    const apm = await apmTrace(rejectedSpans[0]!.apmTraceId!)
    expect(apm.spans.map((s) => s.samplingPriority)).toEqual([-1, -1, -1])
  })

  it('an upstream priority received through extract() is honoured, never re-decided, and forwarded by inject()', async () => {
    const llmobs = start()
    for (const priority of [-1, 2]) {
      const parent = llmobs.extract({
        'x-datadog-trace-id': '1234567890123',
        'x-datadog-parent-id': '987654321',
        'x-datadog-sampling-priority': String(priority),
        'x-datadog-tags': '_dd.p.tid=6b03fc1900000000,_dd.p.dm=-4,_dd.p.usr.id=dXNlcg',
      })
      let traceId = ''
      let injected: Record<string, string> = {}
      llmobs.trace({ kind: 'workflow', name: 'answer', parent }, (root) => {
        traceId = root.traceId
        llmobs.trace({ kind: 'llm', name: 'chat' }, () => (injected = llmobs.inject({})))
        llmobs.trace({ kind: 'tool', name: 'lookup' }, () => 1)
      })
      await llmobs.flush()
      expect(injected['x-datadog-sampling-priority']).toBe(String(priority))
      const spans = await llmSpans(traceId)
      expect(spans.every((s) => s.apmSampled === priority > 0)).toBe(true)
      expect(spans[0]!.apmTraceId).toBe('6b03fc1900000000' + 1234567890123n.toString(16).padStart(16, '0'))
      const apm = await collector.waitFor<ApmTraceView>(`/api/apm/traces/${spans[0]!.apmTraceId}`, (t) =>
        t.spans.some((s) => s.spanId !== undefined && s.parentId === '987654321'),
      )
      expect(apm.spans.filter((s) => s.samplingPriority === priority).length).toBeGreaterThanOrEqual(3)
      // Trace tags received upstream travel on, on the chunk's first span.
      const first = apm.spans.find((s) => s.meta['_dd.p.tid'] !== undefined)
      expect(first?.meta['_dd.p.usr.id']).toBe('dXNlcg')
    }
  })

  it('inject() sends the priority the APM sampler decided, before any chunk left', async () => {
    const dropped = start({ service: DROPPED_SERVICE })
    traceApp(dropped)
    await dropped.flush() // learns the rate of 0
    let headers: Record<string, string> = {}
    dropped.trace({ kind: 'workflow', name: 'calls-out' }, () => (headers = dropped.inject({})))
    expect(headers['x-datadog-sampling-priority']).toBe('0')
    await dropped.flush()
  })

  it('DD_TRACE_API_VERSION=v0.5 is overridden to v0.4, with one warning', async () => {
    const warnings: string[] = []
    const llmobs = start({
      traceApiVersion: 'v0.5',
      logLevel: 'warn',
      logger: { warn: (m: string) => warnings.push(m), error: () => {}, info: () => {}, debug: () => {} },
    })
    traceApp(llmobs)
    traceApp(llmobs)
    expect((await llmobs.flush()).spans.sent).toBe(6)
    expect(warnings.filter((w) => w.includes('v0.5'))).toHaveLength(1)
  })

  it('auto picks apm-agent from the collector /info; apmTracing: false keeps the LLMObs-only proxy', async () => {
    const auto = start({ mode: 'auto' })
    traceApp(auto)
    await auto.flush()
    expect(auto.status().route).toBe('apm-agent')
    const proxyOnly = start({ mode: 'auto', apmTracing: false })
    const traceId = traceApp(proxyOnly)
    await proxyOnly.flush()
    expect(proxyOnly.status().route).toBe('agent-proxy')
    const { spans } = await collector.waitFor<{ spans: SpanView[] }>(
      `/api/traces/${traceId}`,
      (t) => t.spans.length === 3,
    )
    expect(spans.map((s) => s.apmSampled)).toEqual([null, null, null])
  })
})

describe('apm-agent mode when the APM pipeline fails', () => {
  let proxy: FaultProxy
  beforeAll(async () => {
    proxy = await startFaultProxy(collector.url)
  })
  afterAll(async () => {
    await proxy.close()
  })

  it('an APM payload the agent refuses (400) has its LLM events rescued through EVP, once', async () => {
    proxy.decide = ({ url }) => (url.startsWith('/v0.4/traces') ? { kind: 'answer', status: 400 } : FORWARD)
    const llmobs = start({ agentUrl: proxy.url })
    const traceId = traceApp(llmobs)
    const result = await llmobs.flush()
    expect(result.spans).toEqual({ sent: 3, failed: 0, dropped: 0 })
    const { spans } = await collector.waitFor<{ spans: SpanView[] }>(
      `/api/traces/${traceId}`,
      (t) => t.spans.length === 3,
    )
    expect(spans.map((s) => s.apmSampled)).toEqual([null, null, null])
    const status = llmobs.status()
    expect(status.apm?.rescued.payloadFailed).toBe(3)
    expect(status.apm?.traces.chunks.failed).toBe(1)
  })

  it('an agent that answers 503 for every trace payload: the events are rescued after the retries', async () => {
    proxy.decide = ({ url }) => (url.startsWith('/v0.4/traces') ? { kind: 'answer', status: 503 } : FORWARD)
    const llmobs = start({ agentUrl: proxy.url, requestTimeoutMs: 200 })
    const traceId = traceApp(llmobs)
    const result = await llmobs.flush({ timeoutMs: 40_000 })
    expect(result.spans).toEqual({ sent: 3, failed: 0, dropped: 0 })
    await collector.waitFor<{ spans: SpanView[] }>(`/api/traces/${traceId}`, (t) => t.spans.length === 3)
    expect(llmobs.status().apm?.rescued.payloadFailed).toBe(3)
    const attempts = proxy.requests.filter((r) => r.url.startsWith('/v0.4/traces') && r.status === 503)
    expect(attempts.length).toBeGreaterThan(1)
    // status() counts the APM stream's own attempts and retries.
    const requests = llmobs.status().apm?.traces.requests
    expect(requests?.sent).toBe(attempts.length)
    expect(requests?.retried).toBe(attempts.length - 1)
  }, 45_000)
})
