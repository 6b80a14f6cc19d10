import { createHash } from 'node:crypto'
import type { EvaluationMetric, FeedbackMetric } from '@llmobs/protocol'
import { validateEvaluationsBody, valueField } from '@llmobs/protocol'
import type { EvaluationInput, EvaluationJoin } from '../store/store.js'
import { NO_JOIN } from '../store/store.js'
import type { Outcome } from './outcome.js'
import { accept, reject } from './outcome.js'

/** A parsed eval-metric body → store rows, all or nothing (protocol §3). */
export function evaluationsBatch(body: unknown): Outcome<EvaluationInput[]> {
  const validated = validateEvaluationsBody(body)
  if (!validated.ok) return reject(400, validated.error)
  const inputs: EvaluationInput[] = []
  for (const metric of validated.value) {
    let canonical: string
    let valueJson: string
    let metadataJson: string | null
    try {
      canonical = JSON.stringify(metric)
      valueJson = JSON.stringify(metric[valueField(metric.metric_type)])
      metadataJson = metric.metadata === undefined ? null : JSON.stringify(metric.metadata)
    } catch (error) {
      return reject(400, `evaluation "${metric.label}" cannot be stored: ${(error as Error).message}`)
    }
    const value = metric[valueField(metric.metric_type)]
    inputs.push({
      dedupeKey: createHash('sha256').update(canonical).digest('base64url'),
      kind: metric.event_kind === 'feedback' ? 'feedback' : 'evaluation',
      label: metric.label,
      metricType: metric.metric_type,
      valueJson,
      numericValue: typeof value === 'number' ? value : typeof value === 'boolean' ? (value ? 1 : 0) : null,
      join: joinOf(metric),
      mlApp: metric.ml_app === '' ? null : metric.ml_app,
      timestampMs: metric.timestamp_ms,
      tagsJson: JSON.stringify(metric.tags),
      reasoning: metric.reasoning ?? null,
      assessment: metric.assessment ?? null,
      metadataJson,
      submitterJson: metric.event_kind === 'feedback' ? JSON.stringify(metric.submitter) : null,
    })
  }
  return accept(inputs)
}

function joinOf(metric: EvaluationMetric | FeedbackMetric): EvaluationJoin {
  const join: EvaluationJoin = { ...NO_JOIN }
  if (metric.event_kind === 'feedback') {
    join.spanId = metric.span_id ?? null
    join.traceId = metric.trace_id ?? null
    join.sessionId = metric.session_id ?? null
    join.feedbackJoinKey = metric.feedback_join_key ?? null
  } else if ('span' in metric.join_on) {
    join.spanId = metric.join_on.span.span_id
    join.traceId = metric.join_on.span.trace_id
  } else {
    join.tagKey = metric.join_on.tag.key
    join.tagValue = metric.join_on.tag.value
  }
  return join
}
