import type { Decoder } from '@msgpack/msgpack'
import type { ApmSpanLink } from '../apm.js'
import type { DecodeResult } from '../decode-result.js'
import { decodeFail, decodeOk } from '../decode-result.js'
import { describeType, isRecord, pathKey } from '../validate/shape.js'
import type { DecodedApmSpan } from './decoded-apm-span.js'
import { withoutBigInts } from './without-bigints.js'

/**
 * Checks one span map of a v0.4 payload (or a v0.5 span already turned into one) and returns it
 * typed: ids as unsigned 64-bit bigints whatever integer width the sender used (some tracers encode
 * small ids as small ints, some as signed int64), `meta` values as strings, `metrics` as numbers, and
 * each `meta_struct` value decoded from its msgpack bytes (or kept when the sender sent a plain map),
 * with the 64-bit integers in it as numbers (see `withoutBigInts`).
 * Missing optional fields get the agent's defaults (parent 0, empty strings, error 0, empty maps).
 * Without a `decoder` (a JSON body), each `meta_struct` value must be a plain object.
 *
 * @example
 * const span = readApmSpan(decoded[0][0], 'traces[0][0]', decoder)
 */
export function readApmSpan(
  raw: unknown,
  path: string,
  decoder: Decoder | undefined,
): DecodeResult<DecodedApmSpan> {
  if (!isRecord(raw)) return decodeFail(`${path} must be a span map, got ${describeType(raw)}`)

  const traceId = toU64(raw.trace_id)
  if (traceId === undefined) return decodeFail(`${path}.trace_id must be an unsigned 64-bit integer`)
  const spanId = toU64(raw.span_id)
  if (spanId === undefined) return decodeFail(`${path}.span_id must be an unsigned 64-bit integer`)
  const parentId = raw.parent_id === undefined || raw.parent_id === null ? 0n : toU64(raw.parent_id)
  if (parentId === undefined) return decodeFail(`${path}.parent_id must be an unsigned 64-bit integer`)
  const start = toNanos(raw.start)
  if (start === undefined) return decodeFail(`${path}.start must be a non-negative integer (ns)`)
  const duration = toNanos(raw.duration)
  if (duration === undefined) return decodeFail(`${path}.duration must be a non-negative integer (ns)`)

  const strings: Record<'service' | 'name' | 'resource', string> = { service: '', name: '', resource: '' }
  for (const key of ['service', 'name', 'resource'] as const) {
    const value = raw[key]
    if (value === undefined || value === null) continue
    if (typeof value !== 'string') return decodeFail(`${path}.${key} must be a string`)
    strings[key] = value
  }

  const error = raw.error === undefined || raw.error === null ? 0 : toErrorFlag(raw.error)
  if (error === undefined) return decodeFail(`${path}.error must be 0 or 1`)

  const meta = readMeta(raw.meta, `${path}.meta`)
  if (!meta.ok) return meta
  const metrics = readMetrics(raw.metrics, `${path}.metrics`)
  if (!metrics.ok) return metrics

  const span: DecodedApmSpan = {
    trace_id: traceId,
    span_id: spanId,
    parent_id: parentId,
    ...strings,
    start,
    duration,
    error,
    meta: meta.value,
    metrics: metrics.value,
  }
  if (raw.type !== undefined && raw.type !== null) {
    if (typeof raw.type !== 'string') return decodeFail(`${path}.type must be a string`)
    span.type = raw.type
  }
  if (raw.meta_struct !== undefined && raw.meta_struct !== null) {
    const metaStruct = readMetaStruct(raw.meta_struct, `${path}.meta_struct`, decoder)
    if (!metaStruct.ok) return metaStruct
    span.meta_struct = metaStruct.value
  }
  if (raw.span_links !== undefined && raw.span_links !== null) {
    const links = readLinks(raw.span_links, `${path}.span_links`)
    if (!links.ok) return links
    span.span_links = links.value
  }
  return decodeOk(span)
}

/** Any integer encoding of a 64-bit id (uint or signed int64 of any width) as an unsigned bigint. */
export function toU64(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return BigInt.asUintN(64, value)
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt.asUintN(64, BigInt(value))
  return undefined
}

