import { ROOT_PARENT_ID, parseDecimalId, traceIdToHex32 } from '@llmobs/protocol'
import type { SpanLinkInput } from '../../store/store.js'
import type { JsonWriter } from './json-writer.js'
import { writeStringKeyedMap } from './host-span-maps.js'
import { KeyTable } from './key-table.js'
import type { MsgpackCursor } from './msgpack-cursor.js'
import { isProtoKey } from './msgpack-cursor.js'
import { decodeSmallValue } from './small-value.js'

/**
 * The `_llmobs` struct's small fields, read straight from the bytes with the rules of
 * `spanEventFromApmSpan`, `validateSpanEvent` and `spanEventInput` (protocol §4). Each reader gives
 * up through the cursor where the reference path refuses the span or might build something else.
 */

/** The struct's `tags` map as key and value texts, in order (duplicates included: the last wins). */
export interface TagPairs {
  keys: string[]
  values: string[]
}

/**
 * Reads the `tags` map: values as `String(value)` would give them (nil skipped). Anything but a map
 * counts as no tags there (`isRecord` fails), but must still decode.
 */
export function readTags(cursor: MsgpackCursor, tags: TagPairs): void {
  const head = cursor.peek()
  if (!((head >= 0x80 && head <= 0x8f) || head === 0xde || head === 0xdf)) return cursor.skip(1)
  const n = cursor.mapSize(cursor.head())
  for (let i = 0; i < n && !cursor.failed; i++) {
    const key = cursor.string()
    if (key === '__proto__') return void cursor.fail()
    const valueHead = cursor.peek()
    let value: string | undefined
    if ((valueHead >= 0xa0 && valueHead <= 0xbf) || (valueHead >= 0xd9 && valueHead <= 0xdb)) {
      value = cursor.string()
    } else {
      const decoded = decodeSmallValue(cursor, 1)
      if (decoded !== null && decoded !== undefined) {
        try {
          value = String(decoded)
        } catch {
          // e.g. a map with a `toString` key: the reference path refuses the span
          return void cursor.fail()
        }
      }
    }
    // A later duplicate wins (it replaces the value of the object key there), nil included.
    const at = tags.keys.indexOf(key)
    if (at >= 0) {
      tags.keys.splice(at, 1)
      tags.values.splice(at, 1)
    }
    if (value === undefined) continue
    tags.keys.push(key)
    tags.values.push(value)
  }
}

/**
 * Writes the event's tag list as JSON text: the sorted `k:v` tags of the dict (plus `ml_app` and
 * `session_id` from the struct when the dict lacks them), then `error:<0|1>` and `error_type`, as
 * `JSON.stringify` of that list, without building it. Returns the sorted keys, for {@link tagValue}.
 */
export function writeTagList(
  writer: JsonWriter,
  tags: TagPairs,
  mlApp: unknown,
  sessionId: unknown,
  error: 0 | 1,
  errorType: string | undefined,
): string[] {
  const { keys, values } = tags
  if (typeof mlApp === 'string' && !keys.includes('ml_app')) {
    keys.push('ml_app')
    values.push(mlApp)
  }
  if (typeof sessionId === 'string' && !keys.includes('session_id')) {
    keys.push('session_id')
    values.push(sessionId)
  }
  const sorted = keys.slice().sort()
  writer.byte(0x5b)
  for (const key of sorted) {
    writer.jsonPair(key, values[keys.indexOf(key)] as string)
    writer.byte(0x2c)
  }
  writer.ascii(error ? '"error:1"' : '"error:0"')
  if (error && errorType !== undefined) {
    writer.byte(0x2c)
    writer.jsonPair('error_type', errorType)
  }
  writer.byte(0x5d)
  return sorted
}

/**
 * What the scan of the tag list for `<name>:` finds first (`spanEventInput` reads ml_app, session_id,
 * service and env so): the value of the `name` tag, else of the first key `name:...` (its rest
 * included), else null. The error tags never match these names.
 */
export function tagValue(tags: TagPairs, sorted: readonly string[], name: string): string | null {
  const exact = tags.keys.indexOf(name)
  if (exact >= 0) return tags.values[exact] as string
  const prefix = name + ':'
  for (const key of sorted) {
    if (key.startsWith(prefix))
      return `${key.slice(prefix.length)}:${tags.values[tags.keys.indexOf(key)] as string}`
  }
  return null
}

