// What an SDK in `apm-agent` / `apm-agentless` mode sends, against a real collector process: every
// LLMObs span stored exactly once and joined to its APM trace, however its chunks were cut, whichever
// channel (APM meta_struct or EVP) brought it first, and with the APM sampling decision readable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CollectorProcess } from '../helpers/collector-process.js'
import { startCollectorProcess } from '../helpers/collector-process.js'
import type { DemoTrace } from './apm-modes-fixtures.js'
import { chunk, demoTrace, evpBody, v02Body, v04Body } from './apm-modes-fixtures.js'

interface SpanView {
  spanId: string
  traceId: string
  name: string
  apmTraceId: string | null
  apmSampled: boolean | null
}
interface ApmTraceDetail {
  traceId: string
  spans: Array<{ spanId: string; traceId: string; llmobs: boolean; samplingPriority: number | null }>
  llmSpans: SpanView[]
}
interface Counts {
  llmSpans: number
  apmSpans: number
  traces: number
}

let collector: CollectorProcess
let seed = 0
const nextTrace = (): DemoTrace => demoTrace(++seed)

async function send(
  path: string,
  body: string | Uint8Array,
  method = 'PUT',
): Promise<{ status: number; json: any }> {
  const type = typeof body === 'string' ? 'application/json' : 'application/msgpack'
  const response = await fetch(collector.url + path, { method, headers: { 'content-type': type }, body })
  return { status: response.status, json: await response.json() }
}
const putV04 = (body: Uint8Array) => send('/v0.4/traces', body)
const putV02 = (body: string) => send('/api/v0.2/traces', body, 'POST')
const postEvp = (body: string) => send('/evp_proxy/v2/api/v2/llmobs', body, 'POST')
const counts = async (): Promise<Counts> => (await collector.query<{ counts: Counts }>('/api/stats')).counts

/** The LLM spans of `trace`, by name, with what the query API says of their APM trace. */
async function llmSpans(
  trace: DemoTrace,
  count = 3,
): Promise<Record<string, Omit<SpanView, 'spanId' | 'traceId'>>> {
  const detail = await collector.waitFor<{ spans: SpanView[] }>(
    `/api/traces/${trace.llmobsTraceId}`,
    (t) => t.spans.length === count,
  )
  return Object.fromEntries(
    detail.spans.map((s) => {
      expect(s.spanId).toBe(trace.spanIds[s.name.replace(/^.*-/, '') as 'wf'])
      return [s.name, { name: s.name, apmTraceId: s.apmTraceId, apmSampled: s.apmSampled }]
    }),
  )
}

const joined = (trace: DemoTrace, sampled: boolean | null, names = ['wf', 'chat', 'tool']) =>
  Object.fromEntries(names.map((name) => [name, { name, apmTraceId: trace.apmTraceId, apmSampled: sampled }]))

beforeAll(async () => {
  collector = await startCollectorProcess()
})
afterAll(async () => {
  await collector.stop()
})

describe.each([
  ['/v0.4/traces (fast path)', (chunks: ReturnType<typeof chunk>[]) => putV04(v04Body(chunks))],
  [
    '/v0.4/traces (reference decoder)',
    (chunks: ReturnType<typeof chunk>[]) => putV04(v04Body(chunks, { referencePath: true })),
  ],
  ['/api/v0.2/traces (JSON)', (chunks: ReturnType<typeof chunk>[]) => putV02(v02Body(chunks))],
])('partial chunks through %s', (_, sendChunks) => {
  it('keep the 128-bit APM trace id on every span, though _dd.p.tid is on the first of each chunk only', async () => {
    const trace = nextTrace()
    // A partial flush: the children first, each payload's chunk led by a span carrying _dd.p.tid,
    // then the root. `tool` and `wf` are never first in their chunk.
    for (const payload of [[chunk(trace, ['chat', 'tool'])], [chunk(trace, ['web', 'wf'])]]) {
      const answer = await sendChunks(payload)
      expect(answer.status, JSON.stringify(answer.json)).toBeLessThan(300)
    }
    expect(await llmSpans(trace)).toEqual(joined(trace, true))
    const apm = await collector.query<ApmTraceDetail>(`/api/apm/traces/${trace.apmTraceId}`)
    expect(apm.spans.map((s) => [s.spanId, s.traceId, s.llmobs, s.samplingPriority])).toEqual([
      [trace.spanIds.web, trace.apmTraceId, false, 1],
      [trace.spanIds.wf, trace.apmTraceId, true, 1],
      [trace.spanIds.chat, trace.apmTraceId, true, 1],
      [trace.spanIds.tool, trace.apmTraceId, true, 1],
    ])
    expect(apm.llmSpans.map((s) => s.name)).toEqual(['wf', 'chat', 'tool'])
    // Nothing was filed under the low half alone.
    const lost = await fetch(`${collector.url}/api/apm/traces/${trace.lowOnlyTraceId}`)
    expect(lost.status).toBe(404)
  })

  it('store a rescued chunk (_dd.llmobs.submitted:1, priority <= 0) once, from EVP, ignoring a stale _llmobs', async () => {
    for (const evpFirst of [true, false]) {
      const trace = nextTrace()
      const apm = [chunk(trace, ['web', 'wf', 'chat', 'tool'], { priority: 0, submitted: 'keep' })]
      const evp = evpBody(trace, ['wf', 'chat', 'tool'], { rename: 'evp' })
      if (evpFirst) expect((await postEvp(evp)).status).toBe(202)
      expect((await sendChunks(apm)).status).toBeLessThan(300)
      if (!evpFirst) expect((await postEvp(evp)).json).toMatchObject({ accepted: 3, duplicates: 0 })
      const spans = await llmSpans(trace)
      expect(spans, `EVP first: ${evpFirst}`).toEqual({
        'evp-wf': { name: 'evp-wf', apmTraceId: trace.apmTraceId, apmSampled: false },
        'evp-chat': { name: 'evp-chat', apmTraceId: trace.apmTraceId, apmSampled: false },
        'evp-tool': { name: 'evp-tool', apmTraceId: trace.apmTraceId, apmSampled: false },
      })
      const detail = await collector.query<ApmTraceDetail>(`/api/apm/traces/${trace.apmTraceId}`)
      expect(detail.spans.map((s) => [s.llmobs, s.samplingPriority])).toEqual([
        [false, 0],
        [true, 0],
        [true, 0],
        [true, 0],
      ])
    }
  })
})

