import type { LlmSpanInput } from '../store.js'

/** A `traces` row: the per-trace summary maintained on ingest. */
export interface TraceRow {
  trace_id: string
  name: string
  kind: string
  root_span_id: string | null
  ml_app: string | null
  session_id: string | null
  start_ns: number
  end_ns: number
  span_count: number
  error_count: number
}

/** What one batch adds to a trace. */
export interface TraceDelta {
  traceId: string
  startNs: number
  endNs: number
  count: number
  errors: number
  root: LlmSpanInput | null
  earliest: LlmSpanInput
  mlApp: string | null
  sessionId: string | null
}

/** What one batch adds to a session. */
export interface SessionDelta {
  sessionId: string
  mlApp: string | null
  firstNs: number
  lastNs: number
  traces: number
  spans: number
}

/** Folds a newly inserted span into the batch's per-trace deltas. */
export function addSpanToTraces(deltas: Map<string, TraceDelta>, span: LlmSpanInput): void {
  const end = span.startNs + span.durationNs
  const error = span.status === 'error' ? 1 : 0
  const delta = deltas.get(span.traceId)
  if (delta === undefined) {
    deltas.set(span.traceId, {
      traceId: span.traceId,
      startNs: span.startNs,
      endNs: end,
      count: 1,
      errors: error,
      root: span.parentId === null ? span : null,
      earliest: span,
      mlApp: span.mlApp,
      sessionId: span.sessionId,
    })
    return
  }
  delta.startNs = Math.min(delta.startNs, span.startNs)
  delta.endNs = Math.max(delta.endNs, end)
  delta.count++
  delta.errors += error
  if (span.parentId === null && delta.root === null) delta.root = span
  if (span.startNs < delta.earliest.startNs) delta.earliest = span
  delta.mlApp ??= span.mlApp
  delta.sessionId ??= span.sessionId
}

/** Folds a newly inserted span into the batch's per-session deltas. */
export function addSpanToSessions(deltas: Map<string, SessionDelta>, span: LlmSpanInput): void {
  if (span.sessionId === null) return
  const end = span.startNs + span.durationNs
  const delta = deltas.get(span.sessionId)
  if (delta === undefined) {
    deltas.set(span.sessionId, {
      sessionId: span.sessionId,
      mlApp: span.mlApp,
      firstNs: span.startNs,
      lastNs: end,
      traces: 0,
      spans: 1,
    })
    return
  }
  delta.firstNs = Math.min(delta.firstNs, span.startNs)
  delta.lastNs = Math.max(delta.lastNs, end)
  delta.spans++
  delta.mlApp ??= span.mlApp
}

/**
 * The trace row after a batch. The trace is named after its root once the root has arrived (spans of
 * one trace come in several requests, children usually first), and after its earliest span until then.
 * The first ml_app and session id seen stay: a trace never moves between sessions.
 */
export function mergeTrace(existing: TraceRow | undefined, delta: TraceDelta): TraceRow {
  const root = existing?.root_span_id == null ? delta.root : null
  let named: { name: string; kind: string }
  if (existing?.root_span_id != null) named = existing
  else if (root !== null) named = root
  else if (existing !== undefined && existing.start_ns <= delta.earliest.startNs) named = existing
  else named = delta.earliest
  return {
    trace_id: delta.traceId,
    name: named.name,
    kind: named.kind,
    root_span_id: existing?.root_span_id ?? root?.spanId ?? null,
    ml_app: existing?.ml_app ?? root?.mlApp ?? delta.mlApp,
    session_id: existing?.session_id ?? root?.sessionId ?? delta.sessionId,
    start_ns: existing === undefined ? delta.startNs : Math.min(existing.start_ns, delta.startNs),
    end_ns: existing === undefined ? delta.endNs : Math.max(existing.end_ns, delta.endNs),
    span_count: (existing?.span_count ?? 0) + delta.count,
    error_count: (existing?.error_count ?? 0) + delta.errors,
  }
}
