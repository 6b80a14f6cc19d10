import { readDatadogHeaders, type DatadogHeaderContext } from './datadog-headers.js'
import { listValue, readPropagationHeaders, uniqueValue, type RawHeaders } from './header-reader.js'
import { readLlmobs } from './llmobs-entries.js'
import type { HeaderSource, PropagationContext } from './propagation-context.js'
import { TAG } from './tag-rules.js'
import { parseTracestate, type ParsedTracestate } from './tracestate.js'
import { parseTraceparent, type Traceparent } from './w3c-traceparent.js'
import { decimalToHex16, hex16ToDecimal } from './wire-ids.js'

export interface ExtractResult {
  readonly context: PropagationContext | undefined
  /** Everything malformed, dropped or reconciled, also when no context could be read. */
  readonly problems: string[]
}

const ZERO16 = '0'.repeat(16)

interface W3c {
  readonly traceparent: Traceparent
  readonly tracestate: ParsedTracestate | undefined
}

function readW3c(raw: RawHeaders, problems: string[]): W3c | undefined {
  const values = raw.traceparent
  if (values === undefined || values.length === 0) return undefined
  const text = uniqueValue(values)
  if (text === undefined) {
    problems.push('traceparent ignored: sent more than once')
    return undefined
  }
  const traceparent = parseTraceparent(text, problems)
  if (traceparent === undefined) return undefined
  // A tracestate only means something next to a valid traceparent (W3C §3.3).
  const state = listValue(raw.tracestate)
  return { traceparent, tracestate: state === undefined ? undefined : parseTracestate(state, problems) }
}

/** dd-trace's rule: the sampled flag gives 1 or 0, and `s:` refines it when it agrees in sign. */
function w3cPriority({ traceparent, tracestate }: W3c): number {
  const base = traceparent.sampled ? 1 : 0
  const s = tracestate?.dd?.samplingPriority
  if (s === undefined) return base
  return (base === 1 && s > 0) || (base === 0 && s < 0) ? s : base
}

function fromW3c(w3c: W3c, problems: string[]): PropagationContext {
  const { traceparent, tracestate } = w3c
  const dd = tracestate?.dd
  const ctx: PropagationContext = {
    apmTraceId: traceparent.traceId,
    parentSpanId: hex16ToDecimal(traceparent.parentId),
    samplingPriority: w3cPriority(w3c),
  }
  if (dd?.origin !== undefined) ctx.origin = dd.origin
  if (dd?.lastParentId !== undefined) ctx.lastDatadogParentId = dd.lastParentId
  finish(ctx, new Map(dd?.tags), problems)
  if (tracestate !== undefined && tracestate.foreign.length > 0)
    ctx.foreignTracestate = tracestate.foreign.join(',')
  return ctx
}

function fromDatadog(dd: DatadogHeaderContext, w3c: W3c | undefined, problems: string[]): PropagationContext {
  const lowHex = decimalToHex16(dd.traceIdLow)
  const tid = dd.tags.get(TAG.tid)
  const ctx: PropagationContext = { apmTraceId: (tid ?? ZERO16) + lowHex, parentSpanId: dd.parentId }
  if (dd.samplingPriority !== undefined) ctx.samplingPriority = dd.samplingPriority
  if (dd.origin !== undefined) ctx.origin = dd.origin
  const tags = new Map(dd.tags)
  if (w3c === undefined) return finish(ctx, tags, problems)

  const { traceparent, tracestate } = w3c
  if (traceparent.traceId.slice(16) !== lowHex) {
    problems.push('traceparent names another trace than x-datadog-trace-id: the Datadog headers win')
    return finish(ctx, tags, problems)
  }
  // Same low half. dd-trace then takes the W3C sampling state when Datadog sent none.
  const ddState = tracestate?.dd
  if (ctx.samplingPriority === undefined) {
    ctx.samplingPriority = w3cPriority(w3c)
    const dm = ddState?.tags.get(TAG.dm)
    if (dm !== undefined && !tags.has(TAG.dm)) tags.set(TAG.dm, dm)
  }
  if (tid === undefined && traceparent.traceId.slice(0, 16) !== ZERO16) {
    // x-datadog-tags lost (dd-trace drops it whole when over 512 bytes): recover the high half.
    ctx.apmTraceId = traceparent.traceId
    problems.push('_dd.p.tid absent: the high 64 bits of the trace id come from traceparent')
  } else if (traceparent.traceId !== ctx.apmTraceId) {
    problems.push('traceparent and _dd.p.tid disagree on the trace id: the Datadog headers win')
    return finish(ctx, tags, problems)
  }

  // Same trace: W3C's parent wins (it is the nearer hop when a W3C-only service sat between);
  // the last Datadog span is kept for the backend to reconnect, as dd-trace's `_dd.parent_id`.
  const ddParentHex = decimalToHex16(dd.parentId)
  if (traceparent.parentId !== ddParentHex) {
    ctx.parentSpanId = hex16ToDecimal(traceparent.parentId)
    ctx.lastDatadogParentId = ddState?.lastParentId ?? ddParentHex
  }
  if (ctx.origin === undefined && ddState?.origin !== undefined) ctx.origin = ddState.origin
  // x-datadog-tags, when present, is the whole truth (as in dd-trace): the dd member's values are
  // lossy (';' and '~' become '_'). Without it (lost on the way) the dd member stands in.
  if (dd.tags.size === 0 && ddState !== undefined)
    for (const [key, value] of ddState.tags) tags.set(key, value)
  finish(ctx, tags, problems)
  if (tracestate !== undefined && tracestate.foreign.length > 0)
    ctx.foreignTracestate = tracestate.foreign.join(',')
  return ctx
}

