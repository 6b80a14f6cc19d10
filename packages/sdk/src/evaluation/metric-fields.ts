import { flattenTags } from '../internal/flatten-tags.js'
import { describeType, isRecord } from '../internal/report.js'
import { toJsonSafe } from '../internal/safe-json.js'
import { SDK_VERSION } from '../internal/version.js'

export interface MetricProblem {
  readonly code: string
  readonly message: string
}

export type ReportProblem = (code: string, message: string) => void

/** What evaluations and feedback have in common, validated; `value` is ready for the wire. */
export interface MetricFields<T extends string> {
  readonly label: string
  readonly metricType: T
  readonly value: unknown
  readonly mlApp: string | undefined
  readonly timestampMs: number | undefined
  readonly reasoning: string | undefined
  readonly assessment: 'pass' | 'fail' | undefined
  readonly metadata: Record<string, unknown> | undefined
  readonly tags: ReadonlyMap<string, string>
}

const EXPECTED_VALUE: Record<string, string> = {
  categorical: 'a string',
  score: 'a finite number',
  boolean: 'a boolean',
  json: 'a plain object',
  text: 'a string',
}

/**
 * Validates the fields evaluations and feedback share (protocol §3): label, metricType among
 * `types`, a value of that type, mlApp, timestampMs, reasoning, assessment, metadata, tags. Every
 * problem goes to `problem`, each naming the field and the fix; undefined when there was any.
 */
export function validateMetricFields<T extends string>(
  options: Record<string, unknown>,
  types: readonly T[],
  problem: ReportProblem,
): MetricFields<T> | undefined {
  let ok = true
  const fail: ReportProblem = (code, message) => {
    ok = false
    problem(code, message)
  }
  const { label, value, mlApp, timestampMs, reasoning, assessment, metadata, tags } = options
  if (typeof label !== 'string' || label === '') {
    fail(
      'invalid_metric_label',
      `label must be a non-empty string naming the metric (e.g. "faithfulness"), got ${describeType(label)}.`,
    )
  } else if (label.includes('.')) {
    fail(
      'invalid_metric_label',
      `label "${label}" must not contain "."; use "_" instead (e.g. "${label.replaceAll('.', '_')}").`,
    )
  }
  const metricType =
    typeof options.metricType === 'string' ? options.metricType.toLowerCase() : options.metricType
  const isType = typeof metricType === 'string' && (types as readonly string[]).includes(metricType)
  if (!isType) {
    fail(
      'invalid_metric_type',
      `metricType must be one of ${types.join(', ')}, got ${JSON.stringify(options.metricType) ?? 'undefined'}.`,
    )
  } else if (!valueFits(metricType, value)) {
    fail(
      'invalid_metric_value',
      `value must be ${EXPECTED_VALUE[metricType]} for a ${metricType} metric, got ${describeType(value)}.`,
    )
  }
  if (mlApp !== undefined && (typeof mlApp !== 'string' || mlApp === '')) {
    fail(
      'invalid_ml_app',
      `mlApp must be a non-empty string, got ${describeType(mlApp)}; omit it to use the span's or the configured ml_app.`,
    )
  }
  if (
    timestampMs !== undefined &&
    !(typeof timestampMs === 'number' && Number.isInteger(timestampMs) && timestampMs >= 0)
  ) {
    fail(
      'invalid_timestamp',
      `timestampMs must be a non-negative integer of epoch milliseconds (e.g. Date.now()), got ${String(timestampMs)}.`,
    )
  }
  if (reasoning !== undefined && typeof reasoning !== 'string') {
    fail('invalid_reasoning', `reasoning must be a string, got ${describeType(reasoning)}.`)
  }
  if (assessment !== undefined && assessment !== 'pass' && assessment !== 'fail') {
    fail(
      'invalid_assessment',
      `assessment must be "pass" or "fail", got ${JSON.stringify(assessment) ?? describeType(assessment)}.`,
    )
  }
  if (metadata !== undefined && !isRecord(metadata)) {
    fail('invalid_metadata', `metadata must be a plain object, got ${describeType(metadata)}.`)
  }
  const tagMap = userTags(tags, fail)
  if (!ok) return undefined
  return {
    label: label as string,
    metricType: metricType as T,
    value: metricType === 'json' ? toJsonSafe(value) : value,
    mlApp: mlApp as string | undefined,
    timestampMs: timestampMs as number | undefined,
    reasoning: reasoning as string | undefined,
    assessment: assessment as 'pass' | 'fail' | undefined,
    metadata: metadata === undefined ? undefined : (toJsonSafe(metadata) as Record<string, unknown>),
    tags: tagMap,
  }
}

/** The metric's tags on the wire: `ddtrace.version` and `ml_app` first, then the user's. */
export function wireTags(fields: MetricFields<string>, mlApp: string): string[] {
  const all = new Map<string, string>([
    ['ddtrace.version', SDK_VERSION],
    ['ml_app', mlApp],
  ])
  for (const [key, tag] of fields.tags) all.set(key, tag)
  return flattenTags(all)
}

/**
 * The fields after the join target, in dd-trace's key order: label, metric_type, ml_app,
 * `<type>_value`, timestamp_ms, tags (then, from the caller, submitter), reasoning, metadata,
 * assessment are appended by {@link appendOptionalFields}.
 */
export function appendValueFields(
  wire: Record<string, unknown>,
  fields: MetricFields<string>,
  mlApp: string,
  nowMs: number,
): void {
  wire.label = fields.label
  wire.metric_type = fields.metricType
  wire.ml_app = mlApp
  wire[`${fields.metricType}_value`] = fields.value
  wire.timestamp_ms = fields.timestampMs ?? Math.floor(nowMs)
  wire.tags = wireTags(fields, mlApp)
}

export function appendOptionalFields(wire: Record<string, unknown>, fields: MetricFields<string>): void {
  if (fields.reasoning !== undefined) wire.reasoning = fields.reasoning
  if (fields.metadata !== undefined) wire.metadata = fields.metadata
  if (fields.assessment !== undefined) wire.assessment = fields.assessment
}

function valueFits(type: string, value: unknown): boolean {
  switch (type) {
    case 'categorical':
    case 'text':
      return typeof value === 'string'
    case 'score':
      return typeof value === 'number' && Number.isFinite(value)
    case 'boolean':
      return typeof value === 'boolean'
    default:
      return isRecord(value)
  }
}

function userTags(tags: unknown, problem: ReportProblem): Map<string, string> {
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
