import { traceIdToHex32, type FeedbackMetric, type FeedbackMetricType } from '@llmobs/protocol'
import { feedbackJoinKeyProblem } from '../annotation/feedback-join-key.js'
import { isDecimalSpanId, isHex32TraceId } from '../internal/ids.js'
import { describeType, isRecord } from '../internal/report.js'
import { LiveSpan } from '../span/live-span.js'
import {
  appendOptionalFields,
  appendValueFields,
  validateMetricFields,
  type MetricProblem,
  type ReportProblem,
} from './metric-fields.js'

const FEEDBACK_TYPES: readonly FeedbackMetricType[] = ['categorical', 'score', 'boolean', 'json', 'text']
const MAX_SESSION_ID_LENGTH = 256

export type FeedbackBuildResult =
  | { readonly metric: FeedbackMetric; readonly problems: readonly [] }
  | { readonly metric: undefined; readonly problems: readonly MetricProblem[] }

type Target = { field: 'span_id' | 'trace_id' | 'session_id' | 'feedback_join_key'; value: string }

const TARGET_HELP =
  'the feedback target must be exactly one of a span, llmobs.exportSpan(span), { spanId }, { traceId }, { sessionId } or { feedbackJoinKey }'

/**
 * Validates user feedback and builds its wire metric (protocol §3, `event_kind: "feedback"`) in
 * dd-trace's field order: event_kind, the one target field, label, metric_type, ml_app,
 * `<type>_value`, timestamp_ms, tags, submitter, then reasoning, metadata, assessment. Every problem
 * is returned, each naming the field and the fix; with any problem there is no metric.
 */
export function buildFeedback(
  target: unknown,
  options: unknown,
  configMlApp: string,
  nowMs: number,
): FeedbackBuildResult {
  const problems: MetricProblem[] = []
  const problem: ReportProblem = (code, message) => {
    problems.push({ code, message })
  }
  const named = feedbackTarget(target, problem)
  if (!isRecord(options)) {
    problem(
      'invalid_feedback',
      `submitFeedback() needs options { label, metricType, value, submitter: { id } }, got ${describeType(options)}.`,
    )
    return { metric: undefined, problems }
  }
  const fields = validateMetricFields(options, FEEDBACK_TYPES, problem)
  const submitter = validSubmitter(options.submitter, problem)
  if (fields === undefined || submitter === undefined || named === undefined)
    return { metric: undefined, problems }

  const app = fields.mlApp ?? (target instanceof LiveSpan ? target.mlApp : undefined) ?? configMlApp
  const wire: Record<string, unknown> = { event_kind: 'feedback', [named.field]: named.value }
  appendValueFields(wire, fields, app, nowMs)
  wire.submitter = submitter
  appendOptionalFields(wire, fields)
  return { metric: wire as unknown as FeedbackMetric, problems: [] }
}

function feedbackTarget(target: unknown, problem: ReportProblem): Target | undefined {
  if (target instanceof LiveSpan) return { field: 'span_id', value: target.spanId }
  if (!isRecord(target)) {
    problem('invalid_target', `${TARGET_HELP}, got ${describeType(target)}.`)
    return undefined
  }
  const { spanId, traceId, sessionId, feedbackJoinKey } = target
  // An exported span names its trace too; the span id is what the feedback is about.
  const given = [
    spanId !== undefined && 'spanId',
    spanId === undefined && traceId !== undefined && 'traceId',
    sessionId !== undefined && 'sessionId',
    feedbackJoinKey !== undefined && 'feedbackJoinKey',
  ].filter((name): name is string => name !== false)
  if (given.length !== 1) {
    problem(
      'invalid_target',
      given.length === 0
        ? `${TARGET_HELP}; the object has none of these fields.`
        : `${TARGET_HELP}; it names ${given.join(' and ')}. Send one feedback per target.`,
    )
    return undefined
  }
  if (spanId !== undefined) {
    if (isDecimalSpanId(spanId)) return { field: 'span_id', value: spanId }
    problem(
      'invalid_target',
      `spanId must be a decimal span id (from llmobs.exportSpan(span)), got ${String(spanId)}.`,
    )
    return undefined
  }
  if (traceId !== undefined) {
    const hex = typeof traceId === 'string' ? traceIdToHex32(traceId) : undefined
    if (isHex32TraceId(hex) && hex !== '00000000000000000000000000000000')
      return { field: 'trace_id', value: hex }
    problem(
      'invalid_target',
      `traceId must be an LLMObs trace id (32 hex characters, from llmobs.exportSpan(span)), got ${String(traceId)}.`,
    )
    return undefined
  }
  if (sessionId !== undefined) {
    if (typeof sessionId === 'string' && sessionId !== '' && sessionId.length <= MAX_SESSION_ID_LENGTH)
      return { field: 'session_id', value: sessionId }
    problem(
      'invalid_target',
      `sessionId must be a non-empty string of at most ${MAX_SESSION_ID_LENGTH} characters, got ${describeType(sessionId)}.`,
    )
    return undefined
  }
  const why = feedbackJoinKeyProblem(feedbackJoinKey)
  if (why === undefined) return { field: 'feedback_join_key', value: feedbackJoinKey as string }
  problem('invalid_target', `feedbackJoinKey ${why}.`)
  return undefined
}

function validSubmitter(raw: unknown, problem: ReportProblem): { id: string; type?: string } | undefined {
  if (!isRecord(raw) || typeof raw.id !== 'string' || raw.id === '') {
    problem(
      'invalid_submitter',
      `submitter must be { id: string, type?: string } naming who gave the feedback (e.g. { id: userId, type: 'human' }), got ${describeType(raw)}.`,
    )
    return undefined
  }
  if (raw.type !== undefined && typeof raw.type !== 'string') {
    problem(
      'invalid_submitter',
      `submitter.type must be a string (e.g. 'human'), got ${describeType(raw.type)}.`,
    )
    return undefined
  }
  return raw.type === undefined ? { id: raw.id } : { id: raw.id, type: raw.type }
}
