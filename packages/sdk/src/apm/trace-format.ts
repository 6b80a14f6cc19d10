import {
  encodeV02SpanJson,
  encodeV04Span,
  META_STRUCT_LLMOBS_KEY,
  v02TracesJsonBody,
  v04TracesBody,
  type ApmSpan,
  type LLMObsStruct,
} from '@llmobs/protocol'
import { encode } from '@msgpack/msgpack'

/** How a trace writer encodes spans and joins them into a request body. */
export interface TraceFormat {
  readonly contentType: string
  /** One span, with the LLMObs data it carries (`meta_struct._llmobs`), if any. */
  encodeSpan(span: ApmSpan, llmobs: LLMObsStruct | undefined): Uint8Array
  /** A request body from chunks of encoded spans. */
  body(chunks: readonly (readonly Uint8Array[])[]): Uint8Array
}

/**
 * `/v0.4/traces` msgpack, the Agent's format: `meta_struct` values are the msgpack encoding of a map,
 * sent as bin. (v0.5 has no slot for `meta_struct`, so LLM data riding traces always uses v0.4.)
 */
export const V04_FORMAT: TraceFormat = {
  contentType: 'application/msgpack',
  encodeSpan(span, llmobs) {
    if (llmobs !== undefined) span.meta_struct = { [META_STRUCT_LLMOBS_KEY]: encode(llmobs, ENCODE_OPTIONS) }
    return encodeV04Span(span)
  },
  body: v04TracesBody,
}

const ENCODE_OPTIONS = { ignoreUndefined: true } as const

/**
 * The agentless trace intake's JSON (`/api/v0.2/traces`, the `apm-agentless` mode): exact integer ids,
 * `meta_struct` values as plain objects.
 */
export const JSON_FORMAT: TraceFormat = {
  contentType: 'application/json',
  encodeSpan(span, llmobs) {
    const { meta_struct: _, ...rest } = span
    const text = encodeV02SpanJson(
      llmobs === undefined ? rest : { ...rest, meta_struct: { [META_STRUCT_LLMOBS_KEY]: llmobs } },
    )
    return Buffer.from(text, 'utf8')
  },
  body(chunks) {
    return Buffer.from(
      v02TracesJsonBody(chunks.map((chunk) => chunk.map((span) => Buffer.from(span).toString('utf8')))),
    )
  },
}

/** The format of a route's trace endpoint. */
export function traceFormatOf(format: 'v0.4' | 'json'): TraceFormat {
  return format === 'v0.4' ? V04_FORMAT : JSON_FORMAT
}
