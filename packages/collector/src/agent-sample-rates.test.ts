import { describe, expect, it } from 'vitest'
import { rateByService, readAgentSampleRates } from './agent-sample-rates.js'
import { resolveCollectorConfig } from './config.js'

describe('agent sample rates', () => {
  it('reads an object or its JSON text', () => {
    expect(readAgentSampleRates('{"service:svc,env:dev":0.3,"service:,env:":1}')).toEqual({
      ok: true,
      value: { 'service:svc,env:dev': 0.3, 'service:,env:': 1 },
    })
    expect(readAgentSampleRates({ 'service:a b,env:': 0 })).toEqual({
      ok: true,
      value: { 'service:a b,env:': 0 },
    })
    expect(resolveCollectorConfig({ agentSampleRates: '{"service:svc,env:dev":0}' }, '/')).toMatchObject({
      ok: true,
      value: { agentSampleRates: { 'service:svc,env:dev': 0 } },
    })
  })

  it('names what is wrong', () => {
    const error = (input: string | Record<string, number>): string | undefined => {
      const result = readAgentSampleRates(input)
      return result.ok ? undefined : result.error
    }
    expect(error('{nope')).toMatch(
      /^agent-sample-rates must be a JSON object such as \{"service:svc,env:dev":0.3/,
    )
    expect(error('[0.5]')).toMatch(/^agent-sample-rates must be a JSON object such as/)
    expect(error('{"svc":0.5}')).toBe(
      'agent-sample-rates: key "svc" must look like service:<service>,env:<env> (service:,env: for every other service)',
    )
    expect(error('{"service:svc,env:dev":1.5}')).toBe(
      'agent-sample-rates: the rate of service:svc,env:dev must be a number from 0 to 1, got 1.5',
    )
    expect(error('{"service:svc,env:dev":"0.5"}')).toBe(
      'agent-sample-rates: the rate of service:svc,env:dev must be a number from 0 to 1, got "0.5"',
    )
    expect(resolveCollectorConfig({ agentSampleRates: '{"x":1}' }, '/').ok).toBe(false)
  })

  it('answers every configured rate, and the default one for services seen but not named', () => {
    const seen = new Set(['service:svc,env:dev', 'service:other,env:'])
    expect(rateByService({}, seen)).toEqual({
      'service:,env:': 1,
      'service:svc,env:dev': 1,
      'service:other,env:': 1,
    })
    expect(rateByService({ 'service:svc,env:dev': 0.3, 'service:x,env:y': 0 }, seen)).toEqual({
      'service:,env:': 1,
      'service:svc,env:dev': 0.3,
      'service:x,env:y': 0,
      'service:other,env:': 1,
    })
    expect(rateByService({ 'service:,env:': 0 }, seen)).toEqual({
      'service:,env:': 0,
      'service:svc,env:dev': 0,
      'service:other,env:': 0,
    })
  })
})
