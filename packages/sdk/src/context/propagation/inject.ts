import { writeDatadogHeaders } from './datadog-headers.js'
import { fitBudget } from './datadog-tags-budget.js'
import { propagationEntries } from './datadog-tags.js'
import { PROPAGATION_HEADERS } from './header-reader.js'
import type {
  HeaderRecord,
  InjectOptions,
  InjectResult,
  PropagationContext,
  PropagationStyle,
} from './propagation-context.js'
import { HEADER_VALUE, TRACESTATE_MAX_VALUE_LENGTH } from './tag-rules.js'
import { datadogMemberEntries, foreignMembers, formatTracestate } from './tracestate.js'
import { formatTraceparent } from './w3c-traceparent.js'
import { decimalToHex16, normalizeDecimalId, normalizeTraceId } from './wire-ids.js'

const PROPAGATION_HEADER_NAMES: ReadonlySet<string> = new Set(PROPAGATION_HEADERS)
const DEFAULT_STYLES: readonly PropagationStyle[] = ['datadog', 'tracecontext']
const NOTHING_TO_REPORT: InjectResult = Object.freeze({
  problems: Object.freeze([]),
  trimmed: Object.freeze([]),
})

function samplingPriority(value: number | undefined, problems: string[]): number | undefined {
  if (value === undefined) return undefined
  if (Number.isSafeInteger(value)) return value
  problems.push(`samplingPriority ${String(value)} not propagated: not an integer`)
  return undefined
}

function origin(value: string | undefined, problems: string[]): string | undefined {
  if (value === undefined || value === '') return undefined
  // Node's `setHeader` throws on anything else; telemetry must not break the request.
  if (HEADER_VALUE.test(value) && value.trim() === value) return value
  problems.push('origin not propagated: not a valid header value')
  return undefined
}

/**
 * Headers are written lowercase; a `Traceparent` left by the caller would travel beside ours as a
 * second, contradicting header.
 */
function removeOtherSpellings(carrier: HeaderRecord): void {
  for (const key of Object.keys(carrier)) {
    const lower = key.toLowerCase()
    if (lower !== key && PROPAGATION_HEADER_NAMES.has(lower)) delete carrier[key]
  }
}

/**
 * Writes the propagation headers for `ctx` into `carrier` (lowercase names): the Datadog headers
 * and/or W3C `traceparent` + `tracestate`. `x-datadog-tags` stays within 512 bytes and the
 * tracestate `dd` member within 256 characters by leaving out optional entries (agent attribution
 * first, then the longest), never the trace id's high half or the LLMObs parent and trace ids.
 * `ctx` is not modified. Returns what was left out and why; nothing is thrown.
 *
 * @example
 * const headers: Record<string, string> = {}
 * injectHeaders(headers, {
 *   apmTraceId: '6b03fc19000000007953b531107242bf',
 *   parentSpanId: '774591771944634912',
 *   samplingPriority: 1,
 *   decisionMaker: '-0',
 *   llmobs: { traceId: '6b03fc1900000000a1b2c3d4e5f60718', parentId: '774591771944634912', mlApp: 'demo' },
 * })
 * await fetch(url, { headers })
 */
export function injectHeaders(
  carrier: HeaderRecord,
  ctx: PropagationContext,
  options?: InjectOptions,
): InjectResult {
  const problems: string[] = []
  const traceId = normalizeTraceId(ctx.apmTraceId)
  const parentId = normalizeDecimalId(ctx.parentSpanId)
  if (traceId === undefined || parentId === undefined) {
    problems.push('nothing injected: apmTraceId must be 32 hex and parentSpanId a 64-bit decimal id')
    return { problems, trimmed: [] }
  }
  const priority = samplingPriority(ctx.samplingPriority, problems)
  const originValue = origin(ctx.origin, problems)
  const entries = propagationEntries(ctx, traceId, problems)
  const trimmed: string[] = []
  const styles = options?.styles ?? DEFAULT_STYLES
  removeOtherSpellings(carrier)

  if (styles.includes('datadog')) {
    const fields = { traceId, parentId, samplingPriority: priority, origin: originValue }
    trimmed.push(...writeDatadogHeaders(carrier, fields, entries, problems))
  }

  if (styles.includes('tracecontext')) {
    if (parentId === '0') {
      // W3C forbids an all-zero parent-id; only the Datadog headers can say "no parent".
      problems.push('traceparent not written: parentSpanId is 0')
      delete carrier.traceparent
      delete carrier.tracestate
    } else {
      // dd-trace decides a priority before injecting; without one, W3C can only say "not sampled".
      if (priority === undefined) problems.push('samplingPriority unset: traceparent sent as not sampled')
      const parentIdHex = decimalToHex16(parentId)
      carrier.traceparent = formatTraceparent(traceId, parentIdHex, priority !== undefined && priority > 0)
      const member = datadogMemberEntries(
        { samplingPriority: priority, origin: originValue, parentIdHex },
        entries,
      )
      const fitted = fitBudget(member, TRACESTATE_MAX_VALUE_LENGTH)
      trimmed.push(...fitted.trimmed)
      const foreign = foreignMembers(ctx.foreignTracestate, problems)
      // Over even with the required fields only, the member would be invalid W3C: send none.
      if (fitted.overBudget) problems.push('tracestate dd member over 256 characters: left out')
      const state = formatTracestate(fitted.overBudget ? [] : fitted.kept, foreign)
      if (state === '') delete carrier.tracestate
      else carrier.tracestate = state
    }
  }

  // Trimming is routine (a full LLMObs context rarely fits the 256-character dd member with its
  // agent entries; dd-trace trims there too), so it is reported in `trimmed`, not as a problem.
  if (problems.length === 0 && trimmed.length === 0) return NOTHING_TO_REPORT
  return { problems, trimmed }
}
