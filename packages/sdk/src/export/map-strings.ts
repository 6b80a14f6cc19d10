import { deferredData, deferredValueIO } from '../annotation/deferred-value.js'
import type { JsonValue } from '../internal/safe-json.js'

/**
 * `value` with every string passed through `map`, copied only where something changed (the same
 * reference otherwise, so the common case allocates nothing). A deferred `{ value }` is mapped
 * through its data, never its text. Objects shared with the user are never changed.
 *
 * @example
 * mapStrings({ a: 'x'.repeat(10), b: 1 }, (s) => s.slice(0, 3)) // { a: 'xxx', b: 1 }
 */
export function mapStrings(value: unknown, map: (text: string) => string): unknown {
  const deferred = deferredData(value)
  if (deferred !== undefined) {
    const mapped = mapStrings(deferred, map)
    return mapped === deferred ? value : deferredValueIO(mapped as JsonValue)
  }
  if (typeof value === 'string') return map(value)
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      const after = mapStrings(item, map)
      if (after !== item) (copy ??= value.slice())[i] = after
    }
    return copy ?? value
  }
  let copy: Record<string, unknown> | undefined
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key]
    const after = mapStrings(item, map)
    if (after !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = after
  }
  return copy ?? value
}
