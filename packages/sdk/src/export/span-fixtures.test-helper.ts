/**
 * Test support (not shipped): hand-built span records and evaluation metrics for the export tests.
 */
import type { EvaluationMetric, SpanEvent } from '@llmobs/protocol'
import type { SpanRecord } from '../span/span-record.js'

let counter = 0

export function makeRecord(overrides: Partial<SpanRecord> = {}): SpanRecord {
  counter++
  return {
    kind: 'llm',
    name: 'chat',
    spanId: String(1_000_000 + counter),
    parentId: undefined,
    traceId: '6b03fc19000000007953b531107242bf',
    apmTraceId: '6b03fc19000000000abfe71cd4b34a20',
    startNs: 1_795_423_257_103_140_900,
    durationNs: 1_110_596,
    mlApp: 'demo',
    sessionId: undefined,
    modelName: 'gpt-4o',
    modelProvider: 'openai',
    input: {
      messages: [
        { role: 'system', content: 'You are a helpful support agent. Answer briefly and cite the docs.' },
        { role: 'user', content: 'How do I rotate the API key of my workspace without downtime?' },
      ],
    },
    output: {
      messages: [
        {
          role: 'assistant',
          content:
            'Create a second key, deploy it everywhere, check that traffic uses it, then revoke the first one.',
        },
      ],
    },
    metadata: { temperature: 0.1 },
    metrics: { input_tokens: 42, output_tokens: 24, total_tokens: 66 },
    tags: {},
    toolDefinitions: undefined,
    error: undefined,
    links: [],
    sampling: { rate: 1, decision: 1 },
    collectionErrors: undefined,
    ...overrides,
  }
}

export function makeEvaluation(overrides: Partial<EvaluationMetric> = {}): EvaluationMetric {
  counter++
  return {
    join_on: { span: { span_id: String(counter), trace_id: '6b03fc19000000007953b531107242bf' } },
    label: 'faithfulness',
    metric_type: 'score',
    score_value: 0.92,
    ml_app: 'demo',
    timestamp_ms: 1_795_423_257_115,
    tags: ['ml_app:demo'],
    ...overrides,
  }
}

/**
 * A small stand-in for the SDK's span-event encoder, enough for transport-level tests that do not
 * exercise encoding itself.
 */
export function fixtureEncode(record: SpanRecord): SpanEvent {
  return {
    trace_id: record.traceId,
    span_id: record.spanId,
    parent_id: record.parentId ?? 'undefined',
    name: record.name,
    tags: [`ml_app:${record.mlApp}`, 'language:javascript', `error:${record.error === undefined ? 0 : 1}`],
    start_ns: record.startNs,
    duration: record.durationNs,
    status: record.error === undefined ? 'ok' : 'error',
    meta: {
      'span.kind': record.kind,
      input: record.input,
      output: record.output,
      metadata: { ...record.metadata },
      ...(record.modelName !== undefined ? { model_name: record.modelName } : {}),
      ...(record.modelProvider !== undefined ? { model_provider: record.modelProvider } : {}),
    },
    metrics: { ...record.metrics },
    _dd: { span_id: record.spanId, trace_id: record.apmTraceId, apm_trace_id: record.apmTraceId },
  }
}
