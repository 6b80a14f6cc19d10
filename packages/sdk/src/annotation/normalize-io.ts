import type { SpanKind, WireIO } from '@llmobs/protocol'
import type { Report } from '../internal/report.js'
import { safeStringify } from '../internal/safe-json.js'
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
  return { value: normalizeValue(data) }
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
  return { value: normalizeValue(data) }
}

/** A `value` field: strings are kept as they are, anything else is safely JSON-stringified. */
export function normalizeValue(data: unknown): string {
  return typeof data === 'string' ? data : safeStringify(data)
}
