import type { ContextSnapshot } from './context-snapshot.js'
import { fromPropagationContext } from './header-context.js'
import { fromPlainContext } from './plain-context.js'
import { extractPropagation } from './propagation/extract.js'
import type { PropagationContext } from './propagation/propagation-context.js'

/** The slice of the official `dd-trace` tracer's public API read here (no dependency on the package). */
interface HostTracer {
  scope(): { active(): unknown }
  inject(span: unknown, format: 'text_map', carrier: Record<string, string>): void
}

/**
 * When the app runs the official `dd-trace` tracer, the context of its active span, so an llmobs span
 * started under it joins that APM trace: the same 128-bit trace id, the dd-trace span as APM parent and
 * the host's sampling priority (never re-decided here). Read through dd-trace's public API: its
 * `inject()` into a carrier, then llmobs' own extraction, checked against the span context's
 * `toTraceparent()`. Undefined without dd-trace or an active span; never throws (a host tracer that
 * misbehaves is simply not joined).
 */
export function hostTracerContext(): ContextSnapshot | undefined {
  const tracer = (globalThis as { _ddtrace?: unknown })._ddtrace
  if (tracer === undefined || tracer === null) return undefined
  try {
    const host = tracer as HostTracer
    const span = host.scope().active()
    if (span === null || span === undefined) return undefined
    const carrier: Record<string, string> = {}
    // Also makes dd-trace decide the trace's sampling priority now, as before any propagation.
    host.inject(span, 'text_map', carrier)
    const context = joinContext(extractPropagation(carrier).context, traceparentOf(span))
    if (context === undefined) return undefined
    return fromPlainContext(fromPropagationContext(context)).snapshot
  } catch {
    return undefined
  }
}

/**
 * What `inject()` writes follows the app's propagation style, so it may say nothing llmobs reads
 * (`DD_TRACE_PROPAGATION_STYLE_INJECT=b3multi` or `none`) or lose the trace id's high half
 * (Datadog headers only, with `x-datadog-tags` dropped: over `DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH`,
 * 512 bytes by default). The span context's own traceparent (public: dd-trace builds DBM comments
 * from it) always names the 128-bit trace id and the span, so its ids win; headers naming the same
 * span add the exact priority, decision maker, origin and tags. Without such headers only the
 * traceparent's sampled flag is known: priority 1 or 0, the host's decision with its sign, not its
 * exact value (a USER_REJECT -1 reads 0; either way the chunk is rescued, never kept).
 */
function joinContext(
  headers: PropagationContext | undefined,
  traceparent: string | undefined,
): PropagationContext | undefined {
  const own = traceparent === undefined ? undefined : extractPropagation({ traceparent }).context
  if (own === undefined) return headers
  const sameSpan =
    headers !== undefined &&
    headers.parentSpanId === own.parentSpanId &&
    headers.apmTraceId.slice(16) === own.apmTraceId.slice(16)
  return sameSpan ? { ...headers, apmTraceId: own.apmTraceId } : own
}

function traceparentOf(span: unknown): string | undefined {
  const context = (span as { context?: () => { toTraceparent?: () => unknown } }).context?.()
  const traceparent = context?.toTraceparent?.()
  return typeof traceparent === 'string' ? traceparent : undefined
}
