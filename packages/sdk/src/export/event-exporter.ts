import { LIMITS, type EvaluationMetric, type SpanEvent } from '@llmobs/protocol'
import type { ResolvedConfig } from '../config.js'
import type { Diagnostics } from '../internal/diagnostics.js'
import type { SpanRecord } from '../span/span-record.js'
import { HttpTransport } from '../transport/http-transport.js'
import { redact } from '../transport/redact.js'
import type { RetryPolicy } from '../transport/retry-policy.js'
import { sendWithRetry } from '../transport/send-with-retry.js'
import type { Transport } from '../transport/transport.js'
import { createTransportStats } from '../transport/transport-stats.js'
export type { ExporterStats } from './exporter.js'
import { fitSpanEvent } from './event-trimmer.js'
import { fitRecord } from './fit-record.js'
import { RecordQueue } from './record-queue.js'
import { EventWriter } from './event-writer.js'
import { EXIT_FLUSH_BUDGET_MS, registerExitFlush, unregisterExitFlush } from './exit-flush.js'
import type { Exporter, ExporterStats, FlushOptions, FlushResult } from './exporter.js'
import { SettledCounts } from './settled-counts.js'
import { EVALUATIONS_FORMAT, maxItemBytes, spanEventsFormat, type RequestFormat } from './request-format.js'
import { RouteResolver } from './route-resolver.js'
import { SDK_VERSION } from '../internal/version.js'

type Stream = 'spans' | 'evaluations'

export interface EventExporterOptions {
  readonly config: ResolvedConfig
  readonly diagnostics: Diagnostics
  /**
   * Span record → the JSON text of its wire event (the Datadog exporter passes `spanEventJson`).
   * Default: `JSON.stringify(encodeSpan(record))`.
   */
  readonly spanJson?: (record: SpanRecord) => string
  /** Span record → wire event; used when `spanJson` is not given. */
  readonly encodeSpan?: (record: SpanRecord) => SpanEvent
  /** Default: keep-alive HTTP(S); it is destroyed at shutdown either way. */
  readonly transport?: Transport
  readonly retryPolicy?: RetryPolicy
  /** Requests in flight per stream. Default 2. */
  readonly concurrency?: number
  readonly tracerVersion?: string
  /** Flush at process `beforeExit`. Default true. */
  readonly flushOnExit?: boolean
  /** Re-probe interval of `auto` mode after a miss (grows up to 5 min). Default 5 s. */
  readonly reprobeMs?: number
  /** At process exit, deliver for at most this long, then give up. Default 10 s. */
  readonly exitBudgetMs?: number
}

/** How long one turn of the event loop may spend encoding spans before it yields to the app. */
const ENCODE_SLICE_MS = 2

/** Used by `shutdown()` when no timeout is given: enough for one request's retries to play out. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 15_000

/**
 * The LLM Observability exporter over HTTP: two bounded streams (span events, evaluation metrics),
 * each serialised once on arrival, batched into requests of at most 5 MiB, sent with retries to the
 * agent's EVP proxy or the agentless intake. Nothing here throws into the caller.
 *
 * @example
 * const exporter = new EventExporter({ config, diagnostics, spanJson: (r) => spanEventJson(r, config) })
 * exporter.exportSpan(record)
 * const { spans } = await exporter.flush({ timeoutMs: 5000 })
 */
export class EventExporter implements Exporter {
  readonly #config: ResolvedConfig
  readonly #diagnostics: Diagnostics
  readonly #spanJson: (record: SpanRecord) => string
  readonly #transport: Transport
  readonly #retryPolicy: RetryPolicy | undefined
  readonly #routes: RouteResolver
  readonly #spans: EventWriter
  readonly #evaluations: EventWriter
  readonly #maxSpanBytes: number
  readonly #maxEvaluationBytes: number
  readonly #stats = createTransportStats()
  readonly #abort = new AbortController()
  readonly exitBudgetMs: number
  #shutdown: Promise<FlushResult> | undefined
  readonly #settled = new SettledCounts()
  #lastError: { message: string; atMs: number } | undefined
  /** Finished spans not serialised yet (see `exportSpan`). */
  readonly #unencoded = new RecordQueue<SpanRecord>()
  /** The pending encoding turn, if any (ref'd while a flush waits for it). */
  #encodingImmediate: NodeJS.Immediate | undefined
  readonly #encodedWaiters: Array<() => void> = []
  #closed = false

