import { describe, expect, it } from 'vitest'
import { validateEvaluationsBody } from './validate-evaluations.js'

// The metrics dd-trace 5.132.0 sent (REF-eval-metric.demo.json).
function captured(): { data: { type: string; attributes: { metrics: Array<Record<string, any>> } } } {
  return {
    data: {
      type: 'evaluation_metric',
      attributes: {
        metrics: [
          {
            event_kind: 'evaluation',
            join_on: {
              span: { span_id: '774591771944634912', trace_id: '6b03fc19000000007953b531107242bf' },
            },
            label: 'sentiment',
            metric_type: 'categorical',
            ml_app: 'demo',
            categorical_value: 'positive',
            timestamp_ms: 1795423257115,
            tags: ['ddtrace.version:5.132.0', 'ml_app:demo', 'evaluator:me'],
          },
          {
            event_kind: 'evaluation',
            join_on: {
              span: { span_id: '155780522099886039', trace_id: '6b03fc19000000007953b531107242bf' },
            },
            label: 'accuracy',
            metric_type: 'score',
            ml_app: 'demo',
            score_value: 0.87,
            timestamp_ms: 1795423257116,
            tags: ['ddtrace.version:5.132.0', 'ml_app:demo'],
            reasoning: 'close',
            metadata: { judge: 'gpt' },
            assessment: 'pass',
          },
          {
            event_kind: 'feedback',
            span_id: '774591771944634912',
            label: 'thumbs',
            metric_type: 'boolean',
            ml_app: 'demo',
            boolean_value: true,
            timestamp_ms: 1795423257116,
            tags: ['ddtrace.version:5.132.0', 'ml_app:demo'],
            submitter: { id: 'user-42', type: 'human' },
          },
        ],
      },
    },
  }
}

describe('validateEvaluationsBody', () => {
  it('accepts the dd-trace capture: evaluations by span and feedback by span id', () => {
    const result = validateEvaluationsBody(captured())
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value).toHaveLength(3)
    expect(result.value[1]).toMatchObject({
      event_kind: 'evaluation',
      label: 'accuracy',
      score_value: 0.87,
      reasoning: 'close',
      assessment: 'pass',
      metadata: { judge: 'gpt' },
    })
    expect(result.value[2]).toMatchObject({
      event_kind: 'feedback',
      span_id: '774591771944634912',
      submitter: { id: 'user-42', type: 'human' },
      boolean_value: true,
    })
  })

  it('accepts tag joins, json and text values, and the v1 shape', () => {
    const body = captured()
    const [first] = body.data.attributes.metrics
    if (!first) throw new Error('fixture')
    body.data.attributes.metrics = [
      {
        ...first,
        join_on: { tag: { key: 'request_id', value: 'r-1' } },
        metric_type: 'json',
        json_value: { a: 1 },
      },
      {
        event_kind: 'feedback',
        session_id: 'sess-1',
        label: 'comment',
        metric_type: 'text',
        text_value: 'great',
        timestamp_ms: 1,
        submitter: { id: 'u' },
      },
      // v1: the span named at the top level, no event_kind
      {
        span_id: '1',
        trace_id: '00000000000000000000000000000002',
        label: 'x',
        metric_type: 'score',
        score_value: 1,
        timestamp_ms: 5,
      },
    ]
    const result = validateEvaluationsBody(body)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value[0]).toMatchObject({ join_on: { tag: { key: 'request_id', value: 'r-1' } } })
    expect(result.value[1]).toMatchObject({ session_id: 'sess-1', text_value: 'great', ml_app: '' })
    expect(result.value[2]).toMatchObject({
      join_on: { span: { span_id: '1', trace_id: '00000000000000000000000000000002' } },
      tags: [],
    })
  })

  it.each([
    [(m: any) => (m.label = 'a.b'), 'data.attributes.metrics[0].label must not contain "."'],
    [(m: any) => (m.label = ''), 'data.attributes.metrics[0].label must be a non-empty string'],
    [
      (m: any) => (m.metric_type = 'text'),
      'data.attributes.metrics[0].metric_type must be one of categorical, score, boolean, json',
    ],
    [(m: any) => (m.categorical_value = 3), 'data.attributes.metrics[0].categorical_value must be a string'],
    [
      (m: any) => (m.timestamp_ms = -1),
      'data.attributes.metrics[0].timestamp_ms must be a non-negative integer',
    ],
    [(m: any) => (m.assessment = 'ok'), 'data.attributes.metrics[0].assessment must be "pass" or "fail"'],
    [(m: any) => (m.metadata = []), 'data.attributes.metrics[0].metadata must be an object'],
    [(m: any) => (m.reasoning = 1), 'data.attributes.metrics[0].reasoning must be a string'],
    [
      (m: any) => (m.join_on = { span: m.join_on.span, tag: { key: 'a', value: 'b' } }),
      'data.attributes.metrics[0].join_on must name exactly one of "span" or "tag"',
    ],
    [
      (m: any) => (m.join_on.span.trace_id = 'zz'),
      'data.attributes.metrics[0].join_on.span.trace_id must be a 32-hex string',
    ],
    [(m: any) => (m.tags = 'a'), 'data.attributes.metrics[0].tags must be an array of strings'],
    [
      (m: any) => (m.event_kind = 'x'),
      'data.attributes.metrics[0].event_kind must be "evaluation" or "feedback"',
    ],
  ])('rejects a wrong evaluation field (%#)', (mutate, message) => {
    const body = captured()
    mutate(body.data.attributes.metrics[0])
    expect(validateEvaluationsBody(body)).toEqual({ ok: false, error: message })
  })

  it('rejects feedback without exactly one target or without a submitter', () => {
    const body = captured()
    const feedback = body.data.attributes.metrics[2] as Record<string, any>
    feedback.trace_id = '6b03fc19000000007953b531107242bf'
    expect(validateEvaluationsBody(body)).toEqual({
      ok: false,
      error:
        'data.attributes.metrics[2] must name exactly one of span_id, trace_id, session_id, feedback_join_key',
    })
    delete feedback.trace_id
    delete feedback.submitter
    expect(validateEvaluationsBody(body)).toEqual({
      ok: false,
      error: 'data.attributes.metrics[2].submitter must be {"id": "<non-empty string>", "type"?: string}',
    })
  })

  it('rejects bodies of the wrong shape', () => {
    expect(validateEvaluationsBody([])).toEqual({
      ok: false,
      error: 'body must be {"data": {"attributes": {...}}}',
    })
    expect(validateEvaluationsBody({ data: { attributes: {} } })).toEqual({
      ok: false,
      error: 'data.attributes.metrics must be an array',
    })
  })
})
