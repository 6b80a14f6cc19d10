import type { MetricEvent } from '@llmobs/protocol'
import {
  BACKGROUND_WAIT_DEFAULT_MS,
  type LLMObsFlushOptions,
  type LLMObsFlushResult,
} from './api/flush-options.js'
import { BackgroundTasks } from './background/background-tasks.js'
import type { ResolvedConfig } from './config.js'
import type { ContextSnapshot } from './context/context-snapshot.js'
import { ContextStorage } from './context/context-storage.js'
import { hostTracerContext } from './context/host-tracer.js'
import type { Exporter, ExporterStats, FlushOptions, FlushResult } from './export/exporter.js'
import { DISABLED_STATUS, type LLMObsStatus } from './api/status.js'
import { OpenSpans } from './span/open-spans.js'
import { reportAtExit, stopExitReport, type ExitReporter } from './internal/exit-report.js'
import type { BackgroundCounts } from './background/background-tasks.js'
import { describeError, type Diagnostics } from './internal/diagnostics.js'
import type { Report } from './internal/report.js'
import type { SpanHost } from './span/span-host.js'
import type { SpanRecord } from './span/span-record.js'
import { describeSpooled } from './export/spool/describe-spooled.js'
import type { SpoolOutcome } from './export/spool/spool-stats.js'

/**
 * An initialised LLMObs instance: its config, diagnostics, context storage and exporter. Finished
 * spans pass through the user's processor to the exporter here; nothing in here throws.
 */
export class Runtime implements SpanHost, ExitReporter {
  readonly config: ResolvedConfig
  readonly diagnostics: Diagnostics
  readonly exporter: Exporter
  readonly storage = new ContextStorage()
  /** Running `llmobs.background()` tasks, for `flush({ waitForBackground: true })`. */
  readonly background = new BackgroundTasks()
  readonly reportMisuse: Report
  readonly reportLenient: Report
  #shutdown: Promise<FlushResult> | undefined
  /** Spans whose processor threw or returned junk, so were sent with their data replaced. */
  processorFailures = 0
  /** Spans started and not ended yet, reported by flush, shutdown and at exit. */
  readonly openSpans = new OpenSpans()

  readonly #exitReport: WeakRef<ExitReporter>

  constructor(config: ResolvedConfig, diagnostics: Diagnostics, exporter: Exporter) {
    this.config = config
    this.diagnostics = diagnostics
    this.exporter = exporter
    this.#exitReport = reportAtExit(this)
    this.reportMisuse = (code, message) => diagnostics.misuse(code, message)
    this.reportLenient = (code, message) => diagnostics.warn(`${message} [${code}]`)
  }

  /**
   * The parent of a span started now without an explicit one: the active LLMObs context, else the
   * active span of the host's `dd-trace` tracer (the LLMObs root then joins that APM trace).
   */
  activeParent(): ContextSnapshot | undefined {
    return this.storage.active() ?? hostTracerContext()
  }

  started(spanId: string, name: string): void {
    this.openSpans.started(spanId, name)
  }

  finish(record: SpanRecord): void {
    this.openSpans.ended(record.spanId)
    const processed = this.#process(record)
    if (processed === null) return
    try {
      this.exporter.exportSpan(processed)
    } catch (error) {
      this.diagnostics.error(`exporter.exportSpan threw; span '${record.name}' was lost`, error)
    }
  }

