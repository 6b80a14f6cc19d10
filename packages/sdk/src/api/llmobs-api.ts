import type { Annotation } from '../annotation/annotation.js'
import type { LLMObsOptions } from '../config.js'
import type { EvaluationOptions, EvaluationTarget } from '../evaluation/evaluation-options.js'
import type { FeedbackOptions, FeedbackTarget } from '../evaluation/feedback-options.js'
import type { PlainContext } from '../context/plain-context.js'
import type { HeaderRecord, HeaderSource, InjectOptions } from '../context/propagation/index.js'
import type { ExportedSpan, Span } from '../span/span.js'
import type { RunInWorkerOptions } from '../worker/run-in-worker-options.js'
import type { WorkerHandoff } from '../worker/worker-handoff.js'
import type { BackgroundOptions, BackgroundOutcome } from './background.js'
import type { MethodDecorator } from './decorate.js'
import type { LLMObsFlushOptions, LLMObsFlushResult } from './flush-options.js'
import type { LLMObsStatus } from './status.js'
import type {
  DecorateOptions,
  ParentRef,
  StartSpanOptions,
  TraceOptions,
  WrapOptions,
} from './span-options.js'

/**
 * An LLM Observability instance: `llmobs` (the default one, a no-op until `init()`) or one made by
 * `createLLMObs()`. Tracing never changes what your functions return or throw, and never throws into
 * your code; misuse is reported through the logger (or thrown as `LLMObsError` with `strict: true`).
 */
export interface LLMObs {
  /** True between `init()` and `shutdown()`. */
  readonly enabled: boolean

  /**
   * Initialises the instance: options win over the environment (`DD_LLMOBS_ML_APP`, `DD_SERVICE`,
   * `DD_ENV`, ...), then defaults. Calling it again does nothing.
   *
   * @example
   * llmobs.init({ mlApp: 'support-bot', service: 'api', env: 'prod' })
   */
  init(options?: LLMObsOptions): LLMObs

  /**
   * Runs `fn` inside a new span and returns exactly what it returns. The span ends when the result
   * is done: at once for plain values, when a promise settles, when a stream or async iterable is
   * fully read, fails or is abandoned. A throw or rejection marks the span and reaches you unchanged.
   *
   * @example
   * const answer = await llmobs.trace({ kind: 'workflow', name: 'answer' }, async (span) => {
   *   const text = await generate(question)
   *   span.annotate({ inputData: question, outputData: text })
   *   return text
   * })
   */
  trace<R>(options: TraceOptions, fn: (span: Span) => R): R

  /**
   * Returns a traced version of `fn` with the same signature, `this`, name and length. Arguments
   * and result are recorded as input and output (except llm/embedding input and llm/retrieval
   * output) unless you annotate them yourself.
   *
   * @example
   * const search = llmobs.wrap({ kind: 'retrieval' }, async (query: string) => index.search(query))
   */
  wrap<F extends (...args: any[]) => any>(options: WrapOptions, fn: F): F

  /**
   * A method decorator doing what `wrap` does, for TypeScript 5 standard decorators and legacy
   * `experimentalDecorators` alike. The span name defaults to the method name.
   *
   * @example
   * class Agent {
   *   @llmobs.decorate({ kind: 'agent' })
   *   async run(task: string) { ... }
   * }
   */
  decorate(options: DecorateOptions): MethodDecorator

  /**
   * Starts a span you end yourself. It is not made active; pass it as `parent` to start children.
   *
   * @example
   * const span = llmobs.startSpan({ kind: 'tool', name: 'lookup', parent: llmobs.activeSpan() })
   * span.annotate({ inputData: id })
   * span.end()
   */
  startSpan(options: StartSpanOptions): Span

  /**
   * The span active in the current async context, if any.
   *
   * @example
   * llmobs.activeSpan()?.annotate({ tags: { user_tier: 'pro' } })
   */
  activeSpan(): Span | undefined

  /**
   * Attaches data to the active span, or to the span given first.
   *
   * @example
   * llmobs.annotate({ inputData: messages, outputData: reply, metrics: { inputTokens: 12, outputTokens: 40 } })
   * llmobs.annotate(span, { metadata: { temperature: 0.2 } })
   */
  annotate(annotation: Annotation): void
  annotate(span: Span, annotation: Annotation): void

