import type { Database } from 'better-sqlite3'
import type { EvaluationQuery } from '../store.js'
import type { EvaluationView, SpanView } from '../views.js'
import type { EvaluationRow, LlmSpanRow } from './rows.js'
import { SPAN_COLUMNS, toEvaluationView, toSpanView } from './rows.js'
import type { createSpanDecorator } from './span-decorator.js'

type Decorate = ReturnType<typeof createSpanDecorator>

/**
 * Evaluation listing. Scoped to a trace or a span, it returns everything joined to it — by span, by
 * trace, and by tag through the spans that carry the tag — even when the evaluation arrived before
 * its span. Newest first.
 */
export function createEvaluationReader(db: Database, decorate: Decorate) {
  const spansOfTrace = db.prepare<[string], LlmSpanRow>(
    `SELECT ${SPAN_COLUMNS} FROM llm_spans WHERE trace_id = ?`,
  )
  const spansById = db.prepare<[string], LlmSpanRow>(
    `SELECT ${SPAN_COLUMNS} FROM llm_spans WHERE span_id = ?`,
  )
  const byTrace = db.prepare<[string], EvaluationRow>('SELECT * FROM evaluations WHERE trace_id = ?')
  const bySpan = db.prepare<[string], EvaluationRow>('SELECT * FROM evaluations WHERE span_id = ?')
  const latest = db.prepare<[number], EvaluationRow>(
    'SELECT * FROM evaluations ORDER BY timestamp_ms DESC, id DESC LIMIT ?',
  )
  const latestOfLabel = db.prepare<[string, number], EvaluationRow>(
    'SELECT * FROM evaluations WHERE label = ? ORDER BY timestamp_ms DESC, id DESC LIMIT ?',
  )

  return function listEvaluations(query: EvaluationQuery): EvaluationView[] {
    if (query.traceId === undefined && query.spanId === undefined) {
      const rows =
        query.label === undefined ? latest.all(query.limit) : latestOfLabel.all(query.label, query.limit)
      return rows.map(toEvaluationView)
    }
    const found = new Map<number, EvaluationView>()
    const keep = (view: EvaluationView): void => {
      if (query.label === undefined || view.label === query.label) found.set(view.id, view)
    }
    let spans: SpanView[]
    if (query.traceId !== undefined) {
      spans = spansOfTrace.all(query.traceId).map(toSpanView)
      if (query.spanId !== undefined) spans = spans.filter((s) => s.spanId === query.spanId)
    } else {
      spans = spansById.all(query.spanId as string).map(toSpanView)
    }
    const traceLevel = decorate(spans)
    for (const span of spans) for (const view of span.evaluations) keep(view)
    if (query.spanId === undefined)
      for (const list of traceLevel.values()) for (const view of list) keep(view)

    // Evaluations whose span has not arrived (yet) are still found by their own join keys.
    const direct =
      query.traceId !== undefined ? byTrace.all(query.traceId) : bySpan.all(query.spanId as string)
    for (const row of direct) {
      if (query.spanId !== undefined && row.span_id !== query.spanId) continue
      if (!found.has(row.id)) keep(toEvaluationView(row))
    }
    return [...found.values()]
      .sort((a, b) => b.timestampMs - a.timestampMs || b.id - a.id)
      .slice(0, query.limit)
  }
}
