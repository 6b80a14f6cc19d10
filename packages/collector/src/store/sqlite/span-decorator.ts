import { FEEDBACK_JOIN_KEY_TAG } from '@llmobs/protocol'
import type { Database } from 'better-sqlite3'
import type { EvaluationView, SpanView } from '../views.js'
import type { EvaluationRow, SpanLinkRow } from './rows.js'
import { toEvaluationView, toLinkView } from './rows.js'

/**
 * Attaches span links and evaluations to span views, in bulk per trace: evaluations joined by span
 * (`join_on.span`), feedback naming a span id, evaluations joined by tag (`join_on.tag`) and feedback
 * naming a feedback join key, both resolved here, at query time, against the tags the spans carry (so
 * the join holds whichever of span and feedback arrived first), and `apmSampled` from the host APM
 * spans. Returns the trace-level feedback of each trace (feedback naming a trace id and no span).
 */
export function createSpanDecorator(
  db: Database,
): (spans: readonly SpanView[]) => Map<string, EvaluationView[]> {
  const linksOfTrace = db.prepare<[string], SpanLinkRow>('SELECT * FROM span_links WHERE trace_id = ?')
  const evaluationsOfTrace = db.prepare<[string], EvaluationRow>(
    'SELECT * FROM evaluations WHERE trace_id = ?',
  )
  const feedbackOfSpanIds = db.prepare<[string], EvaluationRow>(
    'SELECT * FROM evaluations WHERE span_id IN (SELECT value FROM json_each(?)) AND trace_id IS NULL',
  )
  const anyTagJoin = db.prepare('SELECT 1 FROM evaluations WHERE tag_key IS NOT NULL LIMIT 1').pluck()
  const evaluationsOfTag = db.prepare<[string, string], EvaluationRow>(
    'SELECT * FROM evaluations WHERE tag_key = ? AND tag_value = ?',
  )
  const anyJoinKey = db
    .prepare('SELECT 1 FROM evaluations WHERE feedback_join_key IS NOT NULL LIMIT 1')
    .pluck()
  const feedbackOfJoinKey = db.prepare<[string], EvaluationRow>(
    'SELECT * FROM evaluations WHERE feedback_join_key = ?',
  )
  const hostPriorities = db.prepare<[string, string], { span_id: string; sampling_priority: number | null }>(
    `SELECT span_id, sampling_priority FROM apm_spans
     WHERE trace_id = ? AND span_id IN (SELECT value FROM json_each(?))`,
  )

  return (spans) => {
    const traceLevel = new Map<string, EvaluationView[]>()
    const byTrace = new Map<string, Map<string, SpanView>>()
    const bySpanId = new Map<string, SpanView[]>()
    for (const span of spans) {
      let traceSpans = byTrace.get(span.traceId)
      if (traceSpans === undefined) byTrace.set(span.traceId, (traceSpans = new Map()))
      traceSpans.set(span.spanId, span)
      const same = bySpanId.get(span.spanId)
      if (same === undefined) bySpanId.set(span.spanId, [span])
      else same.push(span)
    }

    for (const [traceId, traceSpans] of byTrace) {
      const level: EvaluationView[] = []
      traceLevel.set(traceId, level)
      for (const link of linksOfTrace.all(traceId)) traceSpans.get(link.span_id)?.links.push(toLinkView(link))
      for (const row of evaluationsOfTrace.all(traceId)) {
        if (row.span_id === null) level.push(toEvaluationView(row))
        else traceSpans.get(row.span_id)?.evaluations.push(toEvaluationView(row))
      }
    }

    if (bySpanId.size > 0) {
      for (const row of feedbackOfSpanIds.all(JSON.stringify([...bySpanId.keys()]))) {
        for (const span of bySpanId.get(row.span_id ?? '') ?? []) span.evaluations.push(toEvaluationView(row))
      }
    }

    const byTag = anyTagJoin.get() !== undefined
    const byJoinKey = anyJoinKey.get() !== undefined
    if (byTag || byJoinKey) {
      attachTagJoins(spans, (key, value) => [
        ...(byTag ? evaluationsOfTag.all(key, value) : []),
        ...(byJoinKey && key === FEEDBACK_JOIN_KEY_TAG ? feedbackOfJoinKey.all(value) : []),
      ])
    }

    attachApmSampled(spans, (apmTraceId, spanIds) => hostPriorities.all(apmTraceId, JSON.stringify(spanIds)))

    for (const span of spans) if (span.evaluations.length > 1) span.evaluations.sort(byTime)
    for (const level of traceLevel.values()) level.sort(byTime)
    return traceLevel
  }
}

/**
 * `apmSampled` from each span's host APM span (same span id, in the span's APM trace): looked up
 * here, at query time, so it is right whichever of the LLMObs event and the APM span came first.
 */
function attachApmSampled(
  spans: readonly SpanView[],
  lookup: (
    apmTraceId: string,
    spanIds: string[],
  ) => Array<{ span_id: string; sampling_priority: number | null }>,
): void {
  const byApmTrace = new Map<string, Map<string, SpanView[]>>()
  for (const span of spans) {
    if (span.apmTraceId === null) continue
    let bySpanId = byApmTrace.get(span.apmTraceId)
    if (bySpanId === undefined) byApmTrace.set(span.apmTraceId, (bySpanId = new Map()))
    const same = bySpanId.get(span.spanId)
    if (same === undefined) bySpanId.set(span.spanId, [span])
    else same.push(span)
  }
  for (const [apmTraceId, bySpanId] of byApmTrace) {
    for (const host of lookup(apmTraceId, [...bySpanId.keys()])) {
      const sampled = host.sampling_priority === null ? null : host.sampling_priority > 0
      for (const span of bySpanId.get(host.span_id) ?? []) span.apmSampled = sampled
    }
  }
}

function attachTagJoins(
  spans: readonly SpanView[],
  lookup: (key: string, value: string) => EvaluationRow[],
): void {
  const carriers = new Map<string, SpanView[]>()
  for (const span of spans) {
    for (const tag of span.tags) {
      const list = carriers.get(tag)
      if (list === undefined) carriers.set(tag, [span])
      else list.push(span)
    }
  }
  for (const [tag, list] of carriers) {
    const colon = tag.indexOf(':')
    if (colon <= 0) continue
    for (const row of lookup(tag.slice(0, colon), tag.slice(colon + 1))) {
      for (const span of list) span.evaluations.push(toEvaluationView(row))
    }
  }
}

function byTime(a: EvaluationView, b: EvaluationView): number {
  return a.timestampMs - b.timestampMs || a.id - b.id
}
