import { describeType, isRecord, type Report } from '../internal/report.js'

/**
 * A user trace-sampling rule (`DD_TRACE_SAMPLING_RULES`), validated: `service` and `name` are glob
 * patterns (`*`, `?`, case ignored; absent means any), `sampleRate` is in [0, 1]. The first rule that
 * matches a trace decides it.
 */
export interface SamplingRule {
  readonly service?: string
  readonly name?: string
  readonly sampleRate: number
}

/** Bounds, so a runaway rules file costs a warning, not memory or matching time per trace. */
export const MAX_RULES = 256
export const MAX_PATTERN_LENGTH = 512
const MAX_JSON_LENGTH = 64 * 1024

const EXAMPLE = '[{"service":"checkout","name":"llm.*","sample_rate":0.5}]'
const PATTERN_KEYS = ['service', 'name'] as const

/**
 * Rules from a JSON string (the environment variable) or an array (the option). Bad rules are
 * reported and left out; the good ones are kept in order. Never throws (unless `report` does).
 *
 * @example parseSamplingRules('[{"service":"web-*","sample_rate":0.1}]', 'DD_TRACE_SAMPLING_RULES', report)
 */
export function parseSamplingRules(value: unknown, source: string, report: Report): readonly SamplingRule[] {
  const list = typeof value === 'string' ? parseJsonList(value, source, report) : value
  if (list === undefined) return Object.freeze([])
  if (!Array.isArray(list)) {
    report(
      'invalid_sampling_rules',
      `${source} must be an array of rules such as ${EXAMPLE}, not ${describeType(list)}; no rules are used.`,
    )
    return Object.freeze([])
  }
  if (list.length > MAX_RULES) {
    report(
      'invalid_sampling_rules',
      `${source} has ${list.length} rules; only the first ${MAX_RULES} are used. Merge rules with glob patterns.`,
    )
  }
  const rules: SamplingRule[] = []
  const count = Math.min(list.length, MAX_RULES)
  for (let i = 0; i < count; i++) {
    const rule = parseRule(list[i], `${source}[${i}]`, report)
    if (rule !== undefined) rules.push(rule)
  }
  return Object.freeze(rules)
}

function parseJsonList(text: string, source: string, report: Report): unknown {
  if (text.trim() === '') return undefined
  if (text.length > MAX_JSON_LENGTH) {
    report(
      'invalid_sampling_rules',
      `${source} is longer than ${MAX_JSON_LENGTH} characters; no rules are used.`,
    )
    return undefined
  }
  try {
    return JSON.parse(text) as unknown
  } catch {
    report(
      'invalid_sampling_rules',
      `${source} is not valid JSON; write it like ${EXAMPLE}. No rules are used.`,
    )
    return undefined
  }
}

function parseRule(value: unknown, where: string, report: Report): SamplingRule | undefined {
  const ignored = (problem: string): undefined => {
    report('invalid_sampling_rule', `${where}: ${problem}; this rule is ignored.`)
    return undefined
  }
  if (!isRecord(value))
    return ignored(`a rule must be an object like ${EXAMPLE.slice(1, -1)}, not ${describeType(value)}`)

  for (const key of Object.keys(value)) {
    if (key !== 'service' && key !== 'name' && key !== 'sample_rate' && key !== 'sampleRate') {
      // Ignoring only the key would make the rule match more traces than its author meant.
      return ignored(`"${key}" is not supported here (only service, name and sample_rate)`)
    }
  }

  const rawRate = value.sample_rate ?? value.sampleRate
  const rate = typeof rawRate === 'string' && rawRate.trim() !== '' ? Number(rawRate) : rawRate
  if (typeof rate !== 'number' || Number.isNaN(rate)) {
    return ignored(`sample_rate must be a number in [0, 1], e.g. {"service":"checkout","sample_rate":0.5}`)
  }
  let sampleRate = rate
  if (rate < 0 || rate > 1) {
    sampleRate = Math.min(1, Math.max(0, rate))
    report('invalid_sampling_rule', `${where}: sample_rate ${rate} is outside [0, 1]; using ${sampleRate}.`)
  }

  const rule: { service?: string; name?: string; sampleRate: number } = { sampleRate }
  for (const key of PATTERN_KEYS) {
    const pattern = value[key]
    if (pattern === undefined) continue
    if (typeof pattern !== 'string')
      return ignored(`${key} must be a glob pattern string, not ${describeType(pattern)}`)
    if (pattern.length > MAX_PATTERN_LENGTH)
      return ignored(`${key} is longer than ${MAX_PATTERN_LENGTH} characters`)
    rule[key] = pattern
  }
  return Object.freeze(rule)
}
