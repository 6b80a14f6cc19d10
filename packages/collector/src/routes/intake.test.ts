import { encode } from '@msgpack/msgpack'
import { deflateSync, gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  DEMO,
  evalMetricBody,
  spanEventsDemoBody,
  spanEventsKindsBody,
} from '../../test/fixtures/captures.js'
import type { RunningCollector } from '../start-collector.js'
import { startCollector } from '../start-collector.js'

let collector: RunningCollector

async function send(
  method: string,
  path: string,
  body?: string | Uint8Array,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<{ status: number; json: any }> {
  const init: RequestInit = { method, headers }
  if (body !== undefined) init.body = body
  const response = await fetch(collector.url + path, init)
  const text = await response.text()
  return { status: response.status, json: text === '' ? undefined : JSON.parse(text) }
}

const counts = async (): Promise<Record<string, number>> => (await send('GET', '/api/stats')).json.counts

describe('intake', () => {
  beforeEach(async () => {
    collector = await startCollector({ port: 0, dbPath: ':memory:', bodyLimit: 64 * 1024 })
  })
  afterEach(async () => {
    await collector.close()
  })

  it('accepts span events on the EVP v2/v4 and agentless paths, de-duplicating copies', async () => {
    const first = await send('POST', '/evp_proxy/v2/api/v2/llmobs', spanEventsDemoBody())
    expect(first).toEqual({ status: 202, json: { accepted: 3, duplicates: 0, sampledOut: 0 } })
    for (const path of ['/evp_proxy/v4/api/v2/llmobs', '/api/v2/llmobs']) {
      expect(await send('POST', path, spanEventsDemoBody())).toEqual({
        status: 202,
        json: { accepted: 0, duplicates: 3, sampledOut: 0 },
      })
    }
    expect((await send('POST', '/api/v2/llmobs', spanEventsKindsBody())).json.accepted).toBe(7)
    expect(await counts()).toMatchObject({ llmSpans: 10, traces: 2 })
  })

  it('accepts gzip and deflate bodies', async () => {
    const gz = await send('POST', '/api/v2/llmobs', gzipSync(spanEventsDemoBody()), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    })
    expect(gz.json.accepted).toBe(3)
    const deflated = await send('POST', '/api/v2/llmobs', deflateSync(spanEventsKindsBody()), {
      'content-type': 'application/json',
      'content-encoding': 'deflate',
    })
    expect(deflated.json.accepted).toBe(7)
  })

  it('understands the nested meta.span.kind', async () => {
    const envelopes = JSON.parse(spanEventsDemoBody())
    const span = envelopes[0].spans[0]
    delete span.meta['span.kind']
    span.meta.span = { kind: 'llm' }
    expect((await send('POST', '/api/v2/llmobs', JSON.stringify(envelopes))).status).toBe(202)
    const stored = await send('GET', `/api/spans/${span.span_id}`)
    expect(stored.json).toMatchObject({ kind: 'llm', meta: { 'span.kind': 'llm' } })
  })

  it('drops events LLMObs sampling decided not to keep', async () => {
    const envelopes = JSON.parse(spanEventsDemoBody())
    envelopes[0].spans[0]._dd.sampling_decision = '0'
    expect((await send('POST', '/api/v2/llmobs', JSON.stringify(envelopes))).json).toEqual({
      accepted: 2,
      duplicates: 0,
      sampledOut: 1,
    })
  })

  it('accepts evaluations on v1 and v2 paths, agentless and proxied, once', async () => {
    expect(await send('POST', '/evp_proxy/v2/api/intake/llm-obs/v2/eval-metric', evalMetricBody())).toEqual({
      status: 202,
      json: { accepted: 3, duplicates: 0 },
    })
    expect((await send('POST', '/api/intake/llm-obs/v2/eval-metric', evalMetricBody())).json.duplicates).toBe(
      3,
    )
    const v1 = {
      data: {
        type: 'evaluation_metric',
        attributes: {
          metrics: [
            {
              span_id: DEMO.chatSpanId,
              trace_id: DEMO.llmobsTraceId,
              label: 'v1label',
              metric_type: 'score',
              score_value: 1,
              timestamp_ms: 1,
            },
          ],
        },
      },
    }
    const response = await send('POST', '/evp_proxy/v4/api/intake/llm-obs/v1/eval-metric', JSON.stringify(v1))
    expect(response.json.accepted).toBe(1)
    expect(await counts()).toMatchObject({ evaluations: 4 })
  })

  it('answers msgpack traces on v0.4 and v0.5 with rate_by_service', async () => {
    const span = {
      trace_id: 5,
      span_id: 6,
      parent_id: 0,
      name: 'web',
      service: 'svc',
      resource: '/',
      start: 1,
      duration: 2,
      meta: { env: 'prod' },
    }
    const v04 = await send('PUT', '/v0.4/traces', encode([[span]]), { 'content-type': 'application/msgpack' })
    expect(v04).toEqual({
      status: 200,
      json: { rate_by_service: { 'service:,env:': 1, 'service:svc,env:prod': 1 } },
    })
    const table = ['', 'svc2', 'op', 'env', 'stage']
    const v05Span = [1, 2, 2, 7, 8, 0, 1, 2, 0, { 3: 4 }, {}, 0]
    const v05 = await send('POST', '/v0.5/traces', encode([table, [[v05Span]]]), {
      'content-type': 'application/msgpack',
    })
    expect(v05.json.rate_by_service['service:svc2,env:stage']).toBe(1)
    expect(await counts()).toMatchObject({ apmSpans: 2, llmSpans: 0 })
    const apm = await send('GET', `/api/apm/traces/${'0'.repeat(31)}7`)
    expect(apm.json.spans[0]).toMatchObject({
      spanId: '8',
      name: 'op',
      service: 'svc2',
      meta: { env: 'stage' },
    })
  })

  it('answers the paths real tracers call besides data with 200 {}', async () => {
    for (const [method, path] of [
      ['POST', '/telemetry/proxy/api/v2/apmtelemetry'],
      ['POST', '/v0.7/config'],
      ['POST', '/dogstatsd/v2/proxy'],
      ['PUT', '/v0.6/stats'],
    ] as const) {
      expect(await send(method, path, '{"x":1}'), path).toEqual({ status: 200, json: {} })
    }
  })

  it('describes itself on /info like an agent offering the EVP proxy', async () => {
    const info = await send('GET', '/info')
    expect(info.status).toBe(200)
    expect(info.json.endpoints).toEqual(
      expect.arrayContaining(['/v0.4/traces', '/v0.5/traces', '/evp_proxy/v2/', '/evp_proxy/v4/']),
    )
    expect(info.json).toMatchObject({
      client_drop_p0s: false,
      span_meta_structs: true,
      config: { receiver_port: collector.port },
    })
  })

  it.each([
    ['not JSON', '/api/v2/llmobs', '{oops', 400, /^body is not valid JSON: /],
    ['empty', '/api/v2/llmobs', '', 400, /^body is empty/],
    [
      'wrong shape',
      '/api/v2/llmobs',
      '{"spans":[{"trace_id":"x"}]}',
      400,
      /^spans\[0\]\.trace_id must be a 32-hex string$/,
    ],
    [
      'bad evaluation',
      '/api/intake/llm-obs/v2/eval-metric',
      '{"data":{"attributes":{"metrics":[{"label":"a.b"}]}}}',
      400,
      /label must not contain "\."/,
    ],
  ])(
    'refuses a body that is %s with a 4xx naming the problem, storing nothing',
    async (_what, path, body, status, message) => {
      const before = await counts()
      const response = await send('POST', path, body)
      expect(response.status).toBe(status)
      expect(response.json.error).toMatch(message)
      expect(await counts()).toEqual(before)
    },
  )

  it('refuses a whole batch when one span in it is bad', async () => {
    const envelopes = JSON.parse(spanEventsKindsBody())
    envelopes[5].spans[0].start_ns = 'yesterday'
    const response = await send('POST', '/api/v2/llmobs', JSON.stringify(envelopes))
    expect(response).toEqual({
      status: 400,
      json: { error: '[5].spans[0].start_ns must be a non-negative integer (ns)' },
    })
    expect(await counts()).toMatchObject({ llmSpans: 0 })
  })

  it('refuses bad msgpack with 400 and JSON sent to a msgpack endpoint with 415', async () => {
    const bad = await send('PUT', '/v0.4/traces', new Uint8Array([0x91, 0xc1]), {
      'content-type': 'application/msgpack',
    })
    expect(bad.status).toBe(400)
    expect(bad.json.error).toMatch(/^body is not valid msgpack: /)
    const wrongType = await send('PUT', '/v0.4/traces', '[]', { 'content-type': 'application/json' })
    expect(wrongType).toEqual({
      status: 415,
      json: { error: 'Content-Type "application/json" is not accepted here: send application/msgpack' },
    })
    const encoding = await send('POST', '/api/v2/llmobs', '[]', {
      'content-type': 'application/json',
      'content-encoding': 'zstd',
    })
    expect(encoding.status).toBe(415)
  })

  it('answers 413 past the body limit, compressed or once decompressed', async () => {
    const big = JSON.stringify([{ spans: [], padding: 'x'.repeat(70 * 1024) }])
    expect((await send('POST', '/api/v2/llmobs', big)).status).toBe(413)
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20))
    expect(bomb.length).toBeLessThan(64 * 1024)
    const response = await send('POST', '/api/v2/llmobs', bomb, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    })
    expect(response.status).toBe(413)
    expect(response.json.error).toMatch(/once decompressed/)
  })

  it('answers unknown routes with 404 and a JSON error', async () => {
    expect(await send('GET', '/nope?x=1')).toEqual({ status: 404, json: { error: 'no route for GET /nope' } })
  })
})
