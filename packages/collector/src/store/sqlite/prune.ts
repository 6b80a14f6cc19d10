import type { Database } from 'better-sqlite3'
import type { PruneSummary, RetentionPolicy } from '../store.js'

interface Boundary {
  start_ns: bigint
  trace_id: string
}

/**
 * Retention: removes whole traces (spans, links, evaluations joined to them, and the summary row) so
 * no trace is ever left half-pruned. By age: traces that ended before `now - maxAgeMs`, APM spans and
 * evaluations older than that. By size: the oldest traces until at most `maxSpans` LLM spans remain,
 * and the oldest APM spans beyond `maxSpans`. One transaction.
 */
export function createPruner(db: Database): (policy: RetentionPolicy, nowMs: number) => PruneSummary {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS prune_traces (trace_id TEXT PRIMARY KEY) WITHOUT ROWID')
  const clear = db.prepare('DELETE FROM temp.prune_traces')
  const markOld = db.prepare(
    'INSERT OR IGNORE INTO temp.prune_traces SELECT trace_id FROM traces WHERE end_ns < ?',
  )
  const spanTotal = db.prepare('SELECT coalesce(sum(span_count), 0) FROM traces').pluck()
  const boundary = db
    .prepare<[number], Boundary>(
      `SELECT start_ns, trace_id FROM (SELECT start_ns, trace_id,
        sum(span_count) OVER (ORDER BY start_ns DESC, trace_id DESC ROWS UNBOUNDED PRECEDING) AS kept
        FROM traces) WHERE kept > ? ORDER BY start_ns DESC, trace_id DESC LIMIT 1`,
    )
    .safeIntegers(true)
  const markBeyond = db.prepare(
    'INSERT OR IGNORE INTO temp.prune_traces SELECT trace_id FROM traces WHERE (start_ns, trace_id) <= (?, ?)',
  )
  const affectedSessions = db
    .prepare(
      `SELECT DISTINCT session_id FROM traces
       WHERE trace_id IN (SELECT trace_id FROM temp.prune_traces) AND session_id IS NOT NULL`,
    )
    .pluck()
  const inPruned = 'trace_id IN (SELECT trace_id FROM temp.prune_traces)'
  const deleteSpans = db.prepare(`DELETE FROM llm_spans WHERE ${inPruned}`)
  const deleteLinks = db.prepare(`DELETE FROM span_links WHERE ${inPruned}`)
  const deleteJoinedEvaluations = db.prepare(`DELETE FROM evaluations WHERE ${inPruned}`)
  const deleteTraces = db.prepare(`DELETE FROM traces WHERE ${inPruned}`)
  const recountSession = db.prepare(`UPDATE sessions SET
      trace_count = (SELECT count(*) FROM traces WHERE session_id = @id),
      span_count = (SELECT coalesce(sum(span_count), 0) FROM traces WHERE session_id = @id),
      first_seen_ns = coalesce((SELECT min(start_ns) FROM traces WHERE session_id = @id), first_seen_ns)
    WHERE session_id = @id`)
  const deleteEmptySession = db.prepare('DELETE FROM sessions WHERE session_id = ? AND trace_count = 0')
  const deleteOldSessions = db.prepare('DELETE FROM sessions WHERE last_seen_ns < ?')
  const deleteOldApm = db.prepare('DELETE FROM apm_spans WHERE start_ns < ?')
  const deleteOldEvaluations = db.prepare('DELETE FROM evaluations WHERE timestamp_ms < ?')
  const apmTotal = db.prepare('SELECT count(*) FROM apm_spans').pluck()
  const deleteOldestApm = db.prepare(
    'DELETE FROM apm_spans WHERE id IN (SELECT id FROM apm_spans ORDER BY start_ns, id LIMIT ?)',
  )

  const prune = (policy: RetentionPolicy, nowMs: number): PruneSummary => {
    const summary: PruneSummary = { traces: 0, llmSpans: 0, apmSpans: 0, evaluations: 0 }
    clear.run()
    let cutoffNs: bigint | undefined
    if (policy.maxAgeMs !== undefined) {
      cutoffNs = BigInt(Math.trunc(nowMs - policy.maxAgeMs)) * 1_000_000n
      markOld.run(cutoffNs)
      summary.apmSpans += deleteOldApm.run(cutoffNs).changes
      summary.evaluations += deleteOldEvaluations.run(Math.trunc(nowMs - policy.maxAgeMs)).changes
    }
    if (policy.maxSpans !== undefined) {
      if ((spanTotal.get() as number) > policy.maxSpans) {
        const edge = boundary.get(policy.maxSpans)
        if (edge !== undefined) markBeyond.run(edge.start_ns, edge.trace_id)
      }
      const apmExcess = (apmTotal.get() as number) - policy.maxSpans
      if (apmExcess > 0) summary.apmSpans += deleteOldestApm.run(apmExcess).changes
    }
    const sessions = affectedSessions.all() as string[]
    summary.llmSpans += deleteSpans.run().changes
    deleteLinks.run()
    summary.evaluations += deleteJoinedEvaluations.run().changes
    summary.traces += deleteTraces.run().changes
    for (const id of sessions) {
      recountSession.run({ id })
      deleteEmptySession.run(id)
    }
    if (cutoffNs !== undefined) deleteOldSessions.run(cutoffNs)
    clear.run()
    return summary
  }
  const transaction = db.transaction(prune)
  return (policy, nowMs) => transaction.immediate(policy, nowMs)
}
