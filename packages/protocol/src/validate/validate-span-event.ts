import type { DecodeResult } from '../decode-result.js'
import { decodeFail, decodeOk } from '../decode-result.js'
import { parseDecimalId, traceIdToHex32 } from '../ids.js'
import type { LinkSide, SpanEvent, SpanEventDD, SpanEventMeta, WireSpanLink } from '../span-event.js'
import { ROOT_PARENT_ID } from '../span-event.js'
import { describeType, isFiniteNumber, isRecord, pathKey } from './shape.js'

const MAX_KIND_LENGTH = 64

/**
 * Validates one LLMObs span event (protocol §2) from an untrusted sender and returns it normalised:
 * ids in canonical form (trace ids 32 lowercase hex, span ids decimal without leading zeros, a root's
 * parent `"undefined"`), the span kind under the flat `meta["span.kind"]` key even when the sender
 * nested it as `meta.span.kind`, `input`/`output`/`metrics`/`tags` always present. Unknown span kinds
 * are accepted (newer tracers add kinds); unknown top-level fields are dropped. `_dd.trace_id` and
 * `_dd.apm_trace_id` are `""` when the sender did not give a valid one.
 *
 * @example
 * const result = validateSpanEvent(JSON.parse(body)[0].spans[0], 'spans[0]')
 * if (!result.ok) reply(400, result.error) // e.g. 'spans[0].trace_id must be a 32-hex string'
 */
export function validateSpanEvent(raw: unknown, path: string): DecodeResult<SpanEvent> {
  if (!isRecord(raw)) return decodeFail(`${path} must be an object, got ${describeType(raw)}`)

  const traceId = typeof raw.trace_id === 'string' ? traceIdToHex32(raw.trace_id) : undefined
  if (traceId === undefined) return decodeFail(`${path}.trace_id must be a 32-hex string`)

  const spanId = readSpanId(raw.span_id)
  if (spanId === undefined) return decodeFail(`${path}.span_id must be a decimal 64-bit id string`)

  const parentId = readParentId(raw.parent_id)
  if (parentId === undefined) {
    return decodeFail(`${path}.parent_id must be a decimal 64-bit id string or "undefined"`)
  }

  if (typeof raw.name !== 'string') return decodeFail(`${path}.name must be a string`)

  const startNs = readNanos(raw.start_ns)
  if (startNs === undefined) return decodeFail(`${path}.start_ns must be a non-negative integer (ns)`)
  const duration = readNanos(raw.duration)
  if (duration === undefined) return decodeFail(`${path}.duration must be a non-negative integer (ns)`)

  const tags = readStringArray(raw.tags)
  if (tags === undefined) return decodeFail(`${path}.tags must be an array of "key:value" strings`)

  let status: 'ok' | 'error'
  if (raw.status === 'ok' || raw.status === 'error') status = raw.status
  else if (raw.status === undefined) status = tags.includes('error:1') ? 'error' : 'ok'
  else return decodeFail(`${path}.status must be "ok" or "error"`)

  const meta = readMeta(raw.meta, `${path}.meta`)
  if (!meta.ok) return meta

  const metrics = readMetrics(raw.metrics, `${path}.metrics`)
  if (!metrics.ok) return metrics

  const event: SpanEvent = {
    trace_id: traceId,
    span_id: spanId,
    parent_id: parentId,
    name: raw.name,
    tags,
    start_ns: startNs,
    duration,
    status,
    meta: meta.value,
    metrics: metrics.value,
    _dd: readDD(raw._dd, spanId),
  }

  if (raw.session_id !== undefined && raw.session_id !== null) {
    if (typeof raw.session_id !== 'string') return decodeFail(`${path}.session_id must be a string`)
    event.session_id = raw.session_id
  }
  if (raw.span_links !== undefined && raw.span_links !== null) {
    const links = readLinks(raw.span_links, `${path}.span_links`)
    if (!links.ok) return links
    event.span_links = links.value
  }
  if (raw.collection_errors !== undefined) {
    const errors = readStringArray(raw.collection_errors)
    if (errors === undefined) return decodeFail(`${path}.collection_errors must be an array of strings`)
    event.collection_errors = errors
  }
  return decodeOk(event)
}

function readSpanId(value: unknown): string | undefined {
  if (typeof value === 'string') return parseDecimalId(value)?.toString()
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value)
  if (typeof value === 'bigint' && value >= 0n && value < 1n << 64n) return value.toString()
  return undefined
}

