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
}

/**
 * An explicit parent: a span handle, an exported span `{ spanId, traceId }`, or a captured plain
 * context (which may also carry `apmTraceId`, `mlApp`, `sessionId`, `sampling`).
 */
export type ParentRef = Span | ExportedSpan | PlainContext

export interface TraceOptions extends SpanOptions {
  /** The parent; by default the span active in the current async context. */
  parent?: ParentRef | undefined
}

export interface StartSpanOptions extends SpanOptions {
  /** The parent; by default the span active in the current async context. */
  parent?: ParentRef | undefined
}

export type WrapOptions = SpanOptions

export type DecorateOptions = SpanOptions
