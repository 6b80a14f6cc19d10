import { traceIdToHex32 } from '@llmobs/protocol'
import { isRecord, type Report } from '../internal/report.js'
import { LiveSpan } from '../span/live-span.js'
import { NOOP_SPAN } from '../span/noop-span.js'
import type { ContextSnapshot } from './context-snapshot.js'
import { fromPlainContext } from './plain-context.js'

/** What the caller wants restored, for messages: `withContext()`, `parent`, ... */
export interface RestoreTarget {
  /** The name the user knows the value by, e.g. `withContext(ctx, fn): ctx`. */
  readonly what: string
  /** What happens when the value is unusable, e.g. `fn ran without it`. */
  readonly outcome: string
  /** The diagnostic code, e.g. `invalid_parent`. */
  readonly code: string
}

/**
 * The snapshot a user-supplied context stands for: a span handle (ended or not), an exported span
 * `{ spanId, traceId }`, or a plain context from `captureContext()` / `extract()`, with trace ids
 * in hex or decimal (they travel in decimal across processes). A `{ spanId, traceId }` without
 * `apmTraceId` gives its children the LLMObs trace id as APM trace id, so siblings stay in one APM
 * trace. Fields of the wrong shape are reported and left out; a context that names nothing usable
 * (or a span id without its trace) is reported and undefined. A no-op span is undefined, silently.
 */
export function restoreContext(
  value: unknown,
  report: Report,
  target: RestoreTarget,
): ContextSnapshot | undefined {
  if (value instanceof LiveSpan) return value.context
  if (value === NOOP_SPAN) return undefined
  if (!isRecord(value)) {
    report(
      target.code,
      `${target.what} must be a span, llmobs.exportSpan(span), llmobs.captureContext() or llmobs.extract(headers), got ${value === null ? 'null' : typeof value}; ${target.outcome}.`,
    )
    return undefined
  }
  const { snapshot, problems } = fromPlainContext({
    ...value,
    traceId: hexTraceId(value.traceId),
    apmTraceId: hexTraceId(value.apmTraceId),
  })
  if (snapshot.spanId !== undefined && snapshot.traceId === undefined) {
    report(
      target.code,
      `${target.what} has a spanId but no valid traceId${problems.length > 0 ? ` (${problems.join('; ')})` : ''}: a parent without its trace cannot be continued; ${target.outcome}.`,
    )
    return undefined
  }
  if (snapshot.traceId === undefined && snapshot.apmTraceId === undefined) {
    const details = problems.length > 0 ? problems.join('; ') : 'it names no span and no trace'
    report(
      target.code,
      `${target.what} is not a usable context (${details}); pass a span, llmobs.exportSpan(span) or llmobs.captureContext(). ${capitalize(target.outcome)}.`,
    )
    return undefined
  }
  if (problems.length > 0) {
    report(
      target.code,
      `${target.what}: ${problems.join('; ')}; those fields were ignored, the rest of the context was used.`,
    )
  }
  if (snapshot.apmTraceId !== undefined || snapshot.spanId === undefined) return snapshot
  return Object.freeze({ ...snapshot, apmTraceId: snapshot.traceId })
}

function hexTraceId(value: unknown): unknown {
  return typeof value === 'string' ? (traceIdToHex32(value) ?? value) : value
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
