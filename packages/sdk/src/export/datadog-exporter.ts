import type { MetricEvent } from '@llmobs/protocol'
import type { ApmExporter } from '../apm/apm-exporter.js'
import type * as ApmPipelineModule from '../apm/apm-pipeline.js'
import { decideTrace } from '../apm/decide-trace.js'
import { PrioritySampler } from '../apm/priority-sampler.js'
import { apmSamplingConfig, type ResolvedConfig } from '../config.js'
import { builtin } from '../internal/builtins.js'
import type { Diagnostics } from '../internal/diagnostics.js'
import type { LocalTrace } from '../span/local-trace.js'
import type { SpanRecord } from '../span/span-record.js'
import { HttpTransport } from '../transport/http-transport.js'
import { redact } from '../transport/redact.js'
import type { RetryPolicy } from '../transport/retry-policy.js'
import type { Transport } from '../transport/transport.js'
import { createRouteResolver, DEFAULT_SHUTDOWN_TIMEOUT_MS, EventExporter } from './event-exporter.js'
import {
  EXIT_FLUSH_BUDGET_MS,
  registerExitFlush,
  unregisterExitFlush,
  type ExitFlushable,
} from './exit-flush.js'
import type { Exporter, ExporterStats, FlushOptions, FlushResult } from './exporter.js'
import type { Route } from './export-route.js'
import { RecordQueue } from './record-queue.js'
import type { RouteResolver } from './route-resolver.js'
import { SettledCounts } from './settled-counts.js'
import { spanEventJson } from './span-event-json.js'
import type { SpoolOutcome } from './spool/spool-stats.js'

type ApmPipeline = typeof ApmPipelineModule

export interface DatadogExporterOptions {
  /** Default: keep-alive HTTP(S) for the LLMObs streams; the APM stream always has its own. */
  readonly transport?: Transport
  readonly retryPolicy?: RetryPolicy
  /** Flush at process `beforeExit`. Default true. */
  readonly flushOnExit?: boolean
  /** Re-probe interval of `auto` mode after a miss. Default 5 s. */
  readonly reprobeMs?: number
  readonly exitBudgetMs?: number
}

/**
 * The exporter `init()` uses unless the user passes their own, in all four modes (protocol §4):
 * LLM Observability events and evaluations to the agent's EVP proxy or the agentless intake, and in
 * the `apm-*` modes the spans as APM traces carrying their events in `meta_struct`, with the rescue
 * that delivers every event exactly once (see `ApmExporter`). The two streams have their own queues,
 * sockets and requests in flight, so a burst on one never makes the other discard anything.
 *
 * In `auto` mode the spans that end before the agent has answered `/info` wait (bounded) as records,
 * so each goes out in the mode finally chosen.
 *
 * @example
 * const exporter = createDatadogExporter(config, diagnostics)
 * exporter.exportSpan(record)
 * await exporter.shutdown()
 */
export function createDatadogExporter(
  config: ResolvedConfig,
  diagnostics: Diagnostics,
  options: DatadogExporterOptions = {},
): DatadogExporter {
  return new DatadogExporter(config, diagnostics, options)
}

export class DatadogExporter implements Exporter {
  readonly #config: ResolvedConfig
  readonly #diagnostics: Diagnostics
  readonly #options: DatadogExporterOptions
  readonly #transport: Transport
  readonly #routes: RouteResolver
  readonly #events: EventExporter
  #apm: ApmExporter | undefined
  #apmTransport: HttpTransport | undefined
  /** The APM stream's code, once an `apm-*` route asked for it (see `apm-pipeline.ts`). */
  #pipeline: Promise<ApmPipeline | undefined> | undefined
  #pipelineLoaded: ApmPipeline | undefined
  /** The pipeline could not be loaded: spans go as LLMObs events only. */
  #pipelineFailed = false
  /** APM priority sampling, when an `apm-*` mode may be used (shared by `inject()` and the APM stream). */
  readonly #sampler: PrioritySampler | undefined
  /** Spans that ended while `auto` had not chosen yet between the APM and the LLMObs-only modes. */
  readonly #held = new RecordQueue<SpanRecord>()
  #heldDropped = 0
  #holdTimer: NodeJS.Timeout | undefined
  readonly #settled = new SettledCounts()
  #shutdown: Promise<FlushResult> | undefined
  #closed = false
  readonly exitBudgetMs: number

