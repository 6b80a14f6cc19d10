import { decodeV02Traces } from '@llmobs/protocol'
import type { ApmTracesBatch } from './apm-traces-batch.js'
import { apmTracesBatch } from './apm-traces-batch.js'
import type { Outcome } from './outcome.js'
import { reject } from './outcome.js'

/**
 * A losslessly parsed `/api/v0.2/traces` body (the agentless trace intake, JSON) → store rows, the
 * same rows a `/v0.4/traces` body with the same spans gives: APM spans, and the LLMObs events of
 * `meta_struct["_llmobs"]` (never for a span tagged `_dd.llmobs.submitted:1`). All or nothing.
 *
 * @example
 * const parsed = parseLosslessJson(body)
 * const batch = parsed.ok ? v02TracesBatch(parsed.value) : parsed
 */
export function v02TracesBatch(body: unknown): Outcome<ApmTracesBatch> {
  const traces = decodeV02Traces(body)
  return traces.ok ? apmTracesBatch(traces.value) : reject(400, traces.error)
}
