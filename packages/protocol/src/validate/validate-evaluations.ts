import type { DecodeResult } from '../decode-result.js'
import { decodeFail, decodeOk } from '../decode-result.js'
import type { EvaluationMetric, FeedbackMetric, FeedbackMetricType, JoinOn } from '../evaluation.js'
import { METRIC_TYPES, valueField } from '../evaluation.js'
import { parseDecimalId, traceIdToHex32 } from '../ids.js'
import { describeType, isFiniteNumber, isRecord } from './shape.js'

const EVALUATION_TYPES: ReadonlySet<string> = new Set(METRIC_TYPES)
const FEEDBACK_TYPES: ReadonlySet<string> = new Set([...METRIC_TYPES, 'text'])
const FEEDBACK_TARGETS = ['span_id', 'trace_id', 'session_id', 'feedback_join_key'] as const

/**
 * Validates an eval-metric request body (protocol §3) and returns its metrics normalised: span ids
 * decimal, trace ids 32 hex, `tags` always present. Accepts the v2 shape (`join_on`) and the older v1
 * shape (`span_id` and `trace_id` at the top of an evaluation). All or nothing: one invalid metric makes
 * the body invalid, with a message naming the field, e.g.
 * `data.attributes.metrics[0].label must not contain "."`.
 *
 * @example
 * const result = validateEvaluationsBody(JSON.parse(text))
 * if (result.ok) for (const metric of result.value) store(metric)
 */
export function validateEvaluationsBody(
  body: unknown,
): DecodeResult<Array<EvaluationMetric | FeedbackMetric>> {
  if (!isRecord(body) || !isRecord(body.data))
    return decodeFail('body must be {"data": {"attributes": {...}}}')
  const { data } = body
  if (data.type !== undefined && data.type !== 'evaluation_metric') {
    return decodeFail('data.type must be "evaluation_metric"')
  }
  if (!isRecord(data.attributes) || !Array.isArray(data.attributes.metrics)) {
    return decodeFail('data.attributes.metrics must be an array')
  }
  const metrics: unknown[] = data.attributes.metrics
  const out: Array<EvaluationMetric | FeedbackMetric> = []
  for (let i = 0; i < metrics.length; i++) {
    const result = validateMetric(metrics[i], `data.attributes.metrics[${i}]`)
    if (!result.ok) return result
    out.push(result.value)
  }
  return decodeOk(out)
}

function validateMetric(raw: unknown, path: string): DecodeResult<EvaluationMetric | FeedbackMetric> {
  if (!isRecord(raw)) return decodeFail(`${path} must be an object, got ${describeType(raw)}`)
  const kind = raw.event_kind ?? 'evaluation'
  if (kind !== 'evaluation' && kind !== 'feedback') {
    return decodeFail(`${path}.event_kind must be "evaluation" or "feedback"`)
  }
  const isFeedback = kind === 'feedback'

  if (typeof raw.label !== 'string' || raw.label === '')
    return decodeFail(`${path}.label must be a non-empty string`)
  if (raw.label.includes('.')) return decodeFail(`${path}.label must not contain "."`)

  const metricType = raw.metric_type
  const allowed = isFeedback ? FEEDBACK_TYPES : EVALUATION_TYPES
  if (typeof metricType !== 'string' || !allowed.has(metricType)) {
    return decodeFail(`${path}.metric_type must be one of ${[...allowed].join(', ')}`)
  }
  const field = valueField(metricType as FeedbackMetricType)
  const value = raw[field]
  if (!isValueOfType(metricType, value)) {
    return decodeFail(`${path}.${field} must be ${VALUE_SHAPES[metricType] ?? 'set'}`)
  }

  const ts = raw.timestamp_ms
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts < 0) {
    return decodeFail(`${path}.timestamp_ms must be a non-negative integer`)
  }
  const tags = raw.tags ?? []
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) {
    return decodeFail(`${path}.tags must be an array of strings`)
  }
  const mlApp = raw.ml_app ?? (tags as string[]).find((t) => t.startsWith('ml_app:'))?.slice(7) ?? ''
  if (typeof mlApp !== 'string') return decodeFail(`${path}.ml_app must be a string`)

  const common = {
    label: raw.label,
    ml_app: mlApp,
    timestamp_ms: ts,
    tags: tags as string[],
    [field]: value,
  }
  const optional = readOptional(raw, path)
  if (!optional.ok) return optional
  Object.assign(common, optional.value)

  if (isFeedback) {
    const target = readFeedbackTarget(raw, path)
    if (!target.ok) return target
    const submitter = raw.submitter
    if (!isRecord(submitter) || typeof submitter.id !== 'string' || submitter.id === '') {
      return decodeFail(`${path}.submitter must be {"id": "<non-empty string>", "type"?: string}`)
    }
    if (submitter.type !== undefined && typeof submitter.type !== 'string') {
      return decodeFail(`${path}.submitter.type must be a string`)
    }
    const feedback: FeedbackMetric = {
      ...common,
      ...target.value,
      event_kind: 'feedback',
      metric_type: metricType as FeedbackMetricType,
      submitter:
        submitter.type === undefined ? { id: submitter.id } : { id: submitter.id, type: submitter.type },
    }
    return decodeOk(feedback)
  }

  const joinOn = readJoinOn(raw, path)
  if (!joinOn.ok) return joinOn
  const evaluation: EvaluationMetric = {
    ...common,
    event_kind: 'evaluation',
    join_on: joinOn.value,
    metric_type: metricType as EvaluationMetric['metric_type'],
  }
  return decodeOk(evaluation)
}

