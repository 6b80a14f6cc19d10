import type { SpanKind } from './span-kind.js'

/** Wire types of LLM Observability span events (protocol §2). Field names are the intake's. */

export interface WireToolCall {
  name: string
  arguments: Record<string, unknown>
  tool_id?: string
  type?: string
}

export interface WireToolResult {
  result: string
  tool_id?: string
  name?: string
  type?: string
}

export interface WireMessage {
  role: string
  content: string
  tool_calls?: WireToolCall[]
  tool_results?: WireToolResult[]
  tool_id?: string
}

export interface WireDocument {
  text: string
  name?: string
  id?: string
  score?: number
}

export interface WirePrompt {
  id?: string
  version?: string
  variables?: Record<string, string>
  template?: string
  chat_template?: Array<{ role: string; content: string }>
  tags?: Record<string, string>
  _dd_context_variable_keys?: string[]
  _dd_query_variable_keys?: string[]
}

export interface WireToolDefinition {
  name: string
  description?: string
  schema?: Record<string, unknown>
  version?: string
}

/** `meta.input` / `meta.output`: which fields appear depends on the span kind (protocol §2 table). */
export interface WireIO {
  messages?: WireMessage[]
  documents?: WireDocument[]
  value?: string
  prompt?: WirePrompt
}

export type LinkSide = 'input' | 'output'

export interface WireSpanLink {
  trace_id: string
  span_id: string
  attributes: { from: LinkSide; to: LinkSide }
}

export interface SpanEventMeta {
  'span.kind': SpanKind
  input: WireIO
  output: WireIO
  model_name?: string
  model_provider?: string
  metadata?: Record<string, unknown>
  tool_definitions?: WireToolDefinition[]
  'error.message'?: string
  'error.type'?: string
  'error.stack'?: string
  [key: string]: unknown
}

export interface SpanEventDD {
  span_id: string
  /** APM trace id, 32 lowercase hex. */
  trace_id: string
  apm_trace_id: string
  sample_rate?: string
  sampling_decision?: string
}

export interface SpanEvent {
  /** LLMObs trace id, 32 lowercase hex. */
  trace_id: string
  /** Decimal 64-bit span id. */
  span_id: string
  /** Decimal span id of the nearest LLMObs ancestor, or the literal string "undefined" for a root. */
  parent_id: string
  name: string
  tags: string[]
  start_ns: number
  duration: number
  status: 'ok' | 'error'
  meta: SpanEventMeta
  metrics: Record<string, number>
  session_id?: string
  span_links?: WireSpanLink[]
  collection_errors?: string[]
  _dd: SpanEventDD
}

export interface SpanEventEnvelope {
  '_dd.stage': 'raw'
  '_dd.tracer_version': string
  event_type: 'span'
  spans: SpanEvent[]
}

/** The parent id a root span carries on the wire. */
export const ROOT_PARENT_ID = 'undefined'
