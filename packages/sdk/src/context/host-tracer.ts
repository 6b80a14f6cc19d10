import type { ContextSnapshot } from './context-snapshot.js'
import { fromPropagationContext } from './header-context.js'
import { fromPlainContext } from './plain-context.js'
import { extractPropagation } from './propagation/extract.js'

/** The slice of the official `dd-trace` tracer's public API read here (no dependency on the package). */
interface HostTracer {
  scope(): { active(): unknown }
  inject(span: unknown, format: 'text_map', carrier: Record<string, string>): void
}

/**
 * When the app runs the official `dd-trace` tracer, the context of its active span, so an llmobs span
 * started under it joins that APM trace: the same 128-bit trace id, the dd-trace span as APM parent and
 * the host's sampling priority (never re-decided here). Read through dd-trace's public API: its
 * `inject()` into a carrier, then llmobs' own extraction. Undefined without dd-trace or an active span;
 * never throws (a host tracer that misbehaves is simply not joined).
 */
export function hostTracerContext(): ContextSnapshot | undefined {
  const tracer = (globalThis as { _ddtrace?: unknown })._ddtrace
  if (tracer === undefined || tracer === null) return undefined
  try {
    const host = tracer as HostTracer
    const span = host.scope().active()
    if (span === null || span === undefined) return undefined
    const carrier: Record<string, string> = {}
    host.inject(span, 'text_map', carrier)
    const { context } = extractPropagation(carrier)
    if (context === undefined) return undefined
    return fromPlainContext(fromPropagationContext(context)).snapshot
  } catch {
    return undefined
  }
}