  /**
   * The user's processor: null drops the span; undefined keeps it. A processor that throws or returns
   * junk fails closed: it may be a redaction that did not run, so the span keeps its ids, kind, name,
   * timing, metrics and error, but its input, output and metadata are replaced by a marker and
   * nothing raw is sent.
   */
  #process(record: SpanRecord): SpanRecord | null {
    const processor = this.config.processor
    if (processor === undefined) return record
    let result: SpanRecord | null | undefined
    try {
      result = processor(record)
    } catch (error) {
      this.processorFailures++
      this.diagnostics.warnOnce(
        'processor_threw',
        `the span processor threw on span '${record.name}' (${describeError(error)}); its input, output and metadata were replaced by '${PROCESSOR_FAILED_MARKER}' and nothing raw was sent. Fix the processor so it returns a record or null.`,
      )
      return failClosed(record)
    }
    if (result === null) return null
    if (result === undefined) return record
    if (!isSpanRecordLike(result)) {
      this.processorFailures++
      this.diagnostics.warnOnce(
        'processor_junk',
        `the span processor returned neither a span record nor null for span '${record.name}'; its input, output and metadata were replaced by '${PROCESSOR_FAILED_MARKER}'. Return the record (e.g. { ...record, input: {} }) or null.`,
      )
      return failClosed(record)
    }
    return result
  }

  exportEvaluation(metric: MetricEvent): void {
    try {
      this.exporter.exportEvaluation(metric)
    } catch (error) {
      this.diagnostics.error(`exporter.exportEvaluation threw; evaluation '${metric.label}' was lost`, error)
    }
  }

  async flush(options?: LLMObsFlushOptions): Promise<LLMObsFlushResult> {
    const { exporterOptions, background } = await this.#waitForBackground(options)
    this.#reportOpenSpans('flush()')
    let result: LLMObsFlushResult
    try {
      result = await this.exporter.flush(exporterOptions)
    } catch (error) {
      this.diagnostics.error('exporter.flush failed', error)
      result = zeroCounts()
    }
    return background === undefined ? result : { ...result, background }
  }

  /**
   * Flushes and stops the exporter; later calls return the first call's result. With
   * `waitForBackground`, background work is waited for first; `onStopping` runs once it is done (or
   * at once without it), before the exporter stops.
   */
  shutdown(options?: LLMObsFlushOptions, onStopping?: () => void): Promise<LLMObsFlushResult> {
    this.#shutdown ??= (async () => {
      try {
        const { exporterOptions, background } = await this.#waitForBackground(options)
        onStopping?.()
        this.#reportOpenSpans('shutdown()')
        const result: LLMObsFlushResult = await this.exporter.shutdown(exporterOptions)
        return background === undefined ? result : { ...result, background }
      } catch (error) {
        this.diagnostics.error('exporter.shutdown failed', error)
        return zeroCounts()
      } finally {
        onStopping?.()
        this.storage.disable()
        stopExitReport(this.#exitReport)
      }
    })()
    return this.#shutdown
  }

  status(): LLMObsStatus {
    const stats = this.exporter.stats?.()
    // An exporter's stream stats are exactly a StreamStatus (a fresh object per stats() call).
    const stream = (counts: ExporterStats['spans'] | undefined) => counts ?? DISABLED_STATUS.spans
    return {
      enabled: true,
      mode: this.config.mode,
      route: stats?.mode ?? 'custom-exporter',
      agentUrl: this.config.agentUrl,
      probe: stats?.probe,
      spans: stream(stats?.spans),
      evaluations: stream(stats?.evaluations),
      transport: stats?.transport,
      processorFailures: this.processorFailures,
      openSpans: this.openSpans.count,
      lastError: stats?.lastError,
      spool: stats?.spool,
      apm: stats?.apm,
    }
  }

  /**
   * The last word at exit, synchronous (an 'exit' listener cannot wait): what was never delivered,
   * for a process that exits (`process.exit()`) before its queue drained, and which spans never ended.
   */
  reportAtExit(): void {
    const spool = this.#spoolAtExit()
    const stats = this.exporter.stats?.()
    const spans = stats?.spans.queued ?? 0
    const evaluations = stats?.evaluations.queued ?? 0
    if (spool !== undefined) {
      const { spooled, lost } = spool
      const total = { spans: spooled.spans + lost.spans, evaluations: spooled.evaluations + lost.evaluations }
      if (total.spans + total.evaluations > 0) {
        this.diagnostics.warn(
          `the process exited with ${total.spans} span event(s) and ${total.evaluations} evaluation(s) not delivered: ` +
            describeSpooled(spool),
        )
      }
    } else if (spans + evaluations > 0) {
      this.diagnostics.warn(
        `the process exited with ${spans} span event(s) and ${evaluations} evaluation(s) not delivered; ` +
          'await llmobs.flush() (or shutdown()) before process.exit().',
      )
    }
    const open = this.openSpans.describe()
    if (open !== undefined) this.diagnostics.warn(`${open} at exit; they were never sent.`)
  }

  /** The exporter's spool write at exit (`spoolDir`), if it has one. */
  #spoolAtExit(): SpoolOutcome | undefined {
    try {
      return this.exporter.spoolAtExit?.()
    } catch (error) {
      this.diagnostics.error('writing the spool at exit failed', error)
      return undefined
    }
  }

  /** Says how many spans are still open and names a few: they are not sent until they end. */
  #reportOpenSpans(at: string): void {
    const open = this.openSpans.describe()
    if (open === undefined) return
    this.diagnostics.warnOnce(
      `open-spans-${at}`,
      `${open} at ${at}; a span is sent only when it ends: call span.end(), or use trace()/wrap(), which end it for you.`,
    )
  }

  /**
   * With `waitForBackground`, waits for background tasks within the time budget and hands the
   * exporter what is left of it; otherwise passes the options through (the exporter's contract has
   * no `waitForBackground`).
   */
  async #waitForBackground(
    options: LLMObsFlushOptions | undefined,
  ): Promise<{ exporterOptions: FlushOptions | undefined; background: BackgroundCounts | undefined }> {
    if (options?.waitForBackground !== true) {
      // Only the exporter's own options reach it.
      const exporterOptions = options?.timeoutMs === undefined ? undefined : { timeoutMs: options.timeoutMs }
      return { exporterOptions, background: undefined }
    }
    const budget = options.timeoutMs ?? BACKGROUND_WAIT_DEFAULT_MS
    const started = Date.now()
    const background = await this.background.settle(budget)
    if (background.running > 0) {
      this.diagnostics.warn(
        `flush({ waitForBackground: true }) gave up after ${budget} ms with ${background.running} background task(s) still running; what they send later goes with the next flush.`,
      )
    }
    const left = Math.max(0, budget - (Date.now() - started))
    return { exporterOptions: options.timeoutMs === undefined ? {} : { timeoutMs: left }, background }
  }
}

export function zeroCounts(): FlushResult {
  return { spans: { sent: 0, failed: 0, dropped: 0 }, evaluations: { sent: 0, failed: 0, dropped: 0 } }
}

function isSpanRecordLike(value: unknown): value is SpanRecord {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Partial<Record<keyof SpanRecord, unknown>>
  return (
    typeof record.spanId === 'string' &&
    typeof record.traceId === 'string' &&
    typeof record.kind === 'string' &&
    typeof record.input === 'object' &&
    typeof record.output === 'object'
  )
}

/** What replaces a span's data when the user's processor failed on it. */
export const PROCESSOR_FAILED_MARKER = '[llmobs: removed, the span processor failed]'

function failClosed(record: SpanRecord): SpanRecord {
  return Object.freeze({
    ...record,
    input: { value: PROCESSOR_FAILED_MARKER },
    output: { value: PROCESSOR_FAILED_MARKER },
    metadata: { _llmobs_processor_failed: true },
    collectionErrors: [...(record.collectionErrors ?? []), 'processor_failed'],
  })
}
