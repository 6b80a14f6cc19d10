import type { ContextSnapshot } from '../context/context-snapshot.js'
import { resolveParent } from '../context/resolve-parent.js'
import { isRecord } from '../internal/report.js'
import type { Runtime } from '../runtime.js'
import type { LiveSpan } from '../span/live-span.js'
import { startLiveSpan, validateSpanOptions } from '../span/start-span.js'
import { resolveSpanLinks } from './span-links.js'

/**
 * Starts a span for a public call: the parent is `options.parent` when given (and usable), else the
 * span active in the current async context. Misuse is reported (strict: thrown) from here.
 */
export function startFromOptions(
  runtime: Runtime,
  options: unknown,
  fallbackName: string | undefined,
): LiveSpan {
  const valid = validateSpanOptions(options, fallbackName, runtime.reportMisuse)
  let parent: ContextSnapshot | undefined
  const explicit = isRecord(options) ? options.parent : undefined
  if (explicit !== undefined && explicit !== null) parent = resolveParent(explicit, runtime.reportMisuse)
  parent ??= runtime.activeParent()
  // Resolved before the span starts: a strict-mode throw must not leave a span open.
  const links = isRecord(options) ? resolveSpanLinks(options.links, runtime.reportMisuse) : []
  const span = startLiveSpan(runtime, valid, parent)
  span.addLinks(links)
  return span
}
