import type { ApmSpanDoc } from './apm-span-json.js'
import { apmSpanJson } from './apm-span-json.js'
import type { ApmSpanInput, EvaluationInput, LlmSpanInput, WriteBatch } from './store.js'
import { NO_JOIN } from './store.js'

/**
 * Builders of store inputs for tests of any `Store`: realistic defaults (taken from the dd-trace
 * capture) that each test overrides where it matters.
 */

/**
 * A start time near the capture's. Epoch nanoseconds exceed 2^53, so as JS numbers they are exact only
 * to 256 ns: tests offset times by multiples of {@link TICK}.
 */
export const T0 = 1_795_423_257_000_000_000
/** 1024 ns, a step doubles represent exactly at today's epoch. */
export const TICK = 1024

export function llmSpan(overrides: Partial<LlmSpanInput> & { spanId: string }): LlmSpanInput {
  const meta = { 'span.kind': overrides.kind ?? 'workflow', input: { value: 'q' }, output: { value: 'a' } }
  return {
    traceId: '6b03fc19000000007953b531107242bf',
    parentId: null,
    name: 'span-' + overrides.spanId,
    kind: 'workflow',
    startNs: T0,
    durationNs: 1_000_000,
    status: 'ok',
    mlApp: 'demo',
    sessionId: null,
    service: 'demo-svc',
    env: 'dev',
    apmTraceId: '6b03fc19000000000abfe71cd4b34a20',
    modelName: null,
    modelProvider: null,
    inputTokens: null,
    outputTokens: null,
    totalTokens: null,
    metaJson: JSON.stringify(meta),
    metricsJson: '{}',
    tagsJson: JSON.stringify(['ml_app:demo', 'env:dev']),
    links: [],
    ...overrides,
  }
}

export function apmSpan(
  overrides: Partial<ApmSpanDoc & Omit<ApmSpanInput, 'spanJson'>> & { spanId: string },
): ApmSpanInput {
  const { traceId, spanId, startNs, samplingPriority, ...doc } = overrides
  return {
    traceId: traceId ?? '6b03fc19000000000abfe71cd4b34a20',
    spanId,
    startNs: startNs ?? T0,
    samplingPriority: samplingPriority ?? null,
    spanJson: apmSpanJson({
      parentId: null,
      service: 'demo-svc',
      name: 'apm-' + spanId,
      resource: 'r',
      type: null,
      durationNs: 1000,
      error: false,
      meta: { env: 'dev' },
      metrics: {},
      llmobs: false,
      ...doc,
    }),
  }
}

let evaluationCounter = 0

export function evaluation(overrides: Partial<EvaluationInput> = {}): EvaluationInput {
  evaluationCounter++
  return {
    dedupeKey: `key-${evaluationCounter}-${Math.random()}`,
    kind: 'evaluation',
    label: 'accuracy',
    metricType: 'score',
    valueJson: '0.5',
    numericValue: 0.5,
    join: NO_JOIN,
    mlApp: 'demo',
    timestampMs: Math.floor(T0 / 1e6),
    tagsJson: '[]',
    reasoning: null,
    assessment: null,
    metadataJson: null,
    submitterJson: null,
    ...overrides,
  }
}

export function batch(parts: Partial<WriteBatch>): WriteBatch {
  return { llmSpans: [], apmSpans: [], evaluations: [], ...parts }
}