function readParentId(value: unknown): string | undefined {
  if (value === undefined || value === null || value === ROOT_PARENT_ID || value === '' || value === '0') {
    return ROOT_PARENT_ID
  }
  const id = readSpanId(value)
  return id === '0' ? ROOT_PARENT_ID : id
}

/** Nanosecond integers arrive as JSON numbers (precision beyond 2^53 is already lost) or digit strings. */
function readNanos(value: unknown): number | undefined {
  if (isFiniteNumber(value)) return value >= 0 ? Math.round(value) : undefined
  if (typeof value === 'bigint') return value >= 0n ? Number(value) : undefined
  if (typeof value === 'string' && /^[0-9]{1,20}$/.test(value)) return Number(value)
  return undefined
}

function readStringArray(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) return undefined
  for (const item of value) if (typeof item !== 'string') return undefined
  return value as string[]
}

function readMeta(value: unknown, path: string): DecodeResult<SpanEventMeta> {
  if (!isRecord(value)) return decodeFail(`${path} must be an object, got ${describeType(value)}`)
  // A shallow copy: the sender's object is not ours to change. Spread defines own properties, so a
  // "__proto__" key from JSON.parse stays a plain key.
  const meta: Record<string, unknown> = { ...value }
  let kind = meta['span.kind']
  const nested = meta.span
  if (kind === undefined && isRecord(nested)) {
    kind = nested.kind
    // Newer Python tracers nest the kind; store the flat form the Node tracer sends.
    if (Object.keys(nested).length === 1) delete meta.span
  }
  if (typeof kind !== 'string' || kind === '' || kind.length > MAX_KIND_LENGTH) {
    return decodeFail(`${path}["span.kind"] must be a span kind string (e.g. "llm")`)
  }
  meta['span.kind'] = kind
  for (const side of ['input', 'output'] as const) {
    const io = meta[side]
    if (io === undefined || io === null) meta[side] = {}
    else if (!isRecord(io))
      return decodeFail(`${pathKey(path, side)} must be an object, got ${describeType(io)}`)
  }
  return decodeOk(meta as SpanEventMeta)
}

function readMetrics(value: unknown, path: string): DecodeResult<Record<string, number>> {
  if (value === undefined || value === null) return decodeOk({})
  if (!isRecord(value)) return decodeFail(`${path} must be an object of numbers, got ${describeType(value)}`)
  for (const key in value) {
    if (!isFiniteNumber(value[key])) return decodeFail(`${pathKey(path, key)} must be a finite number`)
  }
  return decodeOk(value as Record<string, number>)
}

function readLinks(value: unknown, path: string): DecodeResult<WireSpanLink[]> {
  if (!Array.isArray(value)) return decodeFail(`${path} must be an array`)
  const links: WireSpanLink[] = []
  for (let i = 0; i < value.length; i++) {
    const link: unknown = value[i]
    const at = `${path}[${i}]`
    if (!isRecord(link)) return decodeFail(`${at} must be an object`)
    const traceId = typeof link.trace_id === 'string' ? traceIdToHex32(link.trace_id) : undefined
    if (traceId === undefined) return decodeFail(`${at}.trace_id must be a 32-hex string`)
    const spanId = readSpanId(link.span_id)
    if (spanId === undefined) return decodeFail(`${at}.span_id must be a decimal 64-bit id string`)
    const attributes = link.attributes
    if (!isRecord(attributes) || typeof attributes.from !== 'string' || typeof attributes.to !== 'string') {
      return decodeFail(`${at}.attributes must be {"from": "input"|"output", "to": "input"|"output"}`)
    }
    links.push({
      trace_id: traceId,
      span_id: spanId,
      // Any side name is kept: the two defined today are "input" and "output".
      attributes: { from: attributes.from as LinkSide, to: attributes.to as LinkSide },
    })
  }
  return decodeOk(links)
}

function readDD(value: unknown, spanId: string): SpanEventDD {
  const dd = isRecord(value) ? value : {}
  const apm = typeof dd.apm_trace_id === 'string' ? traceIdToHex32(dd.apm_trace_id) : undefined
  const trace = typeof dd.trace_id === 'string' ? traceIdToHex32(dd.trace_id) : undefined
  const out: SpanEventDD = { span_id: spanId, trace_id: trace ?? apm ?? '', apm_trace_id: apm ?? trace ?? '' }
  if (typeof dd.sample_rate === 'string' || typeof dd.sample_rate === 'number') {
    out.sample_rate = String(dd.sample_rate)
  }
  if (typeof dd.sampling_decision === 'string' || typeof dd.sampling_decision === 'number') {
    out.sampling_decision = String(dd.sampling_decision)
  }
  return out
}