  /**
   * The span's ids as `{ spanId, traceId }` (the active span by default; inside a context restored
   * with `withContext()` or `runInWorker()`, the span it names), to attach evaluations later or link
   * work in other systems. Undefined when there is no span.
   *
   * @example
   * const ref = llmobs.exportSpan(span)
   * queue.push({ ref, answer })
   */
  exportSpan(span?: Span): ExportedSpan | undefined

  /**
   * Sends an evaluation of a span (a span handle, an exported span, or `{ tag: { key, value } }`).
   * An invalid evaluation is reported and not sent.
   *
   * @example
   * llmobs.submitEvaluation(llmobs.exportSpan(span)!, { label: 'faithfulness', metricType: 'score', value: 0.92 })
   */
  submitEvaluation(target: EvaluationTarget, options: EvaluationOptions): void

  /**
   * Sends feedback from the people using the app (a thumbs up, a rating, a correction) about exactly
   * one of a span, a trace (`{ traceId }`), a session (`{ sessionId }`) or the spans carrying a
   * feedback join key (`{ feedbackJoinKey }`, see `annotate({ feedbackJoinKey })`). `submitter` is
   * required. Invalid feedback is reported and not sent.
   *
   * @example
   * llmobs.submitFeedback(llmobs.exportSpan(span)!, {
   *   label: 'thumbs', metricType: 'boolean', value: true, submitter: { id: userId, type: 'human' },
   * })
   * llmobs.submitFeedback({ feedbackJoinKey: messageId }, {
   *   label: 'correction', metricType: 'text', value: 'Paris, not Lyon', submitter: { id: userId },
   * })
   */
  submitFeedback(target: FeedbackTarget, feedback: FeedbackOptions): void

  /**
   * Sends everything queued so far; resolves with the counts of sent, failed and dropped items.
   * With `waitForBackground: true` it first waits for running `background()` tasks (bounded by
   * `timeoutMs`, default 10 s), and the result has `background: { running, failed, untracked }`.
   *
   * @example
   * const { spans } = await llmobs.flush({ timeoutMs: 2000 })
   * // at the end of a serverless handler or a short script:
   * await llmobs.flush({ waitForBackground: true, timeoutMs: 5000 })
   */
  flush(options?: LLMObsFlushOptions): Promise<LLMObsFlushResult>

  /**
   * Where data goes and what happened to it since `init()`: the mode and the route it resolved to,
   * per stream the totals sent, failed and dropped and the queue depth, the transport's requests,
   * retries and errors, processor failures, open spans and the last delivery problem.
   *
   * @example
   * const { route, spans, lastError } = llmobs.status()
   * if (spans.failed > 0) console.error(`llmobs: ${spans.failed} spans failed (${lastError?.message})`)
   */
  status(): LLMObsStatus

  /**
   * Flushes and stops the instance (later calls return the same result). Tracing then runs your
   * functions untraced until `init()` is called again. Takes the options of `flush()`.
   *
   * @example
   * process.on('SIGTERM', () => void llmobs.shutdown({ waitForBackground: true }))
   */
  shutdown(options?: LLMObsFlushOptions): Promise<LLMObsFlushResult>

  /**
   * Runs `fn` detached from the caller (on a later turn of the event loop; the caller's span may end
   * first) in the caller's context: its spans are children of the span active here, in the same
   * trace. Tracked, so `flush({ waitForBackground: true })` waits for it. Never throws and never
   * rejects: resolves with `{ status: 'fulfilled', value }` or, when `fn` throws or rejects,
   * `{ status: 'rejected', reason }` after reporting the error through the logger (the wrapping span,
   * if any, is marked as an error). Without options no span is added; `name` wraps the work in a
   * `task` span; `link: true` starts a new trace whose root links back to the calling span.
   *
   * @example
   * await llmobs.trace({ kind: 'llm', name: 'answer' }, async (span) => {
   *   const reply = await callModel(prompt)
   *   const answer = llmobs.exportSpan(span)!
   *   void llmobs.background(async () => {
   *     const verdict = await judge(reply) // spans here are children of 'answer'
   *     llmobs.submitEvaluation(answer, { label: 'correct', metricType: 'categorical', value: verdict })
   *   }, { name: 'judge' })
   *   return reply
   * })
   */
  background<R>(fn: () => R, options?: BackgroundOptions): Promise<BackgroundOutcome<Awaited<R>>>

