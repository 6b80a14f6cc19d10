import type { Database } from 'better-sqlite3'
import type { WriteBatch, WriteSummary } from '../store.js'
import type { SessionDelta, TraceDelta, TraceRow } from './trace-rollup.js'
import { addSpanToSessions, addSpanToTraces, mergeTrace } from './trace-rollup.js'
import { LLM_SPAN_COLUMNS, llmSpanValues } from './llm-span-columns.js'

/**
 * Prepares the statements of the write path once and returns the function that writes one request's
 * batch in one IMMEDIATE transaction: it returns only after COMMIT, and on any error nothing of the
 * batch remains. Duplicates (`ON CONFLICT ... DO NOTHING` on the unique keys only: any other
 * constraint failure still aborts the batch) leave the stored rows untouched (but for a missing APM
 * trace id, see `WriteCount.duplicates`),
 * and only newly inserted spans count towards trace and session summaries.
 */
export function createBatchWriter(db: Database): (batch: WriteBatch, nowMs: number) => WriteSummary {
  const insertLlm = db.prepare(`INSERT INTO llm_spans (${LLM_SPAN_COLUMNS.join(', ')}, received_ms)
    VALUES (${LLM_SPAN_COLUMNS.map(() => '?').join(', ')}, ?)
    ON CONFLICT (trace_id, span_id) DO NOTHING`)
  const insertLink = db.prepare(`INSERT INTO span_links (trace_id, span_id, link_trace_id, link_span_id,
    from_side, to_side) VALUES (?, ?, ?, ?, ?, ?)`)
  const selectTrace = db.prepare<[string], TraceRow>('SELECT * FROM traces WHERE trace_id = ?')
  const upsertTrace = db.prepare(`INSERT OR REPLACE INTO traces (trace_id, name, kind, root_span_id, ml_app,
    session_id, start_ns, end_ns, span_count, error_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const upsertSession = db.prepare(`INSERT INTO sessions (session_id, ml_app, first_seen_ns, last_seen_ns,
    trace_count, span_count) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (session_id) DO UPDATE SET
      ml_app = coalesce(sessions.ml_app, excluded.ml_app),
      first_seen_ns = min(sessions.first_seen_ns, excluded.first_seen_ns),
      last_seen_ns = max(sessions.last_seen_ns, excluded.last_seen_ns),
      trace_count = sessions.trace_count + excluded.trace_count,
      span_count = sessions.span_count + excluded.span_count`)
  // The same span can come through both channels (EVP and meta_struct): the first copy stays, but if
  // it did not name its APM trace, the later one's joins it to it.
  const joinApmTrace = db.prepare(`UPDATE llm_spans SET apm_trace_id = ?
    WHERE trace_id = ? AND span_id = ? AND apm_trace_id IS NULL`)
  const insertApm = db.prepare(`INSERT INTO apm_spans (trace_id, span_id, start_ns, sampling_priority, span,
    received_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (trace_id, span_id) DO NOTHING`)
  const insertEvaluation = db.prepare(`INSERT INTO evaluations (dedupe_key, kind, label,
    metric_type, value, numeric_value, span_id, trace_id, tag_key, tag_value, session_id, feedback_join_key,
    ml_app, timestamp_ms, tags, reasoning, assessment, metadata, submitter, received_ms)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (dedupe_key) DO NOTHING`)

  const write = (batch: WriteBatch, nowMs: number): WriteSummary => {
    const summary: WriteSummary = {
      llmSpans: { inserted: 0, duplicates: 0 },
      apmSpans: { inserted: 0, duplicates: 0 },
      evaluations: { inserted: 0, duplicates: 0 },
    }
    const traces = new Map<string, TraceDelta>()
    const sessions = new Map<string, SessionDelta>()

    for (const s of batch.llmSpans) {
      const row = llmSpanValues(s)
      row.push(nowMs)
      const { changes } = insertLlm.run(row)
      if (changes === 0) {
        summary.llmSpans.duplicates++
        if (s.apmTraceId !== null) joinApmTrace.run(s.apmTraceId, s.traceId, s.spanId)
        continue
      }
      summary.llmSpans.inserted++
      for (const link of s.links) {
        insertLink.run(s.traceId, s.spanId, link.traceId, link.spanId, link.from, link.to)
      }
      addSpanToTraces(traces, s)
      addSpanToSessions(sessions, s)
    }

    for (const delta of traces.values()) {
      const existing = selectTrace.get(delta.traceId)
      const row = mergeTrace(existing, delta)
      upsertTrace.run(
        row.trace_id,
        row.name,
        row.kind,
        row.root_span_id,
        row.ml_app,
        row.session_id,
        row.start_ns,
        row.end_ns,
        row.span_count,
        row.error_count,
      )
      // A trace counts towards a session once, when it first gets that session id.
      if (row.session_id !== null && existing?.session_id == null) {
        const session = sessions.get(row.session_id)
        if (session !== undefined) session.traces++
      }
    }
    for (const d of sessions.values()) {
      upsertSession.run(d.sessionId, d.mlApp, d.firstNs, d.lastNs, d.traces, d.spans)
    }

    for (const a of batch.apmSpans) {
      const { changes } = insertApm.run(a.traceId, a.spanId, a.startNs, a.samplingPriority, a.spanJson, nowMs)
      if (changes === 0) summary.apmSpans.duplicates++
      else summary.apmSpans.inserted++
    }

    for (const e of batch.evaluations) {
      const { changes } = insertEvaluation.run(
        e.dedupeKey,
        e.kind,
        e.label,
        e.metricType,
        e.valueJson,
        e.numericValue,
        e.join.spanId,
        e.join.traceId,
        e.join.tagKey,
        e.join.tagValue,
        e.join.sessionId,
        e.join.feedbackJoinKey,
        e.mlApp,
        e.timestampMs,
        e.tagsJson,
        e.reasoning,
        e.assessment,
        e.metadataJson,
        e.submitterJson,
        nowMs,
      )
      if (changes === 0) summary.evaluations.duplicates++
      else summary.evaluations.inserted++
    }
    return summary
  }

  const transaction = db.transaction(write)
  return (batch, nowMs) => transaction.immediate(batch, nowMs)
}
