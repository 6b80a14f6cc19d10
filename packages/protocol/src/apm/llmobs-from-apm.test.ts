import { encode } from '@msgpack/msgpack'
import { describe, expect, it } from 'vitest'
import type { DecodedApmSpan } from './decoded-apm-span.js'
import { decodeV04Traces } from './decode-v04.js'
import { chunkSamplingPriority, chunkTraceIdHigh, spanEventFromApmSpan } from './llmobs-from-apm.js'

// The `_llmobs` struct protocol §4 describes, for the "chat" span of the dd-trace capture.
const struct = {
  name: 'chat',
  trace_id: '6b03fc19000000007953b531107242bf',
  parent_id: '774591771944634912',
  ml_app: 'demo',
  session_id: 'sess-1',
  tags: {
    ml_app: 'demo',
    service: 'demo-svc',
    env: 'dev',
    version: '1.0.0',
    source: 'integration',
    language: 'javascript',
    session_id: 'sess-1',
  },
  meta: {
    span: { kind: 'llm' },
    model_name: 'gpt-4o',
    model_provider: 'openai',
    input: { messages: [{ role: 'user', content: 'hi' }] },
    output: { messages: [{ role: 'assistant', content: 'yo' }] },
  },
  metrics: { input_tokens: 3, output_tokens: 2 },
  _dd: { sample_rate: '1', sampling_decision: '1' },
}

function chunk(hostMeta: Record<string, string> = {}, error = 0): DecodedApmSpan[] {
  const body = encode(
    [
      [
        {
          trace_id: 774591771944634912n,
          span_id: 774591771944634912n,
          parent_id: 0n,
          name: 'wf',
          start: 1n,
          duration: 10n,
          meta: { '_dd.p.tid': '6b03fc1900000000' },
        },
        {
          trace_id: 774591771944634912n,
          span_id: 155780522099886039n,
          parent_id: 774591771944634912n,
          name: 'host-name',
          start: 1795423257103140864n,
          duration: 1110596,
          error,
          meta: hostMeta,
          meta_struct: { _llmobs: encode(struct) },
        },
      ],
    ],
    { useBigInt64: true },
  )
  const result = decodeV04Traces(body)
  if (!result.ok) throw new Error(result.error)
  return result.value[0] ?? []
}

describe('spanEventFromApmSpan', () => {
  it('rebuilds the span event from the struct and its host span (protocol §4)', () => {
    const spans = chunk()
    const high = chunkTraceIdHigh(spans)
    expect(high).toBe(0x6b03fc1900000000n)
    const result = spanEventFromApmSpan(spans[1] as DecodedApmSpan, high, 'traces[0][1]')
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value).toEqual({
      trace_id: '6b03fc19000000007953b531107242bf',
      span_id: '155780522099886039',
      parent_id: '774591771944634912',
      name: 'chat',
      tags: [
        'env:dev',
        'language:javascript',
        'ml_app:demo',
        'service:demo-svc',
        'session_id:sess-1',
        'source:integration',
        'version:1.0.0',
        'error:0',
      ],
      start_ns: 1795423257103140864,
      duration: 1110596,
      status: 'ok',
      meta: {
        'span.kind': 'llm',
        model_name: 'gpt-4o',
        model_provider: 'openai',
        input: { messages: [{ role: 'user', content: 'hi' }] },
        output: { messages: [{ role: 'assistant', content: 'yo' }] },
      },
      metrics: { input_tokens: 3, output_tokens: 2 },
      session_id: 'sess-1',
      _dd: {
        span_id: '155780522099886039',
        trace_id: '6b03fc19000000000abfe71cd4b34a20',
        apm_trace_id: '6b03fc19000000000abfe71cd4b34a20',
        sample_rate: '1',
        sampling_decision: '1',
      },
    })
  })

  it('takes the error from the host span', () => {
    const spans = chunk({ 'error.type': 'TypeError', 'error.message': 'boom', 'error.stack': 'at x' }, 1)
    const result = spanEventFromApmSpan(spans[1] as DecodedApmSpan, chunkTraceIdHigh(spans), 'x')
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value?.status).toBe('error')
    expect(result.value?.tags.slice(-2)).toEqual(['error:1', 'error_type:TypeError'])
    expect(result.value?.meta).toMatchObject({
      'error.message': 'boom',
      'error.type': 'TypeError',
      'error.stack': 'at x',
    })
  })

  it('never extracts a span tagged _dd.llmobs.submitted:1, nor one without the struct', () => {
    const spans = chunk({ '_dd.llmobs.submitted': '1' })
    expect(spanEventFromApmSpan(spans[1] as DecodedApmSpan, 0n, 'x')).toEqual({ ok: true, value: undefined })
    expect(spanEventFromApmSpan(spans[0] as DecodedApmSpan, 0n, 'x')).toEqual({ ok: true, value: undefined })
  })

  it('names a malformed struct', () => {
    const [, host] = chunk()
    const span = { ...(host as DecodedApmSpan), meta_struct: { _llmobs: { ...struct, trace_id: 5 } } }
    expect(spanEventFromApmSpan(span, 0n, 'traces[0][1]')).toEqual({
      ok: false,
      error: 'traces[0][1].meta_struct._llmobs.trace_id must be a 32-hex string',
    })
    // A decoded map with a `toString` key cannot become text: the sender's 400, not a crash.
    const oddTag = {
      ...(host as DecodedApmSpan),
      meta_struct: { _llmobs: { ...struct, tags: { a: { toString: 5 } } } },
    }
    expect(spanEventFromApmSpan(oddTag, 0n, 't')).toEqual({
      ok: false,
      error: 't.meta_struct._llmobs.tags values must convert to text',
    })
    const noMeta = { ...(host as DecodedApmSpan), meta_struct: { _llmobs: 'x' } }
    expect(spanEventFromApmSpan(noMeta, 0n, 't')).toEqual({
      ok: false,
      error: 't.meta_struct._llmobs must be a map',
    })
  })
})

describe('chunk-level facts', () => {
  it('reads the high half of the trace id from whichever span of the chunk carries _dd.p.tid', () => {
    const spans = chunk()
    // A later chunk of a partial flush: the tid on its first span only, or (some tracers) further in.
    expect(chunkTraceIdHigh(spans)).toBe(0x6b03fc1900000000n)
    expect(chunkTraceIdHigh([...spans].reverse())).toBe(0x6b03fc1900000000n)
    expect(chunkTraceIdHigh(spans.slice(1))).toBe(0n)
  })

  it("reads the chunk's sampling priority from the first span that carries one", () => {
    const [first, second] = chunk()
    const withPriority = (span: DecodedApmSpan | undefined, p?: number): DecodedApmSpan => ({
      ...(span as DecodedApmSpan),
      metrics: p === undefined ? {} : { _sampling_priority_v1: p },
    })
    expect(chunkSamplingPriority([withPriority(first, -1), withPriority(second, 1)])).toBe(-1)
    expect(chunkSamplingPriority([withPriority(first), withPriority(second, 2)])).toBe(2)
    expect(chunkSamplingPriority([withPriority(first, 0)])).toBe(0)
    expect(chunkSamplingPriority([withPriority(first), withPriority(second)])).toBeUndefined()
    expect(chunkSamplingPriority([])).toBeUndefined()
  })
})
