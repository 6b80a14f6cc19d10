import type { HeaderSource } from './propagation-context.js'

/** The headers extraction reads, lowercase. */
export const PROPAGATION_HEADERS = [
  'x-datadog-trace-id',
  'x-datadog-parent-id',
  'x-datadog-sampling-priority',
  'x-datadog-origin',
  'x-datadog-tags',
  'traceparent',
  'tracestate',
] as const

export type PropagationHeader = (typeof PROPAGATION_HEADERS)[number]

const WANTED: ReadonlySet<string> = new Set(PROPAGATION_HEADERS)
const LIST_HEADERS: ReadonlySet<string> = new Set(['x-datadog-tags', 'tracestate'])

/**
 * The raw values of the propagation headers, each as the list of strings received (an array
 * header or the same name in several cases counts as several values).
 */
export type RawHeaders = Partial<Record<PropagationHeader, string[]>>

function isHeaders(source: HeaderSource): source is Headers {
  return typeof (source as Headers).get === 'function' && typeof (source as Headers).has === 'function'
}

function push(raw: RawHeaders, name: PropagationHeader, value: unknown): void {
  const list = (raw[name] ??= [])
  if (typeof value === 'string') list.push(value)
  else if (Array.isArray(value)) for (const item of value) if (typeof item === 'string') list.push(item)
}

/**
 * Collects the propagation headers case-insensitively. One pass over the keys: a plain object
 * from user code may hold `Traceparent` and `traceparent` both, and both are seen.
 */
export function readPropagationHeaders(source: HeaderSource): RawHeaders {
  const raw: RawHeaders = {}
  if (isHeaders(source)) {
    // `Headers` joins repeated fields with ", ". List headers parse that as is; single-valued
    // ones are split back into their values so `lastValue` and `uniqueValue` see the repeat.
    for (const name of PROPAGATION_HEADERS) {
      const value = source.get(name)
      if (value === null) continue
      push(raw, name, LIST_HEADERS.has(name) ? value : value.split(','))
    }
    return raw
  }
  for (const key of Object.keys(source)) {
    const name = key.toLowerCase()
    if (WANTED.has(name)) push(raw, name as PropagationHeader, source[key])
  }
  return raw
}

/** A single-valued header: the last value, trimmed, as dd-trace reads them. */
export function lastValue(values: readonly string[] | undefined): string | undefined {
  return values?.[values.length - 1]?.trim()
}

/** A list header (tracestate, x-datadog-tags): every value joined with ',' (RFC 9110 §5.3). */
export function listValue(values: readonly string[] | undefined): string | undefined {
  if (values === undefined || values.length === 0) return undefined
  return values.length === 1 ? values[0] : values.join(',')
}

/** `traceparent` must appear exactly once (W3C trace context §3.2: a repeated one is invalid). */
export function uniqueValue(values: readonly string[] | undefined): string | undefined {
  return values?.length === 1 ? values[0] : undefined
}
