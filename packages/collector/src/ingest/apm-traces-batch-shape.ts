import type { ApmSpanInput, LlmSpanInput } from '../store/store.js'

/**
 * What a `/v0.4`/`/v0.5` traces request becomes: store rows. A leaf of its own, so the reference
 * decoder path (`apm-traces-batch.ts`) and the fast path (`v04/v04-fast-batch.ts`) both build it
 * without importing each other.
 */
export interface ApmTracesBatch {
  apmSpans: ApmSpanInput[]
  /** LLMObs events rebuilt from `meta_struct["_llmobs"]`. */
  llmSpans: LlmSpanInput[]
  sampledOut: number
  /** `service:<s>,env:<e>` keys seen, for the agent's `rate_by_service` answer. */
  services: Set<string>
}
