// `POST|PUT /api/v0.2/traces`, the agentless trace intake (JSON) an `apm-agentless` SDK can be
// pointed at, and `--agent-sample-rates`, against real collector processes.
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CollectorProcess } from '../helpers/collector-process.js'
import { startCollectorProcess } from '../helpers/collector-process.js'
import { chunk, demoTrace, v02Body, v04Body } from './apm-modes-fixtures.js'

interface SpanView {
  name: string
  spanId: string
  apmTraceId: string | null
  apmSampled: boolean | null
  meta: Record<string, unknown>
  metrics: Record<string, number>
}

async function post(
  collector: CollectorProcess,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
  method = 'POST',
): Promise<{ status: number; json: any }> {
  const response = await fetch(`${collector.url}/api/v0.2/traces`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body,
  })
  return { status: response.status, json: await response.json() }
}

describe('POST|PUT /api/v0.2/traces (real process)', () => {
  let collector: CollectorProcess
  beforeAll(async () => {
    collector = await startCollectorProcess()
  })
  afterAll(async () => {
    await collector.stop()
  })

  it('stores what encodeV02TracesJson wrote as /v0.4/traces stores the same spans', async () => {
    const viaJson = demoTrace(101)
    const viaMsgpack = demoTrace(102)
    const all = ['web', 'wf', 'chat', 'tool'] as const
    expect(await post(collector, v02Body([chunk(viaJson, all)]), {}, 'PUT')).toEqual({
      status: 202,
      json: {
        apmSpans: { accepted: 4, duplicates: 0 },
        llmSpans: { accepted: 3, duplicates: 0, sampledOut: 0 },
      },
    })
    const v04 = await fetch(`${collector.url}/v0.4/traces`, {
      method: 'PUT',
      headers: { 'content-type': 'application/msgpack' },
      body: v04Body([chunk(viaMsgpack, all)]),
    })
    expect(v04.status).toBe(200)

    const shown = async (trace: typeof viaJson) => {
      const detail = await collector.query<{ spans: SpanView[] }>(`/api/traces/${trace.llmobsTraceId}`)
      const apm = await collector.query<{ spans: Array<Record<string, unknown>> }>(
        `/api/apm/traces/${trace.apmTraceId}`,
      )
      // Everything but the ids, which differ between the two traces by construction.
      const strip = ({
        spanId,
        traceId,
        parentId,
        apmTraceId,
        startNs,
        ...rest
      }: Record<string, unknown>) => {
        void [spanId, traceId, parentId, apmTraceId, startNs]
        return rest
      }
      return {
        llm: detail.spans.map((s) => strip(s as unknown as Record<string, unknown>)),
        apm: apm.spans.map(strip),
        ids: detail.spans.map((s) => [s.spanId, s.apmTraceId]),
      }
    }
    const json = await shown(viaJson)
    const msgpack = await shown(viaMsgpack)
    // Inputs differ by the seed in the chat message only.
    expect(JSON.stringify(json.llm).replaceAll('q101', 'q')).toBe(
      JSON.stringify(msgpack.llm).replaceAll('q102', 'q'),
    )
    expect(json.apm).toEqual(msgpack.apm)
    expect(json.ids).toEqual([
      [viaJson.spanIds.wf, viaJson.apmTraceId],
      [viaJson.spanIds.chat, viaJson.apmTraceId],
      [viaJson.spanIds.tool, viaJson.apmTraceId],
    ])
    // A retry changes nothing.
    expect((await post(collector, v02Body([chunk(viaJson, all)]))).json).toEqual({
      apmSpans: { accepted: 0, duplicates: 4 },
      llmSpans: { accepted: 0, duplicates: 3, sampledOut: 0 },
    })
  })

  it('reads 64-bit ids given as decimal strings, and gzip bodies', async () => {
    const trace = demoTrace(103)
    const body = JSON.parse(
      v02Body([chunk(trace, ['web', 'wf'])]).replace(/"(trace_id|span_id|parent_id)":(\d+)/g, '"$1":"$2"'),
    ) as unknown
    const answer = await post(collector, gzipSync(JSON.stringify(body)), { 'content-encoding': 'gzip' })
    expect(answer.json).toMatchObject({ apmSpans: { accepted: 2 }, llmSpans: { accepted: 1 } })
    const apm = await collector.query<{ spans: Array<{ spanId: string }> }>(
      `/api/apm/traces/${trace.apmTraceId}`,
    )
    expect(apm.spans.map((s) => s.spanId)).toEqual([trace.spanIds.web, trace.spanIds.wf])
  })

  it('answers a malformed body with a 4xx that names the problem, and stores nothing of it', async () => {
    const before = await collector.query<{ counts: unknown }>('/api/stats')
    const bad = demoTrace(104)
    const good = v02Body([chunk(bad, ['web', 'wf'])])
    const cases: Array<[string | Uint8Array, number, string | RegExp, Record<string, string>?]> = [
      ['', 400, 'body is empty: expected JSON'],
      ['[[{"trace_id":1,', 400, /^body is not valid JSON: /],
      ['['.repeat(100_000), 400, /^body is not valid JSON: /],
      ['{"traces":[]}', 400, 'traces must be an array of traces, got object'],
      ['[[1]]', 400, 'traces[0][0] must be a span object, got number'],
      [
        '[[{"trace_id":1.8446744073709552e19,"span_id":1,"start":0,"duration":0}]]',
        400,
        'traces[0][0].trace_id must be an unsigned 64-bit integer read exactly (not a float)',
      ],
      [
        '[[{"trace_id":"x1","span_id":1,"start":0,"duration":0}]]',
        400,
        'traces[0][0].trace_id must be an unsigned 64-bit integer',
      ],
      [
        '[[{"trace_id":1,"span_id":1,"start":0,"duration":0,"meta_struct":{"_llmobs":"AAE="}}]]',
        400,
        'traces[0][0].meta_struct._llmobs must be an object, got string',
      ],
      [
        good.replace(`"trace_id":"${bad.llmobsTraceId}"`, '"trace_id":"not-hex"'),
        400,
        'traces[0][1].meta_struct._llmobs.trace_id must be a 32-hex string',
      ],
      [
        good,
        415,
        'Content-Type "application/msgpack" is not accepted here: send application/json',
        { 'content-type': 'application/msgpack' },
      ],
      [good, 415, /^unsupported Content-Encoding "zstd"/, { 'content-encoding': 'zstd' }],
      [
        `[${' '.repeat(11 * 1024 * 1024)}]`,
        413,
        'body is larger than 10485760 bytes, the most /api/v0.2/traces reads',
      ],
      [
        gzipSync(`[${' '.repeat(11 * 1024 * 1024)}]`),
        413,
        'body is larger than 10485760 bytes once decompressed',
        { 'content-encoding': 'gzip' },
      ],
    ]
    for (const [body, status, error, headers] of cases) {
      const answer = await post(collector, body, headers)
      expect(answer.status, String(error)).toBe(status)
      if (typeof error === 'string') expect(answer.json.error).toBe(error)
      else expect(answer.json.error).toMatch(error)
    }
    expect(collector.alive()).toBe(true)
    expect((await collector.query<{ counts: unknown }>('/api/stats')).counts).toEqual(before.counts)
  })
})

