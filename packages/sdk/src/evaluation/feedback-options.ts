import type { FeedbackMetricType } from '@llmobs/protocol'
import type { ExportedSpan, Span } from '../span/span.js'
import type { MetricOptionsBase } from './evaluation-options.js'

/**
 * What a piece of user feedback is about: exactly one of a span (a handle, `llmobs.exportSpan(span)`
 * or `{ spanId }`), a whole trace (`{ traceId }`, the LLMObs trace id), a session (`{ sessionId }`)
 * or every span carrying a feedback join key (`{ feedbackJoinKey }`, set with
 * `annotate({ feedbackJoinKey })` or the span options).
 */
export type FeedbackTarget =
  | Span
  | ExportedSpan
  | { readonly spanId: string }
  | { readonly traceId: string }
  | { readonly sessionId: string }
  | { readonly feedbackJoinKey: string }

/** Who gave the feedback: required, so feedback can be told apart from automated evaluations. */
export interface FeedbackSubmitter {
  /** A non-empty id of the user (or system) that gave it. */
  id: string
  /** e.g. `'human'`; free text. */
  type?: string | undefined
}

/**
 * Feedback from the people using the app (protocol §3, `event_kind: "feedback"`). The value's type
 * follows `metricType`: `categorical` and `text` a string, `score` a number, `boolean` a boolean,
 * `json` a plain object.
 */
export interface FeedbackOptions extends MetricOptionsBase {
  metricType: FeedbackMetricType
  submitter: FeedbackSubmitter
}
