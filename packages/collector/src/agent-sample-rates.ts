/**
 * The priority-sampling rates the collector answers tracers with (`rate_by_service` of `/v0.4/traces`
 * and `/v0.5/traces`), keyed as the Datadog Agent keys them: `service:<service>,env:<env>`, with
 * `service:,env:` the rate for every service not named. A local collector keeps everything (rate 1),
 * unless a test asks for other rates to exercise the tracer's priority sampling.
 */
export type AgentSampleRates = Readonly<Record<string, number>>

/** The key of the rate for services not named. */
export const DEFAULT_RATE_KEY = 'service:,env:'

const KEY = /^service:[^,]*,env:.*$/s

/**
 * Reads the rates from the option's value (an object, or its JSON text as given on the command line
 * or in `LLMOBS_AGENT_SAMPLE_RATES`), or says what is wrong with them.
 *
 * @example
 * readAgentSampleRates('{"service:svc,env:dev":0.3}') // { ok: true, value: { 'service:svc,env:dev': 0.3 } }
 * readAgentSampleRates('{"svc":2}') // { ok: false, error: 'agent-sample-rates: key "svc" must be ...' }
 */
export function readAgentSampleRates(
  input: Record<string, number> | string,
): { ok: true; value: AgentSampleRates } | { ok: false; error: string } {
  const example = `such as {"service:svc,env:dev":0.3,"${DEFAULT_RATE_KEY}":1}`
  let value: unknown = input
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input)
    } catch (error) {
      return {
        ok: false,
        error: `agent-sample-rates must be a JSON object ${example}: ${(error as Error).message}`,
      }
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: `agent-sample-rates must be a JSON object ${example}` }
  }
  const rates: Record<string, number> = {}
  for (const [key, rate] of Object.entries(value)) {
    if (!KEY.test(key)) {
      return {
        ok: false,
        error: `agent-sample-rates: key ${JSON.stringify(key)} must look like service:<service>,env:<env> (${DEFAULT_RATE_KEY} for every other service)`,
      }
    }
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
      return {
        ok: false,
        error: `agent-sample-rates: the rate of ${key} must be a number from 0 to 1, got ${JSON.stringify(rate)}`,
      }
    }
    rates[key] = rate
  }
  return { ok: true, value: Object.freeze(rates) }
}

/**
 * The `rate_by_service` answer to a traces request: every configured rate, and for each
 * `service:<s>,env:<e>` the request carried that is not configured, the default rate (configured
 * under `service:,env:`, else 1).
 *
 * @example
 * rateByService({ 'service:,env:': 0.5 }, new Set(['service:svc,env:dev']))
 * // { 'service:,env:': 0.5, 'service:svc,env:dev': 0.5 }
 */
export function rateByService(
  configured: AgentSampleRates,
  seen: ReadonlySet<string>,
): Record<string, number> {
  const fallback = configured[DEFAULT_RATE_KEY] ?? 1
  const rates: Record<string, number> = { [DEFAULT_RATE_KEY]: fallback, ...configured }
  for (const key of seen) rates[key] ??= fallback
  return rates
}
