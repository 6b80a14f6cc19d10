import type { SpanKind } from '@llmobs/protocol'
import type { Annotation } from '../annotation/annotation.js'

/**
 * A span's identity as other systems refer to it: the decimal span id and the LLMObs trace id
 * (32 hex). Returned by `llmobs.exportSpan()`, accepted as an evaluation target and as a parent.
 */
export interface ExportedSpan {
  readonly spanId: string
  readonly traceId: string
}

/**
 * The handle of an open span, given to `llmobs.trace()` callbacks and returned by
 * `llmobs.startSpan()`.
 *
 * @example
 * const span = llmobs.startSpan({ kind: 'task', name: 'rerank' })
 * try {
 *   span.annotate({ inputData: query, outputData: ranked })
 * } catch (error) {
 *   span.setError(error)
 * } finally {
 *   span.end()
 * }
 */
export interface Span {
  readonly kind: SpanKind
  readonly name: string
  /** Decimal 64-bit span id. */
  readonly spanId: string
  /** LLMObs trace id, 32 lowercase hex. */
  readonly traceId: string
  /** Span id of the nearest LLMObs ancestor; undefined for a root. */
  readonly parentId: string | undefined
  readonly mlApp: string
  readonly sessionId: string | undefined
  /** True once `end()` ran (or the traced function settled). */
  readonly ended: boolean
  /** Attaches data to the span; see `Annotation`. Must be called before `end()`. */
  annotate(annotation: Annotation): void
  /** Marks the span as failed with this error (an `Error` or any thrown value). */
  setError(error: unknown): void
  /**
   * Keeps this span's whole APM trace (sampling priority USER_KEEP), whatever the samplers decide.
   * Only the `apm-*` export modes send APM traces; LLM Observability events are always sent.
   */
  keepTrace(): void
  /**
   * Drops this span's whole APM trace (USER_REJECT). Its LLM Observability events are still
   * delivered, once, through the LLM Observability intake (the sampling-fallback rescue).
   */
  dropTrace(): void
  /** Finishes the span and hands it to the exporter. A second call is ignored. */
  end(): void
}
