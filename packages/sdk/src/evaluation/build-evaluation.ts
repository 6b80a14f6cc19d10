import {
  METRIC_TYPES,
  traceIdToHex32,
  type EvaluationMetric,
  type JoinOn,
  type MetricType,
} from '@llmobs/protocol'
import { flattenTags } from '../internal/flatten-tags.js'
import { isDecimalSpanId, isHex32TraceId } from '../internal/ids.js'
import { describeType, isRecord } from '../internal/report.js'
import { toJsonSafe } from '../internal/safe-json.js'
import { SDK_VERSION } from '../internal/version.js'
import { LiveSpan } from '../span/live-span.js'

export interface EvaluationProblem {
  readonly code: string
  readonly message: string
}

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
  const { label, value, mlApp, timestampMs, reasoning, assessment, metadata, tags } = options
  if (typeof label !== 'string' || label === '') {
    problem(
      'invalid_metric_label',
      `label must be a non-empty string naming the metric (e.g. "faithfulness"), got ${describeType(label)}.`,
    )
  } else if (label.includes('.')) {
    problem(
      'invalid_metric_label',
      `label "${label}" must not contain "."; use "_" instead (e.g. "${label.replaceAll('.', '_')}").`,
    )
  }
  const metricType =
    typeof options.metricType === 'string' ? options.metricType.toLowerCase() : options.metricType
  if (!isMetricType(metricType)) {
    problem(
      'invalid_metric_type',
      `metricType must be one of ${METRIC_TYPES.join(', ')}, got ${JSON.stringify(options.metricType) ?? 'undefined'}.`,
    )
  } else {
    checkValue(metricType, value, problem)
  }
  if (mlApp !== undefined && (typeof mlApp !== 'string' || mlApp === '')) {
    problem(
      'invalid_ml_app',
      `mlApp must be a non-empty string, got ${describeType(mlApp)}; omit it to use the span's or the configured ml_app.`,
    )
  }
  if (
    timestampMs !== undefined &&
    !(typeof timestampMs === 'number' && Number.isInteger(timestampMs) && timestampMs >= 0)
  ) {
    problem(
      'invalid_timestamp',
      `timestampMs must be a non-negative integer of epoch milliseconds (e.g. Date.now()), got ${String(timestampMs)}.`,
    )
  }
  if (reasoning !== undefined && typeof reasoning !== 'string') {
    problem('invalid_reasoning', `reasoning must be a string, got ${describeType(reasoning)}.`)
  }
  if (assessment !== undefined && assessment !== 'pass' && assessment !== 'fail') {
    problem(
      'invalid_assessment',
      `assessment must be "pass" or "fail", got ${JSON.stringify(assessment) ?? describeType(assessment)}.`,
    )
  }
  if (metadata !== undefined && !isRecord(metadata)) {
    problem('invalid_metadata', `metadata must be a plain object, got ${describeType(metadata)}.`)
  }
  const tagMap = userTags(tags, problem)
  if (problems.length > 0 || joined === undefined || !isMetricType(metricType))
    return { metric: undefined, problems }

  const app = (mlApp as string | undefined) ?? joined.mlApp ?? configMlApp
  const allTags = new Map<string, string>([
    ['ddtrace.version', SDK_VERSION],
    ['ml_app', app],
  ])
  for (const [key, tag] of tagMap) allTags.set(key, tag)
  // Built field by field to keep dd-trace's key order: ..., ml_app, <type>_value, timestamp_ms, tags, ...
  const wire: Record<string, unknown> = {
    event_kind: 'evaluation',
    join_on: joined.joinOn,
    label,
    metric_type: metricType,
    ml_app: app,
  }
  wire[`${metricType}_value`] = metricType === 'json' ? toJsonSafe(value) : value
  wire.timestamp_ms = (timestampMs as number | undefined) ?? Math.floor(nowMs)
  wire.tags = flattenTags(allTags)
  if (reasoning !== undefined) wire.reasoning = reasoning
  if (metadata !== undefined) wire.metadata = toJsonSafe(metadata)
  if (assessment !== undefined) wire.assessment = assessment
  const metric = wire as unknown as EvaluationMetric
  return { metric, problems: [] }
}

function isMetricType(value: unknown): value is MetricType {
  return typeof value === 'string' && (METRIC_TYPES as readonly string[]).includes(value)
}

function checkValue(
  type: MetricType,
  value: unknown,
  problem: (code: string, message: string) => void,
): void {
  const ok =
    type === 'categorical'
      ? typeof value === 'string'
      : type === 'score'
        ? typeof value === 'number' && Number.isFinite(value)
        : type === 'boolean'
          ? typeof value === 'boolean'
          : isRecord(value)
  if (ok) return
  const expected = {
    categorical: 'a string',
    score: 'a finite number',
    boolean: 'a boolean',
    json: 'a plain object',
  }[type]
  problem(
    'invalid_metric_value',
    `value must be ${expected} for a ${type} metric, got ${describeType(value)}.`,
  )
}

function joinOn(
  target: unknown,
  problem: (code: string, message: string) => void,
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

function userTags(tags: unknown, problem: (code: string, message: string) => void): Map<string, string> {
  const map = new Map<string, string>()
  if (tags === undefined) return map
  if (!isRecord(tags)) {
    problem(
      'invalid_tags',
      `tags must be an object of strings (e.g. { evaluator: "judge" }), got ${describeType(tags)}.`,
    )
    return map
  }
  for (const key of Object.keys(tags)) {
    const value = tags[key]
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      map.set(key, String(value))
    else
      problem('invalid_tags', `tags.${key} must be a string, number or boolean, got ${describeType(value)}.`)
  }
  return map
}