  constructor(config: ResolvedConfig, diagnostics: Diagnostics, options: DatadogExporterOptions) {
    this.#config = config
    this.#diagnostics = diagnostics
    this.#options = options
    this.#transport = options.transport ?? new HttpTransport()
    const report = (key: string, message: string): void => this.#report(key, message)
    this.#routes = createRouteResolver(config, this.#transport, config.apmTracing, options.reprobeMs, report)
    this.#events = new EventExporter({
      config,
      diagnostics,
      spanJson: (record) => spanEventJson(record, config),
      transport: this.#transport,
      routes: this.#routes,
      flushOnExit: false,
      ...(options.retryPolicy !== undefined ? { retryPolicy: options.retryPolicy } : {}),
      ...(options.reprobeMs !== undefined ? { reprobeMs: options.reprobeMs } : {}),
    })
    const mayTrace =
      config.mode === 'apm-agent' ||
      config.mode === 'apm-agentless' ||
      (config.mode === 'auto' && config.apmTracing)
    this.#sampler = mayTrace ? new PrioritySampler(apmSamplingConfig(config)) : undefined
    this.exitBudgetMs = options.exitBudgetMs ?? EXIT_FLUSH_BUDGET_MS
    if (options.flushOnExit ?? true) registerExitFlush(this.#exitHook)
    // A fixed mode is known at once (no network); `auto` asks the agent when the first span ends.
    if (config.mode !== 'auto') void this.#routes.resolve()
  }

  get busy(): boolean {
    return this.#held.size > 0 || this.#apm?.busy === true || this.#events.busy
  }

  exportSpan(record: SpanRecord): void {
    if (this.#closed) {
      this.#events.exportSpan(record) // counted there, as after shutdown
      return
    }
    const route = this.#decidedRoute()
    if (route === 'undecided') return this.#hold(record)
    if (route?.traces !== undefined) this.#apmFor(route).exportSpan(record)
    else this.#events.exportSpan(record)
  }

  exportEvaluation(metric: MetricEvent): void {
    this.#events.exportEvaluation(metric)
  }

  async flush(options: FlushOptions = {}): Promise<FlushResult> {
    await this.#deliver(options.timeoutMs)
    return this.#settled.take(this.#totals())
  }

  shutdown(options: FlushOptions = {}): Promise<FlushResult> {
    this.#shutdown ??= this.#close(options.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS)
    return this.#shutdown
  }

  stats(): ExporterStats {
    const events = this.#events.stats()
    const apm = this.#apm?.stats()
    const spans = events.spans
    return {
      ...events,
      spans: {
        ...spans,
        sent: spans.sent + (apm?.llmobsSent ?? 0),
        dropped: spans.dropped + this.#heldDropped,
        queued: spans.queued + this.#held.size + (apm?.llmobsPending ?? 0),
        droppedBy: { ...spans.droppedBy, queueFull: spans.droppedBy.queueFull + this.#heldDropped },
      },
      ...(apm !== undefined ? { apm: { traces: apm.traces, rescued: apm.rescued } } : {}),
    }
  }

  decideTrace(trace: LocalTrace, apmTraceId: string): void {
    if (this.#sampler === undefined) return
    const route = this.#decidedRoute()
    if (route === 'undecided' || route?.traces !== undefined)
      decideTrace(trace, apmTraceId, this.#sampler, this.#config)
  }

  spoolAtExit(): SpoolOutcome | undefined {
    this.#stopApm()
    return this.#events.spoolAtExit()
  }

  /** Stops without waiting (the exit budget is spent): what is left is counted by the LLMObs writer. */
  abandon(): void {
    this.#stopApm()
    this.#events.abandon()
  }

  /**
   * The route once it is decided; `undecided` while `auto` may still choose an `apm-*` mode (spans
   * then wait as records); undefined when there is no route (the LLMObs writer holds and counts).
   */
  #decidedRoute(): Route | 'undecided' | undefined {
    if (this.#routes.decided) {
      const current = this.#routes.current
      if (current?.ok !== true) return undefined
      const route = current.route
      if (route.traces === undefined) return route
      if (this.#pipelineFailed) {
        const { traces: _, ...withoutTraces } = route
        return withoutTraces
      }
      if (this.#pipelineLoaded !== undefined) return route
      void this.#loadPipeline()
      return 'undecided'
    }
    return this.#config.apmTracing ? 'undecided' : undefined
  }

  /** Starts loading the APM stream's code; held spans are sent on once it is there. */
  #loadPipeline(): Promise<ApmPipeline | undefined> {
    this.#pipeline ??= import('../apm/apm-pipeline.js').then(
      (pipeline) => {
        this.#pipelineLoaded = pipeline
        this.#releaseHeld()
        return pipeline
      },
      (err: unknown) => {
        this.#pipelineFailed = true
        this.#report(
          'apm-pipeline',
          `the APM trace stream could not be loaded (${String(err)}); LLM Observability events are sent through the intake only`,
        )
        this.#releaseHeld()
        return undefined
      },
    )
    return this.#pipeline
  }

  #hold(record: SpanRecord): void {
    if (this.#held.size >= this.#config.maxQueueItems) {
      this.#heldDropped++
      this.#report(
        'queue-full-spans',
        `the spans queue is full (maxQueueItems ${this.#config.maxQueueItems}) while no agent has answered; ` +
          'new spans are dropped until it drains (see flush() counts)',
      )
      return
    }
    this.#held.push(record)
    if (this.#held.size === 1) this.#awaitRoute()
  }

  /** Asks for the route now and at each flush interval while spans wait, then sends them on. */
  #awaitRoute(): void {
    const attempt = (): void => {
      this.#routes.resolve().then(
        () => this.#releaseHeld(),
        () => undefined,
      )
    }
    attempt()
    if (this.#holdTimer === undefined) {
      this.#holdTimer = setInterval(attempt, this.#config.flushIntervalMs)
      this.#holdTimer.unref()
    }
  }

  #releaseHeld(): void {
    if (this.#held.size === 0 || this.#decidedRoute() === 'undecided') return
    clearInterval(this.#holdTimer)
    this.#holdTimer = undefined
    let record: SpanRecord | undefined
    while ((record = this.#held.shift()) !== undefined) this.exportSpan(record)
  }

  #apmFor(route: Route): ApmExporter {
    if (this.#apm !== undefined) return this.#apm
    const { ApmExporter, traceFormatOf } = this.#pipelineLoaded as ApmPipeline
    const c = this.#config
    const traces = route.traces as NonNullable<Route['traces']>
    if (c.traceApiVersion === 'v0.5' && traces.format === 'v0.4') {
      this.#diagnostics.warnOnce(
        'trace-api-version',
        'DD_TRACE_API_VERSION=v0.5 is overridden to v0.4: LLM Observability data rides APM traces in ' +
          'meta_struct, which v0.5 has no slot for',
      )
    }
    this.#apmTransport = new HttpTransport()
    this.#apm = new ApmExporter({
      config: c,
      diagnostics: this.#diagnostics,
      transport: this.#apmTransport,
      endpoint: traces,
      format: traceFormatOf(traces.format),
      sampler: this.#sampler ?? new PrioritySampler(apmSamplingConfig(c)),
      rescue: this.#events,
      process: { runtimeId: builtin('node:crypto').randomUUID(), pid: process.pid },
      partialFlushSpans: c.partialFlushMinSpans,
      ...(this.#options.retryPolicy !== undefined ? { retryPolicy: this.#options.retryPolicy } : {}),
      report: (key, message) => this.#report(key, message),
    })
    return this.#apm
  }

  /** APM first (a chunk it cannot deliver is rescued into the LLMObs writer), then the LLMObs writer. */
  async #deliver(timeoutMs: number | undefined): Promise<void> {
    const started = Date.now()
    if (this.#held.size > 0) {
      await this.#routes.resolve({ now: true })
      if (this.#decidedRoute() === 'undecided' && this.#pipeline !== undefined) await this.#pipeline
      this.#releaseHeld()
    }
    await this.#apm?.flush(timeoutMs)
    const left = timeoutMs === undefined ? undefined : Math.max(0, timeoutMs - (Date.now() - started))
    await this.#events.deliver(left)
  }

  async #close(timeoutMs: number): Promise<FlushResult> {
    const started = Date.now()
    await this.#deliver(timeoutMs)
    this.#stopApm()
    this.#closed = true
    await this.#events.shutdown({ timeoutMs: Math.max(1_000, timeoutMs - (Date.now() - started)) })
    this.#apmTransport?.destroy()
    unregisterExitFlush(this.#exitHook)
    return this.#settled.take(this.#totals())
  }

  /** Stops the APM stream; what it still holds, and spans still waiting for a route, go to the LLMObs writer. */
  #stopApm(): void {
    this.#apm?.close()
    clearInterval(this.#holdTimer)
    this.#holdTimer = undefined
    let record: SpanRecord | undefined
    while ((record = this.#held.shift()) !== undefined) this.#events.exportSpan(record)
  }

  #totals(): FlushResult {
    const { spans, evaluations } = this.stats()
    return {
      spans: { sent: spans.sent, failed: spans.failed, dropped: spans.dropped },
      evaluations: { sent: evaluations.sent, failed: evaluations.failed, dropped: evaluations.dropped },
    }
  }

  /** What the `beforeExit` hook flushes: both streams, without touching `flush()`'s counts. */
  readonly #exitHook: ExitFlushable = ((exporter: DatadogExporter): ExitFlushable => ({
    get busy() {
      return exporter.busy
    },
    get exitBudgetMs() {
      return exporter.exitBudgetMs
    },
    flush: (options) => exporter.#deliver(options.timeoutMs),
    abandon: () => exporter.abandon(),
  }))(this)

  #report(key: string, message: string): void {
    this.#diagnostics.warnOnce(key, redact(message, [this.#config.apiKey]))
  }
}
