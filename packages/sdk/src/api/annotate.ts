import type { Annotation } from '../annotation/annotation.js'
import { describeType } from '../internal/report.js'
import type { Runtime } from '../runtime.js'
import { LiveSpan } from '../span/live-span.js'
import { NOOP_SPAN } from '../span/noop-span.js'

/**
 * `llmobs.annotate()` on an initialised instance: the span given first, or the active one. Without a
 * span it refuses, with the fix in the message, when there is nothing local to annotate: no context,
 * a context restored from elsewhere (its span lives in another thread or process), or an active span
 * that already ended (code that outlived its span, such as a background task).
 */
export function annotateWithRuntime(runtime: Runtime, args: readonly unknown[]): void {
  let span: unknown
  let annotation: unknown
  if (args.length >= 2) {
    ;[span, annotation] = args
  } else {
    annotation = args[0]
    const active = runtime.storage.active()
    const activeSpan = active?.span
    if (activeSpan === undefined) {
      runtime.reportMisuse(
        'no_active_span',
        active === undefined
          ? 'annotate() found no active span; pass the span explicitly: llmobs.annotate(span, { ... }). The annotation was dropped.'
          : 'annotate() found no local span: the active context was restored from another thread, process or captured context, whose span cannot be annotated here; annotate a span started here, or pass one explicitly: llmobs.annotate(span, { ... }). The annotation was dropped.',
      )
      return
    }
    if (activeSpan.ended) {
      runtime.reportMisuse(
        'annotate_ended_span',
        `annotate() with no span: the active span '${activeSpan.name}' has already ended (this code outlived it, e.g. a background task); pass the span explicitly: llmobs.annotate(span, { ... }), with a span that is still open. The annotation was dropped.`,
      )
      return
    }
    span = activeSpan
  }
  if (span instanceof LiveSpan) {
    span.annotate(annotation as Annotation)
  } else if (span !== NOOP_SPAN) {
    runtime.reportMisuse(
      'invalid_span',
      `annotate(span, annotation) needs a span from llmobs.trace() or llmobs.startSpan(), got ${describeType(span)}. The annotation was dropped.`,
    )
  }
}