  constructor(options: EventExporterOptions) {
    const { config } = options
    this.#config = config
    this.#diagnostics = options.diagnostics
    this.#spanJson = options.spanJson ?? jsonOfEncoded(options.encodeSpan)
    this.#transport = options.transport ?? new HttpTransport()
    this.#retryPolicy = options.retryPolicy
    this.#routes = new RouteResolver({
      mode: config.mode,
      agentUrl: config.agentUrl,
      site: config.site,
      apiKey: config.apiKey,
      intakeUrl: config.intakeUrl,
      transport: this.#transport,
      probeTimeoutMs: Math.min(config.requestTimeoutMs, 2_000),
      ...(options.reprobeMs !== undefined ? { reprobeMs: options.reprobeMs } : {}),
      report: (key, message) => this.#report(key, message),
    })
    const spanFormat = spanEventsFormat(options.tracerVersion ?? SDK_VERSION)
    // An event must fit a request on its own, envelope included.
    this.#maxSpanBytes = Math.min(LIMITS.eventBytes, maxItemBytes(spanFormat, LIMITS.requestBytes))
    this.#maxEvaluationBytes = maxItemBytes(EVALUATIONS_FORMAT, LIMITS.requestBytes)
    const concurrency = options.concurrency ?? 2
    this.#spans = this.#writer('spans', spanFormat, concurrency)
    this.#evaluations = this.#writer('evaluations', EVALUATIONS_FORMAT, concurrency)
    this.exitBudgetMs = options.exitBudgetMs ?? EXIT_FLUSH_BUDGET_MS
    if (options.flushOnExit ?? true) registerExitFlush(this)
  }

  /** Whether anything is queued or in flight. */
  get busy(): boolean {
    return this.#unencoded.size > 0 || this.#spans.busy || this.#evaluations.busy
  }

  /**
   * Never serialises on the caller's path: the record waits (bounded) and is encoded a few
   * milliseconds' worth at a time on later turns of the event loop, so `span.end()` stays cheap
   * whatever the span carries.
   */
  exportSpan(record: SpanRecord): void {
    if (this.#closed || this.#unencoded.size >= this.#config.maxQueueItems) {
      this.#spans.countDropped()
      if (!this.#closed) this.#spans.reportOverflow()
      return
    }
    this.#unencoded.push(record)
    this.#scheduleEncoding()
  }

  #scheduleEncoding(): void {
    if (this.#encodingImmediate !== undefined) return
    // Unref'd, so queued encoding alone never keeps a process alive (the exit flush encodes what is
    // left). But an unref'd immediate also lets the event loop block in poll until something else
    // wakes it: a flush waiting for encoding then got one 2 ms slice per tick of the 1 s flush timer
    // (1,000 cold spans: ~6 s of wall time to flush). So it is ref'd while a flush waits.
    this.#encodingImmediate = setImmediate(this.#encodeSlice)
    if (this.#encodedWaiters.length === 0) this.#encodingImmediate.unref()
  }

  /** Encodes records for at most one slice of time, then yields to the app. */
  readonly #encodeSlice = (): void => {
    this.#encodingImmediate = undefined
    const deadline = performance.now() + ENCODE_SLICE_MS
    let record: SpanRecord | undefined
    while ((record = this.#unencoded.shift()) !== undefined) {
      this.#encodeSpan(record)
      if (performance.now() >= deadline) break
    }
    if (this.#unencoded.size > 0) this.#scheduleEncoding()
    else this.#encodedWaiters.splice(0).forEach((resolve) => resolve())
  }

  /** Resolves once every record handed to `exportSpan` so far is encoded and queued. */
  #encoded(): Promise<void> {
    if (this.#unencoded.size === 0) return Promise.resolve()
    this.#encodingImmediate?.ref()
    return new Promise((resolve) => this.#encodedWaiters.push(resolve))
  }

  #encodeSpan(original: SpanRecord): void {
    try {
      const record = fitRecord(original, this.#config.maxSpanSize)
      if (record !== original) {
        this.#report(
          'truncated-span',
          `span "${record.name}" carried more than maxSpanSize (${this.#config.maxSpanSize} characters of input, output, metadata and tags); its longest values were trimmed (${(record.collectionErrors ?? []).join(', ')})`,
        )
      }
      let json: string
      try {
        json = this.#spanJson(record)
      } catch (err) {
        this.#spans.countDropped()
        this.#report('encode-span', `a span could not be encoded and was dropped: ${describe(err)}`)
        return
      }
      // Measure only what could be too large: UTF-8 takes at most 3 bytes per UTF-16 unit, and the
      // queue measures everything else by writing it.
      if (json.length * 3 > this.#maxSpanBytes) {
        const bytes = Buffer.byteLength(json)
        if (bytes > this.#maxSpanBytes) {
          const fitted = fitSpanEvent(json, bytes, this.#maxSpanBytes)
          if (fitted === undefined) {
            this.#spans.countDropped()
            this.#report(
              'oversize-span',
              `span "${record.name}" is over the 5 MiB event limit even with its input and output dropped; it was dropped`,
            )
            return
          }
          this.#report(
            'trimmed-span',
            `span "${record.name}" was over the 5 MiB event limit; trimmed (${fitted.added.join(', ')})`,
          )
          json = fitted.json
        }
      }
      this.#spans.enqueue(json)
    } catch (err) {
      this.#spans.countDropped()
      this.#report('export-span', `a span could not be exported and was dropped: ${describe(err)}`)
    }
  }

  exportEvaluation(metric: EvaluationMetric): void {
    try {
      const json = this.#evaluationJson(metric)
      if (json === undefined) return
      if (json.length * 3 > this.#maxEvaluationBytes && Buffer.byteLength(json) > this.#maxEvaluationBytes) {
        this.#evaluations.countDropped()
        this.#report(
          'oversize-evaluation',
          `evaluation "${metric.label}" is over the 5 MiB request limit; it was dropped`,
        )
        return
      }
      this.#evaluations.enqueue(json)
    } catch (err) {
      this.#evaluations.countDropped()
      this.#report(
        'export-evaluation',
        `an evaluation could not be exported and was dropped: ${describe(err)}`,
      )
    }
  }

  /** Resolves with what this flush settled (since the previous flush returned); totals are in stats(). */
  async flush(options: FlushOptions = {}): Promise<FlushResult> {
    await this.#encoded()
    if (!this.#routes.decided) {
      // auto mode with no agent yet: ask again now; if there is still none, what is queued stays
      // queued (neither sent nor failed) instead of waiting for an agent that may never come.
      const routed = await this.#routes.resolve({ now: true })
      if (!routed.ok) return this.#settled.take(this.#result())
      this.#resume()
    }
    await this.#settle(options.timeoutMs)
    return this.#settled.take(this.#result())
  }

  /**
   * The writers' gate: open once the route is decided. Until then (auto mode, no agent found yet)
   * it starts a probe when one is due and keeps the queue, so an agent that starts after the app
   * receives everything.
   */
  readonly #canSend = (): boolean => {
    if (this.#routes.decided) return true
    this.#routes.resolve().then(
      (routed) => {
        if (routed.ok) this.#resume()
      },
      () => undefined, // a probe reports its own failures; nothing to add here
    )
    return false
  }

  #resume(): void {
    this.#spans.resume()
    this.#evaluations.resume()
  }

  #settle(timeoutMs: number | undefined): Promise<unknown> {
    return Promise.all([this.#spans.flush(timeoutMs), this.#evaluations.flush(timeoutMs)])
  }

  shutdown(options: FlushOptions = {}): Promise<FlushResult> {
    this.#shutdown ??= this.#close(options.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS)
    return this.#shutdown
  }

  stats(): ExporterStats {
    const route = this.#routes.current
    return {
      mode: route === undefined ? 'unresolved' : route.ok ? route.route.mode : 'unavailable',
      spans: { ...this.#spans.counts, queued: this.#spans.queued + this.#unencoded.size },
      evaluations: { ...this.#evaluations.counts, queued: this.#evaluations.queued },
      transport: { ...this.#stats },
      lastError: this.#lastError,
    }
  }

  /**
   * Stops for good without waiting: queued items count as failed, in-flight requests and retry
   * waits are cut short (their items fail too). Used when the exit budget is spent.
   */
  abandon(): void {
    this.#closed = true
    const unencoded = this.#unencoded.size
    this.#unencoded.clear()
    this.#spans.countFailed(unencoded)
    this.#encodedWaiters.splice(0).forEach((resolve) => resolve())
    this.#spans.close()
    this.#evaluations.close()
    this.#abort.abort()
  }

  async #close(timeoutMs: number): Promise<FlushResult> {
    await this.#encoded()
    await this.#settle(timeoutMs)
    // Past the deadline: what is still queued fails now, and in-flight retries stop waiting.
    this.abandon()
    await this.#settle(1_000)
    // Only now: until here the hook keeps a process alive that is awaiting this shutdown.
    unregisterExitFlush(this)
    this.#transport.destroy()
    return this.#settled.take(this.#result())
  }

  #writer(stream: Stream, format: RequestFormat, concurrency: number): EventWriter {
    const c = this.#config
    return new EventWriter({
      format,
      maxQueueItems: c.maxQueueItems,
      maxQueueBytes: c.maxQueueBytes,
      requestBytes: LIMITS.requestBytes,
      flushIntervalMs: c.flushIntervalMs,
      concurrency,
      deliver: (body, count) => this.#deliver(stream, body, count),
      canSend: this.#canSend,
      onOverflow: () =>
        this.#report(
          `queue-full-${stream}`,
          `the ${stream} queue is full (maxQueueItems ${c.maxQueueItems}, maxQueueBytes ${c.maxQueueBytes}); ` +
            `new ${stream} are dropped until it drains (see flush() counts)`,
        ),
    })
  }

  async #deliver(stream: Stream, body: Buffer, count: number): Promise<boolean> {
    const routed = await this.#routes.resolve()
    if (!routed.ok) return false
    const { url, headers } = routed.route[stream]
    const outcome = await sendWithRetry(
      this.#transport,
      { method: 'POST', url, headers, body, timeoutMs: this.#config.requestTimeoutMs },
      {
        ...(this.#retryPolicy !== undefined ? { policy: this.#retryPolicy } : {}),
        signal: this.#abort.signal,
        onRetry: () => {
          this.#stats.retries++
          this.#stats.errors++
        },
      },
    )
    this.#stats.requests += outcome.attempts
    this.#stats.bytes += body.length * outcome.attempts
    if (outcome.status === 'success') {
      this.#diagnostics.debug(
        `sent ${count} ${stream === 'spans' ? 'span event(s)' : 'evaluation(s)'} (${body.length} bytes) to ` +
          `${url.host}${url.pathname} in ${routed.route.mode} mode` +
          (outcome.attempts > 1 ? ` after ${outcome.attempts} attempts` : ''),
      )
      return true
    }
    this.#stats.errors++
    this.#report(
      `send-failed-${stream}-${outcome.statusCode ?? 'network'}`,
      `could not send ${count} ${stream === 'spans' ? 'span events' : 'evaluations'} to ${url.host}${url.pathname}: ` +
        `${outcome.reason}; they are counted as failed`,
    )
    return false
  }

  /** An evaluation as JSON; undefined (counted as dropped and reported) when it has none. */
  #evaluationJson(metric: EvaluationMetric): string | undefined {
    let json: string | undefined
    try {
      json = JSON.stringify(metric)
    } catch (err) {
      this.#report(
        'serialise-evaluations',
        `an evaluation could not be serialised and was dropped: ${describe(err)}`,
      )
    }
    if (json === undefined) this.#evaluations.countDropped()
    return json
  }

  #report(key: string, message: string): void {
    const redacted = redact(message, [this.#config.apiKey])
    this.#lastError = { message: redacted, atMs: Date.now() }
    this.#diagnostics.warnOnce(key, redacted)
  }

  #result(): FlushResult {
    return { spans: this.#spans.counts, evaluations: this.#evaluations.counts }
  }
}

function jsonOfEncoded(
  encode: ((record: SpanRecord) => SpanEvent) | undefined,
): (record: SpanRecord) => string {
  if (encode === undefined) throw new TypeError('EventExporter needs spanJson or encodeSpan')
  return (record) => {
    const json = JSON.stringify(encode(record))
    // Only a toJSON returning undefined at the top level gets here; the span cannot be sent.
    if (json === undefined) throw new TypeError('the encoded span has no JSON form')
    return json
  }
}

function describe(err: unknown): string {
  try {
    if (err instanceof Error) return `${err.name}: ${err.message}`
    return String(err)
  } catch {
    return 'unprintable error'
  }
}
