import type { ResolvedConfig } from '../config.js'
import { fitRecordSized } from '../export/fit-record.js'
import type { Endpoint } from '../export/export-route.js'
import type { Diagnostics } from '../internal/diagnostics.js'
import { SDK_VERSION } from '../internal/version.js'
import { newLocalTrace, type LocalTrace } from '../span/local-trace.js'
import type { SpanRecord } from '../span/span-record.js'
import type { RetryPolicy } from '../transport/retry-policy.js'
import { sendWithRetry } from '../transport/send-with-retry.js'
import type { Transport } from '../transport/transport.js'
import { BodyBuffers } from './body-buffers.js'
import { fitsApmSpan, type ChunkSampling, type ProcessTags } from './apm-span.js'
import { decideTrace, type TraceSampler } from './decide-trace.js'
import { ApmTraceWriter, type ApmTraceCounts, type ChunkItem } from './apm-trace-writer.js'
import { TraceChunks, type TraceChunk } from './trace-chunks.js'
import type { ChunkEncoder, TraceFormat } from './trace-format.js'

/** Where rescued LLMObs events go: the LLM Observability writer (EVP proxy or agentless intake). */
export interface RescueTarget {
  exportSpan(record: SpanRecord): void
}

export interface ApmExporterOptions {
  readonly config: ResolvedConfig
  readonly diagnostics: Diagnostics
  readonly transport: Transport
  readonly endpoint: Endpoint
  readonly format: TraceFormat
  readonly sampler: TraceSampler
  readonly rescue: RescueTarget
  readonly process: ProcessTags
  readonly retryPolicy?: RetryPolicy
  readonly partialFlushSpans: number
  /** Requests in flight at once (default 2). */
  readonly concurrency?: number
  /** Reports a condition once per key. */
  readonly report: (key: string, message: string) => void
}

/** Rescued LLMObs events, by reason (each was then sent through the LLMObs writer). */
export interface RescueCounts {
  /** The chunk's sampling priority was <= 0: the agent would have dropped it. */
  sampledOut: number
  /** Its APM payload was rejected or failed after its retries. */
  payloadFailed: number
  /** The APM queue was full. */
  queueFull: number
  /** The APM writer closed with the chunk still queued. */
  closed: number
}

export interface ApmExporterStats {
  readonly traces: ApmTraceCounts & {
    readonly requests: { readonly sent: number; readonly retried: number; readonly bytes: number }
  }
  /** LLMObs events delivered inside APM traces (`meta_struct`). */
  readonly llmobsSent: number
  readonly rescued: Readonly<RescueCounts>
  /** LLMObs events not settled yet: held in open chunks, being encoded, queued or in flight. */
  readonly llmobsPending: number
}

/** Chunks of at most this many spans and characters of span data are encoded in the root's `end()`. */
const SYNC_ENCODE_SPANS = 32
const SYNC_ENCODE_CHARS = 64 * 1024

/** How long one turn of the event loop may spend encoding APM spans before it yields to the app. */
const ENCODE_SLICE_MS = 2
/** An APM request's body at most: well under the Agent's 25 MB payload limit. */
const REQUEST_BYTES = 8 * 1024 * 1024
const RESPONSE_BODY_LIMIT = 256 * 1024
/** Spare request bodies go after this long without a request. */
const SPARE_BODY_IDLE_MS = 10_000

interface EncodingChunk {
  readonly records: readonly SpanRecord[]
  readonly sampling: ChunkSampling
  readonly keep: boolean
  /** Spans encoded so far. */
  done: number
  encoder: ChunkEncoder | undefined
}

/**
 * The APM side of the `apm-*` modes: every LLMObs span is also an APM span, grouped into trace
 * chunks (complete when the chunk's local root ends, partial for long traces), each span carrying its
 * LLMObs event in `meta_struct._llmobs`. The rescue rule (protocol §4) makes that event arrive exactly
 * once: a chunk whose priority is <= 0 would be dropped by the agent with its LLM data, so its spans
 * go out tagged `_dd.llmobs.submitted:1` with no `_llmobs` and their events go to the LLMObs writer,
 * in that order. Going further than the tracers: a chunk whose APM request finally fails, or that a
 * full queue refuses, has its LLMObs events rescued the same way. Sampling priority is never changed.
 */
export class ApmExporter {
  readonly #o: ApmExporterOptions
  readonly #chunks: TraceChunks
  readonly #writer: ApmTraceWriter
  readonly #abort = new AbortController()
  /** Chunks decided but not encoded yet, oldest first; the head may be half encoded. */
  #encoding: EncodingChunk[] = []
  #encodingImmediate: NodeJS.Immediate | undefined
  #encodedWaiters: Array<() => void> = []
  #llmobsSent = 0
  /** HTTP exchanges of the APM stream (a request sent three times counts three, and two retries). */
  readonly #requests = { sent: 0, retried: 0, bytes: 0 }
  readonly #rescued: RescueCounts = { sampledOut: 0, payloadFailed: 0, queueFull: 0, closed: 0 }
  readonly #headers: Readonly<Record<string, string>>
  readonly #bodies: BodyBuffers
  #closed = false

