import { encode } from '@msgpack/msgpack'
import { describe, expect, it } from 'vitest'
import { decodeV04Traces } from './decode-v04.js'

// The first chunk dd-trace 5.132.0 sent to /v0.4/traces (REF-v04-traces.demo.decoded.json), trimmed.
function capturedChunk(): Array<Record<string, unknown>> {
  return [
    {
      trace_id: 774591771944634912n,
      span_id: 774591771944634912n,
      parent_id: 0n,
      name: 'wf',
      resource: 'wf',
      service: 'demo-svc',
      error: 0,
      start: 1795423257101033984n,
      duration: 5718262,
      meta: { '_dd.p.tid': '6b03fc1900000000', env: 'dev', '_dd.llmobs.submitted': '1' },
      metrics: { '_dd.top_level': 1, _sampling_priority_v1: 1 },
    },
    {
      trace_id: 774591771944634912n,
      span_id: 155780522099886039n,
      parent_id: 774591771944634912n,
      name: 'chat',
      resource: 'chat',
      service: 'demo-svc',
      error: 0,
      start: 1795423257103140864n,
      duration: 1110596,
      meta: { env: 'dev' },
      metrics: { 'gen_ai.usage.input_tokens': 3 },
    },
  ]
}

const pack = (value: unknown): Uint8Array => encode(value, { useBigInt64: true })

describe('decodeV04Traces', () => {
  it('decodes the dd-trace capture with 64-bit ids as bigint', () => {
    const result = decodeV04Traces(pack([capturedChunk()]))
    expect(result.ok).toBe(true)
    if (!result.ok) return
    const [root, chat] = result.value[0] ?? []
    expect(root).toMatchObject({
      trace_id: 774591771944634912n,
      span_id: 774591771944634912n,
      parent_id: 0n,
      name: 'wf',
      start: 1795423257101033984n,
      duration: 5718262n,
      error: 0,
      meta: { '_dd.p.tid': '6b03fc1900000000' },
    })
    expect(chat?.parent_id).toBe(774591771944634912n)
    expect(chat?.metrics).toEqual({ 'gen_ai.usage.input_tokens': 3 })
  })

  it('accepts ids encoded as small ints or signed int64, and floats for times', () => {
    const chunk = capturedChunk()
    Object.assign(chunk[1] ?? {}, { trace_id: 7, span_id: -1n, parent_id: 7, start: 1.5e9, duration: 10.9 })
    const result = decodeV04Traces(pack([chunk]))
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value[0]?.[1]).toMatchObject({
      trace_id: 7n,
      span_id: 18446744073709551615n,
      parent_id: 7n,
      start: 1500000000n,
      duration: 10n,
    })
  })

  it('decodes meta_struct values sent as msgpack bytes or as a plain map', () => {
    const chunk = capturedChunk()
    const struct = { trace_id: 'abc', meta: { span: { kind: 'llm' } } }
    Object.assign(chunk[1] ?? {}, { meta_struct: { _llmobs: pack(struct), other: { a: 1 } } })
    const result = decodeV04Traces(pack([chunk]))
    expect(result.ok && result.value[0]?.[1]?.meta_struct).toEqual({ _llmobs: struct, other: { a: 1 } })
  })

  it('reads 64-bit integers inside meta_struct as numbers: they end up in JSON documents', () => {
    const chunk = capturedChunk()
    // @msgpack/msgpack writes integers from 2^32 on as uint64: an epoch-ms timestamp is one.
    const struct = { meta: { metadata: { at: 1795423257103, big: 2 ** 60, list: [-(2 ** 40)] } } }
    Object.assign(chunk[1] ?? {}, { meta_struct: { _llmobs: pack(struct) } })
    const result = decodeV04Traces(pack([chunk]))
    expect(result.ok && result.value[0]?.[1]?.meta_struct).toEqual({ _llmobs: struct })
  })

  it('keeps scalar meta values as text and span links typed', () => {
    const chunk = capturedChunk()
    Object.assign(chunk[1] ?? {}, {
      meta: { n: 5, b: true },
      span_links: [{ trace_id: 1, span_id: 2n, trace_id_high: 3, attributes: { k: 'v' }, flags: 1 }],
    })
    const result = decodeV04Traces(pack([chunk]))
    expect(result.ok && result.value[0]?.[1]).toMatchObject({
      meta: { n: '5', b: 'true' },
      span_links: [{ trace_id: 1n, span_id: 2n, trace_id_high: 3n, attributes: { k: 'v' }, flags: 1 }],
    })
  })

  it('names what is wrong', () => {
    const bad = (mutate: (span: Record<string, unknown>) => void): string => {
      const chunk = capturedChunk()
      mutate(chunk[1] ?? {})
      const result = decodeV04Traces(pack([chunk]))
      return result.ok ? 'ok' : result.error
    }
    expect(bad((s) => (s.span_id = 'x'))).toBe('traces[0][1].span_id must be an unsigned 64-bit integer')
    expect(bad((s) => (s.start = -5))).toBe('traces[0][1].start must be a non-negative integer (ns)')
    expect(bad((s) => (s.meta = { a: [1] }))).toBe('traces[0][1].meta.a must be a string, got array')
    expect(bad((s) => (s.metrics = { 'a.b': 'x' }))).toBe(
      'traces[0][1].metrics["a.b"] must be a number, got string',
    )
    expect(bad((s) => (s.meta_struct = { _llmobs: new Uint8Array([0xc1]) }))).toMatch(
      /^traces\[0\]\[1\]\.meta_struct\._llmobs is not valid msgpack: /,
    )
    expect(bad((s) => (s.name = 5))).toBe('traces[0][1].name must be a string')
  })

  it('rejects bad msgpack, truncated bodies, wrong shapes and absurd declared lengths without throwing', () => {
    const body = pack([capturedChunk()])
    expect(decodeV04Traces(new Uint8Array([0xc1]))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^body is not valid msgpack/),
    })
    for (let cut = 0; cut < body.length; cut += 7) {
      expect(decodeV04Traces(body.subarray(0, cut)).ok).toBe(false)
    }
    expect(decodeV04Traces(pack({ a: 1 }))).toEqual({
      ok: false,
      error: 'traces must be an array of traces, got object',
    })
    expect(decodeV04Traces(pack([1]))).toEqual({
      ok: false,
      error: 'traces[0] must be an array of spans, got number',
    })
    // array32 header claiming 4 billion elements in a 5-byte body
    expect(decodeV04Traces(new Uint8Array([0xdd, 0xff, 0xff, 0xff, 0xff])).ok).toBe(false)
    expect(decodeV04Traces(pack([])).ok).toBe(true)
  })
})
