import { LIMITS, type MetricEvent, type SpanEvent } from '@llmobs/protocol'
import type { ResolvedConfig } from '../config.js'
import type { Diagnostics } from '../internal/diagnostics.js'
import type { SpanRecord } from '../span/span-record.js'
import { containerHeaders } from '../transport/container-headers.js'
import { HttpTransport } from '../transport/http-transport.js'
import { redact } from '../transport/redact.js'
import type { RetryPolicy } from '../transport/retry-policy.js'
import { sendWithRetry } from '../transport/send-with-retry.js'
import type { Transport } from '../transport/transport.js'
import { createTransportStats } from '../transport/transport-stats.js'
export type { ExporterStats } from './exporter.js'
import { fitSpanEvent } from './event-trimmer.js'
import { fitRecordSized } from './fit-record.js'
import { LARGE_VALUE_CHARS, LargeSpanEncoding } from './large-values.js'
import { textBytes, textLength } from './text-size.js'
import { RecordQueue } from './record-queue.js'
import { EventWriter } from './event-writer.js'
import {
  EXIT_FLUSH_BUDGET_MS,
  registerExitFlush,
  unregisterExitFlush,
  type ExitFlushable,
} from './exit-flush.js'
import type { Exporter, ExporterStats, FlushOptions, FlushResult } from './exporter.js'
import { SettledCounts } from './settled-counts.js'
import { EVALUATIONS_FORMAT, maxItemBytes, spanEventsFormat, type RequestFormat } from './request-format.js'
import { RouteResolver } from './route-resolver.js'
import { SDK_VERSION } from '../internal/version.js'
import { ExportSpool } from './spool/export-spool.js'
import type { FrameOutcome } from './spool/spool-replay.js'
import type { SpoolOutcome } from './spool/spool-stats.js'
import { describeSpooled } from './spool/describe-spooled.js'

type Stream = 'spans' | 'evaluations'

/** A span's encoded event (whole, or as pieces of one text) and whether values were cut to fit. */
interface SpanItem {
  readonly json: string | string[]
  readonly trimmed: boolean
}

interface FittedRecord {
  readonly record: SpanRecord
  readonly trimmed: boolean
  /** The longest string left in input, output and metadata. */
  readonly longestValue: number
  /** What fitRecord cut longer strings to (Infinity: nothing cut). */
  readonly cap: number
}

interface LargeJob extends FittedRecord {
  readonly original: SpanRecord
  readonly encoding: LargeSpanEncoding
  /** Once encoded: its pieces being written into the request buffer. */
  write?: LargeWrite
}

interface LargeWrite {
  readonly pieces: readonly string[]
  next: number
  begun: boolean
}

/** Spans whose input, output, metadata and tags measure at most this many characters are encoded in `span.end()`. */
const SYNC_ENCODE_CHARS = 64 * 1024

