import { monotonicMs } from '../internal/clock.js'
import { agentRateKey, DEFAULT_RATE_KEY, parseAgentRates } from './agent-rates.js'
import { compileGlob, type GlobMatcher } from './glob-pattern.js'
import { formatKnuthRate, isKeptByKnuth, knuthThreshold } from './knuth-sampling.js'
import { RateLimiter } from './rate-limiter.js'
import type { ApmSamplingConfig } from './sampling-config.js'
import { frozenDecision, type SamplingDecision } from './sampling-decision.js'
import {
  AGENT_RATE_METRIC,
  AUTO_KEEP,
  AUTO_REJECT,
  DECISION_MAKER_AGENT_RATE,
  DECISION_MAKER_DEFAULT,
  DECISION_MAKER_RULE,
  KNUTH_RATE_TAG,
  LIMITER_RATE_METRIC,
  RULE_RATE_METRIC,
  USER_KEEP,
  USER_REJECT,
} from './sampling-priority.js'

/** A rate with its Knuth threshold, and its decisions built once. */
interface AgentRate {
  readonly rate: number
  readonly threshold: bigint
  readonly keep: SamplingDecision
  readonly reject: SamplingDecision
}

interface CompiledRule {
  readonly service: GlobMatcher | undefined
  readonly name: GlobMatcher | undefined
  readonly rate: number
  readonly threshold: bigint
  readonly meta: Readonly<Record<string, string>>
  /** Dropped by the rule's rate: the limiter is not asked, so no `_dd.limit_psr`. */
  readonly reject: SamplingDecision
  /** Kept while the limiter lets every request through (`_dd.limit_psr` 1): the usual case. */
  readonly keepUnlimited: SamplingDecision
}

/** No agent rate for the trace yet: keep it, at rate 1, and say the default decided. */
const DEFAULT_KEEP = frozenDecision(AUTO_KEEP, DECISION_MAKER_DEFAULT, { [AGENT_RATE_METRIC]: 1 })

/**
 * APM priority sampling, as dd-trace decides it for a trace's local root (protocol §4):
 * 1. the first user rule whose `service` and `name` patterns match decides, at its rate, from the
 *    trace id: USER_KEEP or USER_REJECT, decision maker `-3`, metric `_dd.rule_psr`; a kept trace then
 *    needs a token from the rate limiter, or becomes USER_REJECT (metric `_dd.limit_psr` either way);
 * 2. else the agent's rate for `service:<s>,env:<e>` (or its `service:,env:` catch-all) decides:
 *    AUTO_KEEP or AUTO_REJECT, decision maker `-1`, metric `_dd.agent_psr`;
 * 3. else (no agent answer yet, or no rate in it for this trace) AUTO_KEEP at rate 1, decision
 *    maker `-0`, metric `_dd.agent_psr` 1, as the dd-trace capture shows.
 * Decisions from rates are deterministic in the trace id, so every tracer on the trace agrees.
 * Nothing here throws.
 *
 * @example
 * const sampler = new PrioritySampler(resolveApmSamplingConfig(options, process.env, report))
 * const decision = sampler.decide(traceIdLow, 'checkout', 'prod', 'llm.request')
 * metrics['_sampling_priority_v1'] = decision.priority
 */
export class PrioritySampler {
  readonly #rules: readonly CompiledRule[]
  readonly #limiter: RateLimiter
  #agentRates = new Map<string, AgentRate>()
  #agentRatesVersion = 0

  // One-entry caches: a process usually has one service and env and few root names, so these spare
  // a lowercased copy and a key string per trace.
  #service = ''
  #serviceLower = ''
  #name = ''
  #nameLower = ''
  #rateService: string | undefined
  #rateEnv: string | undefined
  #rateVersion = -1
  #rate: AgentRate | undefined

  /** `now` reads monotonic milliseconds, for the rate limiter (a test passes its own clock). */
  constructor(config: ApmSamplingConfig, now: () => number = monotonicMs) {
    const rules = config.rules.map((rule) => compileRule(rule.sampleRate, rule.service, rule.name))
    if (config.sampleRate !== undefined) rules.push(compileRule(config.sampleRate, undefined, undefined))
    this.#rules = rules
    this.#limiter = new RateLimiter(config.rateLimit, now)
  }

