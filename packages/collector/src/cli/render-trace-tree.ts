import type { EvaluationView, SpanView, TraceDetail } from '../store/views.js'

/** Milliseconds with a sensible precision: `0.42 ms`, `12.3 ms`, `1.52 s`. */
export function formatDuration(ns: number): string {
  const ms = ns / 1e6
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`
  if (ms >= 10) return `${ms.toFixed(1)} ms`
  return `${ms.toFixed(2)} ms`
}

function evaluationText(e: EvaluationView): string {
  const value = typeof e.value === 'string' ? e.value : JSON.stringify(e.value)
  return `${e.kind === 'feedback' ? '♥' : '★'} ${e.label}=${value}${e.assessment === null ? '' : ` (${e.assessment})`}`
}

function spanLine(span: SpanView): string {
  const parts = [
    span.name,
    span.kind + (span.modelName === null ? '' : ` ${span.modelName}`),
    formatDuration(span.durationNs),
  ]
  const tokensIn = span.metrics.input_tokens
  const tokensOut = span.metrics.output_tokens
  if (tokensIn !== undefined || tokensOut !== undefined)
    parts.push(`tokens ${tokensIn ?? '?'}→${tokensOut ?? '?'}`)
  if (span.status === 'error') {
    const type = span.meta['error.type']
    const message = span.meta['error.message']
    parts.push(
      `✗ ${typeof type === 'string' ? type : 'error'}${typeof message === 'string' ? `: ${message}` : ''}`,
    )
  }
  for (const e of span.evaluations) parts.push(evaluationText(e))
  return parts.join('  ')
}

/**
 * A trace as an indented tree for the terminal: a header line, then one line per span under its
 * parent, in start order. Spans whose parent is not in the trace (not arrived, or in another
 * process's trace) are shown at the top level.
 *
 * @example
 * console.log(renderTraceTree(await (await fetch(`${url}/api/traces/${id}`)).json()).join('\n'))
 */
export function renderTraceTree(trace: TraceDetail): string[] {
  const ids = new Set(trace.spans.map((s) => s.spanId))
  const children = new Map<string | null, SpanView[]>()
  for (const span of trace.spans) {
    const parent = span.parentId !== null && ids.has(span.parentId) ? span.parentId : null
    const list = children.get(parent)
    if (list === undefined) children.set(parent, [span])
    else list.push(span)
  }
  const roots = children.get(null) ?? []
  const first = roots[0]
  const start = first === undefined ? '' : new Date(first.startNs / 1e6).toISOString()
  const header = [
    `trace ${trace.traceId}`,
    first?.mlApp ?? null,
    first?.sessionId === null || first?.sessionId === undefined ? null : `session ${first.sessionId}`,
    start,
  ]
  const lines = [header.filter((p) => p !== null && p !== '').join('  ·  ')]
  for (const e of trace.evaluations) lines.push(`  ${evaluationText(e)}`)
  const walk = (spans: SpanView[], prefix: string, depth: number): void => {
    spans.forEach((span, i) => {
      const last = i === spans.length - 1
      lines.push(`${prefix}${last ? '└─ ' : '├─ '}${spanLine(span)}`)
      // Ids are unique within a trace, but guard the depth anyway: input is whatever was sent.
      if (depth < 100) walk(children.get(span.spanId) ?? [], prefix + (last ? '   ' : '│  '), depth + 1)
    })
  }
  walk(roots, '', 0)
  return lines
}
