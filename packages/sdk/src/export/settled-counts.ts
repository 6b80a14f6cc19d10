import type { FlushResult, StreamCounts } from './exporter.js'

/**
 * Turns cumulative counts into what each `flush()` settled: every call reports the items that were
 * sent, failed or dropped since the previous call returned, so three flushes of one span each read
 * `sent: 1, 1, 1` (not `1, 2, 3`). The totals stay available from the exporter's stats.
 */
export class SettledCounts {
  #reported: FlushResult = zeroResult()

  /** The counts settled since the last call, given the cumulative totals now. */
  take(totals: FlushResult): FlushResult {
    const settled = {
      spans: minus(totals.spans, this.#reported.spans),
      evaluations: minus(totals.evaluations, this.#reported.evaluations),
    }
    this.#reported = { spans: { ...totals.spans }, evaluations: { ...totals.evaluations } }
    return settled
  }
}

function minus(a: StreamCounts, b: StreamCounts): StreamCounts {
  return { sent: a.sent - b.sent, failed: a.failed - b.failed, dropped: a.dropped - b.dropped }
}

function zeroResult(): FlushResult {
  return { spans: { sent: 0, failed: 0, dropped: 0 }, evaluations: { sent: 0, failed: 0, dropped: 0 } }
}
