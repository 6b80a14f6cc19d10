import { fitBudget, type BudgetEntry } from './datadog-tags-budget.js'
import { parseDatadogTags, serializeDatadogTags } from './datadog-tags.js'
import { lastValue, listValue, type RawHeaders } from './header-reader.js'
import type { HeaderRecord } from './propagation-context.js'
import { DATADOG_TAGS_MAX_LENGTH, HEADER_VALUE } from './tag-rules.js'
import { lowHalfDecimal, normalizeDecimalId } from './wire-ids.js'

/** What the `x-datadog-*` headers carry, decoded but not yet merged with W3C. */
export interface DatadogHeaderContext {
  /** Low 64 bits of the trace id, canonical decimal. */
  readonly traceIdLow: string
  /** Canonical decimal; may be `0` (synthetics sends that). */
  readonly parentId: string
  readonly samplingPriority?: number
  readonly origin?: string
  /** Decoded `_dd.p.*` tags (`_dd.p.tid` validated). */
  readonly tags: Map<string, string>
}

const INTEGER = /^-?[0-9]{1,10}$/

/** The validated ids and fields injection writes (see `inject.ts`). */
export interface DatadogWrite {
  readonly traceId: string
  readonly parentId: string
  readonly samplingPriority: number | undefined
  readonly origin: string | undefined
}

/**
 * Writes the Datadog headers. `x-datadog-tags` is fitted to its 512-byte budget by leaving out
 * optional entries; returns the keys left out. Stale optional headers from an earlier injection
 * into the same carrier are removed so they cannot contradict this one.
 */
export function writeDatadogHeaders(
  carrier: HeaderRecord,
  fields: DatadogWrite,
  entries: readonly BudgetEntry[],
  problems: string[],
): readonly string[] {
  carrier['x-datadog-trace-id'] = lowHalfDecimal(fields.traceId)
  carrier['x-datadog-parent-id'] = fields.parentId
  if (fields.samplingPriority === undefined) delete carrier['x-datadog-sampling-priority']
  else carrier['x-datadog-sampling-priority'] = String(fields.samplingPriority)
  if (fields.origin === undefined) delete carrier['x-datadog-origin']
  else carrier['x-datadog-origin'] = fields.origin

  const fitted = fitBudget(entries, DATADOG_TAGS_MAX_LENGTH)
  if (fitted.overBudget) {
    problems.push(
      `x-datadog-tags over ${DATADOG_TAGS_MAX_LENGTH} bytes with required entries only; sent anyway`,
    )
  }
  if (fitted.kept.length === 0) delete carrier['x-datadog-tags']
  else carrier['x-datadog-tags'] = serializeDatadogTags(fitted.kept)
  return fitted.trimmed
}

/**
 * Reads the Datadog headers; undefined unless both a non-zero trace id and a parent id are
 * valid (dd-trace needs both too).
 */
export function readDatadogHeaders(raw: RawHeaders, problems: string[]): DatadogHeaderContext | undefined {
  const rawTraceId = lastValue(raw['x-datadog-trace-id'])
  if (rawTraceId === undefined) return undefined
  const traceIdLow = normalizeDecimalId(rawTraceId)
  if (traceIdLow === undefined || traceIdLow === '0') {
    problems.push(
      `x-datadog-trace-id ${JSON.stringify(rawTraceId.slice(0, 40))} ignored: not a non-zero 64-bit decimal`,
    )
    return undefined
  }
  const rawParentId = lastValue(raw['x-datadog-parent-id'])
  const parentId = rawParentId === undefined ? undefined : normalizeDecimalId(rawParentId)
  if (parentId === undefined) {
    problems.push('x-datadog-parent-id missing or not a 64-bit decimal: Datadog headers ignored')
    return undefined
  }

  const context: { -readonly [K in keyof DatadogHeaderContext]: DatadogHeaderContext[K] } = {
    traceIdLow,
    parentId,
    tags: new Map(),
  }
  const rawPriority = lastValue(raw['x-datadog-sampling-priority'])
  if (rawPriority !== undefined) {
    if (INTEGER.test(rawPriority)) context.samplingPriority = Number(rawPriority)
    else problems.push(`x-datadog-sampling-priority ${JSON.stringify(rawPriority.slice(0, 40))} ignored`)
  }
  const origin = lastValue(raw['x-datadog-origin'])
  if (origin !== undefined && origin !== '') {
    if (HEADER_VALUE.test(origin)) context.origin = origin
    else problems.push('x-datadog-origin ignored: not a valid header value')
  }
  const tagsHeader = listValue(raw['x-datadog-tags'])
  if (tagsHeader !== undefined) context.tags = parseDatadogTags(tagsHeader, problems)
  return context
}
