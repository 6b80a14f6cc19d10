import type { WireDocument } from '@llmobs/protocol'
import { describeType, isRecord, isStrictError, type Report } from '../internal/report.js'

const CODE = 'invalid_io_documents'

/**
 * Documents in their wire shape (`{text, name?, id?, score?}`). Accepts a document, a bare string
 * (`{text}`) or an array of them. A document without a string `text` is reported and dropped; a bad
 * optional field is reported and dropped from its document. Undefined when nothing valid remains.
 */
export function normalizeDocuments(data: unknown, field: string, report: Report): WireDocument[] | undefined {
  if (data === undefined || data === null) return undefined
  const isList = Array.isArray(data)
  const list: readonly unknown[] = isList ? data : [data]
  const out: WireDocument[] = []
  for (let i = 0; i < list.length; i++) {
    // Spelled out only when something is reported (see normalize-messages).
    const index = isList ? i : -1
    const item = list[i]
    if (typeof item === 'string') {
      out.push({ text: item })
      continue
    }
    if (!isRecord(item)) {
      report(
        CODE,
        `${pathOf(field, index)} must be a document object ({ text, name, id, score }) or a string, got ${describeType(item)}; it was dropped.`,
      )
      continue
    }
    try {
      const document = normalizeDocument(item, field, index, report)
      if (document !== undefined) out.push(document)
    } catch (error) {
      if (isStrictError(error)) throw error
      report(CODE, `${pathOf(field, index)} could not be read (${String(error)}); it was dropped.`)
    }
  }
  return out.length > 0 ? out : undefined
}

/** `field[index]`, or `field` for a value that was not in a list (index -1). */
function pathOf(field: string, index: number): string {
  return index < 0 ? field : `${field}[${index}]`
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
