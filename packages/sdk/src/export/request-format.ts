import { flat } from './json-text.js'

/**
 * How a stream's pre-serialised items are joined into one request body, without parsing or
 * re-serialising them: `open + items.join(separator) + close`. Sizes are kept in UTF-8 bytes so a
 * batch's body size is known exactly before it is built.
 */
export interface RequestFormat {
  readonly open: string
  readonly separator: string
  readonly close: string
  readonly openBytes: number
  readonly separatorBytes: number
  readonly closeBytes: number
}

function format(open: string, separator: string, close: string): RequestFormat {
  // Flat: the separator is appended between every two staged items (see `flat`).
  return {
    open: flat(open),
    separator: flat(separator),
    close: flat(close),
    openBytes: Buffer.byteLength(open),
    separatorBytes: Buffer.byteLength(separator),
    closeBytes: Buffer.byteLength(close),
  }
}

/**
 * Span events: a JSON array of envelopes, one span per envelope (protocol §2).
 *
 * @example
 * const f = spanEventsFormat('0.1.0')
 * f.open + ['{"span_id":"1"}', '{"span_id":"2"}'].join(f.separator) + f.close
 * // '[{"_dd.stage":"raw","_dd.tracer_version":"0.1.0","event_type":"span","spans":[{"span_id":"1"}]},{...,"spans":[{"span_id":"2"}]}]'
 */
export function spanEventsFormat(tracerVersion: string): RequestFormat {
  const head = `{"_dd.stage":"raw","_dd.tracer_version":${JSON.stringify(tracerVersion)},"event_type":"span","spans":[`
  return format(`[${head}`, `]},${head}`, ']}]')
}

/** Evaluation metrics: one payload whose `metrics` array holds every metric of the batch (protocol §3). */
export const EVALUATIONS_FORMAT: RequestFormat = format(
  '{"data":{"type":"evaluation_metric","attributes":{"metrics":[',
  ',',
  ']}}}',
)

/** The largest single item that still fits one request of `requestBytes`. */
export function maxItemBytes(fmt: RequestFormat, requestBytes: number): number {
  return requestBytes - fmt.openBytes - fmt.closeBytes
}