describe('the same LLMObs span through meta_struct and EVP', () => {
  it('is stored once, from whichever channel came first', async () => {
    const before = await counts()
    const apmFirst = nextTrace()
    expect((await putV04(v04Body([chunk(apmFirst, ['web', 'wf', 'chat', 'tool'])]))).status).toBe(200)
    // The SDK rescues the events of a payload that finally failed: the collector may have it already.
    expect((await postEvp(evpBody(apmFirst, ['wf', 'chat', 'tool'], { rename: 'evp' }))).json).toMatchObject({
      accepted: 0,
      duplicates: 3,
    })
    expect(await llmSpans(apmFirst)).toEqual(joined(apmFirst, true))

    const evpFirst = nextTrace()
    expect((await postEvp(evpBody(evpFirst, ['wf', 'chat'], { rename: 'evp' }))).json.accepted).toBe(2)
    expect((await putV02(v02Body([chunk(evpFirst, ['web', 'wf', 'chat', 'tool'])]))).json).toEqual({
      apmSpans: { accepted: 4, duplicates: 0 },
      llmSpans: { accepted: 1, duplicates: 2, sampledOut: 0 },
    })
    expect(await llmSpans(evpFirst)).toEqual({
      'evp-wf': { name: 'evp-wf', apmTraceId: evpFirst.apmTraceId, apmSampled: true },
      'evp-chat': { name: 'evp-chat', apmTraceId: evpFirst.apmTraceId, apmSampled: true },
      tool: { name: 'tool', apmTraceId: evpFirst.apmTraceId, apmSampled: true },
    })
    expect(await counts()).toEqual({
      ...before,
      llmSpans: before.llmSpans + 6,
      apmSpans: before.apmSpans + 8,
      traces: before.traces + 2,
    })
  })

  it('joins an EVP event that named no APM trace to the one its meta_struct copy names', async () => {
    const trace = nextTrace()
    expect((await postEvp(evpBody(trace, ['wf', 'chat', 'tool'], { withoutApmTraceId: true }))).status).toBe(
      202,
    )
    expect(await llmSpans(trace)).toEqual(
      Object.fromEntries(
        ['wf', 'chat', 'tool'].map((name) => [name, { name, apmTraceId: null, apmSampled: null }]),
      ),
    )
    expect(
      (await putV04(v04Body([chunk(trace, ['web', 'wf', 'chat', 'tool'], { priority: 2 })]))).status,
    ).toBe(200)
    expect(await llmSpans(trace)).toEqual(joined(trace, true))
    const apm = await collector.query<ApmTraceDetail>(`/api/apm/traces/${trace.apmTraceId}`)
    expect(apm.llmSpans).toHaveLength(3)
  })

  it('says apmSampled null for an agent-proxy span with no APM span, false once its dropped APM span arrives', async () => {
    const trace = nextTrace()
    expect((await postEvp(evpBody(trace, ['wf', 'chat', 'tool']))).status).toBe(202)
    expect(await llmSpans(trace)).toEqual(joined(trace, null))
    expect(
      (
        await putV04(
          v04Body([chunk(trace, ['web', 'wf', 'chat', 'tool'], { priority: -1, submitted: 'strip' })]),
        )
      ).status,
    ).toBe(200)
    expect(await llmSpans(trace)).toEqual(joined(trace, false))
  })

  it('stores a struct whose metadata holds integers from 2^32 on (msgpack uint64), through both paths', async () => {
    const trace = nextTrace()
    const wf = trace.spans.wf.meta_struct?._llmobs as { meta: Record<string, unknown> }
    wf.meta.metadata = { startedAtMs: 1795423257103, bytes: 2 ** 40 }
    expect((await putV04(v04Body([chunk(trace, ['web', 'wf', 'chat', 'tool'])]))).status).toBe(200)
    const span = await collector.waitFor<{ spans: Array<{ name: string; meta: Record<string, unknown> }> }>(
      `/api/traces/${trace.llmobsTraceId}`,
      (t) => t.spans.length === 3,
    )
    expect(span.spans.find((s) => s.name === 'wf')?.meta.metadata).toEqual({
      startedAtMs: 1795423257103,
      bytes: 2 ** 40,
    })
  })
})
