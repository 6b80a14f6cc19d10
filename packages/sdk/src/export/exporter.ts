import type { EvaluationMetric } from '@llmobs/protocol'
import type { SpanRecord } from '../span/span-record.js'

/** Counts of one stream since the exporter started: every item ends in exactly one of them. */
export interface StreamCounts {
  sent: number
  failed: number
  dropped: number
}

export interface FlushResult {
  spans: StreamCounts
  evaluations: StreamCounts
}

export interface FlushOptions {
  /** Give up waiting after this long; what is still in flight is neither sent nor failed yet. */
  timeoutMs?: number
}

/**
 * Where finished spans and evaluations go. Implementations: the Datadog exporter (agent proxy,
 * agentless; later APM `meta_struct` and OTLP), and the in-memory test exporter. `export*` never
 * throws and never blocks: it enqueues into a bounded buffer and counts what it cannot keep.
 */
export interface Exporter {
  exportSpan(record: SpanRecord): void
  exportEvaluation(metric: EvaluationMetric): void
  /** Resolves when everything queued before the call is delivered or counted as failed or dropped. */
  flush(options?: FlushOptions): Promise<FlushResult>
  /** Flushes, then stops timers and releases sockets. Idempotent. */
  shutdown(options?: FlushOptions): Promise<FlushResult>
}
