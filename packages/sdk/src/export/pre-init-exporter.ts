import type { MetricEvent } from '@llmobs/protocol'
import type { SpanRecord } from '../span/span-record.js'
import type { Exporter, FlushResult } from './exporter.js'

/** Spans and evaluations kept from before `init()`, each stream bounded to this many items. */
export const PRE_INIT_MAX_ITEMS = 1_000

/** Where held items go once `init()` has built the real runtime. */
export interface PreInitTarget {
  finish(record: SpanRecord): void
  exportEvaluation(metric: MetricEvent): void
}

/**
 * Holds what is traced before `init()` (a module that traces at import time, a test that initialises
 * late), so it is sent once `init()` runs instead of vanishing. Bounded; what does not fit is counted.
 * The user's processor runs on hand-over, with the options `init()` was given.
 */
export class PreInitExporter implements Exporter {
  #spans: SpanRecord[] = []
  #evaluations: MetricEvent[] = []
  #dropped = 0

  /** Items held, and items refused because the holder was full. */
  get held(): { spans: number; evaluations: number; dropped: number } {
    return { spans: this.#spans.length, evaluations: this.#evaluations.length, dropped: this.#dropped }
  }

  exportSpan(record: SpanRecord): void {
    if (this.#spans.length < PRE_INIT_MAX_ITEMS) this.#spans.push(record)
    else this.#dropped++
  }

  exportEvaluation(metric: MetricEvent): void {
    if (this.#evaluations.length < PRE_INIT_MAX_ITEMS) this.#evaluations.push(metric)
    else this.#dropped++
  }

  /**
   * Gives everything held to `target`. Spans that took the provisional ml_app (resolved before the
   * options existed) take the one `init()` resolved.
   */
  handOver(target: PreInitTarget, provisionalMlApp: string, mlApp: string): void {
    const spans = this.#spans
    const evaluations = this.#evaluations
    this.#spans = []
    this.#evaluations = []
    for (const record of spans) {
      target.finish(record.mlApp === provisionalMlApp ? Object.freeze({ ...record, mlApp }) : record)
    }
    for (const metric of evaluations) {
      target.exportEvaluation(metric.ml_app === provisionalMlApp ? { ...metric, ml_app: mlApp } : metric)
    }
  }

  /** Nothing leaves before `init()`: a flush then settles nothing. */
  flush(): Promise<FlushResult> {
    return Promise.resolve(NOTHING)
  }

  shutdown(): Promise<FlushResult> {
    return Promise.resolve(NOTHING)
  }
}

const NOTHING: FlushResult = Object.freeze({
  spans: Object.freeze({ sent: 0, failed: 0, dropped: 0 }),
  evaluations: Object.freeze({ sent: 0, failed: 0, dropped: 0 }),
})
