import type { ExportMode } from '../config.js'
import type { DropCause, ExporterStats, ProbeStatus } from '../export/exporter.js'

/** One stream's running totals since `init()`, and what waits in its queue now. */
export interface StreamStatus {
  readonly sent: number
  readonly failed: number
  /** Never sent: the sum of `droppedBy`. */
  readonly dropped: number
  readonly queued: number
  /** Retry attempts of this stream's requests. */
  readonly retried: number
  /** Items sent with their largest values cut to fit a size limit. */
  readonly trimmed: number
  /** `queueFull`, `oversize` (over the event limit even when trimmed), `unencodable`, `afterShutdown`. */
  readonly droppedBy: Readonly<Record<DropCause, number>>
}

/**
 * What `llmobs.status()` returns: where data goes and what happened to it so far. Totals run since
 * `init()`; `flush()` reports per call.
 */
export interface LLMObsStatus {
  /** False before `init()` and after `shutdown()`. */
  readonly enabled: boolean
  /** The configured mode, and the route it resolved to (`unresolved` until the first send in `auto`). */
  readonly mode: ExportMode | undefined
  readonly route: ExporterStats['mode'] | 'custom-exporter' | undefined
  readonly agentUrl: string | undefined
  /** `auto` mode's last agent probe (`/info`): when, its result, and when the next is due. */
  readonly probe: ProbeStatus | undefined
  readonly spans: StreamStatus
  readonly evaluations: StreamStatus
  /** HTTP exchanges, request bytes, retries and errors of the exporter. */
  readonly transport: ExporterStats['transport'] | undefined
  /** Spans whose processor threw or returned junk (sent with their data removed). */
  readonly processorFailures: number
  /** Spans started and not ended yet. */
  readonly openSpans: number
  /** The last delivery problem, if any: what happened and when (epoch ms). */
  readonly lastError: { readonly message: string; readonly atMs: number } | undefined
  /** With `spoolDir`: what this process delivered from the spool and wrote to it. */
  readonly spool?: ExporterStats['spool']
  /**
   * The `apm-*` modes: the APM trace stream (chunks and spans sent, failed, dropped) and the LLMObs
   * events rescued from it through the LLM Observability intake, by reason (`spans` includes them).
   */
  readonly apm?: ExporterStats['apm']
}

const EMPTY_STREAM: StreamStatus = Object.freeze({
  sent: 0,
  failed: 0,
  dropped: 0,
  queued: 0,
  retried: 0,
  trimmed: 0,
  droppedBy: Object.freeze({ queueFull: 0, oversize: 0, unencodable: 0, afterShutdown: 0 }),
})

/** The status of an instance that is not running. */
export const DISABLED_STATUS: LLMObsStatus = Object.freeze({
  enabled: false,
  mode: undefined,
  route: undefined,
  agentUrl: undefined,
  probe: undefined,
  spans: EMPTY_STREAM,
  evaluations: EMPTY_STREAM,
  transport: undefined,
  processorFailures: 0,
  openSpans: 0,
  lastError: undefined,
})
