import type { WireDocument } from '@llmobs/protocol'
import { describeType, type Report } from '../internal/report.js'
import { normalizeList, pathOf, type ListItemReader } from './normalize-list.js'

const CODE = 'invalid_io_documents'

/**
 * Documents in their wire shape (`{text, name?, id?, score?}`). Accepts a document, a bare string
 * (`{text}`) or an array of them. A document without a string `text` is reported and dropped; a bad
 * optional field is reported and dropped from its document. Undefined when nothing valid remains.
 */
export function normalizeDocuments(data: unknown, field: string, report: Report): WireDocument[] | undefined {
  return normalizeList(data, field, report, READER)
}

const READER: ListItemReader<WireDocument> = {
  code: CODE,
  expected: 'a document object ({ text, name, id, score })',
  fromString: (text) => ({ text }),
  fromRecord: normalizeDocument,
}

function normalizeDocument(
  item: Record<string, unknown>,
  field: string,
  index: number,
  report: Report,
): WireDocument | undefined {
  const { text, name, id, score } = item
  if (typeof text !== 'string') {
    report(
      CODE,
      `${pathOf(field, index)}.text must be a string, got ${describeType(text)}; the document was dropped.`,
    )
    return undefined
  }
  const document: WireDocument = { text }
  if (typeof name === 'string') document.name = name
  else if (name !== undefined && name !== null) {
    report(
      CODE,
      `${pathOf(field, index)}.name must be a string, got ${describeType(name)}; the field was dropped.`,
    )
  }
  if (typeof id === 'string') document.id = id
  else if (typeof id === 'number' && Number.isFinite(id)) document.id = String(id)
  else if (id !== undefined && id !== null) {
    report(
      CODE,
      `${pathOf(field, index)}.id must be a string, got ${describeType(id)}; the field was dropped.`,
    )
  }
  if (typeof score === 'number' && Number.isFinite(score)) document.score = score
  else if (score !== undefined && score !== null) {
    report(
      CODE,
      `${pathOf(field, index)}.score must be a finite number, got ${describeType(score)}; the field was dropped.`,
    )
  }
  return document
}
