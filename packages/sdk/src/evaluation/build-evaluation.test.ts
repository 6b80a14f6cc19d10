import { describe, expect, it } from 'vitest'
import { SDK_VERSION } from '../internal/version.js'
import { buildEvaluation } from './build-evaluation.js'

const span = { spanId: '774591771944634912', traceId: '6b03fc19000000007953b531107242bf' }
const NOW = 1795423257115.7

function problemsOf(target: unknown, options: unknown): string[] {
  return buildEvaluation(target, options, 'demo', NOW).problems.map((p) => p.code)
}

describe('buildEvaluation', () => {
  it('builds the wire metric in dd-trace field order (REF-eval-metric.demo.json)', () => {
    const { metric } = buildEvaluation(
      span,
      { label: 'sentiment', metricType: 'categorical', value: 'positive', tags: { evaluator: 'me' } },
      'demo',
      NOW,
    )
    expect(metric).toEqual({
      event_kind: 'evaluation',
      join_on: { span: { span_id: '774591771944634912', trace_id: '6b03fc19000000007953b531107242bf' } },
      label: 'sentiment',
      metric_type: 'categorical',
      ml_app: 'demo',
      categorical_value: 'positive',
      timestamp_ms: 1795423257115,
      tags: [`ddtrace.version:${SDK_VERSION}`, 'ml_app:demo', 'evaluator:me'],
    })
    expect(Object.keys(metric ?? {})).toEqual([
      'event_kind',
      'join_on',
      'label',
      'metric_type',
      'ml_app',
      'categorical_value',
      'timestamp_ms',
      'tags',
    ])
    const scored = buildEvaluation(
      span,
      {
        label: 'accuracy',
        metricType: 'score',
        value: 0.87,
        reasoning: 'close',
        metadata: { judge: 'gpt' },
        assessment: 'pass',
      },
      'demo',
      NOW,
    ).metric
    expect(Object.keys(scored ?? {}).slice(5)).toEqual([
      'score_value',
      'timestamp_ms',
      'tags',
      'reasoning',
      'metadata',
      'assessment',
    ])
    expect(scored).toMatchObject({
      score_value: 0.87,
      reasoning: 'close',
      metadata: { judge: 'gpt' },
      assessment: 'pass',
    })
  })

  it('supports boolean and json values, tag targets, explicit ml_app and timestamp', () => {
    const bool = buildEvaluation(
      { tag: { key: 'msg_id', value: 'm1' } },
      { label: 'ok', metricType: 'BOOLEAN', value: true, mlApp: 'other', timestampMs: 0 },
      'demo',
      NOW,
    )
    expect(bool.metric).toMatchObject({
      join_on: { tag: { key: 'msg_id', value: 'm1' } },
      metric_type: 'boolean',
      boolean_value: true,
      ml_app: 'other',
      timestamp_ms: 0,
      tags: [`ddtrace.version:${SDK_VERSION}`, 'ml_app:other'],
    })
    const json = buildEvaluation(span, { label: 'detail', metricType: 'json', value: { n: 1n } }, 'demo', NOW)
    expect(json.metric?.json_value).toEqual({ n: '1' })
  })

  it('accepts a decimal LLMObs trace id (as propagated) and converts it to hex', () => {
    const decimal = BigInt('0x6b03fc19000000007953b531107242bf').toString(10)
    const { metric } = buildEvaluation(
      { spanId: span.spanId, traceId: decimal },
      { label: 'x', metricType: 'score', value: 1 },
      'demo',
      NOW,
    )
    expect(metric?.join_on).toEqual({ span: { span_id: span.spanId, trace_id: span.traceId } })
  })

  it('lets a user tag override a base tag in place', () => {
    const { metric } = buildEvaluation(
      span,
      { label: 'x', metricType: 'score', value: 1, tags: { ml_app: 'tagged', n: 2 } },
      'demo',
      NOW,
    )
    expect(metric?.tags).toEqual([`ddtrace.version:${SDK_VERSION}`, 'ml_app:tagged', 'n:2'])
  })

  it('reports every problem with its field, and builds nothing', () => {
    const result = buildEvaluation(
      { spanId: 'abc', traceId: 'xyz' },
      {
        label: 'a.b',
        metricType: 'score',
        value: 'high',
        assessment: 'maybe',
        reasoning: 3,
        metadata: [1],
        timestampMs: -5,
        mlApp: '',
        tags: { bad: {} },
      },
      'demo',
      NOW,
    )
    expect(result.metric).toBeUndefined()
    expect(result.problems.map((p) => p.code)).toEqual([
      'invalid_target',
      'invalid_metric_label',
      'invalid_metric_value',
      'invalid_ml_app',
      'invalid_timestamp',
      'invalid_reasoning',
      'invalid_assessment',
      'invalid_metadata',
      'invalid_tags',
    ])
    expect(result.problems[1]?.message).toContain('use "_" instead (e.g. "a_b")')
  })

  it('checks each metric type against its value', () => {
    const base = { label: 'x' }
    expect(problemsOf(span, { ...base, metricType: 'categorical', value: 1 })).toEqual([
      'invalid_metric_value',
    ])
    expect(problemsOf(span, { ...base, metricType: 'score', value: NaN })).toEqual(['invalid_metric_value'])
    expect(problemsOf(span, { ...base, metricType: 'boolean', value: 'true' })).toEqual([
      'invalid_metric_value',
    ])
    expect(problemsOf(span, { ...base, metricType: 'json', value: [1] })).toEqual(['invalid_metric_value'])
    expect(problemsOf(span, { ...base, metricType: 'text', value: 'x' })).toEqual(['invalid_metric_type'])
    expect(problemsOf(span, { metricType: 'score', value: 1 })).toEqual(['invalid_metric_label'])
    expect(problemsOf(span, 'nope')).toEqual(['invalid_evaluation'])
    expect(problemsOf({ tag: { key: '', value: 'v' } }, { ...base, metricType: 'score', value: 1 })).toEqual([
      'invalid_target',
    ])
    expect(problemsOf(undefined, { ...base, metricType: 'score', value: 1 })).toEqual(['invalid_target'])
  })
})
