import {
  LLMOBS_SUBMITTED_TAG,
  META_STRUCT_LLMOBS_KEY,
  SAMPLING_PRIORITY_METRIC,
  TRACE_ID_HIGH_TAG,
} from '../apm.js'
import type { DecodeResult } from '../decode-result.js'
import { decodeFail, decodeOk } from '../decode-result.js'
import { toDecimal, toHex32 } from '../ids.js'
import type { SpanEvent } from '../span-event.js'
import { isRecord } from '../validate/shape.js'
import { validateSpanEvent } from '../validate/validate-span-event.js'
import type { DecodedApmSpan } from './decoded-apm-span.js'

/**
 * The high 64 bits of a chunk's 128-bit trace id: `_dd.p.tid` (16 hex) sits on the chunk's first span,
 * but any span of the chunk is accepted. 0 when the tracer uses 64-bit trace ids.
 *
 * @example
 * const apmTraceId = toHex32(chunkTraceIdHigh(chunk), chunk[0].trace_id) // '6b03fc19000000000abfe71cd4b34a20'
 */
export function chunkTraceIdHigh(chunk: readonly DecodedApmSpan[]): bigint {
  for (const span of chunk) {
    const tid = span.meta[TRACE_ID_HIGH_TAG]
    if (tid !== undefined && /^[0-9a-fA-F]{1,16}$/.test(tid)) return BigInt('0x' + tid)
  }
  return 0n
}

/**
 * A chunk's APM sampling priority: `_sampling_priority_v1` of its first span that carries one (tracers
 * put it on the first span of every chunk, the local root of a whole one; dd-trace on every span).
 * `<= 0` means the agent drops the chunk (protocol §4, the rescue rule); `undefined` when no span of
 * the chunk says.
 *
 * @example
 * chunkSamplingPriority(chunk) // 1 (kept), 0 or -1 (dropped), undefined
 */
export function chunkSamplingPriority(chunk: readonly DecodedApmSpan[]): number | undefined {
  for (const span of chunk) {
    const priority = span.metrics[SAMPLING_PRIORITY_METRIC]
    if (typeof priority === 'number' && Number.isFinite(priority)) return priority
  }
  return undefined
}

/**
 * Rebuilds the LLMObs span event an APM span carries in `meta_struct["_llmobs"]`, as protocol §4 says:
 * `span_id`, `start_ns`, `duration` and `status` from the host span, the APM trace id from `_dd.p.tid`
 * and the host `trace_id`, the tag dict as a sorted `k:v` list plus `error:<0|1>` and `error_type`.
 * Returns `undefined` when the span carries no LLMObs data, or when it is tagged
 * `_dd.llmobs.submitted:1` (its event went through the LLMObs writer instead: never extract it twice).
 *
 * @example
 * const high = chunkTraceIdHigh(chunk)
 * const result = spanEventFromApmSpan(chunk[0], high, 'traces[0][0]')
 * if (result.ok && result.value) store(result.value)
 */
export function spanEventFromApmSpan(
  span: DecodedApmSpan,
  traceIdHigh: bigint,
  path: string,
): DecodeResult<SpanEvent | undefined> {
  if (span.meta[LLMOBS_SUBMITTED_TAG] === '1') return decodeOk(undefined)
  const struct = span.meta_struct?.[META_STRUCT_LLMOBS_KEY]
  if (struct === undefined) return decodeOk(undefined)
  const at = `${path}.meta_struct._llmobs`
  if (!isRecord(struct)) return decodeFail(`${at} must be a map`)
  if (!isRecord(struct.meta)) return decodeFail(`${at}.meta must be a map`)

  const spanId = toDecimal(span.span_id)
  const apmTraceId = toHex32(traceIdHigh, span.trace_id)
  const errorType = span.meta['error.type']
  const meta: Record<string, unknown> = { ...struct.meta }
  if (span.error) {
    // The host span is where the tracer recorded the error; the struct may not repeat it.
    for (const key of ['error.message', 'error.type', 'error.stack']) {
      const value = span.meta[key]
      if (meta[key] === undefined && value !== undefined) meta[key] = value
    }
  }
  const dd = isRecord(struct._dd) ? struct._dd : {}
  const tags = tagList(struct, span.error, errorType)
  if (tags === undefined) return decodeFail(`${at}.tags values must convert to text`)

  const raw = {
    trace_id: struct.trace_id,
    span_id: spanId,
    parent_id: struct.parent_id,
    name: typeof struct.name === 'string' ? struct.name : span.name,
    tags,
    start_ns: Number(span.start),
    duration: Number(span.duration),
    status: span.error ? 'error' : 'ok',
    meta,
    metrics: struct.metrics,
    session_id: struct.session_id,
    span_links: struct.span_links,
    collection_errors: struct.collection_errors,
    _dd: { ...dd, span_id: spanId, trace_id: apmTraceId, apm_trace_id: apmTraceId },
  }
  return validateSpanEvent(raw, at)
}

/** The sorted `k:v` list; undefined when a value cannot become text (e.g. a map with a `toString` key). */
function tagList(
  struct: Record<string, unknown>,
  error: number,
  errorType: string | undefined,
): string[] | undefined {
  const dict: Record<string, string> = {}
  if (isRecord(struct.tags)) {
    for (const key in struct.tags) {
      const value = struct.tags[key]
      if (value === undefined || value === null) continue
      try {
        dict[key] = String(value)
      } catch {
        return undefined
      }
    }
  }
  if (dict.ml_app === undefined && typeof struct.ml_app === 'string') dict.ml_app = struct.ml_app
  if (dict.session_id === undefined && typeof struct.session_id === 'string')
    dict.session_id = struct.session_id
  const tags = Object.keys(dict)
    .sort()
    .map((key) => `${key}:${dict[key]}`)
  tags.push(`error:${error ? 1 : 0}`)
  if (error && errorType !== undefined) tags.push(`error_type:${errorType}`)
  return tags
}
