/**
 * The `Store` contract: everything the collector persists and queries goes through it. SQLite is the
 * embedded default (`store/sqlite/`); a shared deployment can put PostgreSQL behind the same contract
 * and run the same contract suite (`store-contract-suite.ts`). No SQL or driver type appears here.
 *
 * Opaque documents (meta, metrics, tags, ...) cross the contract as JSON text: ingest serialises them
 * once, where a failure is still the sender's 400, and a store keeps them as text or as its JSON type.
 */
export type { ApmSpanDoc } from './apm-span-json.js'
import type {
  ApmTraceDetail,
  EvaluationView,
  SessionDetail,
  SessionList,
  SpanView,
  Stats,
  StoreCounts,
  TraceDetail,
  TraceList,
} from './views.js'

/** One LLMObs span, normalised for storage. Ids: trace 32 hex, span and parent decimal. */
export interface LlmSpanInput {
  traceId: string
  spanId: string
  /** `null` for a root (the wire's `"undefined"`). */
  parentId: string | null
  name: string
  kind: string
  startNs: number
  durationNs: number
  status: 'ok' | 'error'
  mlApp: string | null
  sessionId: string | null
  service: string | null
  env: string | null
  /** The APM trace (32 hex) the span belongs to, when the sender said. */
  apmTraceId: string | null
  modelName: string | null
  modelProvider: string | null
  inputTokens: number | null
  outputTokens: number | null
  totalTokens: number | null
  /** JSON text of the event's `meta` (kind under the flat `span.kind` key). */
  metaJson: string
  /** JSON text of the event's `metrics`. */
  metricsJson: string
  /** JSON text of the event's `key:value` tag list. */
  tagsJson: string
  links: readonly SpanLinkInput[]
}

/** A span link as stored: the owning span's input or output came from another span's. */
export interface SpanLinkInput {
  traceId: string
  spanId: string
  from: string
  to: string
}

/**
 * One APM span. Ids: trace 32 hex (`_dd.p.tid` + low 64 bits), span decimal. Everything else travels
 * and is stored as one JSON document ({@link ApmSpanDoc}, written by `apmSpanJson`).
 */
export interface ApmSpanInput {
  traceId: string
  spanId: string
  startNs: number
  /**
   * The APM sampling priority of the chunk that carried the span (`_sampling_priority_v1` of the
   * chunk's first span that has one; `null` when none has): `<= 0` is a trace the agent drops, whose
   * LLMObs events the tracer sent through the LLMObs intake instead (protocol §4, the rescue rule).
   */
  samplingPriority: number | null
  /** JSON text of the span's {@link ApmSpanDoc}. */
  spanJson: string
}

/** An evaluation or a feedback (protocol §3), with the join target it names. */
export interface EvaluationInput {
  /**
   * A digest of the whole metric: the same metric sent twice (a retry) is stored once. Two
   * metrics that differ in any field, the timestamp included, are two rows.
   */
  dedupeKey: string
  kind: 'evaluation' | 'feedback'
  label: string
  metricType: string
  /** JSON text of the value (`"positive"`, `0.9`, `true`, `{...}`). */
  valueJson: string
  /** The value as a number for score (the score) and boolean (1/0) metrics, else null. */
  numericValue: number | null
  join: EvaluationJoin
  mlApp: string | null
  timestampMs: number
  tagsJson: string
  reasoning: string | null
  assessment: 'pass' | 'fail' | null
  metadataJson: string | null
  submitterJson: string | null
}

/** What an evaluation is attached to; unset fields are null. */
export interface EvaluationJoin {
  spanId: string | null
  traceId: string | null
  tagKey: string | null
  tagValue: string | null
  sessionId: string | null
  feedbackJoinKey: string | null
}

/** A join naming nothing: each evaluation or feedback sets the one field it joins on. */
export const NO_JOIN: Readonly<EvaluationJoin> = Object.freeze({
  spanId: null,
  traceId: null,
  tagKey: null,
  tagValue: null,
  sessionId: null,
  feedbackJoinKey: null,
})

/** Everything one request brings; written in one transaction, all or nothing. */
export interface WriteBatch {
  llmSpans: readonly LlmSpanInput[]
  apmSpans: readonly ApmSpanInput[]
  evaluations: readonly EvaluationInput[]
}

export interface WriteCount {
  inserted: number
  /**
   * Already stored (same `(trace_id, span_id)`, or same evaluation): left unchanged, but for one
   * thing: an LLM span stored without an APM trace id takes the duplicate's, so the same span sent
   * through both channels (EVP and `meta_struct`) is joined to its APM trace whichever came first.
   */
  duplicates: number
}

export interface WriteSummary {
  llmSpans: WriteCount
  apmSpans: WriteCount
  evaluations: WriteCount
}

export interface TraceQuery {
  mlApp?: string
  sessionId?: string
  /** The root span's kind. */
  kind?: string
  error?: boolean
  /** Matches trace or span names and ids, and span input/output text. */
  q?: string
  sinceNs?: number
  untilNs?: number
  limit: number
  /** An opaque cursor from a previous page's `nextCursor`. */
  cursor?: string
}

export interface EvaluationQuery {
  traceId?: string
  spanId?: string
  label?: string
  limit: number
}

export interface SessionQuery {
  mlApp?: string
  limit: number
  cursor?: string
}

/** Oldest data goes first: traces older than `maxAgeMs`, then the oldest traces beyond `maxSpans`. */
export interface RetentionPolicy {
  maxAgeMs?: number
  maxSpans?: number
}

export interface PruneSummary {
  traces: number
  llmSpans: number
  apmSpans: number
  evaluations: number
}

/**
 * The store. Methods resolve once the work is durable (for writes: committed), and reject only on a
 * store failure; a wrong cursor or id is a value (`undefined`, an empty page), never an exception.
 * A store that is unavailable for a moment (restarting) rejects with `StoreUnavailableError`, which
 * the intake answers with 503 and Retry-After.
 *
 * @example
 * const summary = await store.write({ llmSpans, apmSpans: [], evaluations: [] })
 * const detail = await store.getTrace('6b03fc19000000007953b531107242bf')
 */
export interface Store {
  write(batch: WriteBatch): Promise<WriteSummary>
  listTraces(query: TraceQuery): Promise<TraceList>
  getTrace(traceId: string): Promise<TraceDetail | undefined>
  getSpan(spanId: string): Promise<SpanView | undefined>
  listEvaluations(query: EvaluationQuery): Promise<EvaluationView[]>
  listSessions(query: SessionQuery): Promise<SessionList>
  getSession(sessionId: string): Promise<SessionDetail | undefined>
  stats(query: { sinceNs?: number }): Promise<Stats>
  getApmTrace(traceId: string): Promise<ApmTraceDetail | undefined>
  counts(): Promise<StoreCounts>
  prune(policy: RetentionPolicy, nowMs: number): Promise<PruneSummary>
  close(): Promise<void>
}
