import { describeType, isRecord, isStrictError, type Report } from '../internal/report.js'

/** `field[index]`, or `field` for a value that was not in a list (index -1). */
export function pathOf(field: string, index: number): string {
  return index < 0 ? field : `${field}[${index}]`
}

/** How one kind of list item (message, document) is read. */
export interface ListItemReader<T> {
  /** The diagnostic code for this kind of item. */
  readonly code: string
  /** What a valid item looks like, for messages: `a message object ({ role, content })`. */
  readonly expected: string
  /** A bare string is accepted as an item of this shape. */
  fromString(text: string): T
  /** Reads one object; reports and returns undefined when it is unusable. */
  fromRecord(item: Record<string, unknown>, field: string, index: number, report: Report): T | undefined
}

/**
 * Accepts one item, a bare string or an array of them. A malformed item is reported under its path
 * (`inputData[2]`) and dropped; the rest is kept. Undefined when nothing valid remains.
 */
export function normalizeList<T>(
  data: unknown,
  field: string,
  report: Report,
  reader: ListItemReader<T>,
): T[] | undefined {
  if (data === undefined || data === null) return undefined
  const isList = Array.isArray(data)
  const list: readonly unknown[] = isList ? data : [data]
  const out: T[] = []
  for (let i = 0; i < list.length; i++) {
    // The path (`inputData[2]`) is only spelled out when something is reported: building it for
    // every item cost as much as the rest of the normalisation of a plain message.
    const index = isList ? i : -1
    const item = list[i]
    if (typeof item === 'string') {
      out.push(reader.fromString(item))
      continue
    }
    if (!isRecord(item)) {
      report(
        reader.code,
        `${pathOf(field, index)} must be ${reader.expected} or a string, got ${describeType(item)}; it was dropped.`,
      )
      continue
    }
    try {
      const value = reader.fromRecord(item, field, index, report)
      if (value !== undefined) out.push(value)
    } catch (error) {
      if (isStrictError(error)) throw error
      report(reader.code, `${pathOf(field, index)} could not be read (${String(error)}); it was dropped.`)
    }
  }
  return out.length > 0 ? out : undefined
}