/** Moves the decoded `_dd.p.*` tags into their fields; what is left passes through. */
function finish(ctx: PropagationContext, tags: Map<string, string>, problems: string[]): PropagationContext {
  const tid = tags.get(TAG.tid)
  if (tid !== undefined && tid !== ctx.apmTraceId.slice(0, 16)) {
    problems.push(`${TAG.tid}=${tid} in tracestate disagrees with traceparent: ignored`)
  }
  tags.delete(TAG.tid)
  const dm = tags.get(TAG.dm)
  if (dm !== undefined) ctx.decisionMaker = dm
  tags.delete(TAG.dm)

  const { llmobs, consumed } = readLlmobs(tags, ctx.apmTraceId, problems)
  if (llmobs !== undefined) ctx.llmobs = llmobs
  let rest: Record<string, string> | undefined
  for (const [key, value] of tags) {
    if (llmobs !== undefined && consumed.has(key)) continue
    ;(rest ??= {})[key] = value
  }
  if (rest !== undefined) ctx.propagationTags = rest
  return ctx
}

function extract(headers: HeaderSource, problems: string[]): PropagationContext | undefined {
  const raw = readPropagationHeaders(headers)
  const dd = readDatadogHeaders(raw, problems)
  const w3c = readW3c(raw, problems)
  if (dd !== undefined) return fromDatadog(dd, w3c, problems)
  if (w3c !== undefined) return fromW3c(w3c, problems)
  return undefined
}

/**
 * Reads a propagated context with every problem found. Datadog headers first, then W3C trace
 * context, reconciled as dd-trace does with its default `datadog,tracecontext` extraction. Never
 * throws.
 *
 * @example
 * const { context, problems } = extractPropagation(req.headers)
 * if (problems.length > 0) diagnostics.debug(`propagation: ${problems.join('; ')}`)
 */
export function extractPropagation(headers: HeaderSource | null | undefined): ExtractResult {
  const problems: string[] = []
  if (headers === null || typeof headers !== 'object') return { context: undefined, problems }
  try {
    return { context: extract(headers, problems), problems }
  } catch (error) {
    // Only a hostile carrier (a throwing getter or Proxy) gets here; the codecs themselves do not throw.
    problems.push(`headers could not be read: ${error instanceof Error ? error.message : String(error)}`)
    return { context: undefined, problems }
  }
}

/**
 * The propagated context in incoming headers (any key case; a plain object, Node's
 * `IncomingHttpHeaders` or a fetch `Headers`), or undefined when there is none. Malformed parts
 * are skipped and listed in `problems` on the result. Never throws.
 *
 * @example
 * const parent = extractHeaders(req.headers)
 * // parent?.llmobs?.traceId continues the caller's LLMObs trace; parent?.parentSpanId is the APM parent
 */
export function extractHeaders(headers: HeaderSource | null | undefined): PropagationContext | undefined {
  const { context, problems } = extractPropagation(headers)
  if (context !== undefined && problems.length > 0) context.problems = problems
  return context
}
