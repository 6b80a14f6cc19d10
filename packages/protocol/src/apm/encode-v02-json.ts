import type { ApmSpanLink } from '../apm.js'
import type { DecodedApmSpan } from './decoded-apm-span.js'

/**
 * Encodes APM traces as an agentless trace intake body (`POST /api/v0.2/traces`, JSON; the
 * `apm-agentless` mode): an array of chunks, each an array of span objects with the v0.4 keys in
 * dd-trace's order. `trace_id`, `span_id`, `parent_id`, `start` and `duration` are written as bare
 * JSON integers, exactly (up to 2^64-1: a reader must parse them losslessly, not with `JSON.parse`);
 * `meta_struct` values are plain JSON objects (`{"_llmobs": {...}}`), not msgpack bytes, which is why
 * the spans are {@link DecodedApmSpan}s: what `decodeV04Traces` returns re-encodes as it is. Metrics
 * that are not finite numbers are left out (JSON has no NaN or Infinity). Pure; throws a TypeError,
 * as `JSON.stringify` does, only for a `meta_struct` value that holds a bigint or a cycle.
 *
 * @example
 * const body = encodeV02TracesJson([[{ ...span, meta_struct: { _llmobs: struct } }]])
 * await fetch(agentlessTracesUrl(site), { method: 'POST', headers: { 'content-type': 'application/json', 'dd-api-key': key }, body })
 */
export function encodeV02TracesJson(traces: readonly (readonly DecodedApmSpan[])[]): string {
  return v02TracesJsonBody(traces.map((chunk) => chunk.map(encodeV02SpanJson)))
}

/**
 * One span object, encoded alone, for writers that encode spans as they finish and assemble bodies
 * later with {@link v02TracesJsonBody}; the same text `encodeV02TracesJson` writes for it.
 */
export function encodeV02SpanJson(span: DecodedApmSpan): string {
  let out =
    `{"trace_id":${u64(span.trace_id)},"span_id":${u64(span.span_id)},"parent_id":${u64(span.parent_id)}` +
    `,"name":${JSON.stringify(span.name)},"resource":${JSON.stringify(span.resource)}` +
    `,"service":${JSON.stringify(span.service)}`
  if (span.type !== undefined) out += `,"type":${JSON.stringify(span.type)}`
  out += `,"error":${span.error === 0 ? 0 : 1},"start":${u64(span.start)},"duration":${u64(span.duration)}`
  out += `,"meta":${JSON.stringify(span.meta)},"metrics":${metricsJson(span.metrics)}`
  if (span.meta_struct !== undefined) out += `,"meta_struct":${JSON.stringify(span.meta_struct)}`
  if (span.span_links !== undefined) out += `,"span_links":[${span.span_links.map(linkJson).join(',')}]`
  return out + '}'
}

/**
 * A v0.2 JSON body from spans encoded one by one (`encodeV02SpanJson`): an array of chunks.
 *
 * @example
 * const body = v02TracesJsonBody([[encodeV02SpanJson(root), encodeV02SpanJson(child)]])
 */
export function v02TracesJsonBody(chunks: readonly (readonly string[])[]): string {
  return `[${chunks.map((chunk) => `[${chunk.join(',')}]`).join(',')}]`
}

/** A 64-bit unsigned integer as a bare JSON number, exact (JSON numbers have no size limit). */
function u64(value: bigint): string {
  return BigInt.asUintN(64, value).toString(10)
}

function metricsJson(metrics: Readonly<Record<string, number>>): string {
  let out = '{'
  for (const key in metrics) {
    const value = metrics[key]
    if (typeof value !== 'number' || !Number.isFinite(value)) continue
    if (out.length > 1) out += ','
    out += `${JSON.stringify(key)}:${String(value)}`
  }
  return out + '}'
}

function linkJson(link: ApmSpanLink): string {
  let out = `{"trace_id":${u64(link.trace_id)}`
  if (link.trace_id_high !== undefined) out += `,"trace_id_high":${u64(link.trace_id_high)}`
  out += `,"span_id":${u64(link.span_id)}`
  if (link.attributes !== undefined) out += `,"attributes":${JSON.stringify(link.attributes)}`
  if (link.tracestate !== undefined) out += `,"tracestate":${JSON.stringify(link.tracestate)}`
  if (link.flags !== undefined) out += `,"flags":${link.flags}`
  return out + '}'
}
