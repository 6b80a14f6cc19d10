import { Decoder } from '@msgpack/msgpack'
import type { DecodeResult } from '../decode-result.js'
import { decodeFail, decodeOk } from '../decode-result.js'
import { describeType, isRecord } from '../validate/shape.js'
import type { DecodedApmSpan, DecodedApmTraces } from './decoded-apm-span.js'
import { boundedDecoderOptions } from './msgpack-limits.js'
import { readApmSpan } from './read-apm-span.js'

const SPAN_FIELDS = 12

/**
 * Decodes a `/v0.5/traces` body (protocol §4): `[string_table, traces]`, each span a 12-element array
 * (service, name, resource, trace_id, span_id, parent_id, start, duration, error, meta, metrics, type)
 * whose strings are indexes into the table. v0.5 has no `meta_struct` slot, so spans decoded here never
 * carry LLMObs data. Never throws.
 *
 * @example
 * const result = decodeV05Traces(body)
 * if (!result.ok) reply(400, result.error) // e.g. 'traces[0][0][1] is not an index into the string table'
 */
export function decodeV05Traces(bytes: Uint8Array): DecodeResult<DecodedApmTraces> {
  const decoder = new Decoder(boundedDecoderOptions(bytes.byteLength))
  let decoded: unknown
  try {
    decoded = decoder.decode(bytes)
  } catch (error) {
    return decodeFail(`body is not valid msgpack: ${(error as Error).message}`)
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) {
    return decodeFail('body must be a 2-element array [string_table, traces]')
  }
  const [table, chunks] = decoded as [unknown, unknown]
  if (!Array.isArray(table) || table.some((s) => typeof s !== 'string')) {
    return decodeFail('string_table must be an array of strings')
  }
  if (!Array.isArray(chunks)) return decodeFail(`traces must be an array, got ${describeType(chunks)}`)
  const strings = table as string[]
  const traces: DecodedApmTraces = []
  for (let i = 0; i < chunks.length; i++) {
    const chunk: unknown = chunks[i]
    if (!Array.isArray(chunk)) return decodeFail(`traces[${i}] must be an array of spans`)
    const spans: DecodedApmSpan[] = []
    for (let j = 0; j < chunk.length; j++) {
      const path = `traces[${i}][${j}]`
      const asMap = spanArrayToMap(chunk[j], path, strings)
      if (!asMap.ok) return asMap
      const span = readApmSpan(asMap.value, path, decoder)
      if (!span.ok) return span
      spans.push(span.value)
    }
    traces.push(spans)
  }
  return decodeOk(traces)
}

function spanArrayToMap(
  raw: unknown,
  path: string,
  strings: string[],
): DecodeResult<Record<string, unknown>> {
  if (!Array.isArray(raw) || raw.length !== SPAN_FIELDS) {
    return decodeFail(`${path} must be a ${SPAN_FIELDS}-element span array`)
  }
  const text = (index: number): string | undefined => {
    const ref: unknown = raw[index]
    const n = typeof ref === 'bigint' ? Number(ref) : ref
    return typeof n === 'number' && Number.isInteger(n) ? strings[n] : undefined
  }
  const map: Record<string, unknown> = {
    trace_id: raw[3],
    span_id: raw[4],
    parent_id: raw[5],
    start: raw[6],
    duration: raw[7],
    error: raw[8],
  }
  for (const [index, key] of [
    [0, 'service'],
    [1, 'name'],
    [2, 'resource'],
    [11, 'type'],
  ] as const) {
    const value = text(index)
    if (value === undefined) return decodeFail(`${path}[${index}] is not an index into the string table`)
    map[key] = value
  }
  const meta = resolveMap(raw[9], strings, false)
  if (meta === undefined) return decodeFail(`${path}[9] (meta) must map string-table indexes to indexes`)
  const metrics = resolveMap(raw[10], strings, true)
  if (metrics === undefined)
    return decodeFail(`${path}[10] (metrics) must map string-table indexes to numbers`)
  map.meta = meta
  map.metrics = metrics
  return decodeOk(map)
}

/** `{keyIndex: valueIndex}` (meta) or `{keyIndex: number}` (metrics) resolved through the table. */
function resolveMap(
  raw: unknown,
  strings: string[],
  numericValues: boolean,
): Record<string, unknown> | undefined {
  if (!isRecord(raw)) return undefined
  const out: Record<string, unknown> = {}
  for (const keyRef in raw) {
    const key = strings[Number(keyRef)]
    if (key === undefined || !/^[0-9]+$/.test(keyRef)) return undefined
    const value: unknown = raw[keyRef]
    if (numericValues) {
      out[key] = value
      continue
    }
    const ref = typeof value === 'bigint' ? Number(value) : value
    const resolved = typeof ref === 'number' && Number.isInteger(ref) ? strings[ref] : undefined
    if (resolved === undefined) return undefined
    out[key] = resolved
  }
  return out
}
