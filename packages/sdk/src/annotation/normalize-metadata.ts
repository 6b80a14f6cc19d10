import { describeType, isRecord, type Report } from '../internal/report.js'
import { toJsonSafe, type JsonValue } from '../internal/safe-json.js'

const UNCUT = { maxStringLength: Number.POSITIVE_INFINITY }

/**
 * Merges `metadata` shallowly into `into`, each value made JSON-safe (and copied, so later changes
 * to the user's objects do not leak into the finished span). Strings are not cut here: the export
 * cuts the span as a whole to `maxSpanSize` before serialising it, longest values first.
 */
export function mergeMetadata(into: Record<string, JsonValue>, metadata: unknown, report: Report): void {
  if (!isRecord(metadata)) {
    report(
      'invalid_metadata',
      `metadata must be a plain object (e.g. { temperature: 0.2 }), got ${describeType(metadata)}; it was dropped.`,
    )
    return
  }
  for (const key of Object.keys(metadata)) {
    let value: unknown
    try {
      value = metadata[key]
    } catch (error) {
      report('invalid_metadata', `metadata.${key} could not be read (${String(error)}); it was dropped.`)
      continue
    }
    if (value === undefined) continue
    if (key === '__proto__') {
      Object.defineProperty(into, key, {
        value: toJsonSafe(value, UNCUT),
        enumerable: true,
        writable: true,
        configurable: true,
      })
    } else {
      into[key] = toJsonSafe(value, UNCUT)
    }
  }
}
