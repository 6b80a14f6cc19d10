import { isInteger, parse } from 'lossless-json'
import { describe, expect, it } from 'vitest'
import type { LLMObsStruct } from '../apm.js'
import { agentlessTracesUrl, PATHS } from '../endpoints.js'
import { decodeV02Traces } from './decode-v02-json.js'
import type { DecodedApmSpan } from './decoded-apm-span.js'
import { encodeV02SpanJson, encodeV02TracesJson, v02TracesJsonBody } from './encode-v02-json.js'

/** What the collector does: integers beyond 2^53 as bigint, every other number as JSON.parse reads it. */
const lossless = (text: string): unknown =>
  parse(text, null, (n) => (isInteger(n) && !Number.isSafeInteger(Number(n)) ? BigInt(n) : Number(n)))

const struct: LLMObsStruct = {
  name: 'chat',
  trace_id: '6b03fc19000000007953b531107242bf',
  parent_id: '774591771944634912',
  ml_app: 'demo',
  meta: {
    span: { kind: 'llm' },
    input: { messages: [{ role: 'user', content: 'hi "😀"\n' }] },
    output: { messages: [{ role: 'assistant', content: 'yo' }] },
    metadata: { temperature: 0.1 },
  },
  metrics: { input_tokens: 3 },
}
const root: DecodedApmSpan = {
  trace_id: 774591771944634912n,
  span_id: 774591771944634912n,
  parent_id: 0n,
  name: 'wf',
  resource: 'wf',
  service: 'demo-svc',
  error: 0,
  start: 1795423257101033984n,
  duration: 5718262n,
  meta: { '_dd.p.tid': '6b03fc1900000000', env: 'dev' },
  metrics: { '_dd.top_level': 1, _sampling_priority_v1: 1, '_dd.agent_psr': 0.5 },
}
const chat: DecodedApmSpan = {
  trace_id: 774591771944634912n,
  span_id: 18446744073709551615n,
  parent_id: 774591771944634912n,
  name: 'chat',
  resource: 'chat',
  service: 'demo-svc',
  type: 'llm',
  error: 1,
  start: 1795423257102000001n,
  duration: 1200n,
  meta: { 'error.message': 'boom', 'error.type': 'Error' },
  metrics: {},
  meta_struct: { _llmobs: struct as unknown as Record<string, unknown> },
  span_links: [
    {
      trace_id: 18446744073709551614n,
      trace_id_high: 1n,
      span_id: 9007199254740993n,
      attributes: { a: 'b' },
    },
  ],
}

describe('encodeV02TracesJson', () => {
  it('round-trips through a lossless parse and decodeV02Traces, ids exact to 2^64-1', () => {
    const body = encodeV02TracesJson([[root, chat]])
    const decoded = decodeV02Traces(lossless(body))
    expect(decoded).toEqual({ ok: true, value: [[root, chat]] })
    // The ids are bare integers, in dd-trace's key order, and JSON.parse would round them.
    expect(body).toContain('"span_id":18446744073709551615,')
    expect(body.indexOf('"trace_id"')).toBeLessThan(body.indexOf('"meta_struct"'))
    const rounded = (JSON.parse(body) as Array<Array<{ span_id: number }>>)[0]?.[1]?.span_id ?? 0
    expect(BigInt(rounded)).not.toBe(chat.span_id)
    expect(decodeV02Traces(JSON.parse(body))).toEqual({
      ok: false,
      error: 'traces[0][0].trace_id must be an unsigned 64-bit integer read exactly (not a float)',
    })
  })

  it('writes the same text span by span, and meta_struct as a plain object', () => {
    const body = v02TracesJsonBody([[encodeV02SpanJson(root), encodeV02SpanJson(chat)], []])
    expect(body).toBe(encodeV02TracesJson([[root, chat], []]))
    const parsed = JSON.parse(body) as Array<Array<Record<string, unknown>>>
    expect(parsed[0]?.[1]?.meta_struct).toEqual({ _llmobs: JSON.parse(JSON.stringify(struct)) })
  })

  it('leaves out metrics JSON cannot hold', () => {
    const odd = { ...root, metrics: { a: Number.NaN, b: Number.POSITIVE_INFINITY, c: 1e-7, d: -2 } }
    expect(JSON.parse(encodeV02SpanJson(odd))).toMatchObject({ metrics: { c: 1e-7, d: -2 } })
  })
})

describe('decodeV02Traces', () => {
  const one = (span: Record<string, unknown>) => decodeV02Traces([[span]])
  const base = (): Record<string, unknown> =>
    lossless(encodeV02TracesJson([[chat]])) as unknown as Record<string, unknown>

  it('accepts ids and times as decimal strings, and small ids as numbers', () => {
    const span = (base() as unknown as unknown[][])[0]?.[0] as Record<string, unknown>
    const decoded = one({
      ...span,
      trace_id: '774591771944634912',
      span_id: 7,
      parent_id: null,
      start: '1795423257102000001',
    })
    expect(decoded.ok && decoded.value[0]?.[0]).toMatchObject({
      trace_id: 774591771944634912n,
      span_id: 7n,
      parent_id: 0n,
      start: 1795423257102000001n,
    })
  })

  it('turns bigints inside meta_struct into numbers: they are stored as JSON', () => {
    const decoded = one({
      trace_id: 1n,
      span_id: 2n,
      start: 0,
      duration: 0,
      meta_struct: { x: { n: 2n ** 60n } },
    })
    expect(decoded.ok && decoded.value[0]?.[0]?.meta_struct).toEqual({ x: { n: 2 ** 60 } })
  })

  it('names what is wrong', () => {
    const ok = { trace_id: 1n, span_id: 2n, start: 0, duration: 0 }
    expect(decodeV02Traces({ traces: [] })).toEqual({
      ok: false,
      error: 'traces must be an array of traces, got object',
    })
    expect(decodeV02Traces([{}])).toEqual({
      ok: false,
      error: 'traces[0] must be an array of spans, got object',
    })
    expect(decodeV02Traces([[5]])).toEqual({
      ok: false,
      error: 'traces[0][0] must be a span object, got number',
    })
    expect(one({ ...ok, span_id: '12ab' })).toEqual({
      ok: false,
      error: 'traces[0][0].span_id must be an unsigned 64-bit integer',
    })
    expect(one({ ...ok, span_id: '18446744073709551616' }).ok).toBe(false)
    expect(one({ ...ok, meta_struct: { _llmobs: 'bytes?' } })).toEqual({
      ok: false,
      error: 'traces[0][0].meta_struct._llmobs must be an object, got string',
    })
    expect(one({ ...ok, meta: { a: [1] } })).toEqual({
      ok: false,
      error: 'traces[0][0].meta.a must be a string, got array',
    })
  })
})

describe('agentless trace intake URL', () => {
  it('is trace.agent.<site>/api/v0.2/traces', () => {
    expect(PATHS.tracesV02).toBe('/api/v0.2/traces')
    expect(agentlessTracesUrl('datadoghq.eu')).toBe('https://trace.agent.datadoghq.eu/api/v0.2/traces')
  })
})
