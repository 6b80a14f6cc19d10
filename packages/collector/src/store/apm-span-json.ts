/**
 * An APM span as the store keeps it: apart from its keys (trace id, span id, start), one JSON document
 * holding what the query API shows of it. APM spans are only ever read whole, by trace, so ten
 * columns bought nothing; one document is ~1.5 µs cheaper to write per span (bench/README.md,
 * Collector), and the v0.4 fast path writes it straight from the msgpack bytes.
 */
export interface ApmSpanDoc {
  /** Decimal; `null` for a root. */
  parentId: string | null
  service: string
  name: string
  resource: string
  type: string | null
  durationNs: number
  error: boolean
  meta: Record<string, string>
  metrics: Record<string, number>
  /** Whether the span carried LLMObs data (extracted, or already submitted through the LLMObs writer). */
  llmobs: boolean
}

/**
 * The document's JSON text, keys in this order (the v0.4 fast path writes the same text from bytes).
 *
 * @example
 * apmSpanJson({ parentId: null, service: 'svc', name: 'web', resource: '/', type: 'web', durationNs: 5,
 *   error: false, meta: { env: 'dev' }, metrics: {}, llmobs: false })
 * // '{"parentId":null,"service":"svc","name":"web","resource":"/","type":"web","durationNs":5,...}'
 */
export function apmSpanJson(doc: ApmSpanDoc): string {
  return JSON.stringify({
    parentId: doc.parentId,
    service: doc.service,
    name: doc.name,
    resource: doc.resource,
    type: doc.type,
    durationNs: doc.durationNs,
    error: doc.error,
    meta: doc.meta,
    metrics: doc.metrics,
    llmobs: doc.llmobs,
  })
}
