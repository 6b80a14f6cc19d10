import type { Annotation } from '../annotation/annotation.js'
import type { LLMObsOptions } from '../config.js'
import type { EvaluationOptions, EvaluationTarget } from '../evaluation/evaluation-options.js'
import type { FlushOptions, FlushResult } from '../export/exporter.js'
import type { ExportedSpan, Span } from '../span/span.js'
import type { MethodDecorator } from './decorate.js'
import type { DecorateOptions, StartSpanOptions, TraceOptions, WrapOptions } from './span-options.js'

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
   * The span's ids as `{ spanId, traceId }` (the active span by default), to attach evaluations
   * later or link work in other systems. Undefined when there is no span.
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
   * Sends everything queued so far; resolves with the counts of sent, failed and dropped items.
   *
   * @example
   * const { spans } = await llmobs.flush({ timeoutMs: 2000 })
   */
  flush(options?: FlushOptions): Promise<FlushResult>

  /**
   * Flushes and stops the instance (later calls return the same result). Tracing then runs your
   * functions untraced until `init()` is called again.
   *
   * @example
   * process.on('SIGTERM', () => void llmobs.shutdown())
   */
  shutdown(options?: FlushOptions): Promise<FlushResult>
}
