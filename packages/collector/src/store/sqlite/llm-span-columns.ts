import type { LlmSpanInput } from '../store.js'

/**
 * The columns of an LLM span row, in one order shared by the INSERT statement and the array form in
 * which rows cross to the store worker, so the two can never drift apart.
 */
export const LLM_SPAN_COLUMNS = [
  'trace_id',
  'span_id',
  'parent_id',
  'name',
  'kind',
  'start_ns',
  'duration_ns',
  'status',
  'ml_app',
  'session_id',
  'service',
  'env',
  'apm_trace_id',
  'model_name',
  'model_provider',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'meta',
  'metrics',
  'tags',
] as const

/** The values of `LLM_SPAN_COLUMNS` for one span, in that order (a literal array: this is hot). */
export function llmSpanValues(s: LlmSpanInput): unknown[] {
  return [
    s.traceId,
    s.spanId,
    s.parentId,
    s.name,
    s.kind,
    s.startNs,
    s.durationNs,
    s.status,
    s.mlApp,
    s.sessionId,
    s.service,
    s.env,
    s.apmTraceId,
    s.modelName,
    s.modelProvider,
    s.inputTokens,
    s.outputTokens,
    s.totalTokens,
    s.metaJson,
    s.metricsJson,
    s.tagsJson,
  ]
}

/** The span again from `llmSpanValues` (links travel beside, at index `LLM_SPAN_COLUMNS.length`). */
export function llmSpanFromValues(t: readonly unknown[], links: LlmSpanInput['links']): LlmSpanInput {
  return {
    traceId: t[0] as string,
    spanId: t[1] as string,
    parentId: t[2] as string | null,
    name: t[3] as string,
    kind: t[4] as string,
    startNs: t[5] as number,
    durationNs: t[6] as number,
    status: t[7] as 'ok' | 'error',
    mlApp: t[8] as string | null,
    sessionId: t[9] as string | null,
    service: t[10] as string | null,
    env: t[11] as string | null,
    apmTraceId: t[12] as string | null,
    modelName: t[13] as string | null,
    modelProvider: t[14] as string | null,
    inputTokens: t[15] as number | null,
    outputTokens: t[16] as number | null,
    totalTokens: t[17] as number | null,
    metaJson: t[18] as string,
    metricsJson: t[19] as string,
    tagsJson: t[20] as string,
    links,
  }
}
