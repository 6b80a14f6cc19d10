import type { WireIO, WireSpanLink } from './span-event.js'

/** APM span as carried by v0.4 msgpack (protocol §4), with 64-bit integers as bigint. */
export interface ApmSpan {
  trace_id: bigint
  span_id: bigint
  parent_id: bigint
  service: string
  name: string
  resource: string
  type?: string
  start: bigint
  duration: bigint
  error: number
  meta: Record<string, string>
  metrics: Record<string, number>
  /** Each value is the msgpack encoding of a map. */
  meta_struct?: Record<string, Uint8Array>
  span_links?: ApmSpanLink[]
}

export interface ApmSpanLink {
  trace_id: bigint
  trace_id_high?: bigint
  span_id: bigint
  attributes?: Record<string, string>
  tracestate?: string
  flags?: number
}

/** A v0.4 payload: an array of traces, each an array of spans. */
export type ApmTraces = ApmSpan[][]

/** The LLMObs data an APM span carries in `meta_struct["_llmobs"]` (protocol §4). */
export interface LLMObsStruct {
  name?: string
  trace_id: string
  parent_id: string
  ml_app?: string
  session_id?: string
  /**
   * A key the span tagged several times holds the list of its values; intakes read a value as
   * `String(value)` (dd-trace sends one value per key), so such a tag arrives as `key:a,b`.
   */
  tags?: Record<string, string | string[]>
  meta: {
    span: { kind: string }
    model_name?: string
    model_provider?: string
    input?: WireIO
    output?: WireIO
    metadata?: Record<string, unknown>
    [key: string]: unknown
  }
  metrics?: Record<string, number>
  span_links?: WireSpanLink[]
  /** What the tracer had to cut from the span (e.g. `dropped_io`), as in the span event. */
  collection_errors?: string[]
  _dd?: { sample_rate?: string; sampling_decision?: string }
}

export const META_STRUCT_LLMOBS_KEY = '_llmobs'
/** Meta tag set on an APM span whose LLMObs event was sent through the LLMObs writer instead. */
export const LLMOBS_SUBMITTED_TAG = '_dd.llmobs.submitted'
/** Meta tag holding the high 64 bits of the APM trace id (hex) on the first span of a chunk. */
export const TRACE_ID_HIGH_TAG = '_dd.p.tid'
export const SAMPLING_PRIORITY_METRIC = '_sampling_priority_v1'
