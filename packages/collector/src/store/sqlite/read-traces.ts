import type { Database } from 'better-sqlite3'
import type { TraceQuery } from '../store.js'
import type { SpanView, TraceDetail, TraceList } from '../views.js'
import { decodeCursor, encodeCursor } from './cursor.js'
import type { LlmSpanRow } from './rows.js'
import { SPAN_COLUMNS, toSpanView, toTraceSummary } from './rows.js'
import type { createSpanDecorator } from './span-decorator.js'
import { createStatementCache } from './statement-cache.js'
import type { TraceRow } from './trace-rollup.js'

type Decorate = ReturnType<typeof createSpanDecorator>

/** `LIKE` pattern matching `text` anywhere, with the wildcards in `text` taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => '\\' + c)}%`
}

/** Trace listing (from the `traces` summary table) and trace / span detail. */
export function createTraceReader(db: Database, decorate: Decorate) {
  const statement = createStatementCache(db)
  const spansOfTrace = db.prepare<[string], LlmSpanRow>(
    `SELECT ${SPAN_COLUMNS} FROM llm_spans WHERE trace_id = ? ORDER BY start_ns, id`,
  )
  const spanById = db.prepare<[string], LlmSpanRow>(
    `SELECT ${SPAN_COLUMNS} FROM llm_spans WHERE span_id = ? LIMIT 1`,
  )

  function listTraces(query: TraceQuery): TraceList {
    const where: string[] = []
    const params: unknown[] = []
    const add = (clause: string, ...values: unknown[]): void => {
      where.push(clause)
      params.push(...values)
    }
    if (query.mlApp !== undefined) add('ml_app = ?', query.mlApp)
    if (query.sessionId !== undefined) add('session_id = ?', query.sessionId)
    if (query.kind !== undefined) add('kind = ?', query.kind)
    if (query.error !== undefined) add(query.error ? 'error_count > 0' : 'error_count = 0')
    if (query.sinceNs !== undefined) add('start_ns >= ?', BigInt(Math.trunc(query.sinceNs)))
    if (query.untilNs !== undefined) add('start_ns <= ?', BigInt(Math.trunc(query.untilNs)))
    if (query.q !== undefined && query.q !== '') {
      const like = containsPattern(query.q)
      add(
        `(name LIKE ? ESCAPE '\\' OR trace_id = ? OR EXISTS (SELECT 1 FROM llm_spans s WHERE s.trace_id = traces.trace_id
          AND (s.name LIKE ? ESCAPE '\\' OR s.span_id = ? OR s.meta LIKE ? ESCAPE '\\')))`,
        like,
        query.q,
        like,
        query.q,
        like,
      )
    }
    if (query.cursor !== undefined) {
      const key = decodeCursor(query.cursor)
      if (key === undefined) return { traces: [], nextCursor: null }
      add('(start_ns, trace_id) < (?, ?)', key.ns, key.id)
    }
    const sql = `SELECT *, start_ns || ':' || trace_id AS cursor FROM traces
      ${where.length > 0 ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY start_ns DESC, trace_id DESC LIMIT ?`
    const rows = statement<TraceRow & { cursor: string }>(sql).all(...params, query.limit + 1)
    const more = rows.length > query.limit
    const page = more ? rows.slice(0, query.limit) : rows
    const last = page[page.length - 1]
    return {
      traces: page.map(toTraceSummary),
      nextCursor: more && last !== undefined ? encodeCursor(last.cursor) : null,
    }
  }

  function getTrace(traceId: string): TraceDetail | undefined {
    const spans = spansOfTrace.all(traceId).map(toSpanView)
    if (spans.length === 0) return undefined
    const traceLevel = decorate(spans)
    return { traceId, spans, evaluations: traceLevel.get(traceId) ?? [] }
  }

  function getSpan(spanId: string): SpanView | undefined {
    const row = spanById.get(spanId)
    if (row === undefined) return undefined
    const span = toSpanView(row)
    decorate([span])
    return span
  }

  return { listTraces, getTrace, getSpan }
}
