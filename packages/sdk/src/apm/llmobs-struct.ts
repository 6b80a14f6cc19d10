import type { LLMObsStruct, SpanEvent } from '@llmobs/protocol'

/**
 * The `meta_struct["_llmobs"]` map of an APM span (protocol §4), from the span's LLMObs event: what
 * the intake needs to rebuild that same event from the struct and its host span. The host span already
 * carries the span id, times and error flag, so those stay out; the tag list becomes a dict (the
 * intake sorts it and adds `error` and `error_type` from the host span), with a repeated key kept as
 * a list so no value is lost.
 *
 * @example
 * encode(llmobsStruct(encodeSpanEvent(record, config)))  // the bytes of meta_struct._llmobs
 */
export function llmobsStruct(event: SpanEvent): LLMObsStruct {
  const { 'span.kind': kind, ...rest } = event.meta
  const struct: LLMObsStruct = {
    name: event.name,
    trace_id: event.trace_id,
    parent_id: event.parent_id,
    tags: tagDict(event.tags),
    meta: { span: { kind: kind as string }, ...rest },
    metrics: event.metrics,
  }
  const { sample_rate, sampling_decision } = event._dd
  if (sample_rate !== undefined && sampling_decision !== undefined)
    struct._dd = { sample_rate, sampling_decision }
  const mlApp = struct.tags?.ml_app
  if (typeof mlApp === 'string') struct.ml_app = mlApp
  if (event.session_id !== undefined) struct.session_id = event.session_id
  if (event.span_links !== undefined) struct.span_links = event.span_links
  if (event.collection_errors !== undefined) struct.collection_errors = event.collection_errors
  return struct
}

/** `k:v` tags as a dict, minus `error` / `error_type` (the intake derives them from the host span). */
function tagDict(tags: readonly string[]): Record<string, string | string[]> {
  const dict: Record<string, string | string[]> = {}
  for (const tag of tags) {
    const colon = tag.indexOf(':')
    const key = colon < 0 ? tag : tag.slice(0, colon)
    if (key === 'error' || key === 'error_type') continue
    const value = colon < 0 ? '' : tag.slice(colon + 1)
    const seen = dict[key]
    if (seen === undefined) dict[key] = value
    else if (typeof seen === 'string') dict[key] = [seen, value]
    else seen.push(value)
  }
  return dict
}
