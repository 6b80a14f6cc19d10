import { Encoder } from '@msgpack/msgpack'
import type { ApmSpan, ApmTraces } from '../apm.js'

/**
 * Encodes APM traces as a `/v0.4/traces` body (protocol §4): an array of chunks, each an array of
 * span maps in dd-trace's key order (trace_id, span_id, parent_id, name, resource, service, type,
 * error, start, duration, meta, metrics, then meta_struct and span_links when present). Ids, start and
 * duration are unsigned 64-bit integers; each `meta_struct` value is already msgpack bytes and goes
 * out as msgpack bin, as the Agent expects. Pure: shared by the SDK's APM writer and the collector's
 * tests.
 *
 * @example
 * const body = encodeV04Traces([[span]])
 * decodeV04Traces(body) // { ok: true, value: [[{ ...span, meta_struct: { _llmobs: {...} } }]] }
 */
export function encodeV04Traces(traces: ApmTraces): Uint8Array {
  encoder ??= new Encoder({ useBigInt64: true, ignoreUndefined: true })
  return encoder.encode(traces.map((chunk) => chunk.map(spanMap)))
}

/** Bytes of a msgpack array header for `n` elements: fixarray, array 16 or array 32. */
export function arrayHeaderSize(n: number): number {
  return n < 16 ? 1 : n < 0x10000 ? 3 : 5
}

// Made on first use, not at import: a module-level `new Encoder()` is a side effect the bundler keeps,
// which put msgpack's encoder into the SDK's bundle (and its start-up) though nothing there calls this.
let encoder: Encoder | undefined

function spanMap(span: ApmSpan): Record<string, unknown> {
  const out: Record<string, unknown> = {
    trace_id: span.trace_id,
    span_id: span.span_id,
    parent_id: span.parent_id,
    name: span.name,
    resource: span.resource,
    service: span.service,
  }
  if (span.type !== undefined) out.type = span.type
  out.error = span.error
  out.start = span.start
  out.duration = span.duration
  out.meta = span.meta
  out.metrics = span.metrics
  if (span.meta_struct !== undefined) out.meta_struct = span.meta_struct
  if (span.span_links !== undefined && span.span_links.length > 0) out.span_links = span.span_links
  return out
}
