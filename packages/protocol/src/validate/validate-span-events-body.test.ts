import { describe, expect, it } from 'vitest'
import { validateSpanEventsBody } from './validate-span-events-body.js'

// One envelope exactly as dd-trace 5.132.0 sent it (REF-llmobs-spans.demo.json).
function captured(): Record<string, any> {
  return {
    '_dd.stage': 'raw',
    '_dd.tracer_version': '5.132.0',
    event_type: 'span',
    spans: [
      {
        trace_id: '6b03fc19000000007953b531107242bf',
        span_id: '155780522099886039',
        parent_id: '774591771944634912',
        name: 'chat',
        tags: ['version:1.0.0', 'env:dev', 'service:demo-svc', 'ml_app:demo', 'error:0', 'session_id:sess-1'],
        start_ns: 1795423257103140900,
        duration: 1110596,
        status: 'ok',
        meta: {
          'span.kind': 'llm',
          input: { messages: [{ role: 'user', content: 'hi' }] },
          output: { messages: [{ role: 'assistant', content: 'yo' }] },
          model_name: 'gpt-4o',
          model_provider: 'openai',
        },
        metrics: { input_tokens: 3, output_tokens: 2 },
        _dd: {
          span_id: '155780522099886039',
          trace_id: '6b03fc19000000000abfe71cd4b34a20',
          sample_rate: '1',
          sampling_decision: '1',
          apm_trace_id: '6b03fc19000000000abfe71cd4b34a20',
        },
        session_id: 'sess-1',
      },
    ],
  }
}

describe('validateSpanEventsBody', () => {
  it('accepts the dd-trace capture unchanged in substance', () => {
    const result = validateSpanEventsBody([captured()])
    expect(result.ok).toBe(true)
    if (!result.ok) return
    const [event] = result.value
    expect(event).toMatchObject({
      trace_id: '6b03fc19000000007953b531107242bf',
      span_id: '155780522099886039',
      parent_id: '774591771944634912',
      name: 'chat',
      status: 'ok',
      session_id: 'sess-1',
      metrics: { input_tokens: 3, output_tokens: 2 },
      _dd: { apm_trace_id: '6b03fc19000000000abfe71cd4b34a20', sampling_decision: '1' },
    })
    expect(event?.meta['span.kind']).toBe('llm')
    expect(event?.meta.model_name).toBe('gpt-4o')
  })

  it('accepts a single envelope and names paths without the array index', () => {
    const envelope = captured()
    expect(validateSpanEventsBody(envelope).ok).toBe(true)
    envelope.spans[0].trace_id = 'nope'
    expect(validateSpanEventsBody(envelope)).toEqual({
      ok: false,
      error: 'spans[0].trace_id must be a 32-hex string',
    })
  })

  it('understands the nested meta.span.kind and flattens it', () => {
    const envelope = captured()
    const meta = envelope.spans[0].meta
    delete meta['span.kind']
    meta.span = { kind: 'retrieval' }
    const result = validateSpanEventsBody([envelope])
    expect(result.ok && result.value[0]?.meta['span.kind']).toBe('retrieval')
    expect(result.ok && 'span' in (result.value[0]?.meta ?? {})).toBe(false)
  })

  it('normalises ids: decimal trace ids, leading zeros, root parent spellings', () => {
    const envelope = captured()
    const span = envelope.spans[0]
    span.trace_id = BigInt('0x6b03fc19000000007953b531107242bf').toString()
    span.span_id = '00155780522099886039'
    for (const root of ['undefined', undefined, null, '0', '']) {
      span.parent_id = root
      const result = validateSpanEventsBody([envelope])
      expect(result.ok).toBe(true)
      if (!result.ok) continue
      expect(result.value[0]).toMatchObject({
        trace_id: '6b03fc19000000007953b531107242bf',
        span_id: '155780522099886039',
        parent_id: 'undefined',
      })
    }
  })

  it('fills input, output, metrics and tags when absent and derives status from tags', () => {
    const envelope = captured()
    const span = envelope.spans[0]
    delete span.meta.input
    delete span.metrics
    delete span.status
    span.tags = ['error:1']
    const result = validateSpanEventsBody([envelope])
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value[0]).toMatchObject({ status: 'error', metrics: {}, meta: { input: {} } })
  })

  it.each([
    [(s: any) => (s.span_id = 'abc'), '[0].spans[0].span_id must be a decimal 64-bit id string'],
    [
      (s: any) => (s.span_id = '18446744073709551616'),
      '[0].spans[0].span_id must be a decimal 64-bit id string',
    ],
    [
      (s: any) => (s.parent_id = {}),
      '[0].spans[0].parent_id must be a decimal 64-bit id string or "undefined"',
    ],
    [(s: any) => (s.start_ns = -1), '[0].spans[0].start_ns must be a non-negative integer (ns)'],
    [(s: any) => (s.duration = 'x'), '[0].spans[0].duration must be a non-negative integer (ns)'],
    [(s: any) => (s.tags = ['a', 1]), '[0].spans[0].tags must be an array of "key:value" strings'],
    [(s: any) => (s.status = 'bad'), '[0].spans[0].status must be "ok" or "error"'],
    [
      (s: any) => delete s.meta['span.kind'],
      '[0].spans[0].meta["span.kind"] must be a span kind string (e.g. "llm")',
    ],
    [(s: any) => (s.meta.input = 'hi'), '[0].spans[0].meta.input must be an object, got string'],
    [(s: any) => (s.metrics.input_tokens = '3'), '[0].spans[0].metrics.input_tokens must be a finite number'],
    [(s: any) => (s.session_id = 5), '[0].spans[0].session_id must be a string'],
    [
      (s: any) => (s.span_links = [{ trace_id: 'x' }]),
      '[0].spans[0].span_links[0].trace_id must be a 32-hex string',
    ],
    [(s: any) => (s.name = undefined), '[0].spans[0].name must be a string'],
  ])('rejects a wrong field with a message naming it (%#)', (mutate, message) => {
    const envelope = captured()
    mutate(envelope.spans[0])
    expect(validateSpanEventsBody([envelope])).toEqual({ ok: false, error: message })
  })

  it('rejects wrong envelope shapes', () => {
    expect(validateSpanEventsBody(null)).toEqual({
      ok: false,
      error: 'body must be an envelope object with a "spans" array, got null',
    })
    expect(validateSpanEventsBody([{ spans: 3 }])).toEqual({
      ok: false,
      error: '[0] must have a "spans" array',
    })
    expect(validateSpanEventsBody([{ event_type: 'log', spans: [] }])).toEqual({
      ok: false,
      error: '[0].event_type must be "span"',
    })
    expect(validateSpanEventsBody([])).toEqual({ ok: true, value: [] })
  })

  it('keeps span links with normalised ids', () => {
    const envelope = captured()
    envelope.spans[0].span_links = [
      {
        trace_id: '6B03FC19000000007953B531107242BF',
        span_id: '774591771944634912',
        attributes: { from: 'output', to: 'input' },
      },
    ]
    const result = validateSpanEventsBody([envelope])
    expect(result.ok && result.value[0]?.span_links).toEqual([
      {
        trace_id: '6b03fc19000000007953b531107242bf',
        span_id: '774591771944634912',
        attributes: { from: 'output', to: 'input' },
      },
    ])
  })
})
