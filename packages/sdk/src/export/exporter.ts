import type { EvaluationMetric } from '@llmobs/protocol'
import type { SpanRecord } from '../span/span-record.js'
import type { TransportStats } from '../transport/transport-stats.js'
import type { SpoolOutcome, SpoolStats } from './spool/spool-stats.js'

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
  /** Running totals and queue depths, for `llmobs.status()` and the exit report. */
  stats?(): ExporterStats
  /**
   * At process exit, synchronously: writes what is undelivered to the on-disk spool (`spoolDir`) and
   * says what became of it; undefined when there is no spool.
   */
  spoolAtExit?(): SpoolOutcome | undefined
}

export interface ExporterStats {
  /** The concrete route in use, once known. */
  readonly mode: 'agent-proxy' | 'agentless' | 'unresolved' | 'unavailable'
  readonly spans: StreamCounts & { readonly queued: number }
  readonly evaluations: StreamCounts & { readonly queued: number }
  readonly transport: Readonly<TransportStats>
  /** The last delivery problem reported, if any. */
  readonly lastError?: { readonly message: string; readonly atMs: number } | undefined
  /** The on-disk spool, when `spoolDir` is set. */
  readonly spool?: SpoolStats | undefined
}
