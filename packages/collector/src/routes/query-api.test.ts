import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DEMO,
  KINDS,
  evalMetricBody,
  spanEventsDemoBody,
  spanEventsKindsBody,
} from '../../test/fixtures/captures.js'
import type { RunningCollector } from '../start-collector.js'
import { startCollector } from '../start-collector.js'

let collector: RunningCollector

async function get(path: string): Promise<{ status: number; json: any }> {
  const response = await fetch(collector.url + path)
  return { status: response.status, json: await response.json() }
}

describe('query API', () => {
  beforeAll(async () => {
    collector = await startCollector({ port: 0, dbPath: ':memory:' })
    const post = (path: string, body: string) =>
      fetch(collector.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    await post('/api/v2/llmobs', spanEventsDemoBody())
    await post('/api/v2/llmobs', spanEventsKindsBody())
    await post('/api/intake/llm-obs/v2/eval-metric', evalMetricBody())
  })
  afterAll(async () => {
    await collector.close()
  })

  it('lists traces with the documented fields, filters and pagination', async () => {
    const all = await get('/api/traces')
    expect(all.json.traces).toEqual([
      {
        traceId: KINDS.llmobsTraceId,
        name: 'my-agent',
        kind: 'agent',
        mlApp: 'demo',
        sessionId: null,
        startNs: expect.any(Number),
        durationNs: expect.any(Number),
        spanCount: 7,
        error: true,
      },
      expect.objectContaining({
        traceId: DEMO.llmobsTraceId,
        name: 'wf',
        sessionId: 'sess-1',
        spanCount: 3,
        error: false,
      }),
    ])
    expect(all.json.nextCursor).toBeNull()
    const page = await get('/api/traces?limit=1')
    expect(page.json.traces).toHaveLength(1)
    const next = await get(`/api/traces?limit=1&cursor=${page.json.nextCursor as string}`)
    expect(next.json.traces[0].traceId).toBe(DEMO.llmobsTraceId)
    expect((await get('/api/traces?sessionId=sess-1')).json.traces).toHaveLength(1)
    expect((await get('/api/traces?kind=agent&error=true')).json.traces).toHaveLength(1)
    expect((await get('/api/traces?error=false')).json.traces).toHaveLength(1)
    expect((await get('/api/traces?q=get_weather')).json.traces[0].traceId).toBe(KINDS.llmobsTraceId)
    expect((await get('/api/traces?since=1795423900000')).json.traces).toHaveLength(1)
    expect((await get('/api/traces?until=2026-11-23T08:41:00Z')).json.traces).toHaveLength(1)
    expect((await get('/api/traces?mlApp=other')).json.traces).toEqual([])
  })

  it('returns a trace as a flat span list with links and evaluations', async () => {
    const trace = await get(`/api/traces/${DEMO.llmobsTraceId}`)
    const root = trace.json.spans[0]
    expect(Object.keys(root).sort()).toEqual(
      [
        'spanId',
        'parentId',
        'traceId',
        'name',
        'kind',
        'startNs',
        'durationNs',
        'status',
        'mlApp',
        'sessionId',
        'service',
        'env',
        'apmTraceId',
        'apmSampled',
        'modelName',
        'modelProvider',
        'meta',
        'metrics',
        'tags',
        'links',
        'evaluations',
      ].sort(),
    )
    expect(root.evaluations.map((e: any) => e.label)).toEqual(['sentiment', 'thumbs'])
    // Decimal trace ids are accepted too.
    const decimal = BigInt('0x' + DEMO.llmobsTraceId).toString()
    expect((await get(`/api/traces/${decimal}`)).json.spans).toHaveLength(3)
  })

  it('serves spans, evaluations, sessions, stats and APM traces', async () => {
    expect((await get(`/api/spans/${DEMO.chatSpanId}`)).json).toMatchObject({
      name: 'chat',
      parentId: DEMO.rootSpanId,
    })
    const evaluations = await get(`/api/evaluations?traceId=${DEMO.llmobsTraceId}`)
    expect(evaluations.json.evaluations.map((e: any) => e.label).sort()).toEqual([
      'accuracy',
      'sentiment',
      'thumbs',
    ])
    expect((await get(`/api/evaluations?spanId=${DEMO.chatSpanId}`)).json.evaluations).toHaveLength(1)
    expect((await get('/api/evaluations?label=thumbs')).json.evaluations[0]).toMatchObject({
      kind: 'feedback',
      value: true,
      submitter: { id: 'user-42', type: 'human' },
    })
    expect((await get('/api/sessions')).json.sessions).toEqual([
      expect.objectContaining({ sessionId: 'sess-1', traceCount: 1, spanCount: 3, mlApp: 'demo' }),
    ])
    expect((await get('/api/sessions/sess-1')).json.traces).toHaveLength(1)
    const stats = (await get('/api/stats')).json
    expect(stats.spans.byKind).toEqual({
      agent: 1,
      embedding: 1,
      llm: 2,
      retrieval: 1,
      task: 3,
      tool: 1,
      workflow: 1,
    })
    expect(stats.models.map((m: any) => m.model).sort()).toEqual([
      'claude-x',
      'gpt-4o',
      'text-embedding-3-small',
    ])
    expect((await get(`/api/apm/traces/${DEMO.apmTraceId}`)).json.llmSpans).toHaveLength(3)
  })

  it.each([
    ['/api/traces?limit=0', 'limit must be an integer from 1 to 1000'],
    ['/api/traces?limit=abc', 'limit must be an integer from 1 to 1000'],
    ['/api/traces?error=maybe', 'error must be true or false'],
    [
      '/api/traces?since=yesterday-ish',
      'since must be an epoch time (ns, µs or ms), an ISO date, or a duration ago such as 1h',
    ],
    ['/api/traces?mlApp=a&mlApp=b', 'mlApp must be given once'],
    ['/api/traces/xyz', 'traceId must be a 128-bit trace id (32 hex characters)'],
    ['/api/spans/12ab', 'spanId must be a decimal 64-bit span id'],
    ['/api/evaluations?spanId=-1', 'spanId must be a decimal 64-bit span id'],
    [
      '/api/traces?mlapp=x',
      'unknown parameter mlapp: GET /api/traces takes mlApp, sessionId, kind, error, q, since, until, limit, cursor',
    ],
    ['/api/stats?limit=5', 'unknown parameter limit: GET /api/stats takes since'],
  ])('answers %s with 400', async (path, error) => {
    expect(await get(path)).toEqual({ status: 400, json: { error } })
  })

  it('answers 404 for what is not stored', async () => {
    expect((await get(`/api/traces/${'0'.repeat(32)}`)).status).toBe(404)
    expect((await get('/api/spans/1')).status).toBe(404)
    expect((await get('/api/sessions/none')).status).toBe(404)
    expect((await get(`/api/apm/traces/${'1'.repeat(32)}`)).status).toBe(404)
  })
})