describe('/api/v0.2/traces with --api-key (real process)', () => {
  it('needs the key, as DD-API-KEY, like the agentless LLMObs intake', async () => {
    const collector = await startCollectorProcess({ apiKey: 'secret' })
    try {
      const body = v02Body([chunk(demoTrace(105), ['web'])])
      expect(await post(collector, body)).toMatchObject({
        status: 401,
        json: { error: expect.stringMatching(/API key/) },
      })
      expect((await post(collector, body, { 'dd-api-key': 'wrong' })).status).toBe(401)
      expect((await post(collector, body, { 'dd-api-key': 'secret' })).status).toBe(202)
      expect((await fetch(`${collector.url}/api/v2/llmobs`, { method: 'POST', body: '[]' })).status).toBe(401)
    } finally {
      await collector.stop()
    }
  })
})

describe('--agent-sample-rates (real process)', () => {
  const put = async (collector: CollectorProcess, services: string[]) => {
    const spans = services.map((service, i) => ({
      ...chunk(demoTrace(200 + i), ['web'])[0]!,
      service,
    }))
    const response = await fetch(`${collector.url}/v0.4/traces`, {
      method: 'PUT',
      headers: { 'content-type': 'application/msgpack' },
      body: v04Body(spans.map((span) => [span])),
    })
    return ((await response.json()) as { rate_by_service: Record<string, number> }).rate_by_service
  }

  it('answers rate 1 for every service by default, and the configured rates when asked', async () => {
    const plain = await startCollectorProcess()
    const tuned = await startCollectorProcess({
      args: [
        '--agent-sample-rates',
        '{"service:svc,env:dev":0.3,"service:,env:":0.5,"service:idle,env:prod":0}',
      ],
    })
    try {
      expect(await put(plain, ['svc', 'other'])).toEqual({
        'service:,env:': 1,
        'service:svc,env:dev': 1,
        'service:other,env:dev': 1,
      })
      expect(await put(tuned, ['svc', 'other'])).toEqual({
        'service:,env:': 0.5,
        'service:svc,env:dev': 0.3,
        'service:idle,env:prod': 0,
        'service:other,env:dev': 0.5,
      })
    } finally {
      await Promise.all([plain.stop(), tuned.stop()])
    }
  })

  it('reads LLMOBS_AGENT_SAMPLE_RATES, and refuses a bad value at start-up with a clear message', async () => {
    process.env.LLMOBS_AGENT_SAMPLE_RATES = '{"service:svc,env:dev":0}'
    let fromEnv: CollectorProcess | undefined
    let flagWins: CollectorProcess | undefined
    try {
      fromEnv = await startCollectorProcess()
      flagWins = await startCollectorProcess({
        args: ['--agent-sample-rates', '{"service:svc,env:dev":0.7}'],
      })
    } finally {
      delete process.env.LLMOBS_AGENT_SAMPLE_RATES
    }
    try {
      expect((await put(fromEnv, ['svc']))['service:svc,env:dev']).toBe(0)
      expect((await put(flagWins, ['svc']))['service:svc,env:dev']).toBe(0.7)
    } finally {
      await Promise.all([fromEnv.stop(), flagWins.stop()])
    }
    await expect(startCollectorProcess({ args: ['--agent-sample-rates', '{"svc":0.5}'] })).rejects.toThrow(
      'llmobs: agent-sample-rates: key "svc" must look like service:<service>,env:<env>',
    )
    await expect(
      startCollectorProcess({ args: ['--agent-sample-rates', '{"service:a,env:b":7}'] }),
    ).rejects.toThrow('the rate of service:a,env:b must be a number from 0 to 1, got 7')
  })
})
