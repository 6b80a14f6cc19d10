import { describe, expect, it } from 'vitest'
import { LLMObsError } from '../internal/diagnostics.js'
import { DEFAULT_RATE_LIMIT, resolveApmSamplingConfig, type ApmSamplingOptions } from './sampling-config.js'

function collect(): { report: (code: string, message: string) => void; reports: [string, string][] } {
  const reports: [string, string][] = []
  return { report: (code, message) => void reports.push([code, message]), reports }
}

describe('resolveApmSamplingConfig', () => {
  it('defaults to no rules, no catch-all rate and 100 traces a second, frozen', () => {
    const config = resolveApmSamplingConfig()
    expect(config).toEqual({ rules: [], sampleRate: undefined, rateLimit: DEFAULT_RATE_LIMIT })
    expect(DEFAULT_RATE_LIMIT).toBe(100)
    expect(Object.isFrozen(config)).toBe(true)
    expect(Object.isFrozen(config.rules)).toBe(true)
  })

  it('reads DD_TRACE_SAMPLING_RULES, DD_TRACE_SAMPLE_RATE and DD_TRACE_RATE_LIMIT', () => {
    const { report, reports } = collect()
    const config = resolveApmSamplingConfig(
      {},
      {
        DD_TRACE_SAMPLING_RULES: '[{"service":"web","sample_rate":0.25}]',
        DD_TRACE_SAMPLE_RATE: '0.5',
        DD_TRACE_RATE_LIMIT: '20',
      },
      report,
    )
    expect(config).toEqual({ rules: [{ service: 'web', sampleRate: 0.25 }], sampleRate: 0.5, rateLimit: 20 })
    expect(reports).toEqual([])
  })

  it('lets options win over the environment, each on its own', () => {
    const env = {
      DD_TRACE_SAMPLING_RULES: '[{"service":"from-env","sample_rate":0}]',
      DD_TRACE_SAMPLE_RATE: '0.5',
      DD_TRACE_RATE_LIMIT: '20',
    }
    expect(resolveApmSamplingConfig({ samplingRules: [{ name: 'opt', sample_rate: 1 }] }, env)).toEqual({
      rules: [{ name: 'opt', sampleRate: 1 }],
      sampleRate: 0.5,
      rateLimit: 20,
    })
    expect(
      resolveApmSamplingConfig({ samplingRules: '[]', traceSampleRate: 0.1, traceRateLimit: 5 }, env),
    ).toEqual({
      rules: [],
      sampleRate: 0.1,
      rateLimit: 5,
    })
  })

  it('treats blank environment variables as unset', () => {
    const { report, reports } = collect()
    const env = { DD_TRACE_SAMPLING_RULES: ' ', DD_TRACE_SAMPLE_RATE: '', DD_TRACE_RATE_LIMIT: '  ' }
    expect(resolveApmSamplingConfig({}, env, report)).toEqual({
      rules: [],
      sampleRate: undefined,
      rateLimit: 100,
    })
    expect(reports).toEqual([])
  })

  it('reports a sample rate that is not a number and uses none', () => {
    const { report, reports } = collect()
    expect(resolveApmSamplingConfig({}, { DD_TRACE_SAMPLE_RATE: 'half' }, report).sampleRate).toBeUndefined()
    expect(reports).toEqual([
      [
        'invalid_trace_sample_rate',
        'DD_TRACE_SAMPLE_RATE must be a number in [0, 1] such as 0.25, not "half"; no catch-all rate is used.',
      ],
    ])
  })

  it('clamps a sample rate outside [0, 1] with a report', () => {
    const { report, reports } = collect()
    expect(resolveApmSamplingConfig({ traceSampleRate: 1.5 }, {}, report).sampleRate).toBe(1)
    expect(resolveApmSamplingConfig({}, { DD_TRACE_SAMPLE_RATE: '-1' }, report).sampleRate).toBe(0)
    expect(reports.map(([, message]) => message)).toEqual([
      'traceSampleRate 1.5 is outside [0, 1]; using 1.',
      'DD_TRACE_SAMPLE_RATE -1 is outside [0, 1]; using 0.',
    ])
  })

  it('reports a rate limit that is not a number and uses 100; a negative one means no limit', () => {
    const { report, reports } = collect()
    expect(resolveApmSamplingConfig({}, { DD_TRACE_RATE_LIMIT: 'lots' }, report).rateLimit).toBe(100)
    const fromOption = { traceRateLimit: {} } as unknown as ApmSamplingOptions
    expect(resolveApmSamplingConfig(fromOption, {}, report).rateLimit).toBe(100)
    expect(reports.map(([code]) => code)).toEqual(['invalid_trace_rate_limit', 'invalid_trace_rate_limit'])
    expect(reports[0]?.[1]).toBe(
      'DD_TRACE_RATE_LIMIT must be a number of traces per second such as 100 (negative: no limit), not "lots"; using 100.',
    )
    expect(reports[1]?.[1]).toMatch(/^traceRateLimit must be a number .* not object; using 100\.$/)
    expect(resolveApmSamplingConfig({}, { DD_TRACE_RATE_LIMIT: '-1' }, report).rateLimit).toBe(-1)
    expect(resolveApmSamplingConfig({ traceRateLimit: 0 }, {}, report).rateLimit).toBe(0)
    expect(reports).toHaveLength(2)
  })

  it('names the source of bad rules in its reports', () => {
    const { report, reports } = collect()
    resolveApmSamplingConfig({}, { DD_TRACE_SAMPLING_RULES: 'nope' }, report)
    resolveApmSamplingConfig({ samplingRules: 'nope' }, {}, report)
    expect(reports.map(([, message]) => message.split(' ')[0])).toEqual([
      'DD_TRACE_SAMPLING_RULES',
      'samplingRules',
    ])
  })

  it('never throws: not on odd inputs, not when the reporter throws', () => {
    const throwing = (): void => {
      throw new Error('logger down')
    }
    const odd = [
      null,
      'x',
      42,
      { samplingRules: { not: 'an array' }, traceSampleRate: 'x', traceRateLimit: null },
    ]
    for (const options of odd) {
      expect(() =>
        resolveApmSamplingConfig(options as ApmSamplingOptions, { DD_TRACE_RATE_LIMIT: 'x' }, throwing),
      ).not.toThrow()
    }
    expect(resolveApmSamplingConfig(null as unknown as ApmSamplingOptions, null as never)).toEqual({
      rules: [],
      sampleRate: undefined,
      rateLimit: 100,
    })
  })

  it("lets a strict-mode LLMObsError from the reporter reach the caller, as the SDK's strict option means", () => {
    const strict = (code: string, message: string): void => {
      throw new LLMObsError(code, message)
    }
    expect(() => resolveApmSamplingConfig({ traceSampleRate: 7 }, {}, strict)).toThrow(LLMObsError)
  })
})
