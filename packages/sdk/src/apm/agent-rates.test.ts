import { describe, expect, it } from 'vitest'
import { agentRateKey, DEFAULT_RATE_KEY, MAX_AGENT_RATES, parseAgentRates } from './agent-rates.js'

describe('parseAgentRates', () => {
  it('reads rate_by_service as the agent sends it', () => {
    const body = JSON.parse('{"rate_by_service":{"service:a,env:prod":0.5,"service:,env:":1}}') as unknown
    expect([...(parseAgentRates(body) ?? [])]).toEqual([
      ['service:a,env:prod', 0.5],
      [DEFAULT_RATE_KEY, 1],
    ])
  })

  it('returns undefined without a rate_by_service object', () => {
    for (const body of [undefined, null, 0, 'x', [], {}, { rate_by_service: 'x' }, { rate_by_service: [] }]) {
      expect(parseAgentRates(body)).toBeUndefined()
    }
  })

  it('skips entries with a bad key or a rate outside [0, 1]', () => {
    const rates = parseAgentRates({
      rate_by_service: {
        'service:a,env:e': 0,
        'service:b,env:e': 1.01,
        'service:c,env:e': '0.5',
        'service:d,env:e': Number.NaN,
        'env:e,service:f': 0.5,
        'service:g': 0.5,
        [`service:${'x'.repeat(2000)},env:e`]: 0.5,
      },
    })
    expect([...(rates ?? [])]).toEqual([['service:a,env:e', 0]])
  })

  it('ignores inherited keys', () => {
    const byService = Object.create({ 'service:inherited,env:e': 0.5 }) as Record<string, number>
    byService['service:own,env:e'] = 0.25
    expect([...(parseAgentRates({ rate_by_service: byService }) ?? [])]).toEqual([
      ['service:own,env:e', 0.25],
    ])
  })

  it(`keeps at most ${MAX_AGENT_RATES} entries, plus the catch-all wherever it comes`, () => {
    const byService: Record<string, number> = {}
    for (let i = 0; i < 3 * MAX_AGENT_RATES; i++) byService[agentRateKey(`s${i}`, 'e')] = 0.5
    byService[DEFAULT_RATE_KEY] = 0.1
    const rates = parseAgentRates({ rate_by_service: byService })
    expect(rates?.size).toBe(MAX_AGENT_RATES + 1)
    expect(rates?.get(DEFAULT_RATE_KEY)).toBe(0.1)
    expect(rates?.has(agentRateKey(`s${MAX_AGENT_RATES}`, 'e'))).toBe(false)
  })

  it('spells keys as the agent does', () => {
    expect(agentRateKey('checkout', 'prod')).toBe('service:checkout,env:prod')
    expect(agentRateKey('', '')).toBe(DEFAULT_RATE_KEY)
  })
})
