import { isRecord } from '../validate/shape.js'

/**
 * `value` with every bigint in it as a number, as `JSON.parse` would read the same digits. A
 * `meta_struct` value ends up as JSON documents (the span event's meta and metrics), which cannot
 * hold a bigint; and the decoders give 64-bit integers as bigints only so that ids stay exact: inside a
 * struct, an epoch-ms timestamp in `metadata` (msgpack uint64) is just a number. Changes `value` in
 * place; throws a RangeError only for nesting deep enough to exhaust the stack.
 *
 * @example
 * withoutBigInts({ metadata: { at: 1795423257103n } }) // { metadata: { at: 1795423257103 } }
 */
export function withoutBigInts(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value)
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = withoutBigInts(value[i])
  } else if (isRecord(value)) {
    for (const key in value) value[key] = withoutBigInts(value[key])
  }
  return value
}