  /**
   * The active context as plain, JSON-serialisable data (ids, ml_app, session, sampling, agent), to
   * restore later, in another async context, thread or process. Undefined outside any span.
   *
   * @example
   * await queue.send({ job, ctx: llmobs.captureContext() })
   * // consumer:
   * llmobs.withContext(message.ctx, () => handle(message.job))
   */
  captureContext(): PlainContext | undefined

  /**
   * Runs `fn` with `context` active and returns what it returns: a context from `captureContext()`
   * or `extract()`, a span (also one that ended), or an exported span. `undefined` runs `fn` outside
   * any context; an invalid context is reported and `fn` runs as if called directly.
   *
   * @example
   * http.createServer((req, res) => llmobs.withContext(llmobs.extract(req.headers), () => handle(req, res)))
   */
  withContext<R>(context: ParentRef | null | undefined, fn: () => R): R

  /**
   * `fn` bound to the active context: wherever it is called later (a callback API, a pool, a
   * queue), it runs in this context. Bound outside any span, it runs outside any span. Given a
   * generator or other iterator (e.g. one created here and consumed by other code), its `next`,
   * `return` and `throw` run in this context, so spans its body starts are children of this span,
   * not of the consumer's; the same object is returned.
   *
   * @example
   * legacyClient.query(sql, llmobs.bind((err, rows) => llmobs.trace({ kind: 'task', name: 'rows' }, () => use(rows))))
   * return llmobs.bind(produceChunks()) // an async generator consumed by the caller
   */
  bind<F extends ((...args: any[]) => any) | Iterator<unknown> | AsyncIterator<unknown>>(target: F): F

  /**
   * Makes listeners added to `emitter` from now on run in the active context, whoever emits. Returns
   * the same emitter; `removeListener`/`off` with your original listener still work.
   *
   * @example
   * const socket = llmobs.bindEmitter(pool.acquire())
   * socket.on('data', (chunk) => llmobs.trace({ kind: 'task', name: 'chunk' }, () => parse(chunk)))
   */
  bindEmitter<E extends object>(emitter: E): E

  /**
   * Writes trace context headers for `span` (default: the active span or context) into `headers`
   * and returns it: Datadog (`x-datadog-*`) and W3C (`traceparent`, `tracestate`) with the LLMObs
   * entries, `x-datadog-tags` kept within 512 bytes by trimming optional entries. Accepts a plain
   * object or a fetch `Headers`.
   *
   * @example
   * await fetch(url, { headers: llmobs.inject({ 'content-type': 'application/json' }) })
   */
  inject<H extends HeaderRecord | Headers>(headers: H, span?: ParentRef, options?: InjectOptions): H

  /**
   * The context in incoming headers (Datadog or W3C, as `dd-trace` and `inject()` send them), as a
   * plain context for `withContext()` or `parent`; undefined when they carry none. When upstream
   * had no LLMObs span, spans started under it are LLMObs roots that keep the caller's APM trace.
   *
   * @example
   * llmobs.withContext(llmobs.extract(req.headers), () => handler(req))
   */
  extract(headers: HeaderSource | null | undefined): PlainContext | undefined

  /**
   * `data` plus the active context and this instance's options, for a worker thread:
   * `new Worker(file, { workerData: llmobs.workerData({ ...yours }) })`. In the worker,
   * `llmobs.runInWorker(fn)` picks them up.
   *
   * @example
   * const worker = new Worker(new URL('./judge.js', import.meta.url), { workerData: llmobs.workerData({ answer }) })
   */
  workerData<T extends object = Record<string, never>>(data?: T): T & { __llmobs: WorkerHandoff }

  /**
   * In a worker started with `llmobs.workerData()`: initialises this instance from the starting
   * thread's options if needed, runs `fn(yourWorkerData)` under the context that started the worker
   * (its spans are children of the starting span, in the same trace), then waits for background work
   * and flushes, so nothing is lost when the worker exits. Resolves with `fn`'s result; rejects with
   * `fn`'s own error.
   *
   * @example
   * // judge.js
   * import { llmobs } from '@llmobs/sdk'
   * await llmobs.runInWorker(async ({ answer }) => llmobs.trace({ kind: 'llm', name: 'judge' }, () => judge(answer)))
   */
  runInWorker<R>(fn: (data: any) => R, options?: RunInWorkerOptions): Promise<Awaited<R>>
}
