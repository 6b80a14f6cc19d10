import type { SpanKind, WireIO } from '@llmobs/protocol'
import type { Report } from '../internal/report.js'
import { toJsonSafe } from '../internal/safe-json.js'
import { deferredValueIO } from './deferred-value.js'
import { normalizeDocuments } from './normalize-documents.js'
import { normalizeMessages } from './normalize-messages.js'

/**
 * `meta.input` / `meta.output` for a span kind, as the table of protocol §2 says:
 * llm messages/messages, embedding documents/value, retrieval value/documents, others value/value.
 * Undefined when there is nothing to record (no data, or nothing valid in it).
 */
export function normalizeInput(kind: SpanKind, data: unknown, report: Report): WireIO | undefined {
  if (data === undefined || data === null) return undefined
  if (kind === 'llm') {
    const messages = normalizeMessages(data, 'inputData', report)
    return messages === undefined ? undefined : { messages }
  }
  if (kind === 'embedding') {
    const documents = normalizeDocuments(data, 'inputData', report)
    return documents === undefined ? undefined : { documents }
  }
  return valueIO(data)
}

export function normalizeOutput(kind: SpanKind, data: unknown, report: Report): WireIO | undefined {
  if (data === undefined || data === null) return undefined
  if (kind === 'llm') {
    const messages = normalizeMessages(data, 'outputData', report)
    return messages === undefined ? undefined : { messages }
  }
  if (kind === 'retrieval') {
    const documents = normalizeDocuments(data, 'outputData', report)
    return documents === undefined ? undefined : { documents }
  }
  return valueIO(data)
}

/**
 * A `{ value }`: a string is kept as it is; anything else is copied JSON-safe now and stringified
 * when exported (see `deferredValueIO`). Strings inside are not cut here (`maxStringLength`
 * unbounded): the export cuts the span as a whole to `maxSpanSize`, longest values first.
 */
function valueIO(data: unknown): WireIO {
  if (typeof data === 'string') return { value: data }
  return deferredValueIO(toJsonSafe(data, { maxStringLength: Number.POSITIVE_INFINITY }))
}
