import type { EvaluationMetric, FeedbackMetric, MetricEvent, SpanEvent, SpanKind } from '@llmobs/protocol'
import { resolveConfig, type ResolvedConfig } from '../config.js'
import type { SpanRecord } from '../span/span-record.js'
import type { Exporter, FlushResult } from './exporter.js'
import { encodeSpanEvent } from './span-event-encoder.js'
import { SettledCounts } from './settled-counts.js'

/** What `TestExporter.findSpan` / `findSpans` match: every given field must be equal. */
export interface SpanQuery {
  name?: string
  kind?: SpanKind
  spanId?: string
  traceId?: string
  /** `"undefined"` matches roots, as on the wire. */
  parentId?: string
  mlApp?: string
  sessionId?: string
  status?: 'ok' | 'error'
}

/** One exported span: the wire event (made by the real encoder) and the record it came from. */
export interface ExportedSpanEntry {
  readonly event: SpanEvent
  readonly record: SpanRecord
}

/**
 * An in-memory exporter for tests: keeps every span event (encoded by the same encoder as the
 * Datadog exporter) with its `SpanRecord`, and every evaluation. Bounded by `maxItems` per stream;
 * overflow is counted as dropped.
 *
 * @example
 * const exporter = new TestExporter()
 * const llmobs = createLLMObs({ exporter, mlApp: 'test' })
 * llmobs.trace({ kind: 'task', name: 'step' }, () => 42)
 * expect(exporter.findSpan('step')?.meta['span.kind']).toBe('task')
 */
export class TestExporter implements Exporter {
  readonly #config: ResolvedConfig
  readonly #maxItems: number
  readonly #spans: ExportedSpanEntry[] = []
  readonly #evaluations: MetricEvent[] = []
  #droppedSpans = 0
  #droppedEvaluations = 0
  #shutDown = false
  #settled = new SettledCounts()

  /** `config` shapes the events (service, env, tags...); default: `resolveConfig({}, {})`. */
  constructor(options: { config?: ResolvedConfig; maxItems?: number } = {}) {
    this.#config = options.config ?? resolveConfig({}, {}).config
    this.#maxItems = options.maxItems ?? 100_000
  }

  /** Span events in the order the spans ended. */
  get events(): SpanEvent[] {
    return this.#spans.map((entry) => entry.event)
  }

  /** The records the events came from, after the processor ran. */
  get records(): SpanRecord[] {
    return this.#spans.map((entry) => entry.record)
  }

  get spans(): readonly ExportedSpanEntry[] {
    return this.#spans
  }

  /** Evaluations, in the order they were submitted (feedback is in {@link feedback}). */
  get evaluations(): EvaluationMetric[] {
    return this.#evaluations.filter(isEvaluation)
  }

  /** Feedback from `submitFeedback()`, in the order it was submitted. */
  get feedback(): FeedbackMetric[] {
    return this.#evaluations.filter(isFeedback)
  }

  exportSpan(record: SpanRecord): void {
    if (this.#shutDown || this.#spans.length >= this.#maxItems) {
      this.#droppedSpans++
      return
    }
    this.#spans.push({ event: encodeSpanEvent(record, this.#config), record })
  }

  exportEvaluation(metric: MetricEvent): void {
    if (this.#shutDown || this.#evaluations.length >= this.#maxItems) {
      this.#droppedEvaluations++
      return
    }
    this.#evaluations.push(metric)
  }

  /** The first span event matching a name or query, or undefined. */
  findSpan(query: string | SpanQuery | ((event: SpanEvent) => boolean)): SpanEvent | undefined {
    return this.findSpans(query)[0]
  }

  /** Every span event matching a name or query. */
  findSpans(query: string | SpanQuery | ((event: SpanEvent) => boolean)): SpanEvent[] {
    const match = toPredicate(query)
    return this.#spans.filter((entry) => match(entry.event)).map((entry) => entry.event)
  }

  /** The span events whose parent is `parent` (an event or a span id). */
  childrenOf(parent: SpanEvent | string): SpanEvent[] {
    const id = typeof parent === 'string' ? parent : parent.span_id
    return this.findSpans({ parentId: id })
  }

  /** Evaluations with this label (all of them without one). */
  findEvaluations(label?: string): EvaluationMetric[] {
    return this.evaluations.filter((metric) => label === undefined || metric.label === label)
  }

  /** Feedback with this label (all of it without one). */
  findFeedback(label?: string): FeedbackMetric[] {
    return this.feedback.filter((metric) => label === undefined || metric.label === label)
  }

  /** Forgets everything exported so far, and the counts. */
  reset(): void {
    this.#spans.length = 0
    this.#evaluations.length = 0
    this.#droppedSpans = 0
    this.#droppedEvaluations = 0
    this.#settled = new SettledCounts()
  }

  /** What was exported since the previous flush, as the real exporter reports it. */
  flush(): Promise<FlushResult> {
    return Promise.resolve(this.#settled.take(this.#counts()))
  }

  shutdown(): Promise<FlushResult> {
    this.#shutDown = true
    return Promise.resolve(this.#settled.take(this.#counts()))
  }

  #counts(): FlushResult {
    return {
      spans: { sent: this.#spans.length, failed: 0, dropped: this.#droppedSpans },
      evaluations: { sent: this.#evaluations.length, failed: 0, dropped: this.#droppedEvaluations },
    }
  }
}

function toPredicate(
  query: string | SpanQuery | ((event: SpanEvent) => boolean),
): (event: SpanEvent) => boolean {
  if (typeof query === 'function') return query
  if (typeof query === 'string') return (event) => event.name === query
  return (event) =>
    (query.name === undefined || event.name === query.name) &&
    (query.kind === undefined || event.meta['span.kind'] === query.kind) &&
    (query.spanId === undefined || event.span_id === query.spanId) &&
    (query.traceId === undefined || event.trace_id === query.traceId) &&
    (query.parentId === undefined || event.parent_id === query.parentId) &&
    (query.mlApp === undefined || event.tags.includes(`ml_app:${query.mlApp}`)) &&
    (query.sessionId === undefined || event.session_id === query.sessionId) &&
    (query.status === undefined || event.status === query.status)
}

function isFeedback(metric: MetricEvent): metric is FeedbackMetric {
  return metric.event_kind === 'feedback'
}

function isEvaluation(metric: MetricEvent): metric is EvaluationMetric {
  return metric.event_kind !== 'feedback'
}