  /** The decision for a trace chunk whose local root has this service, env and name. */
  decide(traceIdLow: bigint, service: string, env: string, name: string): SamplingDecision {
    // The types promise these; the checks cost nothing and keep a caller's slip from throwing.
    const id = typeof traceIdLow === 'bigint' ? traceIdLow : 0n
    const serviceText = typeof service === 'string' ? service : ''
    if (this.#rules.length > 0) {
      const rule = this.#findRule(serviceText, typeof name === 'string' ? name : '')
      if (rule !== undefined) return this.#decideByRule(rule, id)
    }
    const agentRate = this.#agentRateFor(serviceText, typeof env === 'string' ? env : '')
    if (agentRate === undefined) return DEFAULT_KEEP
    return isKept(id, agentRate.rate, agentRate.threshold) ? agentRate.keep : agentRate.reject
  }

  /**
   * Takes the parsed JSON answer of `/v0.4/traces` (`{"rate_by_service":{"service:a,env:b":0.5}}`).
   * Returns false, keeping the rates in use, when it carries no `rate_by_service` object; bad entries
   * are skipped and at most 1,000 kept. Never throws.
   */
  updateAgentRates(body: unknown): boolean {
    const parsed = parseAgentRates(body)
    if (parsed === undefined) return false
    const previous = this.#agentRates
    const next = new Map<string, AgentRate>()
    for (const [key, rate] of parsed) {
      // The agent repeats the same rates in every answer: keep their decisions rather than rebuild.
      const known = previous.get(key)
      next.set(key, known !== undefined && known.rate === rate ? known : makeAgentRate(rate))
    }
    this.#agentRates = next
    this.#agentRatesVersion++
    return true
  }

  #findRule(service: string, name: string): CompiledRule | undefined {
    if (service !== this.#service) {
      this.#service = service
      this.#serviceLower = service.toLowerCase()
    }
    if (name !== this.#name) {
      this.#name = name
      this.#nameLower = name.toLowerCase()
    }
    for (const rule of this.#rules) {
      if (rule.service !== undefined && !rule.service(this.#serviceLower)) continue
      if (rule.name !== undefined && !rule.name(this.#nameLower)) continue
      return rule
    }
    return undefined
  }

  #decideByRule(rule: CompiledRule, id: bigint): SamplingDecision {
    if (!isKept(id, rule.rate, rule.threshold)) return rule.reject
    const allowed = this.#limiter.isAllowed()
    const limiterRate = this.#limiter.effectiveRate()
    if (allowed && limiterRate === 1) return rule.keepUnlimited
    // Under load the limiter's rate changes with every request, so this result cannot be shared.
    return frozenDecision(
      allowed ? USER_KEEP : USER_REJECT,
      DECISION_MAKER_RULE,
      { [RULE_RATE_METRIC]: rule.rate, [LIMITER_RATE_METRIC]: limiterRate },
      rule.meta,
    )
  }

  #agentRateFor(service: string, env: string): AgentRate | undefined {
    if (
      service !== this.#rateService ||
      env !== this.#rateEnv ||
      this.#rateVersion !== this.#agentRatesVersion
    ) {
      const rates = this.#agentRates
      this.#rateService = service
      this.#rateEnv = env
      this.#rateVersion = this.#agentRatesVersion
      this.#rate =
        rates.size === 0 ? undefined : (rates.get(agentRateKey(service, env)) ?? rates.get(DEFAULT_RATE_KEY))
    }
    return this.#rate
  }
}

function isKept(id: bigint, rate: number, threshold: bigint): boolean {
  if (rate >= 1) return true
  if (rate <= 0) return false
  return isKeptByKnuth(id, threshold)
}

function makeAgentRate(rate: number): AgentRate {
  const meta = { [KNUTH_RATE_TAG]: formatKnuthRate(rate) }
  return {
    rate,
    threshold: knuthThreshold(rate),
    keep: frozenDecision(AUTO_KEEP, DECISION_MAKER_AGENT_RATE, { [AGENT_RATE_METRIC]: rate }, meta),
    reject: frozenDecision(AUTO_REJECT, DECISION_MAKER_AGENT_RATE, { [AGENT_RATE_METRIC]: rate }, meta),
  }
}

function compileRule(rate: number, service: string | undefined, name: string | undefined): CompiledRule {
  const meta = Object.freeze({ [KNUTH_RATE_TAG]: formatKnuthRate(rate) })
  return {
    service: service === undefined ? undefined : compileGlob(service),
    name: name === undefined ? undefined : compileGlob(name),
    rate,
    threshold: knuthThreshold(rate),
    meta,
    reject: frozenDecision(USER_REJECT, DECISION_MAKER_RULE, { [RULE_RATE_METRIC]: rate }, meta),
    keepUnlimited: frozenDecision(
      USER_KEEP,
      DECISION_MAKER_RULE,
      { [RULE_RATE_METRIC]: rate, [LIMITER_RATE_METRIC]: 1 },
      meta,
    ),
  }
}
