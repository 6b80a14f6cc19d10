import { METRIC_TYPES, traceIdToHex32, type EvaluationMetric, type JoinOn } from '@llmobs/protocol'
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

export type EvaluationProblem = MetricProblem

export type BuildResult =
  | { readonly metric: EvaluationMetric; readonly problems: readonly [] }
  | { readonly metric: undefined; readonly problems: readonly EvaluationProblem[] }

/**
 * Validates an evaluation and builds its wire metric (protocol §3) in dd-trace's field order. Every
 * problem is returned, each naming the field and the fix; with any problem there is no metric.
 */
export function buildEvaluation(
  target: unknown,
  options: unknown,
  configMlApp: string,
  nowMs: number,
): BuildResult {
  const problems: EvaluationProblem[] = []
  const problem = (code: string, message: string): void => {
    problems.push({ code, message })
  }
  const joined = joinOn(target, problem)
  if (!isRecord(options)) {
    problem(
      'invalid_evaluation',
      `submitEvaluation() needs options { label, metricType, value }, got ${describeType(options)}.`,
    )
    return { metric: undefined, problems }
  }
  const fields = validateMetricFields(options, METRIC_TYPES, problem)
  if (fields === undefined || joined === undefined) return { metric: undefined, problems }

  const app = fields.mlApp ?? joined.mlApp ?? configMlApp
  // Built field by field to keep dd-trace's key order: ..., ml_app, <type>_value, timestamp_ms, tags, ...
  const wire: Record<string, unknown> = { event_kind: 'evaluation', join_on: joined.joinOn }
  appendValueFields(wire, fields, app, nowMs)
  appendOptionalFields(wire, fields)
  return { metric: wire as unknown as EvaluationMetric, problems: [] }
}

function joinOn(
  target: unknown,
  problem: ReportProblem,
): { joinOn: JoinOn; mlApp: string | undefined } | undefined {
  if (target instanceof LiveSpan) {
    return { joinOn: { span: { span_id: target.spanId, trace_id: target.traceId } }, mlApp: target.mlApp }
  }
  if (isRecord(target) && 'tag' in target) {
    const tag = target.tag
    if (isRecord(tag) && typeof tag.key === 'string' && tag.key !== '' && typeof tag.value === 'string') {
      return { joinOn: { tag: { key: tag.key, value: tag.value } }, mlApp: undefined }
    }
    problem(
      'invalid_target',
      'target.tag must be { key: string, value: string } naming the tag of the spans to evaluate.',
    )
    return undefined
  }
  if (isRecord(target)) {
    const spanId = target.spanId
    const traceId = typeof target.traceId === 'string' ? traceIdToHex32(target.traceId) : undefined
    if (
      isDecimalSpanId(spanId) &&
      isHex32TraceId(traceId) &&
      traceId !== '00000000000000000000000000000000'
    ) {
      return { joinOn: { span: { span_id: spanId, trace_id: traceId } }, mlApp: undefined }
    }
  }
  problem(
    'invalid_target',
    'the evaluation target must be a span, llmobs.exportSpan(span) ({ spanId: decimal, traceId: 32 hex }) or { tag: { key, value } }.',
  )
  return undefined
}
