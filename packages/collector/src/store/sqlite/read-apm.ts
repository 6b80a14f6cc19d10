import type { Database } from 'better-sqlite3'
import type { ApmTraceDetail } from '../views.js'
import type { ApmSpanRow, LlmSpanRow } from './rows.js'
import { SPAN_COLUMNS, toApmSpanView, toSpanView } from './rows.js'
import type { createSpanDecorator } from './span-decorator.js'

type Decorate = ReturnType<typeof createSpanDecorator>

/** One APM trace: its APM spans, and the LLMObs spans recorded inside it, so a viewer can nest them. */
export function createApmReader(db: Database, decorate: Decorate) {
  const apmSpans = db.prepare<[string], ApmSpanRow>(
    `SELECT trace_id, span_id, start_ns, sampling_priority, span FROM apm_spans WHERE trace_id = ?
      ORDER BY start_ns, id`,
  )
  const llmSpans = db.prepare<[string], LlmSpanRow>(
    `SELECT ${SPAN_COLUMNS} FROM llm_spans WHERE apm_trace_id = ? ORDER BY start_ns, id`,
  )

  return function getApmTrace(traceId: string): ApmTraceDetail | undefined {
    const spans = apmSpans.all(traceId).map(toApmSpanView)
    const llm = llmSpans.all(traceId).map(toSpanView)
    if (spans.length === 0 && llm.length === 0) return undefined
    decorate(llm)
    return { traceId, spans, llmSpans: llm }
  }
}