  constructor(options: ApmExporterOptions) {
    this.#o = options
    const c = options.config
    this.#chunks = new TraceChunks({
      partialFlushSpans: options.partialFlushSpans,
      maxHeldSpans: c.maxQueueItems,
    })
    this.#headers = {
      ...options.endpoint.headers,
      'Content-Type': options.format.contentType,
      'Datadog-Meta-Lang': 'nodejs',
      'Datadog-Meta-Lang-Version': process.version,
      'Datadog-Meta-Lang-Interpreter': 'v8',
      'Datadog-Meta-Tracer-Version': SDK_VERSION,
    }
    this.#bodies = new BodyBuffers(options.concurrency ?? 2)
    this.#writer = new ApmTraceWriter({
      maxQueueSpans: c.maxQueueItems,
      maxQueueBytes: c.maxQueueBytes,
      requestBytes: REQUEST_BYTES,
      flushIntervalMs: c.flushIntervalMs,
      concurrency: options.concurrency ?? 2,
      deliver: (chunks) => this.#deliver(chunks),
      tick: () => this.#bodies.releaseIfIdle(SPARE_BODY_IDLE_MS),
      lost: (chunks, why) => {
        const reason = why === 'failed' ? 'payloadFailed' : why
        for (const chunk of chunks) this.#rescue(chunk.llmobs, reason)
      },
    })
  }

  get busy(): boolean {
    return this.#chunks.held > 0 || this.#encoding.length > 0 || this.#writer.busy
  }

  stats(): ApmExporterStats {
    return {
      traces: { ...structuredClone(this.#writer.counts), requests: { ...this.#requests } },
      llmobsSent: this.#llmobsSent,
      rescued: { ...this.#rescued },
      llmobsPending:
        this.#chunks.held +
        this.#encoding.reduce((n, c) => n + (c.keep ? c.records.length : 0), 0) +
        this.#writer.pendingLlmobs,
    }
  }

  /** Takes a finished span; cheap: chunks are decided here, encoded on later turns of the event loop. */
  exportSpan(record: SpanRecord): void {
    if (this.#closed) {
      this.#o.rescue.exportSpan(record) // the LLMObs writer counts it (after shutdown)
      return
    }
    this.#chunks.add(record, this.#route)
  }

  /** Sends every finished span (open chunks partially) and waits for it, bounded by `timeoutMs`. */
  async flush(timeoutMs: number | undefined): Promise<void> {
    this.#chunks.takeAll(this.#route)
    await this.#encoded()
    await this.#writer.flush(timeoutMs)
  }

  /** Stops: what is still held or queued is rescued through the LLMObs writer, which decides its fate. */
  close(): void {
    if (this.#closed) return
    this.#chunks.takeAll(this.#route)
    this.#closed = true
    this.#encodeSlice(Infinity)
    this.#writer.close()
    this.#abort.abort()
    this.#bodies.clear()
  }

  /** Decides the chunk's sampling and sends it on: kept with its LLM data, or rescued. */
  readonly #route = (chunk: TraceChunk): void => {
    // A record an APM span cannot be made of (a processor may return anything) goes to the LLMObs
    // writer, which sends what it can of it and reports the rest.
    const records = chunk.records.filter((record) => {
      if (fitsApmSpan(record)) return true
      this.#o.report(
        'unencodable-apm-span',
        `span "${String(record.name)}" has ids or times an APM span cannot carry; it is sent as an LLM Observability event only`,
      )
      this.#o.rescue.exportSpan(record)
      return false
    })
    if (records.length === 0) return
    const sampling = this.#sampling(chunk.trace, records)
    const keep = sampling.priority > 0
    // The rescue rule, in order: the APM spans are marked submitted and built without `_llmobs`
    // (when encoded, below), then each event is enqueued to the LLMObs writer.
    if (!keep) this.#rescue(records, 'sampledOut')
    // A kept span's LLMObs data is cut to maxSpanSize, as the LLMObs writer cuts it.
    let chars = 0
    const fitted = keep
      ? records.map((record) => {
          const fit = fitRecordSized(record, this.#o.config.maxSpanSize)
          chars += fit.totalChars
          return fit.record
        })
      : records
    const encoding: EncodingChunk = { records: fitted, sampling, keep, done: 0, encoder: undefined }
    this.#encoding.push(encoding)
    // A small chunk with nothing ahead of it is encoded now, in the root's end(): as for the LLMObs
    // events, cheaper than a later turn of the event loop, and at most ~0.2 ms at the bound.
    if (this.#encoding.length === 1 && records.length <= SYNC_ENCODE_SPANS && chars <= SYNC_ENCODE_CHARS) {
      while (this.#encoding[0] === encoding) this.#encodeNext(encoding)
      return
    }
    this.#scheduleEncoding()
  }

  #sampling(trace: LocalTrace | undefined, records: readonly SpanRecord[]): ChunkSampling {
    const first = records[0] as SpanRecord
    // A record made outside a live span (tests, replays) has no local trace: it is its own.
    const local = trace ?? newLocalTrace(first.spanId, first.name, undefined)
    return decideTrace(local, first.apmTraceId, this.#o.sampler, this.#o.config)
  }

  #rescue(records: readonly SpanRecord[], reason: keyof RescueCounts): void {
    if (records.length === 0) return
    this.#rescued[reason] += records.length
    for (const record of records) {
      try {
        this.#o.rescue.exportSpan(record)
      } catch (err) {
        this.#o.report('rescue', `an LLMObs event could not be rescued: ${String(err)}`)
      }
    }
  }

  #scheduleEncoding(): void {
    if (this.#encodingImmediate !== undefined) return
    this.#encodingImmediate = setImmediate(() => this.#encodeSlice(ENCODE_SLICE_MS))
    if (this.#encodedWaiters.length === 0) this.#encodingImmediate.unref()
  }

  /** Encodes spans for at most `budgetMs`, handing each finished chunk to the writer. */
  #encodeSlice(budgetMs: number): void {
    this.#encodingImmediate = undefined
    const deadline = performance.now() + budgetMs
    let chunk: EncodingChunk | undefined
    let n = 0
    while ((chunk = this.#encoding[0]) !== undefined) {
      this.#encodeNext(chunk)
      // The clock is read every few spans: once per span was a visible cost.
      if (++n % 8 === 0 && performance.now() >= deadline) break
    }
    if (this.#encoding.length > 0) this.#scheduleEncoding()
    else this.#encodedWaiters.splice(0).forEach((resolve) => resolve())
  }

  /** Encodes the next span of `chunk` (the first of `#encoding`), handing it on once complete. */
  #encodeNext(chunk: EncodingChunk): void {
    const o = this.#o
    const encoder = (chunk.encoder ??= o.format.startChunk(chunk.records.length, o.config, o.process))
    const record = chunk.records[chunk.done] as SpanRecord
    try {
      encoder.span(record, { first: chunk.done === 0, sampling: chunk.sampling, submitted: !chunk.keep })
    } catch (err) {
      // Nothing of the chunk is sent as APM; its LLM data still goes through the LLMObs writer.
      this.#encoding.shift()
      o.report('encode-apm-chunk', `an APM trace chunk could not be encoded: ${String(err)}`)
      if (chunk.keep) this.#rescue(chunk.records, 'payloadFailed')
      return
    }
    if (++chunk.done === chunk.records.length) {
      this.#encoding.shift()
      this.#writer.enqueue({
        bytes: encoder.finish(),
        spanCount: chunk.records.length,
        llmobs: chunk.keep ? chunk.records : [],
      })
    }
  }

  #encoded(): Promise<void> {
    if (this.#encoding.length === 0) return Promise.resolve()
    this.#encodingImmediate?.ref()
    return new Promise((resolve) => this.#encodedWaiters.push(resolve))
  }

  async #deliver(chunks: readonly ChunkItem[]): Promise<boolean> {
    const o = this.#o
    const parts = chunks.map((chunk) => chunk.bytes)
    const buffer = this.#bodies.take(o.format.bodySize(parts))
    const body = o.format.writeBody(parts, buffer)
    const outcome = await sendWithRetry(
      o.transport,
      {
        method: 'PUT',
        url: o.endpoint.url,
        headers: { ...this.#headers, 'X-Datadog-Trace-Count': String(chunks.length) },
        body,
        timeoutMs: o.config.requestTimeoutMs,
        readBodyLimit: RESPONSE_BODY_LIMIT,
      },
      {
        ...(o.retryPolicy !== undefined ? { policy: o.retryPolicy } : {}),
        signal: this.#abort.signal,
        onRetry: () => this.#requests.retried++,
      },
    )
    this.#requests.sent += outcome.attempts
    this.#requests.bytes += body.length * outcome.attempts
    if (outcome.status === 'success') {
      this.#bodies.give(buffer)
      let spans = 0
      for (const chunk of chunks) {
        this.#llmobsSent += chunk.llmobs.length
        spans += chunk.spanCount
      }
      o.diagnostics.debug(
        `sent ${chunks.length} APM trace chunk(s) (${spans} spans, ${body.length} bytes) to ` +
          `${o.endpoint.url.host}${o.endpoint.url.pathname}` +
          (outcome.attempts > 1 ? ` after ${outcome.attempts} attempts` : ''),
      )
      if (outcome.body !== undefined && outcome.body !== '') this.#learnRates(outcome.body)
      return true
    }
    const url = o.endpoint.url
    o.report(
      `send-failed-traces-${outcome.statusCode ?? 'network'}`,
      `could not send ${chunks.length} APM trace chunk(s) to ${url.host}${url.pathname}: ${outcome.reason}; ` +
        'their LLM Observability events are sent through the LLM Observability intake instead',
    )
    return false
  }

  #learnRates(body: string): void {
    try {
      this.#o.sampler.updateAgentRates(JSON.parse(body))
    } catch {
      // Not JSON: an agent that answers otherwise keeps the rates it gave last.
    }
  }
}
