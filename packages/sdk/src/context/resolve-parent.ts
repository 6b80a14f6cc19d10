import { traceIdToHex32 } from '@llmobs/protocol'
import { isRecord, type Report } from '../internal/report.js'
import { LiveSpan } from '../span/live-span.js'
import type { ContextSnapshot } from './context-snapshot.js'
import { fromPlainContext } from './plain-context.js'

/**
 * The snapshot an explicit `parent` option stands for: a local span's own snapshot, or one built
 * from an exported span / captured plain context. A parent without `apmTraceId` (a bare
 * `{ spanId, traceId }`) gives its children its LLMObs trace id as APM trace id, so siblings stay
 * in one APM trace. Undefined (after a report) when the parent is unusable.
 */
export function resolveParent(parent: unknown, report: Report): ContextSnapshot | undefined {
  if (parent instanceof LiveSpan) return parent.context
  if (!isRecord(parent)) {
    report(
      'invalid_parent',
      'parent must be a span, or { spanId, traceId } from llmobs.exportSpan(); it was ignored.',
    )
    return undefined
  }
  // Trace ids travel in decimal across processes (`_dd.p.llmobs_trace_id`); accept both forms.
  const traceId =
    typeof parent.traceId === 'string' ? (traceIdToHex32(parent.traceId) ?? parent.traceId) : parent.traceId
  const apmTraceId =
    typeof parent.apmTraceId === 'string'
      ? (traceIdToHex32(parent.apmTraceId) ?? parent.apmTraceId)
      : parent.apmTraceId
  const { snapshot, problems } = fromPlainContext({ ...parent, traceId, apmTraceId })
  if (problems.length > 0 || snapshot.spanId === undefined || snapshot.traceId === undefined) {
    const details = problems.length > 0 ? problems.join('; ') : 'spanId and traceId are required'
    report(
      'invalid_parent',
      `parent is not a usable span reference (${details}); pass a span or llmobs.exportSpan(span). It was ignored.`,
    )
    return undefined
  }
  if (snapshot.apmTraceId !== undefined) return snapshot
  return Object.freeze({ ...snapshot, apmTraceId: snapshot.traceId })
}
