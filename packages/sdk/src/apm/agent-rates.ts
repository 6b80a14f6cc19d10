import { isRecord } from '../internal/report.js'

/** The key of the agent's catch-all rate, used when it sent none for this service and env. */
export const DEFAULT_RATE_KEY = 'service:,env:'

/** Bounds on one agent answer: an agent serving many services may list many, but not unboundedly. */
export const MAX_AGENT_RATES = 1000
const MAX_KEY_LENGTH = 1024

/** The key of the agent's rate for one service and env, as the agent spells it. */
export function agentRateKey(service: string, env: string): string {
  return `service:${service},env:${env}`
}

/**
 * The valid rates in an answer of `/v0.4/traces` (`{"rate_by_service":{"service:a,env:b":0.5}}`), or
 * `undefined` when the answer has no `rate_by_service` object (the rates in use then stay, as in
 * dd-trace). An entry whose key is not `service:<s>,env:<e>` or whose rate is not a number in [0, 1]
 * is left out; past `MAX_AGENT_RATES` entries the rest are left out, except the catch-all. Never throws.
 */
export function parseAgentRates(body: unknown): Map<string, number> | undefined {
  const byService = isRecord(body) ? body.rate_by_service : undefined
  if (!isRecord(byService)) return undefined
  const rates = new Map<string, number>()
  for (const key in byService) {
    if (!Object.hasOwn(byService, key) || (rates.size >= MAX_AGENT_RATES && key !== DEFAULT_RATE_KEY))
      continue
    const rate = byService[key]
    if (isRate(rate) && isRateKey(key)) rates.set(key, rate)
  }
  return rates
}

function isRate(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= 1
}

function isRateKey(key: string): boolean {
  return key.length <= MAX_KEY_LENGTH && key.startsWith('service:') && key.includes(',env:')
}
