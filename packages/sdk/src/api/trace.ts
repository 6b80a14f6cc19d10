import { isStrictError } from '../internal/report.js'
import type { Runtime } from '../runtime.js'
import type { LiveSpan } from '../span/live-span.js'
import { NOOP_SPAN } from '../span/noop-span.js'
import type { Span } from '../span/span.js'
import { startFromOptions } from './start.js'
import { trackResult } from './track-result.js'

/**
 * `llmobs.trace()` on an initialised instance: runs `fn(span)` with the new span active, returns
 * exactly what `fn` returned, and ends the span when that result is done (see `trackResult`).
 * A throw marks the span and reaches the caller as the same object.
 */
export function traceWithRuntime<R>(runtime: Runtime, options: unknown, fn: (span: Span) => R): R {
  if (typeof fn !== 'function') {
    runtime.reportMisuse(
      'invalid_callback',
      'trace() needs a function as its second argument: llmobs.trace({ kind }, (span) => ...).',
    )
    return undefined as R
  }
  let span: LiveSpan
  try {
    span = startFromOptions(runtime, options, fn.name)
  } catch (error) {
    if (isStrictError(error)) throw error
    runtime.diagnostics.error('starting a span failed; the function ran untraced', error)
    return fn(NOOP_SPAN)
  }
  return runtime.storage.run(span.context, invokeTraced, runtime, span, fn)
}

function invokeTraced<R>(runtime: Runtime, span: LiveSpan, fn: (span: Span) => R): R {
  let result: R
  try {
    result = fn(span)
  } catch (error) {
    span.fail(error)
    span.end()
    throw error
  }
  trackResult(span, result, undefined, runtime)
  return result
}
