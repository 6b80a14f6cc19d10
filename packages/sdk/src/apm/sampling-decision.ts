/**
 * What `PrioritySampler.decide` returns for one trace chunk. Results are shared frozen objects
 * wherever the values repeat (one per rate and outcome), so deciding allocates nothing in the common
 * case; never mutate one.
 */
export interface SamplingDecision {
  /** `_sampling_priority_v1`: USER_REJECT -1, AUTO_REJECT 0, AUTO_KEEP 1, USER_KEEP 2. */
  readonly priority: number
  /** Who decided, for meta `_dd.p.dm` (write it only when `priority > 0`, as dd-trace does). */
  readonly decisionMaker: string
  /** Metrics for the chunk's first span: `_dd.agent_psr`, or `_dd.rule_psr` (+ `_dd.limit_psr`). */
  readonly metrics: Readonly<Record<string, number>>
  /** Meta for the chunk's first span: `_dd.p.ksr` when a rule or an agent rate decided. */
  readonly meta: Readonly<Record<string, string>>
}

const NO_META: Readonly<Record<string, string>> = Object.freeze({})

/** A frozen decision (metrics and meta frozen too), to be built once and shared. */
export function frozenDecision(
  priority: number,
  decisionMaker: string,
  metrics: Record<string, number>,
  meta?: Readonly<Record<string, string>>,
): SamplingDecision {
  return Object.freeze({
    priority,
    decisionMaker,
    metrics: Object.freeze(metrics),
    meta: meta === undefined ? NO_META : Object.freeze(meta),
  })
}