/** Characters of a large span written into the request buffer per step (~1-2 ms with page faults). */
const WRITE_PART_CHARS = 128 * 1024

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
  /**
   * The route, when another exporter shares it (the `apm-*` modes' exporter sends APM traces on the
   * same decision). Default: its own, for the LLMObs-only modes.
   */
  readonly routes?: RouteResolver
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
  readonly #spanFormat: RequestFormat
  /** The on-disk spool, when `spoolDir` is set. */
  readonly #spool: ExportSpool | undefined
  readonly #maxSpanBytes: number
  readonly #maxEvaluationBytes: number
  readonly #stats = createTransportStats()
  /** Per stream: retry attempts, and items sent with values cut to fit. */
  readonly #extra: Record<Stream, { retried: number; trimmed: number }> = {
    spans: { retried: 0, trimmed: 0 },
    evaluations: { retried: 0, trimmed: 0 },
  }
  readonly #abort = new AbortController()
  readonly exitBudgetMs: number
  #shutdown: Promise<FlushResult> | undefined
  readonly #settled = new SettledCounts()
  #lastError: { message: string; atMs: number } | undefined
  /** Finished spans not serialised yet (see `exportSpan`). */
  readonly #unencoded = new RecordQueue<SpanRecord>()
  /** The stepwise encoding of the first record of `#unencoded`, when it holds long strings. */
  #large: LargeJob | undefined
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
    this.#routes =
      options.routes ??
      createRouteResolver(config, this.#transport, false, options.reprobeMs, (key, message) =>
        this.#report(key, message),
      )
    const spanFormat = spanEventsFormat(options.tracerVersion ?? SDK_VERSION)
    this.#spanFormat = spanFormat
    // An event must fit a request on its own, envelope included.
    this.#maxSpanBytes = Math.min(LIMITS.eventBytes, maxItemBytes(spanFormat, LIMITS.requestBytes))
    this.#maxEvaluationBytes = maxItemBytes(EVALUATIONS_FORMAT, LIMITS.requestBytes)
    const concurrency = options.concurrency ?? 2
    this.#spans = this.#writer('spans', spanFormat, concurrency)
    this.#evaluations = this.#writer('evaluations', EVALUATIONS_FORMAT, concurrency)
    this.exitBudgetMs = options.exitBudgetMs ?? EXIT_FLUSH_BUDGET_MS
    if (options.flushOnExit ?? true) registerExitFlush(this.#exitHook)
    this.#spool = config.spoolDir === undefined ? undefined : this.#startSpool(config.spoolDir)
  }

  /** Sends what earlier processes left in the spool, through the same route and retries. */
  #startSpool(dir: string): ExportSpool {
    const spool = new ExportSpool({
      dir,
      maxBytes: this.#config.spoolMaxBytes,
      requestBytes: LIMITS.requestBytes,
      canSend: async () => (await this.#routes.resolve()).ok,
      send: async (frame) => {
        const outcome = await this.#send(frame.stream, frame.body, frame.count)
        // Delivered spooled items count as sent by this process, so flush() and status() show them.
        if (outcome === 'sent')
          (frame.stream === 'spans' ? this.#spans : this.#evaluations).countSent(frame.count)
        else if (outcome === 'rejected')
          (frame.stream === 'spans' ? this.#spans : this.#evaluations).countFailed(frame.count)
        return outcome
      },
      report: (key, message) => this.#report(key, message),
    })
    spool.replay.start()
    return spool
  }

  /** Whether anything is queued or in flight. */
  get busy(): boolean {
    return (
      this.#unencoded.size > 0 ||
      this.#spans.busy ||
      this.#evaluations.busy ||
      this.#spool?.replay.busy === true
    )
  }

  /**
   * Never serialises on the caller's path: the record waits (bounded) and is encoded a few
   * milliseconds' worth at a time on later turns of the event loop, so `span.end()` stays cheap
   * whatever the span carries.
   */
  exportSpan(record: SpanRecord): void {
    if (this.#closed || this.#unencoded.size >= this.#config.maxQueueItems) {
      this.#spans.countDropped(this.#closed ? 'afterShutdown' : 'queueFull')
      if (!this.#closed) this.#spans.reportOverflow()
      return
    }
    if (this.#unencoded.size === 0 && this.#encodeNow(record)) return
    this.#unencoded.push(record)
    this.#scheduleEncoding()
  }

  /**
   * Encodes a small span at once (nothing waits before it, so order holds): about 10-15% less CPU
   * per span than encoding it in a later slice (bench/run.js: 8.7 against 9.4-10.1 µs on a busy
   * day), and at most ~0.2 ms at the bound. False for anything larger, which goes to the slices.
   */
  #encodeNow(record: SpanRecord): boolean {
    try {
      const fitted = fitRecordSized(record, this.#config.maxSpanSize)
      if (fitted.totalChars > SYNC_ENCODE_CHARS || fitted.record !== record) return false
      this.#enqueueSpan(this.#encodeFitted(record, false))
      return true
    } catch {
      return false // the slice encodes it again and reports what fails
    }
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

  /**
   * Encodes records for at most one slice of time, then yields to the app. A span holding long
   * strings is encoded over as many slices as it takes (`LargeSpanEncoding`); it stays first in
   * `#unencoded` until done, so order, counts, `abandon()` and the spool see it as not encoded yet.
   */
  readonly #encodeSlice = (): void => {
    this.#encodingImmediate = undefined
    const deadline = performance.now() + ENCODE_SLICE_MS
    let record: SpanRecord | undefined
    while ((record = this.#unencoded.peek()) !== undefined) {
      const large = this.#large
      if (large === undefined || large.original !== record) {
        this.#large = undefined
        const fitted = this.#fit(record)
        if (fitted.longestValue >= LARGE_VALUE_CHARS) this.#large = this.#startLarge(record, fitted)
        if (this.#large === undefined) {
          this.#unencoded.shift()
          this.#enqueueSpan(this.#encodeFitted(fitted.record, fitted.trimmed))
        }
      } else if (large.write === undefined) {
        if (large.encoding.step()) this.#largeEncoded(large)
      } else {
        const progress = this.#writeLargePart(large.write)
        if (progress !== 'more') {
          this.#unencoded.shift()
          this.#large = undefined
          if (progress === 'queued' && large.trimmed) this.#extra.spans.trimmed++
        }
      }
      if (performance.now() >= deadline) break
    }
    if (this.#unencoded.size > 0) this.#scheduleEncoding()
    else this.#encodedWaiters.splice(0).forEach((resolve) => resolve())
  }

  /**
   * A large span's text is complete: it is written into the request buffer in parts on the next
   * turns, unless it is over the event limit (then trimmed and queued whole, or dropped).
   */
  #largeEncoded(large: LargeJob): void {
    const item = this.#fitEvent(large.record, large.encoding.pieces(), large.trimmed)
    if (item !== undefined && typeof item.json !== 'string') {
      large.write = { pieces: item.json, next: 0, begun: false }
      return
    }
    this.#unencoded.shift()
    this.#large = undefined
    this.#enqueueSpan(item)
  }

  /** Writes about 128 K characters of a large span into the request buffer (or drops it: queue full). */
  #writeLargePart(write: LargeWrite): 'more' | 'queued' | 'dropped' {
    if (!write.begun) {
      write.begun = true
      return this.#spans.beginItem(textBytes(write.pieces)) ? 'more' : 'dropped'
    }
    let budget = WRITE_PART_CHARS
    while (write.next < write.pieces.length && budget > 0) {
      const piece = write.pieces[write.next++] as string
      this.#spans.writePart(piece)
      budget -= piece.length
    }
    if (write.next < write.pieces.length) return 'more'
    this.#spans.endItem()
    return 'queued'
  }

  /** Starts the stepwise encoding of a span holding long strings (undefined: encode it whole). */
  #startLarge(original: SpanRecord, fitted: FittedRecord): LargeJob | undefined {
    try {
      const encoding = LargeSpanEncoding.of(original, fitted.record, fitted.cap, this.#spanJson)
      return encoding === undefined ? undefined : { original, ...fitted, encoding }
    } catch {
      return undefined // the whole path encodes it again and reports what fails
    }
  }

  /** Resolves once every record handed to `exportSpan` so far is encoded and queued. */
  #encoded(): Promise<void> {
    if (this.#unencoded.size === 0) return Promise.resolve()
    this.#encodingImmediate?.ref()
    return new Promise((resolve) => this.#encodedWaiters.push(resolve))
  }

  #enqueueSpan(item: SpanItem | undefined): void {
    if (item !== undefined && this.#spans.enqueue(item.json) && item.trimmed) this.#extra.spans.trimmed++
  }

  /** `original` cut to `maxSpanSize` (reported when anything was cut). */
  #fit(original: SpanRecord): FittedRecord {
    const { record, longestValue, cap } = fitRecordSized(original, this.#config.maxSpanSize)
    const trimmed = record !== original
    if (trimmed) {
      this.#report(
        'truncated-span',
        `span "${record.name}" carried more than maxSpanSize (${this.#config.maxSpanSize} characters of input, output, metadata and tags); its longest values were trimmed (${(record.collectionErrors ?? []).join(', ')})`,
      )
    }
    return { record, trimmed, longestValue, cap }
  }

  /**
   * A span's wire JSON, fitted to the limits, and whether values were cut to fit; undefined (counted
   * as dropped, reported) when it has none. Synchronous: the spool uses it at exit.
   */
  #spanItem(original: SpanRecord): SpanItem | undefined {
    try {
      const fitted = this.#fit(original)
      return this.#encodeFitted(fitted.record, fitted.trimmed)
    } catch (err) {
      this.#spans.countDropped('unencodable')
      this.#report('export-span', `a span could not be exported and was dropped: ${describe(err)}`)
      return undefined
    }
  }

  #encodeFitted(record: SpanRecord, trimmed: boolean): SpanItem | undefined {
    let json: string
    try {
      json = this.#spanJson(record)
    } catch (err) {
      this.#spans.countDropped('unencodable')
      this.#report('encode-span', `a span could not be encoded and was dropped: ${describe(err)}`)
      return undefined
    }
    return this.#fitEvent(record, json, trimmed)
  }

  /** The encoded event, trimmed when it is over the event limit; undefined (dropped) if it cannot be. */
  #fitEvent(record: SpanRecord, json: string | string[], trimmed: boolean): SpanItem | undefined {
    // Measure only what could be too large: UTF-8 takes at most 3 bytes per UTF-16 unit, and the
    // queue measures everything else by writing it.
    if (textLength(json) * 3 <= this.#maxSpanBytes) return { json, trimmed }
    const bytes = textBytes(json)
    if (bytes <= this.#maxSpanBytes) return { json, trimmed }
    const fitted = fitSpanEvent(typeof json === 'string' ? json : json.join(''), bytes, this.#maxSpanBytes)
    if (fitted === undefined) {
      this.#spans.countDropped('oversize')
      this.#report(
        'oversize-span',
        `span "${record.name}" is over the 5 MiB event limit even with its input and output dropped; it was dropped`,
      )
      return undefined
    }
    this.#report(
      'trimmed-span',
      `span "${record.name}" was over the 5 MiB event limit; trimmed (${fitted.added.join(', ')})`,
    )
    return { json: fitted.json, trimmed: true }
  }

  exportEvaluation(metric: MetricEvent): void {
    try {
      const json = this.#evaluationJson(metric)
      if (json === undefined) return
      if (json.length * 3 > this.#maxEvaluationBytes && Buffer.byteLength(json) > this.#maxEvaluationBytes) {
        this.#evaluations.countDropped('oversize')
        this.#report(
          'oversize-evaluation',
          `evaluation "${metric.label}" is over the 5 MiB request limit; it was dropped`,
        )
        return
      }
      this.#evaluations.enqueue(json)
    } catch (err) {
      this.#evaluations.countDropped('unencodable')
      this.#report(
        'export-evaluation',
        `an evaluation could not be exported and was dropped: ${describe(err)}`,
      )
    }
  }

  /** Resolves with what this flush settled (since the previous flush returned); totals are in stats(). */
  async flush(options: FlushOptions = {}): Promise<FlushResult> {
    await this.#deliverQueued(options.timeoutMs)
    return this.#settled.take(this.#result())
  }

  /** Sends what is queued and waits for it, like `flush()`, without taking its settled counts. */
  deliver(timeoutMs: number | undefined): Promise<void> {
    return this.#deliverQueued(timeoutMs)
  }

  /**
   * Sends what is queued and waits for it (bounded by `timeoutMs`). The exit hook calls this, not
   * `flush()`: it must not take the settled counts the user's own `flush()`/`shutdown()` reports.
   */
  async #deliverQueued(timeoutMs: number | undefined): Promise<void> {
    await this.#encoded()
    if (!this.#routes.decided) {
      // auto mode with no agent yet: ask again now; if there is still none, what is queued stays
      // queued (neither sent nor failed) instead of waiting for an agent that may never come.
      const routed = await this.#routes.resolve({ now: true })
      if (!routed.ok) return
      this.#resume()
    }
    await Promise.all([this.#settle(timeoutMs), this.#spool?.replay.idle(timeoutMs)])
  }

  /** What the `beforeExit` hook flushes: this exporter, without touching `flush()`'s counts. */
  readonly #exitHook: ExitFlushable = exitHookOf(
    () => this.busy,
    () => this.exitBudgetMs,
    (timeoutMs) => this.#deliverQueued(timeoutMs),
    () => this.abandon(),
  )

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
    this.#spool?.replay.start()
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
      spans: {
        ...this.#spans.counts,
        queued: this.#spans.queued + this.#unencoded.size,
        ...this.#extra.spans,
        droppedBy: this.#spans.droppedBy,
      },
      evaluations: {
        ...this.#evaluations.counts,
        queued: this.#evaluations.queued,
        ...this.#extra.evaluations,
        droppedBy: this.#evaluations.droppedBy,
      },
      probe: this.#routes.lastProbe,
      transport: { ...this.#stats },
      lastError: this.#lastError,
      spool: this.#spool?.stats(),
    }
  }

  /**
   * Stops for good without waiting: queued items count as failed, in-flight requests and retry
   * waits are cut short (their items fail too). Used when the exit budget is spent.
   */
  abandon(): void {
    if (this.#spool !== undefined && !this.#closed) this.#spoolUndelivered('abandon')
    this.#closed = true
    const unencoded = this.#unencoded.size
    this.#unencoded.clear()
    this.#large = undefined
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
    await Promise.all([this.#settle(1_000), this.#spool?.replay.idle(1_000)])
    // Only now: until here the hook keeps a process alive that is awaiting this shutdown.
    unregisterExitFlush(this.#exitHook)
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
      deliver: async (body, count) => {
        const outcome = await this.#send(stream, body, count)
        if (outcome === 'keep' && !this.#abort.signal.aborted) this.#spool?.hold(stream, body, count)
        return outcome === 'sent'
      },
      canSend: this.#canSend,
      onOverflow: () =>
        this.#report(
          `queue-full-${stream}`,
          `the ${stream} queue is full (maxQueueItems ${c.maxQueueItems}, maxQueueBytes ${c.maxQueueBytes}); ` +
            `new ${stream} are dropped until it drains (see flush() counts)`,
        ),
    })
  }

  /**
   * At process exit (synchronously, from the exit report): writes everything undelivered to the spool
   * and says what became of it; undefined without a spool. Spans not encoded yet are encoded now, as
   * long as there is room for them.
   */
  spoolAtExit(): SpoolOutcome | undefined {
    if (this.#spool === undefined || this.#closed) return undefined
    this.#closed = true
    return this.#spoolUndelivered('exit')
  }

  /**
   * Moves what is queued, in flight or not encoded yet into one spool file. Those items count as
   * failed here (this process did not deliver them), whether a later process sends them or not; at
   * `abandon` the requests in flight are left to count themselves, as they fail once aborted.
   */
  #spoolUndelivered(at: 'exit' | 'abandon'): SpoolOutcome | undefined {
    const spool = this.#spool
    if (spool === undefined) return undefined
    this.#large = undefined // its record is still first in #unencoded: encoded whole below
    const failed = { spans: 0, evaluations: 0 }
    const take = (stream: Stream, writer: EventWriter) =>
      writer.takeUndelivered().map(({ body, count, inFlight }) => {
        if (!inFlight || at === 'exit') failed[stream] += count
        return { stream, body, count }
      })
    const bodies = [...take('spans', this.#spans), ...take('evaluations', this.#evaluations)]
    const unencoded = this.#unencoded
    const loose = {
      stream: 'spans' as const,
      format: this.#spanFormat,
      count: unencoded.size,
      next: () => {
        const record = unencoded.shift()
        const item = record === undefined ? undefined : this.#spanItem(record)
        const json =
          item === undefined ? undefined : typeof item.json === 'string' ? item.json : item.json.join('')
        // One that cannot be encoded is counted as dropped by #spanItem.
        if (json !== undefined) failed.spans++
        return json
      },
    }
    const outcome = spool.writeSync({ bodies, loose })
    // Those never reached for lack of room are failed too.
    failed.spans += unencoded.size
    unencoded.clear()
    this.#spans.countFailed(failed.spans)
    this.#evaluations.countFailed(failed.evaluations)
    if (at === 'abandon') this.#reportSpooled(outcome)
    return outcome
  }

  #reportSpooled(outcome: SpoolOutcome): void {
    const { spooled, lost } = outcome
    if (spooled.spans + spooled.evaluations + lost.spans + lost.evaluations === 0) return
    this.#diagnostics.warn(describeSpooled(outcome))
  }

  async #send(stream: Stream, body: Buffer, count: number): Promise<FrameOutcome> {
    const routed = await this.#routes.resolve()
    if (!routed.ok) return 'keep'
    const { url, headers } = routed.route[stream]
    const outcome = await sendWithRetry(
      this.#transport,
      { method: 'POST', url, headers, body, timeoutMs: this.#config.requestTimeoutMs },
      {
        ...(this.#retryPolicy !== undefined ? { policy: this.#retryPolicy } : {}),
        signal: this.#abort.signal,
        onRetry: () => {
          this.#extra[stream].retried++
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
      return 'sent'
    }
    this.#stats.errors++
    this.#report(
      `send-failed-${stream}-${outcome.statusCode ?? 'network'}`,
      `could not send ${count} ${stream === 'spans' ? 'span events' : 'evaluations'} to ${url.host}${url.pathname}: ` +
        `${outcome.reason}; they are counted as failed`,
    )
    return keepsForLater(outcome.statusCode) ? 'keep' : 'rejected'
  }

  /** An evaluation as JSON; undefined (counted as dropped and reported) when it has none. */
  #evaluationJson(metric: MetricEvent): string | undefined {
    let json: string | undefined
    try {
      json = JSON.stringify(metric)
    } catch (err) {
      this.#report(
        'serialise-evaluations',
        `an evaluation could not be serialised and was dropped: ${describe(err)}`,
      )
    }
    if (json === undefined) this.#evaluations.countDropped('unencodable')
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

/** The route resolver of a config; `apmTracing` lets `auto` pick `apm-agent`. */
export function createRouteResolver(
  config: ResolvedConfig,
  transport: Transport,
  apmTracing: boolean,
  reprobeMs: number | undefined,
  report: (key: string, message: string) => void,
): RouteResolver {
  return new RouteResolver({
    mode: config.mode,
    agentUrl: config.agentUrl,
    site: config.site,
    apiKey: config.apiKey,
    intakeUrl: config.intakeUrl,
    apmTracing,
    transport,
    agentHeaders: containerHeaders,
    probeTimeoutMs: Math.min(config.requestTimeoutMs, 2_000),
    ...(reprobeMs !== undefined ? { reprobeMs } : {}),
    report,
  })
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

/**
 * Whether a failed request is worth sending again later (from the spool): the intake was unreachable,
 * busy, or refused this process's credentials; not when it refused the payload itself (400, 413...).
 */
function keepsForLater(statusCode: number | undefined): boolean {
  return (
    statusCode === undefined ||
    statusCode === 401 ||
    statusCode === 403 ||
    statusCode === 408 ||
    statusCode === 429 ||
    statusCode >= 500
  )
}

function describe(err: unknown): string {
  try {
    if (err instanceof Error) return `${err.name}: ${err.message}`
    return String(err)
  } catch {
    return 'unprintable error'
  }
}

/** An `ExitFlushable` whose state is read live from the exporter. */
function exitHookOf(
  busy: () => boolean,
  budgetMs: () => number,
  deliver: (timeoutMs: number) => Promise<void>,
  abandon: () => void,
): ExitFlushable {
  return {
    get busy() {
      return busy()
    },
    get exitBudgetMs() {
      return budgetMs()
    },
    flush: (options) => deliver(options.timeoutMs),
    abandon,
  }
}