function toNanos(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value >= 0n ? value : undefined
  // Some tracers encode times as float64.
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return BigInt(Math.trunc(value))
  return undefined
}

function toErrorFlag(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'number' && Number.isInteger(value)) return value === 0 ? 0 : 1
  if (typeof value === 'bigint') return value === 0n ? 0 : 1
  return undefined
}

function readMeta(value: unknown, path: string): DecodeResult<Record<string, string>> {
  if (value === undefined || value === null) return decodeOk({})
  if (!isRecord(value)) return decodeFail(`${path} must be a map of strings, got ${describeType(value)}`)
  for (const key in value) {
    const item = value[key]
    if (typeof item === 'string') continue
    // Liberal in what we accept: a scalar is kept as its text, as the agent would show it.
    if (typeof item === 'number' || typeof item === 'boolean' || typeof item === 'bigint') {
      value[key] = String(item)
      continue
    }
    return decodeFail(`${pathKey(path, key)} must be a string, got ${describeType(item)}`)
  }
  return decodeOk(value as Record<string, string>)
}

function readMetrics(value: unknown, path: string): DecodeResult<Record<string, number>> {
  if (value === undefined || value === null) return decodeOk({})
  if (!isRecord(value)) return decodeFail(`${path} must be a map of numbers, got ${describeType(value)}`)
  for (const key in value) {
    const item = value[key]
    if (typeof item === 'number') continue
    if (typeof item === 'bigint') {
      value[key] = Number(item)
      continue
    }
    return decodeFail(`${pathKey(path, key)} must be a number, got ${describeType(item)}`)
  }
  return decodeOk(value as Record<string, number>)
}

function readMetaStruct(
  value: unknown,
  path: string,
  decoder: Decoder | undefined,
): DecodeResult<Record<string, unknown>> {
  if (!isRecord(value)) return decodeFail(`${path} must be a map, got ${describeType(value)}`)
  const out: Record<string, unknown> = {}
  for (const key in value) {
    const item = value[key]
    let struct: unknown
    if (decoder === undefined) {
      if (!isRecord(item))
        return decodeFail(`${pathKey(path, key)} must be an object, got ${describeType(item)}`)
      struct = item
    } else if (item instanceof Uint8Array) {
      try {
        struct = decoder.decode(item)
      } catch (error) {
        return decodeFail(`${pathKey(path, key)} is not valid msgpack: ${(error as Error).message}`)
      }
    } else if (isRecord(item)) {
      struct = item
    } else {
      return decodeFail(
        `${pathKey(path, key)} must be bytes holding a msgpack map, got ${describeType(item)}`,
      )
    }
    try {
      out[key] = withoutBigInts(struct)
    } catch {
      return decodeFail(`${pathKey(path, key)} is nested too deeply`)
    }
  }
  return decodeOk(out)
}

function readLinks(value: unknown, path: string): DecodeResult<ApmSpanLink[]> {
  if (!Array.isArray(value)) return decodeFail(`${path} must be an array`)
  const links: ApmSpanLink[] = []
  for (let i = 0; i < value.length; i++) {
    const raw: unknown = value[i]
    const at = `${path}[${i}]`
    if (!isRecord(raw)) return decodeFail(`${at} must be a map`)
    const traceId = toU64(raw.trace_id)
    const spanId = toU64(raw.span_id)
    if (traceId === undefined || spanId === undefined) {
      return decodeFail(`${at} must carry integer trace_id and span_id`)
    }
    const link: ApmSpanLink = { trace_id: traceId, span_id: spanId }
    const high = raw.trace_id_high === undefined ? undefined : toU64(raw.trace_id_high)
    if (high !== undefined) link.trace_id_high = high
    if (isRecord(raw.attributes)) {
      const attributes: Record<string, string> = {}
      for (const key in raw.attributes) attributes[key] = String(raw.attributes[key])
      link.attributes = attributes
    }
    if (typeof raw.tracestate === 'string') link.tracestate = raw.tracestate
    if (typeof raw.flags === 'number') link.flags = raw.flags
    links.push(link)
  }
  return decodeOk(links)
}
