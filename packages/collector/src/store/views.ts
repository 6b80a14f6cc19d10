/**
 * What the query API returns (camelCase JSON). Stores produce these; routes send them unchanged.
 * Times are integer nanoseconds since the epoch as JSON numbers (exact to about 256 ns at today's
 * epoch, which is finer than any tracer's clock).
 */

export interface TraceSummary {
  traceId: string
  /** The root span's name (the earliest span's until the root arrives). */
  name: string
  kind: string
  mlApp: string | null
  sessionId: string | null
  startNs: number
  durationNs: number
  spanCount: number
  error: boolean
}

export interface TraceList {
  traces: TraceSummary[]
  nextCursor: string | null
}

export interface SpanLinkView {
  traceId: string
  spanId: string
  from: string
  to: string
}

export interface EvaluationView {
  id: number
  kind: 'evaluation' | 'feedback'
  label: string
  metricType: string
  value: unknown
  mlApp: string | null
  timestampMs: number
  tags: string[]
  reasoning: string | null
  assessment: 'pass' | 'fail' | null
  metadata: Record<string, unknown> | null
  submitter: { id: string; type?: string } | null
  joinOn: {
    spanId: string | null
    traceId: string | null
    tag: { key: string; value: string } | null
    sessionId: string | null
    feedbackJoinKey: string | null
  }
}

export interface SpanView {
  spanId: string
  /** `null` for a root. */
  parentId: string | null
  traceId: string
  name: string
  kind: string
  startNs: number
  durationNs: number
  status: 'ok' | 'error'
  mlApp: string | null
  sessionId: string | null
  service: string | null
  env: string | null
  apmTraceId: string | null
  /**
   * Whether APM priority sampling kept the APM trace the span was recorded in, as the chunk that
   * carried its host APM span (same span id, in trace `apmTraceId`) said: `true` for a priority
   * `> 0`, `false` for `<= 0` (a dropped trace whose LLMObs event was rescued through the LLMObs
   * intake), `null` when no such APM span is stored (agent-proxy or agentless mode) or its chunk had
   * no priority. Resolved when read, so it holds whichever of the two arrived first.
   */
  apmSampled: boolean | null
  modelName: string | null
  modelProvider: string | null
  meta: Record<string, unknown>
  metrics: Record<string, number>
  tags: string[]
  links: SpanLinkView[]
  /** Evaluations joined by span, and by tag when the span carries that tag. */
  evaluations: EvaluationView[]
}

export interface TraceDetail {
  traceId: string
  /** Flat list ordered by start time; rebuild the tree from `parentId`. */
  spans: SpanView[]
  /** Feedback that names the trace itself rather than one of its spans. */
  evaluations: EvaluationView[]
}

export interface SessionSummary {
  sessionId: string
  mlApp: string | null
  firstSeenNs: number
  lastSeenNs: number
  traceCount: number
  spanCount: number
}

export interface SessionList {
  sessions: SessionSummary[]
  nextCursor: string | null
}

export interface SessionDetail {
  session: SessionSummary
  traces: TraceSummary[]
  /** Feedback that names the session. */
  evaluations: EvaluationView[]
}

export interface ModelStats {
  model: string
  provider: string | null
  spans: number
  inputTokens: number
  outputTokens: number
  totalTokens: number
  latencyP50Ns: number
  latencyP95Ns: number
}

export interface EvaluationStats {
  label: string
  metricType: string
  count: number
  pass: number
  fail: number
  /** Score metrics: the mean score. */
  averageScore: number | null
  /** Boolean metrics. */
  trueCount: number
  falseCount: number
  /** Categorical metrics: count per category. */
  categories: Record<string, number>
}

export interface StoreCounts {
  traces: number
  llmSpans: number
  apmSpans: number
  evaluations: number
  spanLinks: number
  sessions: number
}

export interface Stats {
  sinceNs: number | null
  counts: StoreCounts
  spans: { total: number; errors: number; byKind: Record<string, number> }
  models: ModelStats[]
  evaluations: EvaluationStats[]
}

export interface ApmSpanView {
  spanId: string
  parentId: string | null
  traceId: string
  service: string
  name: string
  resource: string
  type: string | null
  startNs: number
  durationNs: number
  error: boolean
  meta: Record<string, string>
  metrics: Record<string, number>
  llmobs: boolean
  /** The sampling priority of the chunk that carried the span (see `ApmSpanInput`). */
  samplingPriority: number | null
}

export interface ApmTraceDetail {
  traceId: string
  spans: ApmSpanView[]
  /** The LLMObs spans recorded inside this APM trace (same span ids as their host spans). */
  llmSpans: SpanView[]
}
