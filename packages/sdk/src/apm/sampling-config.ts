/** Environment variables (the same shape as config's `Environment`, kept apart to avoid an import cycle). */
type Environment = Readonly<Record<string, string | undefined>>
import { describeType, isRecord, isStrictError, type Report } from '../internal/report.js'
import { parseSamplingRules, type SamplingRule } from './sampling-rules.js'

/** The APM sampling options of `LLMObsOptions`; each one wins over its environment variable. */
export interface ApmSamplingOptions {
  /** Trace sampling rules, as an array or as the JSON text of one (`DD_TRACE_SAMPLING_RULES`). */
  samplingRules?: readonly unknown[] | string | undefined
  /** A catch-all rule after the others: keep this share of traces (`DD_TRACE_SAMPLE_RATE`, [0, 1]). */
  traceSampleRate?: number | undefined
  /** Traces per second that rules may keep (`DD_TRACE_RATE_LIMIT`, default 100; negative: no limit). */
  traceRateLimit?: number | undefined
}

/** What `new PrioritySampler(config)` takes. Frozen plain data, fit for a start-up log line. */
export interface ApmSamplingConfig {
  readonly rules: readonly SamplingRule[]
  /** The catch-all rule's rate, or `undefined` for none (agent rates decide what no rule matched). */
  readonly sampleRate: number | undefined
  readonly rateLimit: number
}

export const DEFAULT_RATE_LIMIT = 100

/**
 * Options first, then the environment, then defaults. Invalid values are reported with what to fix
 * and replaced by the default; never throws, except that a strict-mode `LLMObsError` thrown by
 * `report` itself reaches the caller, as the SDK's strict option intends.
 *
 * @example
 * const report = (code: string, message: string) => diagnostics.warnOnce(code, message)
 * const config = resolveApmSamplingConfig({ traceSampleRate: 0.2 }, process.env, report)
 * const sampler = new PrioritySampler(config)
 */
export function resolveApmSamplingConfig(
  options: ApmSamplingOptions = {},
  env: Environment = {},
  report: Report = () => {},
): ApmSamplingConfig {
  const safeReport = shielded(report)
  const opts: Record<string, unknown> = isRecord(options) ? options : {}
  const vars: Record<string, unknown> = isRecord(env) ? env : {}

  const rulesFromOptions = opts.samplingRules !== undefined
  const rules = parseSamplingRules(
    rulesFromOptions ? opts.samplingRules : vars.DD_TRACE_SAMPLING_RULES,
    rulesFromOptions ? 'samplingRules' : 'DD_TRACE_SAMPLING_RULES',
    safeReport,
  )
  return Object.freeze({
    rules,
    sampleRate: resolveSampleRate(pick(opts, 'traceSampleRate', vars, 'DD_TRACE_SAMPLE_RATE'), safeReport),
    rateLimit: resolveRateLimit(pick(opts, 'traceRateLimit', vars, 'DD_TRACE_RATE_LIMIT'), safeReport),
  })
}

interface Setting {
  readonly name: string
  readonly value: unknown
}

/** The option if set, else the environment variable (a blank one counts as unset). */
function pick(
  opts: Record<string, unknown>,
  option: string,
  vars: Record<string, unknown>,
  variable: string,
): Setting {
  if (opts[option] !== undefined) return { name: option, value: opts[option] }
  const text = vars[variable]
  return { name: variable, value: typeof text === 'string' && text.trim() === '' ? undefined : text }
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value
  return typeof value === 'string' ? Number(value) : Number.NaN
}

function resolveSampleRate({ name, value }: Setting, report: Report): number | undefined {
  if (value === undefined) return undefined
  const rate = toNumber(value)
  if (Number.isNaN(rate)) {
    report(
      'invalid_trace_sample_rate',
      `${name} must be a number in [0, 1] such as 0.25, not ${describeValue(value)}; no catch-all rate is used.`,
    )
    return undefined
  }
  if (rate < 0 || rate > 1) {
    const clamped = Math.min(1, Math.max(0, rate))
    report('invalid_trace_sample_rate', `${name} ${rate} is outside [0, 1]; using ${clamped}.`)
    return clamped
  }
  return rate
}

function resolveRateLimit({ name, value }: Setting, report: Report): number {
  if (value === undefined) return DEFAULT_RATE_LIMIT
  const limit = toNumber(value)
  if (Number.isNaN(limit)) {
    report(
      'invalid_trace_rate_limit',
      `${name} must be a number of traces per second such as 100 (negative: no limit), not ${describeValue(value)}; using ${DEFAULT_RATE_LIMIT}.`,
    )
    return DEFAULT_RATE_LIMIT
  }
  return limit
}

function describeValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 100)) : describeType(value)
}

/** A reporter that cannot throw into configuration, except with a strict-mode error meant for the caller. */
function shielded(report: Report): Report {
  return (code, message) => {
    try {
      report(code, message)
    } catch (error) {
      if (isStrictError(error)) throw error
    }
  }
}
