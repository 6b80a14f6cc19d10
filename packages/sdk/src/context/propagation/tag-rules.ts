/**
 * The `_dd.p.*` keys this folder knows and dd-trace's character rules for them
 * (`opentracing/propagation/text_map.js` in dd-trace 5.132).
 */

export const TAG = {
  tid: '_dd.p.tid',
  dm: '_dd.p.dm',
  llmobsParentId: '_dd.p.llmobs_parent_id',
  llmobsTraceId: '_dd.p.llmobs_trace_id',
  llmobsMlApp: '_dd.p.llmobs_ml_app',
  llmobsSessionId: '_dd.p.llmobs_sid',
  llmobsSampleRate: '_dd.p.llmobs_sr',
  llmobsSamplingDecision: '_dd.p.llmobs_sd',
  llmobsAgentSpanId: '_dd.p.llmobs_pagent_span_id',
  llmobsAgentName: '_dd.p.llmobs_pagent_name',
} as const

/** Keys carried by dedicated context fields; a pass-through copy of them is never written. */
export const DEDICATED_KEYS: ReadonlySet<string> = new Set([TAG.tid, TAG.dm])

/** The LLMObs keys, owned by `ctx.llmobs` when it is set. */
export const LLMOBS_KEYS: ReadonlySet<string> = new Set([
  TAG.llmobsParentId,
  TAG.llmobsTraceId,
  TAG.llmobsMlApp,
  TAG.llmobsSessionId,
  TAG.llmobsSampleRate,
  TAG.llmobsSamplingDecision,
  TAG.llmobsAgentSpanId,
  TAG.llmobsAgentName,
])

/** The `x-datadog-tags` budget dd-trace enforces on both sides (DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH). */
export const DATADOG_TAGS_MAX_LENGTH = 512

/** W3C tracestate: at most 32 members, each value at most 256 characters. */
export const TRACESTATE_MAX_MEMBERS = 32
export const TRACESTATE_MAX_VALUE_LENGTH = 256

/** `_dd.p.` then printable ASCII without space, ',' or '=' (dd-trace allows '=' but splits on the first one). */
export const TAG_KEY = /^_dd\.p\.[\x21-\x2B\x2D-\x3C\x3E-\x7E]+$/

/**
 * Printable ASCII without ','. '=' is allowed, as dd-trace and the other tracers allow it: the
 * reader splits an entry on its first '='.
 */
export const TAG_VALUE = /^[\x20-\x2B\x2D-\x7E]*$/

export const HEX16 = /^[0-9a-f]{16}$/
export const HEX32 = /^[0-9a-f]{32}$/
export const DECIMAL = /^[0-9]+$/

/** A header value Node's `http` accepts (HTAB, SP..~, obs-text); anything else throws on `setHeader`. */
export const HEADER_VALUE = /^[\t\x20-\x7E\x80-\xFF]*$/

/** Characters dd-trace replaces with '_' in tracestate values (',', ';', '~' and non-printables). */
export const TRACESTATE_VALUE_FILTER = /[^\x20-\x2B\x2D-\x3A\x3C-\x7D]/g

/** Characters replaced with '_' in tracestate keys: dd-trace's set, plus ':' and ';' which split fields. */
export const TRACESTATE_KEY_FILTER = /[^\x21-\x2B\x2D-\x39\x3C\x3E-\x7E]/g

/** dd-trace's `formatKnuthRate`: six decimals, trailing zeros dropped (`1`, `0.5`, `0.333333`). */
export function formatSampleRate(rate: number): string {
  const text = rate.toFixed(6)
  for (let index = text.length - 1; index > 0; index--) {
    if (text[index] === '0') continue
    return text.slice(0, index + (text[index] === '.' ? 0 : 1))
  }
  return text
}
