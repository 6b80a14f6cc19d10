import type { WireIO } from '@llmobs/protocol'
import type { JsonValue } from '../internal/safe-json.js'

/** The JSON-safe data behind each deferred `{ value }`, for the export path to size and cut. */
const dataOf = new WeakMap<object, JsonValue>()

/**
 * `{ value }` for a non-string input or output whose JSON text is written only when first read.
 *
 * Why: stringifying at `annotate()` put the whole cost of a large value on the caller (an object
 * holding one 10 MB string took ~40 ms). The snapshot is still taken at once (`data` is a JSON-safe
 * copy, strings shared, never changed), but the text is built in the export's encode slices, after
 * `fitRecord` has cut the data to `maxSpanSize`, so a large value costs what the budget costs.
 * Everyone else sees a plain `{ value: string }`: `value` is an own enumerable getter (a spread or
 * `JSON.stringify` reads it), memoised.
 *
 * @example
 * const io = deferredValueIO({ query: 'q', k: 5 })
 * io.value // '{"query":"q","k":5}'
 */
export function deferredValueIO(data: JsonValue): WireIO {
  let text: string | undefined
  const io: WireIO = {}
  Object.defineProperty(io, 'value', {
    enumerable: true,
    configurable: false,
    get: () => (text ??= JSON.stringify(data) ?? 'null'),
  })
  dataOf.set(io, data)
  return Object.freeze(io)
}

/** The data behind a deferred `{ value }`, or undefined for any other object. */
export function deferredData(io: unknown): JsonValue | undefined {
  return typeof io === 'object' && io !== null ? dataOf.get(io) : undefined
}
