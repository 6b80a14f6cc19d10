/**
 * The words of APM priority sampling, as every Datadog tracer and the agent spell them. The chunk's
 * first span carries the priority in metric `_sampling_priority_v1`; the agent keeps chunks whose
 * priority is above 0 and drops the rest.
 */

/** Dropped on purpose: by a sampling rule, the rate limiter, or manually. */
export const USER_REJECT = -1
/** Dropped by the agent's rate (or the default rate). */
export const AUTO_REJECT = 0
/** Kept by the agent's rate (or the default rate). */
export const AUTO_KEEP = 1
/** Kept on purpose: by a sampling rule, or manually. */
export const USER_KEEP = 2

/**
 * Meta `_dd.p.dm`, the decision maker: who decided. dd-trace writes it on the chunk's first span and
 * propagates it only while the trace is kept (priority > 0).
 */
export const DECISION_MAKER_TAG = '_dd.p.dm'
/** The default rate: no agent rates yet, or none for this service and env. */
export const DECISION_MAKER_DEFAULT = '-0'
/** A rate the agent sent in `rate_by_service`. */
export const DECISION_MAKER_AGENT_RATE = '-1'
/** A user sampling rule (`DD_TRACE_SAMPLING_RULES` or `DD_TRACE_SAMPLE_RATE`). */
export const DECISION_MAKER_RULE = '-3'
/** A manual keep or drop from user code. */
export const DECISION_MAKER_MANUAL = '-4'

/** Metric: the agent (or default) rate that decided. */
export const AGENT_RATE_METRIC = '_dd.agent_psr'
/** Metric: the sample rate of the rule that decided. */
export const RULE_RATE_METRIC = '_dd.rule_psr'
/** Metric: the share of rule-kept traces the rate limiter let through, over the last two seconds. */
export const LIMITER_RATE_METRIC = '_dd.limit_psr'
/** Meta: the rate the Knuth sampler used, when a rule or an agent rate decided (6 decimals at most). */
export const KNUTH_RATE_TAG = '_dd.p.ksr'
