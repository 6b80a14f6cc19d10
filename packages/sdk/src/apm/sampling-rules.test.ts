import { describe, expect, it } from 'vitest'
import { MAX_PATTERN_LENGTH, MAX_RULES, parseSamplingRules } from './sampling-rules.js'

function collect(): { report: (code: string, message: string) => void; reports: [string, string][] } {
  const reports: [string, string][] = []
  return { report: (code, message) => void reports.push([code, message]), reports }
}

describe('parseSamplingRules', () => {
  it('reads the DD_TRACE_SAMPLING_RULES JSON form, in order, frozen', () => {
    const { report, reports } = collect()
    const rules = parseSamplingRules(
      '[{"service":"web-*","name":"llm.?","sample_rate":0.1},{"name":"chat","sample_rate":"0.5"},{"sample_rate":1}]',
      'DD_TRACE_SAMPLING_RULES',
      report,
    )
    expect(rules).toEqual([
      { service: 'web-*', name: 'llm.?', sampleRate: 0.1 },
      { name: 'chat', sampleRate: 0.5 },
      { sampleRate: 1 },
    ])
    expect(reports).toEqual([])
    expect(Object.isFrozen(rules)).toBe(true)
    expect(rules.every((rule) => Object.isFrozen(rule))).toBe(true)
  })

  it('takes an array (the option form) and accepts sampleRate as well as sample_rate', () => {
    const { report, reports } = collect()
    expect(parseSamplingRules([{ service: 'a', sampleRate: 0.2 }], 'samplingRules', report)).toEqual([
      { service: 'a', sampleRate: 0.2 },
    ])
    expect(reports).toEqual([])
  })

  it('treats empty text as no rules, without a report', () => {
    const { report, reports } = collect()
    expect(parseSamplingRules('  ', 'DD_TRACE_SAMPLING_RULES', report)).toEqual([])
    expect(parseSamplingRules(undefined, 'samplingRules', report)).toEqual([])
    expect(reports).toEqual([])
  })

  it('reports text that is not JSON, or not an array, and uses no rules', () => {
    const { report, reports } = collect()
    expect(parseSamplingRules('[{service:"a"}', 'DD_TRACE_SAMPLING_RULES', report)).toEqual([])
    expect(parseSamplingRules('{"service":"a","sample_rate":1}', 'DD_TRACE_SAMPLING_RULES', report)).toEqual(
      [],
    )
    expect(parseSamplingRules(42, 'samplingRules', report)).toEqual([])
    expect(reports.map(([code]) => code)).toEqual([
      'invalid_sampling_rules',
      'invalid_sampling_rules',
      'invalid_sampling_rules',
    ])
    expect(reports[0]?.[1]).toMatch(/DD_TRACE_SAMPLING_RULES is not valid JSON; write it like \[\{"service"/)
    expect(reports[1]?.[1]).toMatch(/must be an array of rules .* not object/)
    expect(reports[2]?.[1]).toMatch(/^samplingRules must be an array .* not number/)
  })

  it('leaves out each bad rule with a report naming it and the fix, keeping the good ones', () => {
    const { report, reports } = collect()
    const rules = parseSamplingRules(
      [
        { service: 'ok', sample_rate: 0.5 },
        { service: 'no-rate' },
        { service: 'bad-rate', sample_rate: 'half' },
        'not a rule',
        { service: 7, sample_rate: 1 },
        { name: 'x'.repeat(MAX_PATTERN_LENGTH + 1), sample_rate: 1 },
        { service: 'also-ok', sample_rate: 0 },
      ],
      'samplingRules',
      report,
    )
    expect(rules).toEqual([
      { service: 'ok', sampleRate: 0.5 },
      { service: 'also-ok', sampleRate: 0 },
    ])
    expect(reports.map(([code]) => code)).toEqual(Array(5).fill('invalid_sampling_rule'))
    const messages = reports.map(([, message]) => message)
    expect(messages[0]).toMatch(/^samplingRules\[1\]: sample_rate must be a number in \[0, 1\].*ignored\.$/)
    expect(messages[1]).toMatch(/^samplingRules\[2\]: sample_rate must be a number/)
    expect(messages[2]).toMatch(/^samplingRules\[3\]: a rule must be an object like .* not string/)
    expect(messages[3]).toMatch(/^samplingRules\[4\]: service must be a glob pattern string, not number/)
    expect(messages[4]).toMatch(/^samplingRules\[5\]: name is longer than 512 characters/)
  })

  it('ignores a rule with a condition it cannot check, rather than let it match more traces', () => {
    const { report, reports } = collect()
    const rules = parseSamplingRules(
      '[{"service":"a","resource":"GET /health","sample_rate":0},{"tags":{"k":"v"},"sample_rate":0},{"servcie":"a","sample_rate":0}]',
      'DD_TRACE_SAMPLING_RULES',
      report,
    )
    expect(rules).toEqual([])
    expect(reports.map(([, message]) => message)).toEqual([
      'DD_TRACE_SAMPLING_RULES[0]: "resource" is not supported here (only service, name and sample_rate); this rule is ignored.',
      'DD_TRACE_SAMPLING_RULES[1]: "tags" is not supported here (only service, name and sample_rate); this rule is ignored.',
      'DD_TRACE_SAMPLING_RULES[2]: "servcie" is not supported here (only service, name and sample_rate); this rule is ignored.',
    ])
  })

  it('clamps a rate outside [0, 1] with a report', () => {
    const { report, reports } = collect()
    expect(parseSamplingRules([{ sample_rate: 2 }, { sample_rate: -0.5 }], 'samplingRules', report)).toEqual([
      { sampleRate: 1 },
      { sampleRate: 0 },
    ])
    expect(reports.map(([, message]) => message)).toEqual([
      'samplingRules[0]: sample_rate 2 is outside [0, 1]; using 1.',
      'samplingRules[1]: sample_rate -0.5 is outside [0, 1]; using 0.',
    ])
  })

  it(`uses at most ${MAX_RULES} rules, and says so`, () => {
    const { report, reports } = collect()
    const many = Array.from({ length: MAX_RULES + 10 }, (_, i) => ({ service: `s${i}`, sample_rate: 1 }))
    const rules = parseSamplingRules(many, 'samplingRules', report)
    expect(rules).toHaveLength(MAX_RULES)
    expect(rules.at(-1)).toEqual({ service: `s${MAX_RULES - 1}`, sampleRate: 1 })
    expect(reports).toHaveLength(1)
    expect(reports[0]?.[1]).toContain(`only the first ${MAX_RULES} are used`)
  })

  it('refuses JSON text past its length bound', () => {
    const { report, reports } = collect()
    const text = JSON.stringify(
      Array.from({ length: 3000 }, () => ({ service: 'a-long-service-name', sample_rate: 1 })),
    )
    expect(parseSamplingRules(text, 'DD_TRACE_SAMPLING_RULES', report)).toEqual([])
    expect(reports[0]?.[1]).toMatch(/is longer than 65536 characters/)
  })
})
