import type { MetricEvent } from '@llmobs/protocol'
import type { LocalTrace } from '../span/local-trace.js'
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
  exportEvaluation(metric: MetricEvent): void
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
  /**
   * Decides the APM sampling priority of a local trace now if nothing has (for `inject()`, so the
   * next service hears the decision this one's APM traces carry). A no-op outside the `apm-*` modes.
   */
  decideTrace?(trace: LocalTrace, apmTraceId: string): void
}

/** Why an item was dropped (never sent): `dropped` is their sum. */
export type DropCause = 'queueFull' | 'oversize' | 'unencodable' | 'afterShutdown'

/** One stream's totals since the exporter started, and its queue depth now. */
export interface StreamStats extends StreamCounts {
  readonly queued: number
  /** Retry attempts of this stream's requests (a request sent three times counts two). */
  readonly retried: number
  /** Items sent with some values cut to fit a size limit (`collection_errors` says which). */
  readonly trimmed: number
  readonly droppedBy: Readonly<Record<DropCause, number>>
}

/** The last `/info` probe of `auto` mode: when, what it found, and when the next is due. */
export interface ProbeStatus {
  readonly atMs: number
  /**
   * `evp-proxy-and-traces` (the agent offers the EVP proxy and v0.4 traces: `apm-agent` is used),
   * `evp-proxy` (the proxy only, or APM tracing is off: `agent-proxy`), `no-evp-proxy` (an agent
   * without it), `unreachable`.
   */
  readonly result: 'evp-proxy' | 'evp-proxy-and-traces' | 'no-evp-proxy' | 'unreachable'
  readonly detail: string
  /** When the next probe is due (epoch ms), while no route is decided; undefined once decided. */
  readonly nextAtMs: number | undefined
}

export interface ExporterStats {
  /** The concrete route in use, once known. */
  readonly mode: 'agent-proxy' | 'agentless' | 'apm-agent' | 'apm-agentless' | 'unresolved' | 'unavailable'
  readonly spans: StreamStats
  readonly evaluations: StreamStats
  /** `auto` mode's last agent probe; undefined before the first and in the fixed modes. */
  readonly probe?: ProbeStatus | undefined
  readonly transport: Readonly<TransportStats>
  /** The last delivery problem reported, if any. */
  readonly lastError?: { readonly message: string; readonly atMs: number } | undefined
  /** The on-disk spool, when `spoolDir` is set. */
  readonly spool?: SpoolStats | undefined
  /** The `apm-*` modes: the APM trace stream, and the LLMObs events rescued from it (protocol §4). */
  readonly apm?: ApmStreamStats | undefined
}

/** The APM trace stream of the `apm-*` modes. `spans` counts above already include its LLMObs events. */
export interface ApmStreamStats {
  /** APM trace chunks and their spans: sent, failed (their LLMObs events rescued), dropped (queue full: rescued too). */
  readonly traces: {
    readonly chunks: StreamCounts
    readonly spans: StreamCounts
    /** HTTP exchanges to the trace endpoint: attempts made, of which retries, and bytes sent. */
    readonly requests: { readonly sent: number; readonly retried: number; readonly bytes: number }
  }
  /** LLMObs events sent through the LLMObs intake instead of inside their APM trace, by reason. */
  readonly rescued: {
    /** The trace's sampling priority was <= 0: the agent would have dropped it with its LLM data. */
    readonly sampledOut: number
    /** Its APM request was rejected or failed after its retries. */
    readonly payloadFailed: number
    readonly queueFull: number
    /** The exporter stopped with the chunk still queued. */
    readonly closed: number
  }
}
