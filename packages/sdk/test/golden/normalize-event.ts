import type { EvaluationMetric, SpanEvent } from '@llmobs/protocol'
import { expect } from 'vitest'

/**
 * Makes a batch of span events comparable across runs and tracers: ids become names (`<span:chat>`,
 * `<trace:1>`), timestamps, durations, tracer versions and stack contents become placeholders.
 * The formats of what is replaced are asserted here, so they are still checked.
 */
export function normalizeEvents(events: readonly SpanEvent[]): Record<string, unknown>[] {
  const nameOf = new Map(events.map((event) => [event.span_id, event.name]))
  const traces = ordinal()
  const apmTraces = ordinal()
  const spanRef = (id: string) => `<span:${nameOf.get(id) ?? 'unknown'}>`
  return events.map((event) => {
    expect(event.span_id).toMatch(/^[1-9][0-9]{0,19}$/)
    expect(event.trace_id).toMatch(/^[0-9a-f]{8}00000000[0-9a-f]{16}$/)
    expect(event._dd.apm_trace_id).toMatch(/^[0-9a-f]{8}00000000[0-9a-f]{16}$/)
    expect(event._dd.span_id).toBe(event.span_id)
    expect(event._dd.trace_id).toBe(event._dd.apm_trace_id)
    expect(Number.isInteger(event.start_ns) && event.start_ns > 1.7e18).toBe(true)
    expect(Number.isInteger(event.duration) && event.duration >= 0).toBe(true)
    const copy = JSON.parse(JSON.stringify(event)) as Record<string, any>
    copy.span_id = spanRef(event.span_id)
    copy.parent_id = event.parent_id === 'undefined' ? 'undefined' : spanRef(event.parent_id)
    copy.trace_id = `<trace:${traces(event.trace_id)}>`
    copy.start_ns = 0
    copy.duration = 0
    copy.tags = (copy.tags as string[]).map((tag) =>
      tag.startsWith('ddtrace.version:') ? 'ddtrace.version:<v>' : tag,
    )
    copy._dd.span_id = spanRef(event.span_id)
    copy._dd.trace_id = copy._dd.apm_trace_id = `<apm:${apmTraces(event._dd.apm_trace_id)}>`
    if (copy.meta.agent_attribution)
      copy.meta.agent_attribution.pagent_span_id = spanRef(copy.meta.agent_attribution.pagent_span_id)
    if (typeof copy.meta['error.stack'] === 'string') {
      const firstLine = (copy.meta['error.stack'] as string).split('\n')[0]
      copy.meta['error.stack'] = `${firstLine}\n<frames>`
    }
    return copy
  })
}

/** The same for evaluations, given the events they refer to. */
export function normalizeEvaluations(
  metrics: readonly EvaluationMetric[],
  events: readonly SpanEvent[],
): Record<string, any>[] {
  const nameOf = new Map(events.map((event) => [event.span_id, event.name]))
  const traceRef = ordinal()
  // Trace ordinals follow the events' order, as in normalizeEvents.
  for (const event of events) traceRef(event.trace_id)
  return metrics.map((metric) => {
    expect(Number.isInteger(metric.timestamp_ms)).toBe(true)
    const copy = JSON.parse(JSON.stringify(metric)) as Record<string, any>
    if ('span' in metric.join_on) {
      copy.join_on.span.span_id = `<span:${nameOf.get(metric.join_on.span.span_id) ?? 'unknown'}>`
      copy.join_on.span.trace_id = `<trace:${traceRef(metric.join_on.span.trace_id)}>`
    }
    copy.timestamp_ms = 0
    copy.tags = (copy.tags as string[]).map((tag) =>
      tag.startsWith('ddtrace.version:') ? 'ddtrace.version:<v>' : tag,
    )
    return copy
  })
}

/** Numbers distinct values in order of first appearance. */
function ordinal(): (value: string) => number {
  const seen = new Map<string, number>()
  return (value) => {
    let n = seen.get(value)
    if (n === undefined) {
      n = seen.size + 1
      seen.set(value, n)
    }
    return n
  }
}

/** The span events of a capture file (an array of envelopes). */
export function spansOf(envelopes: ReadonlyArray<{ spans: SpanEvent[] }>): SpanEvent[] {
  return envelopes.flatMap((envelope) => envelope.spans)
}
