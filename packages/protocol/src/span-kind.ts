/** The kinds of LLM Observability span. The kind is a field of a span, never a class. */
export const SPAN_KINDS = ['llm', 'embedding', 'retrieval', 'tool', 'task', 'agent', 'workflow'] as const

export type SpanKind = (typeof SPAN_KINDS)[number]

const kinds: ReadonlySet<string> = new Set(SPAN_KINDS)

export function isSpanKind(value: unknown): value is SpanKind {
  return typeof value === 'string' && kinds.has(value)
}

/** Kinds whose events carry `model_name` / `model_provider` (protocol §2). */
export function hasModel(kind: SpanKind): boolean {
  return kind === 'llm' || kind === 'embedding'
}
