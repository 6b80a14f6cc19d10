import type { MetricType } from '@llmobs/protocol'
import type { ExportedSpan, Span } from '../span/span.js'

/** What an evaluation is about: a span (handle or exported), or every span carrying a tag. */
export type EvaluationTarget = ExportedSpan | Span | { tag: { key: string; value: string } }

export type EvaluationMetricType = MetricType

/** What evaluations and feedback share (protocol §3). */
export interface MetricOptionsBase {
  /** The metric's name: non-empty, without `.` (e.g. `"faithfulness"`, `"thumbs"`). */
  label: string
  value: string | number | boolean | Record<string, unknown>
  tags?: Record<string, string | number | boolean> | undefined
  /** Defaults to the span's ml_app (when a span handle is given), then the configured one. */
  mlApp?: string | undefined
  /** Epoch milliseconds, a non-negative integer; default now. */
  timestampMs?: number | undefined
  reasoning?: string | undefined
  assessment?: 'pass' | 'fail' | undefined
  metadata?: Record<string, unknown> | undefined
}

/**
 * An evaluation of a span (protocol §3). The value's type follows `metricType`: `categorical` a
 * string, `score` a number, `boolean` a boolean, `json` a plain object.
 */
export interface EvaluationOptions extends MetricOptionsBase {
  metricType: EvaluationMetricType
}
