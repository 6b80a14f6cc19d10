import type { SpanEvent } from '@llmobs/protocol'
import { ROOT_PARENT_ID } from '@llmobs/protocol'
import type { LlmSpanInput } from '../store/store.js'
import type { Outcome } from './outcome.js'
import { accept, reject } from './outcome.js'

/**
 * A validated span event as a store row: the queryable fields pulled out (ml_app, session, service
 * and env from the tags; model and token counts from meta and metrics), the documents serialised once.
 * Serialising can still fail on pathological input (nesting deep enough to exhaust the stack): that is
 * the sender's 400, reported with the span's position.
 */
export function spanEventInput(event: SpanEvent, where: string): Outcome<LlmSpanInput> {
  let mlApp: string | null = null
  let sessionTag: string | null = null
  let service: string | null = null
  let env: string | null = null
  for (const tag of event.tags) {
    if (tag.startsWith('ml_app:')) mlApp ??= tag.slice(7)
    else if (tag.startsWith('session_id:')) sessionTag ??= tag.slice(11)
    else if (tag.startsWith('service:')) service ??= tag.slice(8)
    else if (tag.startsWith('env:')) env ??= tag.slice(4)
  }
  const { meta, metrics } = event
  let metaJson: string
  let metricsJson: string
  let tagsJson: string
  try {
    metaJson = JSON.stringify(meta)
    metricsJson = JSON.stringify(metrics)
    tagsJson = JSON.stringify(event.tags)
  } catch (error) {
    return reject(400, `${where} cannot be stored: ${(error as Error).message}`)
  }
  return accept({
    traceId: event.trace_id,
    spanId: event.span_id,
    parentId: event.parent_id === ROOT_PARENT_ID ? null : event.parent_id,
    name: event.name,
    kind: meta['span.kind'],
    startNs: event.start_ns,
    durationNs: event.duration,
    status: event.status,
    mlApp,
    sessionId: event.session_id ?? sessionTag,
    service,
    env,
    apmTraceId: event._dd.apm_trace_id === '' ? null : event._dd.apm_trace_id,
    modelName: typeof meta.model_name === 'string' ? meta.model_name : null,
    modelProvider: typeof meta.model_provider === 'string' ? meta.model_provider : null,
    inputTokens: metrics.input_tokens ?? null,
    outputTokens: metrics.output_tokens ?? null,
    totalTokens: metrics.total_tokens ?? null,
    metaJson,
    metricsJson,
    tagsJson,
    links: (event.span_links ?? []).map((link) => ({
      traceId: link.trace_id,
      spanId: link.span_id,
      from: link.attributes.from,
      to: link.attributes.to,
    })),
  })
}

/** LLMObs sampling (protocol §4): the intake drops events whose root decided not to keep them. */
export function isSampledOut(event: SpanEvent): boolean {
  return event._dd.sampling_decision === '0'
}