const VALUE_SHAPES: Record<string, string> = {
  categorical: 'a string',
  score: 'a finite number',
  boolean: 'a boolean',
  json: 'a JSON object',
  text: 'a string',
}

function isValueOfType(type: string, value: unknown): boolean {
  switch (type) {
    case 'categorical':
    case 'text':
      return typeof value === 'string'
    case 'score':
      return isFiniteNumber(value)
    case 'boolean':
      return typeof value === 'boolean'
    default:
      return isRecord(value)
  }
}

function readOptional(
  raw: Record<string, unknown>,
  path: string,
): DecodeResult<Pick<EvaluationMetric, 'reasoning' | 'assessment' | 'metadata'>> {
  const out: Pick<EvaluationMetric, 'reasoning' | 'assessment' | 'metadata'> = {}
  if (raw.reasoning !== undefined) {
    if (typeof raw.reasoning !== 'string') return decodeFail(`${path}.reasoning must be a string`)
    out.reasoning = raw.reasoning
  }
  if (raw.assessment !== undefined) {
    if (raw.assessment !== 'pass' && raw.assessment !== 'fail') {
      return decodeFail(`${path}.assessment must be "pass" or "fail"`)
    }
    out.assessment = raw.assessment
  }
  if (raw.metadata !== undefined) {
    if (!isRecord(raw.metadata)) return decodeFail(`${path}.metadata must be an object`)
    out.metadata = raw.metadata
  }
  return decodeOk(out)
}

function readJoinOn(raw: Record<string, unknown>, path: string): DecodeResult<JoinOn> {
  // v1 bodies name the span at the top level instead of in join_on.
  const joinOn: unknown = raw.join_on ?? (raw.span_id !== undefined ? { span: raw } : undefined)
  if (!isRecord(joinOn)) return decodeFail(`${path}.join_on must be {"span": {...}} or {"tag": {...}}`)
  const { span, tag } = joinOn
  if ((span === undefined) === (tag === undefined)) {
    return decodeFail(`${path}.join_on must name exactly one of "span" or "tag"`)
  }
  if (span !== undefined) {
    if (!isRecord(span)) return decodeFail(`${path}.join_on.span must be an object`)
    const spanId = typeof span.span_id === 'string' ? parseDecimalId(span.span_id) : undefined
    if (spanId === undefined)
      return decodeFail(`${path}.join_on.span.span_id must be a decimal 64-bit id string`)
    const traceId = typeof span.trace_id === 'string' ? traceIdToHex32(span.trace_id) : undefined
    if (traceId === undefined) return decodeFail(`${path}.join_on.span.trace_id must be a 32-hex string`)
    return decodeOk({ span: { span_id: spanId.toString(), trace_id: traceId } })
  }
  if (!isRecord(tag) || typeof tag.key !== 'string' || tag.key === '' || typeof tag.value !== 'string') {
    return decodeFail(`${path}.join_on.tag must be {"key": "<non-empty string>", "value": string}`)
  }
  return decodeOk({ tag: { key: tag.key, value: tag.value } })
}

type FeedbackTarget = Pick<FeedbackMetric, (typeof FEEDBACK_TARGETS)[number]>

function readFeedbackTarget(raw: Record<string, unknown>, path: string): DecodeResult<FeedbackTarget> {
  const named = FEEDBACK_TARGETS.filter((key) => raw[key] !== undefined)
  const key = named[0]
  if (named.length !== 1 || key === undefined) {
    return decodeFail(`${path} must name exactly one of ${FEEDBACK_TARGETS.join(', ')}`)
  }
  const value = raw[key]
  if (typeof value !== 'string' || value === '')
    return decodeFail(`${path}.${key} must be a non-empty string`)
  if (key === 'span_id') {
    const id = parseDecimalId(value)
    return id === undefined
      ? decodeFail(`${path}.span_id must be a decimal 64-bit id string`)
      : decodeOk({ span_id: id.toString() })
  }
  if (key === 'trace_id') {
    const id = traceIdToHex32(value)
    return id === undefined
      ? decodeFail(`${path}.trace_id must be a 32-hex string`)
      : decodeOk({ trace_id: id })
  }
  return decodeOk({ [key]: value })
}