/** The token counts the row keeps, from the event's metrics. */
export interface Tokens {
  input: number | null
  output: number | null
  total: number | null
}

const TOKEN_KEYS = new KeyTable(['input_tokens', 'output_tokens', 'total_tokens'])

/**
 * Writes the struct's `metrics` (nil: `{}`) as JSON text, every value a finite number, and notes the
 * token counts. Anything else is refused there.
 */
export function writeMetrics(cursor: MsgpackCursor, writer: JsonWriter, tokens: Tokens): void {
  writeStringKeyedMap(cursor, writer, tokens, writeMetricValue)
}

function writeMetricValue(
  cursor: MsgpackCursor,
  writer: JsonWriter,
  tokens: Tokens,
  keyStart: number,
  keySize: number,
): boolean {
  const valueHead = cursor.head()
  // 64-bit integers (rare here) are left to the reference decoder, which reads them as numbers.
  const value = valueHead === 0xcf || valueHead === 0xd3 ? NaN : cursor.number(valueHead)
  if (!Number.isFinite(value)) {
    cursor.fail()
    return false
  }
  writer.ascii(String(value))
  const token = TOKEN_KEYS.find(cursor.bytes, keyStart, keySize)
  if (token === 0) tokens.input = value
  else if (token === 1) tokens.output = value
  else if (token === 2) tokens.total = value
  return true
}

const SAMPLING_DECISION = Buffer.from('sampling_decision')

/**
 * Whether `_dd.sampling_decision` says "0" (as text, after `String()`); `_dd` that is not a map
 * counts as empty there.
 */
export function readSampledOut(cursor: MsgpackCursor): boolean {
  const head = cursor.peek()
  if (!((head >= 0x80 && head <= 0x8f) || head === 0xde || head === 0xdf)) {
    cursor.skip(1)
    return false
  }
  const n = cursor.mapSize(cursor.head())
  let sampledOut = false
  for (let i = 0; i < n && !cursor.failed; i++) {
    const size = cursor.strSize(cursor.head())
    if (size < 0) break
    const start = cursor.pos
    cursor.pos += size
    if (size === 9 && isProtoKey(cursor.bytes, start)) {
      cursor.fail()
      return false
    }
    if (size !== 17 || SAMPLING_DECISION.compare(cursor.bytes, start, start + 17) !== 0) {
      cursor.skip(1)
      continue
    }
    const value = decodeSmallValue(cursor, 1)
    sampledOut = (typeof value === 'string' || typeof value === 'number') && String(value) === '0'
  }
  return sampledOut
}

const CANONICAL_DECIMAL = /^[1-9][0-9]{0,18}$/

/** A decimal span id, as `validateSpanEvent` reads one (values here never are bigints). */
export function readSpanId(value: unknown): string | undefined {
  if (typeof value === 'string') {
    // Below 10^19 without leading zeros, the text is already canonical (and below 2^64).
    return CANONICAL_DECIMAL.test(value) ? value : parseDecimalId(value)?.toString()
  }
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value)
  return undefined
}

/** The parent id, `"undefined"` for a root, as `validateSpanEvent` reads it. */
export function readParentId(value: unknown): string | undefined {
  if (value === undefined || value === null || value === ROOT_PARENT_ID || value === '' || value === '0') {
    return ROOT_PARENT_ID
  }
  const id = readSpanId(value)
  return id === '0' ? ROOT_PARENT_ID : id
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The struct's `span_links` as store links (nil: none). */
export function readLinks(value: unknown): SpanLinkInput[] | undefined {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) return undefined
  const links: SpanLinkInput[] = []
  for (const link of value as unknown[]) {
    if (!isRecord(link)) return undefined
    const traceId = typeof link.trace_id === 'string' ? traceIdToHex32(link.trace_id) : undefined
    const spanId = readSpanId(link.span_id)
    const attributes = link.attributes
    if (traceId === undefined || spanId === undefined || !isRecord(attributes)) return undefined
    if (typeof attributes.from !== 'string' || typeof attributes.to !== 'string') return undefined
    links.push({ traceId, spanId, from: attributes.from, to: attributes.to })
  }
  return links
}
