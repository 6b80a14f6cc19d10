/** Wire types of evaluations and feedback (protocol §3). */

export const METRIC_TYPES = ['categorical', 'score', 'boolean', 'json'] as const
export type MetricType = (typeof METRIC_TYPES)[number]

/** Feedback allows one more metric type. */
export type FeedbackMetricType = MetricType | 'text'

export type JoinOn = { span: { span_id: string; trace_id: string } } | { tag: { key: string; value: string } }

interface MetricValues {
  categorical_value?: string
  score_value?: number
  boolean_value?: boolean
  json_value?: Record<string, unknown>
  text_value?: string
}

export interface EvaluationMetric extends MetricValues {
  event_kind?: 'evaluation'
  join_on: JoinOn
  label: string
  metric_type: MetricType
  ml_app: string
  timestamp_ms: number
  tags: string[]
  reasoning?: string
  assessment?: 'pass' | 'fail'
  metadata?: Record<string, unknown>
}

export interface FeedbackMetric extends MetricValues {
  event_kind: 'feedback'
  span_id?: string
  trace_id?: string
  session_id?: string
  feedback_join_key?: string
  label: string
  metric_type: FeedbackMetricType
  ml_app: string
  timestamp_ms: number
  tags: string[]
  submitter: { id: string; type?: string }
  reasoning?: string
  assessment?: 'pass' | 'fail'
  metadata?: Record<string, unknown>
}

/** What the eval-metric endpoint carries: evaluations and feedback, in one stream. */
export type MetricEvent = EvaluationMetric | FeedbackMetric

export interface EvaluationPayload {
  data: {
    type: 'evaluation_metric'
    attributes: { metrics: MetricEvent[] }
  }
}

/**
 * The span tag that carries a span's feedback join key (`feedback_join_key:<key>`): feedback naming
 * the key joins every span carrying the tag.
 */
export const FEEDBACK_JOIN_KEY_TAG = 'feedback_join_key'

/** The name of the field that holds a metric's value, e.g. `score_value`. */
export function valueField(type: FeedbackMetricType): `${FeedbackMetricType}_value` {
  return `${type}_value`
}
