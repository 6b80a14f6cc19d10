import { describeType, isRecord, type Report } from '../internal/report.js'

/** SDK-side camelCase metric names and their wire names (protocol §2); other keys pass through. */
export const METRIC_WIRE_NAMES: Readonly<Record<string, string>> = Object.assign(
  Object.create(null) as object,
  {
    inputTokens: 'input_tokens',
    outputTokens: 'output_tokens',
    totalTokens: 'total_tokens',
    cacheReadTokens: 'cache_read_input_tokens',
    cacheWriteTokens: 'cache_write_input_tokens',
    reasoningOutputTokens: 'reasoning_output_tokens',
  },
)

/**
 * Merges `metrics` into `into` under wire names. A value that is not a finite number is reported and
 * that metric dropped; the others are kept.
 */
export function mergeMetrics(into: Record<string, number>, metrics: unknown, report: Report): void {
  if (!isRecord(metrics)) {
    report(
      'invalid_metrics',
      `metrics must be an object of numbers (e.g. { inputTokens: 12 }), got ${describeType(metrics)}; it was dropped.`,
    )
    return
  }
  for (const key of Object.keys(metrics)) {
    const value = metrics[key]
    if (typeof value === 'number' && Number.isFinite(value)) {
      into[METRIC_WIRE_NAMES[key] ?? key] = value
    } else {
      report(
        'invalid_metrics',
        `metrics.${key} must be a finite number, got ${describeValue(value)}; the metric was dropped.`,
      )
    }
  }
}

function describeValue(value: unknown): string {
  return typeof value === 'number' ? String(value) : describeType(value)
}
