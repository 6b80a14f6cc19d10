import type { LinkSide, WireSpanLink } from '@llmobs/protocol'
import { restoreContext } from '../context/restore-context.js'
import { describeType, isRecord, type Report } from '../internal/report.js'

const NO_LINKS: readonly WireSpanLink[] = Object.freeze([])
const LINK_TARGET = Object.freeze({
  what: 'links[].span',
  outcome: 'the link was left out',
  code: 'invalid_links',
})

/**
 * The wire span links for a `links` start option. Each link names its target span (a span handle,
 * an exported span or a captured context naming a span, as `span` or `exportedSpan`) and which side
 * of it flows into which side of the new span (default: its output into our input, dd-trace's
 * default). Unusable links are reported and left out; the span is started regardless.
 */
export function resolveSpanLinks(value: unknown, report: Report): readonly WireSpanLink[] {
  if (value === undefined || value === null) return NO_LINKS
  if (!Array.isArray(value)) {
    report(
      'invalid_links',
      `links must be an array like [{ span, from: 'output', to: 'input' }], got ${describeType(value)}; it was ignored.`,
    )
    return NO_LINKS
  }
  const links: WireSpanLink[] = []
  for (const item of value as unknown[]) {
    if (!isRecord(item)) {
      report(
        'invalid_links',
        `each link must be an object like { span }, got ${describeType(item)}; it was left out.`,
      )
      continue
    }
    const target = item.span ?? item.exportedSpan
    const snapshot = restoreContext(target, report, LINK_TARGET)
    if (snapshot === undefined) continue
    if (snapshot.spanId === undefined || snapshot.traceId === undefined) {
      report('invalid_links', 'a link must name a span ({ spanId, traceId }); the link was left out.')
      continue
    }
    links.push({
      trace_id: snapshot.traceId,
      span_id: snapshot.spanId,
      attributes: { from: side(item.from, 'output', report), to: side(item.to, 'input', report) },
    })
  }
  return links
}

function side(value: unknown, fallback: LinkSide, report: Report): LinkSide {
  if (value === undefined) return fallback
  if (value === 'input' || value === 'output') return value
  report(
    'invalid_links',
    `a link's from/to must be 'input' or 'output', got ${JSON.stringify(value) ?? 'undefined'}; '${fallback}' was used.`,
  )
  return fallback
}
