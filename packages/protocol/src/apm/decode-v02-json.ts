import type { DecodeResult } from '../decode-result.js'
import { decodeFail, decodeOk } from '../decode-result.js'
import { parseDecimalId } from '../ids.js'
import { describeType, isRecord } from '../validate/shape.js'
import type { DecodedApmSpan, DecodedApmTraces } from './decoded-apm-span.js'
import { readApmSpan } from './read-apm-span.js'

const ID_FIELDS = ['trace_id', 'span_id', 'parent_id'] as const
const TIME_FIELDS = ['start', 'duration'] as const
const LINK_ID_FIELDS = ['trace_id', 'trace_id_high', 'span_id'] as const

/**
 * Reads an agentless trace intake body (`/api/v0.2/traces`, what {@link encodeV02TracesJson} writes)
 * once parsed **losslessly**: an array of chunks, each an array of span objects with the v0.4 keys.
 * The parser must give integers beyond 2^53 as bigint (`JSON.parse` would round the ids); an id may
 * also come as a decimal string. `meta_struct` values must be plain objects; bigints inside them
 * become numbers, as in the msgpack decoders (they end up as JSON documents). Never throws: a wrong shape comes back as an error
 * naming the place, e.g. `traces[0][2].span_id must be an unsigned 64-bit integer`.
 *
 * @example
 * const parsed = losslessParse(text) // integers beyond 2^53 as bigint
 * const result = decodeV02Traces(parsed)
 * if (result.ok) for (const chunk of result.value) console.log(chunk.length)
 */
export function decodeV02Traces(body: unknown): DecodeResult<DecodedApmTraces> {
  if (!Array.isArray(body)) return decodeFail(`traces must be an array of traces, got ${describeType(body)}`)
  const traces: DecodedApmTraces = []
  for (let i = 0; i < body.length; i++) {
    const chunk: unknown = body[i]
    if (!Array.isArray(chunk))
      return decodeFail(`traces[${i}] must be an array of spans, got ${describeType(chunk)}`)
    const spans: DecodedApmSpan[] = []
    for (let j = 0; j < chunk.length; j++) {
      const path = `traces[${i}][${j}]`
      const raw: unknown = chunk[j]
      if (!isRecord(raw)) return decodeFail(`${path} must be a span object, got ${describeType(raw)}`)
      const exact = exactIntegers(raw, path)
      if (!exact.ok) return exact
      const span = readApmSpan(exact.value, path, undefined)
      if (!span.ok) return span
      spans.push(span.value)
    }
    traces.push(spans)
  }
  return decodeOk(traces)
}

/**
 * The span with its ids as bigints (from a decimal string, or a number only when it is exact) and
 * its times from decimal strings too, so that `readApmSpan` never sees a rounded id.
 */
function exactIntegers(raw: Record<string, unknown>, path: string): DecodeResult<Record<string, unknown>> {
  const span: Record<string, unknown> = { ...raw }
  for (const key of [...ID_FIELDS, ...TIME_FIELDS]) {
    const value = span[key]
    if (typeof value === 'string') {
      const parsed = parseDecimalId(value)
      if (parsed === undefined) return decodeFail(`${path}.${key} must be an unsigned 64-bit integer`)
      span[key] = parsed
    } else if (typeof value === 'number' && !Number.isSafeInteger(value) && isIdField(key)) {
      // Only a lossy parse (JSON.parse) gives an id this large as a number: its digits are gone.
      return decodeFail(`${path}.${key} must be an unsigned 64-bit integer read exactly (not a float)`)
    }
  }
  if (Array.isArray(span.span_links)) {
    const links: unknown[] = []
    for (const link of span.span_links) {
      if (!isRecord(link)) {
        links.push(link)
        continue
      }
      const copy: Record<string, unknown> = { ...link }
      for (const key of LINK_ID_FIELDS) {
        const value = copy[key]
        if (typeof value === 'string') copy[key] = parseDecimalId(value) ?? value
      }
      links.push(copy)
    }
    span.span_links = links
  }
  return decodeOk(span)
}

function isIdField(key: string): boolean {
  return (ID_FIELDS as readonly string[]).includes(key)
}
