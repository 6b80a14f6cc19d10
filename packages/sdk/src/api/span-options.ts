import type { SpanKind } from '@llmobs/protocol'
import type { TagValue } from '../annotation/annotation.js'
import type { PlainContext } from '../context/plain-context.js'
import type { ExportedSpan, Span } from '../span/span.js'

/** What every way of starting a span accepts. */
export interface SpanOptions {
  /** `llm`, `embedding`, `retrieval`, `tool`, `task`, `agent` or `workflow`. */
  kind: SpanKind
  /** Defaults to the function's name, then to the kind. */
  name?: string | undefined
  /** llm and embedding spans only; default `"custom"`. */
  modelName?: string | undefined
  /** llm and embedding spans only; lowercased; default `"custom"`. */
  modelProvider?: string | undefined
  /** Inherited by child spans. */
  sessionId?: string | undefined
  /** Overrides the configured ml_app for this span and its children. */
  mlApp?: string | undefined
  tags?: Record<string, TagValue> | undefined
  /** A key `llmobs.submitFeedback({ feedbackJoinKey })` can name later (see `Annotation.feedbackJoinKey`). */
  feedbackJoinKey?: string | undefined
}

/**
 * An explicit parent: a span handle, an exported span `{ spanId, traceId }`, or a captured plain
 * context (which may also carry `apmTraceId`, `mlApp`, `sessionId`, `sampling`).
 */
export type ParentRef = Span | ExportedSpan | PlainContext

/**
 * A span link set when a span starts (`span_links` on the wire): the linked span, and which side of
 * it flows into which side of the new span. Links relate spans across traces, e.g. a long
 * background job in its own trace back to the request that started it.
 *
 * @example
 * llmobs.startSpan({ kind: 'task', name: 'reindex', links: [{ span: requestSpan }] })
 */
export interface SpanLinkOptions {
  /** The linked span: a span handle, an exported span, or a captured context naming a span. */
  span?: ParentRef | undefined
  /** The same, for an exported span (either field may be used). */
  exportedSpan?: ExportedSpan | undefined
  /** The side of the linked span; default `'output'`. */
  from?: 'input' | 'output' | undefined
  /** The side of the new span; default `'input'`. */
  to?: 'input' | 'output' | undefined
}

export interface TraceOptions extends SpanOptions {
  /**
   * The parent; by default the span active in the current async context. Any async context or
   * thread works: a span handle (also one that already ended), `llmobs.exportSpan(span)`,
   * `llmobs.captureContext()` or `llmobs.extract(headers)`.
   */
  parent?: ParentRef | undefined
  /** Span links from other spans to this one. */
  links?: readonly SpanLinkOptions[] | undefined
}

export interface StartSpanOptions extends SpanOptions {
  /** The parent; by default the span active in the current async context (see `TraceOptions.parent`). */
  parent?: ParentRef | undefined
  /** Span links from other spans to this one. */
  links?: readonly SpanLinkOptions[] | undefined
}

export type WrapOptions = SpanOptions

export type DecorateOptions = SpanOptions
