/**
 * The contract of cross-process propagation (protocol §5): what travels in Datadog and W3C trace
 * context headers, in the SDK's in-memory forms. Wire forms (decimal vs hex, `t.` vs `_dd.p.`)
 * stay inside the codecs of this folder.
 */

/** The LLMObs part of a propagated context: the `_dd.p.llmobs_*` entries. */
export interface LlmobsPropagation {
  /** LLMObs trace id, 32 lowercase hex in memory; decimal on the wire (`_dd.p.llmobs_trace_id`). */
  traceId: string
  /** Decimal id of the LLMObs span active at injection; `undefined` (the literal on the wire) when none. */
  parentId: string | undefined
  mlApp?: string
  sessionId?: string
  /** LLMObs sample rate in [0, 1] (`_dd.p.llmobs_sr`). */
  sampleRate?: number
  /** LLMObs sampling decision (`_dd.p.llmobs_sd`). */
  samplingDecision?: 0 | 1
  /** Decimal span id of the nearest calling agent span (`_dd.p.llmobs_pagent_span_id`; trimmed first). */
  agentSpanId?: string
  /** Name of that agent span (`_dd.p.llmobs_pagent_name`; trimmed first). */
  agentName?: string
}

export interface PropagationContext {
  /** APM trace id, 32 lowercase hex (high 64 bits travel as `_dd.p.tid`, low 64 as `x-datadog-trace-id` decimal). */
  apmTraceId: string
  /** Decimal id of the span that is the remote parent (`x-datadog-parent-id`; W3C parent-id as 16 hex). */
  parentSpanId: string
  /** `x-datadog-sampling-priority` / tracestate `s:`. */
  samplingPriority?: number
  /** `x-datadog-origin` / tracestate `o:`. */
  origin?: string
  /** `_dd.p.dm`, e.g. `-0`. */
  decisionMaker?: string
  /**
   * Set by extraction when upstream sent an LLMObs trace id or parent id. Upstream entries that
   * cannot continue an LLMObs trace on their own (dd-trace sends `_dd.p.llmobs_ml_app` from its
   * config even with no LLMObs span active) stay in `propagationTags` instead, and are forwarded.
   */
  llmobs?: LlmobsPropagation
  /**
   * Other `_dd.p.*` propagation tags to pass through unchanged. When `llmobs` is set, the
   * `_dd.p.llmobs_*` keys it owns (and `_dd.p.tid`, `_dd.p.dm`) are ignored here.
   */
  propagationTags?: Record<string, string>
  /** Other vendors' tracestate members (`k=v,k=v`), passed through in order. */
  foreignTracestate?: string
  /**
   * Extraction only, never injected: the last Datadog span id upstream as 16 hex (tracestate `p:`,
   * or the Datadog parent when W3C names a different parent). dd-trace records it as meta
   * `_dd.parent_id` on the local root span so the backend can reconnect the trace.
   */
  lastDatadogParentId?: string
  /** Extraction only: what was malformed or dropped in the incoming headers. */
  problems?: string[]
}

export type PropagationStyle = 'datadog' | 'tracecontext'

/** A plain header map, as Node's `OutgoingHttpHeaders`/`IncomingHttpHeaders` or a fetch init. */
export type HeaderRecord = Record<string, string | string[] | undefined>

/** Anything headers arrive in: a plain map (any key case), or a WHATWG `Headers`. */
export type HeaderSource = HeaderRecord | Headers | Readonly<Record<string, unknown>>

export interface InjectOptions {
  /** Header families to write; default `['datadog', 'tracecontext']`, dd-trace's default. */
  styles?: readonly PropagationStyle[]
}

/** What injection left out. */
export interface InjectResult {
  /** Values that could not be sent as given (invalid ids, characters a header cannot carry, ...). */
  readonly problems: readonly string[]
  /** `_dd.p.*` (x-datadog-tags) and `t.*`/`o` (tracestate) entries cut to fit the budgets; routine. */
  readonly trimmed: readonly string[]
}
