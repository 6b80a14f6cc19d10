import type {
  ApmSpanView,
  EvaluationView,
  SessionSummary,
  SpanLinkView,
  SpanView,
  TraceSummary,
} from '../views.js'
import type { ApmSpanDoc } from '../apm-span-json.js'
import type { TraceRow } from './trace-rollup.js'

/** Row shapes of the SQLite tables and their mapping to the query API's views. */

export const SPAN_COLUMNS = `trace_id, span_id, parent_id, name, kind, start_ns, duration_ns, status, ml_app,
  session_id, service, env, apm_trace_id, model_name, model_provider, meta, metrics, tags`

export interface LlmSpanRow {
  trace_id: string
  span_id: string
  parent_id: string | null
  name: string
  kind: string
  start_ns: number
  duration_ns: number
  status: 'ok' | 'error'
  ml_app: string | null
  session_id: string | null
  service: string | null
  env: string | null
  apm_trace_id: string | null
  model_name: string | null
  model_provider: string | null
  meta: string
  metrics: string
  tags: string
}

export interface SpanLinkRow {
  trace_id: string
  span_id: string
  link_trace_id: string
  link_span_id: string
  from_side: string
  to_side: string
}

export interface EvaluationRow {
  id: number
  kind: 'evaluation' | 'feedback'
  label: string
  metric_type: string
  value: string
  span_id: string | null
  trace_id: string | null
  tag_key: string | null
  tag_value: string | null
  session_id: string | null
  feedback_join_key: string | null
  ml_app: string | null
  timestamp_ms: number
  tags: string
  reasoning: string | null
  assessment: 'pass' | 'fail' | null
  metadata: string | null
  submitter: string | null
}

export interface SessionRow {
  session_id: string
  ml_app: string | null
  first_seen_ns: number
  last_seen_ns: number
  trace_count: number
  span_count: number
}

export interface ApmSpanRow {
  trace_id: string
  span_id: string
  start_ns: number
  sampling_priority: number | null
  /** JSON text of an {@link ApmSpanDoc}. */
  span: string
}

/** A span view without links and evaluations yet (the caller attaches those in bulk). */
export function toSpanView(row: LlmSpanRow): SpanView {
  return {
    spanId: row.span_id,
    parentId: row.parent_id,
    traceId: row.trace_id,
    name: row.name,
    kind: row.kind,
    startNs: row.start_ns,
    durationNs: row.duration_ns,
    status: row.status,
    mlApp: row.ml_app,
    sessionId: row.session_id,
    service: row.service,
    env: row.env,
    apmTraceId: row.apm_trace_id,
    // Resolved against the APM spans by the decorator, which every span view goes through.
    apmSampled: null,
    modelName: row.model_name,
    modelProvider: row.model_provider,
    meta: JSON.parse(row.meta) as Record<string, unknown>,
    metrics: JSON.parse(row.metrics) as Record<string, number>,
    tags: JSON.parse(row.tags) as string[],
    links: [],
    evaluations: [],
  }
}

export function toLinkView(row: SpanLinkRow): SpanLinkView {
  return { traceId: row.link_trace_id, spanId: row.link_span_id, from: row.from_side, to: row.to_side }
}

export function toEvaluationView(row: EvaluationRow): EvaluationView {
  return {
    id: row.id,
    kind: row.kind,
    label: row.label,
    metricType: row.metric_type,
    value: JSON.parse(row.value) as unknown,
    mlApp: row.ml_app,
    timestampMs: row.timestamp_ms,
    tags: JSON.parse(row.tags) as string[],
    reasoning: row.reasoning,
    assessment: row.assessment,
    metadata: row.metadata === null ? null : (JSON.parse(row.metadata) as Record<string, unknown>),
    submitter: row.submitter === null ? null : (JSON.parse(row.submitter) as { id: string; type?: string }),
    joinOn: {
      spanId: row.span_id,
      traceId: row.trace_id,
      tag: row.tag_key === null ? null : { key: row.tag_key, value: row.tag_value ?? '' },
      sessionId: row.session_id,
      feedbackJoinKey: row.feedback_join_key,
    },
  }
}

export function toTraceSummary(row: TraceRow): TraceSummary {
  return {
    traceId: row.trace_id,
    name: row.name,
    kind: row.kind,
    mlApp: row.ml_app,
    sessionId: row.session_id,
    startNs: row.start_ns,
    durationNs: row.end_ns - row.start_ns,
    spanCount: row.span_count,
    error: row.error_count > 0,
  }
}

export function toSessionSummary(row: SessionRow): SessionSummary {
  return {
    sessionId: row.session_id,
    mlApp: row.ml_app,
    firstSeenNs: row.first_seen_ns,
    lastSeenNs: row.last_seen_ns,
    traceCount: row.trace_count,
    spanCount: row.span_count,
  }
}

export function toApmSpanView(row: ApmSpanRow): ApmSpanView {
  const doc = JSON.parse(row.span) as ApmSpanDoc
  return {
    spanId: row.span_id,
    parentId: doc.parentId,
    traceId: row.trace_id,
    service: doc.service,
    name: doc.name,
    resource: doc.resource,
    type: doc.type,
    startNs: row.start_ns,
    durationNs: doc.durationNs,
    error: doc.error,
    meta: doc.meta,
    metrics: doc.metrics,
    llmobs: doc.llmobs,
    samplingPriority: row.sampling_priority,
  }
}
