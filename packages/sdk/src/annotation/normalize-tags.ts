import { describeType, isRecord, type Report } from '../internal/report.js'

export type SpanTags = Record<string, string | readonly string[]>

/**
 * Merges user tags into `into` (later values win). Strings are kept, numbers and booleans become
 * strings, arrays fan out on the wire (one `key:value` per element); anything else is reported and
 * dropped.
 */
export function mergeTags(into: SpanTags, tags: unknown, path: string, report: Report): void {
  if (!isRecord(tags)) {
    report(
      'invalid_tags',
      `${path} must be an object of strings (e.g. { team: "search" }), got ${describeType(tags)}; it was dropped.`,
    )
    return
  }
  for (const key of Object.keys(tags)) {
    if (key === '') {
      report('invalid_tags', `${path} has an empty key; the tag was dropped.`)
      continue
    }
    const value = tags[key]
    const scalar = tagScalar(value)
    if (scalar !== undefined) {
      into[key] = scalar
    } else if (Array.isArray(value)) {
      const items: string[] = []
      for (const item of value as unknown[]) {
        const text = tagScalar(item)
        if (text !== undefined) items.push(text)
        else
          report(
            'invalid_tags',
            `${path}.${key} must hold strings, numbers or booleans, got ${describeType(item)}; the element was dropped.`,
          )
      }
      into[key] = items
    } else {
      report(
        'invalid_tags',
        `${path}.${key} must be a string, number, boolean or array of them, got ${describeType(value)}; the tag was dropped.`,
      )
    }
  }
}

function tagScalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return undefined
}
