import type { Database } from 'better-sqlite3'
import type { SessionQuery } from '../store.js'
import type { SessionDetail, SessionList } from '../views.js'
import { decodeCursor, encodeCursor } from './cursor.js'
import type { EvaluationRow, SessionRow } from './rows.js'
import { toEvaluationView, toSessionSummary, toTraceSummary } from './rows.js'
import { createStatementCache } from './statement-cache.js'
import type { TraceRow } from './trace-rollup.js'

/** The most traces a session detail lists (newest first). */
const SESSION_TRACE_LIMIT = 1000

/** Sessions, most recently active first, and one session with its traces and session feedback. */
export function createSessionReader(db: Database) {
  const statement = createStatementCache(db)
  const sessionById = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE session_id = ?')
  const tracesOfSession = db.prepare<[string, number], TraceRow>(
    'SELECT * FROM traces WHERE session_id = ? ORDER BY start_ns DESC, trace_id DESC LIMIT ?',
  )
  const feedbackOfSession = db.prepare<[string], EvaluationRow>(
    'SELECT * FROM evaluations WHERE session_id = ? ORDER BY timestamp_ms, id',
  )

  function listSessions(query: SessionQuery): SessionList {
    const where: string[] = []
    const params: unknown[] = []
    if (query.mlApp !== undefined) {
      where.push('ml_app = ?')
      params.push(query.mlApp)
    }
    if (query.cursor !== undefined) {
      const key = decodeCursor(query.cursor)
      if (key === undefined) return { sessions: [], nextCursor: null }
      where.push('(last_seen_ns, session_id) < (?, ?)')
      params.push(key.ns, key.id)
    }
    const sql = `SELECT *, last_seen_ns || ':' || session_id AS cursor FROM sessions
      ${where.length > 0 ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY last_seen_ns DESC, session_id DESC LIMIT ?`
    const rows = statement<SessionRow & { cursor: string }>(sql).all(...params, query.limit + 1)
    const more = rows.length > query.limit
    const page = more ? rows.slice(0, query.limit) : rows
    const last = page[page.length - 1]
    return {
      sessions: page.map(toSessionSummary),
      nextCursor: more && last !== undefined ? encodeCursor(last.cursor) : null,
    }
  }

  function getSession(sessionId: string): SessionDetail | undefined {
    const row = sessionById.get(sessionId)
    if (row === undefined) return undefined
    return {
      session: toSessionSummary(row),
      traces: tracesOfSession.all(sessionId, SESSION_TRACE_LIMIT).map(toTraceSummary),
      evaluations: feedbackOfSession.all(sessionId).map(toEvaluationView),
    }
  }

  return { listSessions, getSession }
}
