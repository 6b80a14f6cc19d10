import type { MetricEvent } from '@llmobs/protocol'
import type { Annotation } from './annotation/annotation.js'
import { annotateWithRuntime } from './api/annotate.js'
import { runBackground, type BackgroundOptions, type BackgroundOutcome } from './api/background.js'
import * as contextApi from './api/context-api.js'
import { createMethodDecorator, type MethodDecorator } from './api/decorate.js'
import type { LLMObsFlushOptions, LLMObsFlushResult } from './api/flush-options.js'
import type { LLMObs } from './api/llmobs-api.js'
import { DISABLED_STATUS, type LLMObsStatus } from './api/status.js'
import type {
  DecorateOptions,
  ParentRef,
  StartSpanOptions,
  TraceOptions,
  WrapOptions,
} from './api/span-options.js'
import { startFromOptions } from './api/start.js'
import { traceWithRuntime } from './api/trace.js'
import { wrapValidated } from './api/wrap.js'
import { resolveConfig, type Environment, type LLMObsOptions } from './config.js'
import { buildEvaluation } from './evaluation/build-evaluation.js'
import { buildFeedback } from './evaluation/build-feedback.js'
import type { EvaluationOptions, EvaluationTarget } from './evaluation/evaluation-options.js'
import type { FeedbackOptions, FeedbackTarget } from './evaluation/feedback-options.js'
import { createDatadogExporter } from './export/datadog-exporter.js'
import { PreInitExporter } from './export/pre-init-exporter.js'
import type { PlainContext } from './context/plain-context.js'
import type { HeaderRecord, HeaderSource, InjectOptions } from './context/propagation/index.js'
import { Diagnostics } from './internal/diagnostics.js'
import { describeType, isRecord, isStrictError, type Report } from './internal/report.js'
import { SDK_VERSION } from './internal/version.js'
import { Runtime, zeroCounts } from './runtime.js'
import { LiveSpan } from './span/live-span.js'
import { NOOP_SPAN } from './span/noop-span.js'
import type { ExportedSpan, Span } from './span/span.js'
import { validateSpanOptions } from './span/start-span.js'
import { runInWorker, workerData, type RunInWorkerOptions } from './worker/run-in-worker.js'
import type { WorkerHandoff } from './worker/worker-handoff.js'

/** Initialises with an explicit environment (tests pass `{}`); `init()` passes `process.env`. */
export const INIT_WITH_ENV = Symbol('llmobs.initWithEnv')

const PUBLIC_METHODS = [
  'init',
  'trace',
  'wrap',
  'decorate',
  'startSpan',
  'activeSpan',
  'annotate',
  'exportSpan',
  'submitEvaluation',
  'submitFeedback',
  'flush',
  'status',
  'shutdown',
  'background',
  'captureContext',
  'withContext',
  'bind',
  'bindEmitter',
  'inject',
  'extract',
  'workerData',
  'runInWorker',
] as const

/**
 * The implementation of `LLMObs`: a no-op shell until `init()` creates its `Runtime`. Methods are
 * bound, so `const { trace } = llmobs` works too.
 */
class LLMObsClient implements LLMObs {
  #runtime: Runtime | undefined
  #diagnostics = new Diagnostics()
  #lastShutdown: Promise<LLMObsFlushResult> | undefined
  /** The runtime a pending `shutdown()` is stopping (it may still wait for background work). */
  #stopping: Runtime | undefined
  /** Once true, a missing runtime means shut down (untraced), not "not initialised yet". */
  #initialized = false
  /** Traces started before `init()` run here and are held until it runs. */
  #preInit: { runtime: Runtime; exporter: PreInitExporter } | undefined
  readonly #getRuntime = (): Runtime | undefined => this.#current()
  readonly #defaultReport: Report = (code, message) => this.#diagnostics.misuse(code, message)

  constructor() {
    for (const name of PUBLIC_METHODS) {
      Object.defineProperty(this, name, {
        value: (this[name] as (...args: unknown[]) => unknown).bind(this),
        configurable: true,
        writable: true,
      })
    }
  }

  get enabled(): boolean {
    return this.#runtime !== undefined
  }

  init(options?: LLMObsOptions): LLMObs {
    return this[INIT_WITH_ENV](options, process.env)
  }

  [INIT_WITH_ENV](options: LLMObsOptions | undefined, env: Environment): LLMObs {
    if (this.#runtime !== undefined) {
      if (options !== undefined)
        this.#diagnostics.warn('init() was already called; the options of this call were ignored.')
      return this
    }
    if (options !== undefined && !isRecord(options)) {
      this.#diagnostics.misuse(
        'invalid_options',
        `init() options must be an object, got ${describeType(options)}; defaults were used.`,
      )
      options = undefined
    }
    try {
      const { config, warnings } = resolveConfig(options, env)
      const diagnostics = new Diagnostics({
        logger: config.logger,
        level: config.logLevel,
        strict: config.strict,
      })
      for (const warning of warnings) diagnostics.warn(warning)
      // The startup line (as dd-trace's startup logs): where data goes. Shown at info and debug.
      diagnostics.info(
        `llmobs ${SDK_VERSION} started: ml_app=${config.mlApp}, mode=${config.mode}` +
          (config.exporter === undefined
            ? `, agent=${config.agentUrl}${config.mode === 'agentless' || config.mode === 'auto' ? `, site=${config.site}` : ''}`
            : ', custom exporter') +
          `, sampleRate=${config.sampleRate}`,
      )
      const exporter = config.exporter ?? createDatadogExporter(config, diagnostics)
      this.#diagnostics = diagnostics
      const runtime = new Runtime(config, diagnostics, exporter)
      this.#runtime = runtime
      this.#initialized = true
      this.#lastShutdown = undefined
      const preInit = this.#preInit
      this.#preInit = undefined
      preInit?.exporter.handOver(runtime, preInit.runtime.config.mlApp, config.mlApp)
    } catch (error) {
      if (isStrictError(error)) throw error
      this.#diagnostics.error('init() failed; LLM Observability stays disabled', error)
    }
    return this
  }

  trace<R>(options: TraceOptions, fn: (span: Span) => R): R {
    const runtime = this.#current()
    if (runtime !== undefined) return traceWithRuntime(runtime, options, fn)
    return typeof fn === 'function' ? fn(NOOP_SPAN) : (undefined as R)
  }

  wrap<F extends (...args: any[]) => any>(options: WrapOptions, fn: F): F {
    if (typeof fn !== 'function') {
      this.#report()(
        'invalid_callback',
        'wrap() needs a function as its second argument: llmobs.wrap({ kind }, fn).',
      )
      return fn
    }
    return wrapValidated(this.#getRuntime, validateSpanOptions(options, fn.name, this.#report()), fn)
  }

  decorate(options: DecorateOptions): MethodDecorator {
    return createMethodDecorator(
      (method, methodName) =>
        wrapValidated(this.#getRuntime, validateSpanOptions(options, methodName, this.#report()), method),
      () => this.#report(),
    )
  }

  startSpan(options: StartSpanOptions): Span {
    const runtime = this.#current()
    if (runtime === undefined) return NOOP_SPAN
    try {
      return startFromOptions(runtime, options, undefined)
    } catch (error) {
      if (isStrictError(error)) throw error
      runtime.diagnostics.error('startSpan() failed; a no-op span was returned', error)
      return NOOP_SPAN
    }
  }

  activeSpan(): Span | undefined {
    return this.#current()?.storage.active()?.span
  }

  annotate(annotation: Annotation): void
  annotate(span: Span, annotation: Annotation): void
  annotate(...args: [Annotation] | [Span, Annotation]): void {
    const runtime = this.#current()
    if (runtime !== undefined) annotateWithRuntime(runtime, args)
  }

  exportSpan(span?: Span): ExportedSpan | undefined {
    const runtime = this.#current()
    if (runtime === undefined) return undefined
    const active = span === undefined ? runtime.storage.active() : undefined
    const target: unknown = span ?? active?.span
    if (target instanceof LiveSpan) return Object.freeze({ spanId: target.spanId, traceId: target.traceId })
    // A context restored from another thread or process still names its span: evaluations can join it.
    if (target === undefined && active?.spanId !== undefined && active.traceId !== undefined)
      return Object.freeze({ spanId: active.spanId, traceId: active.traceId })
    if (target === undefined) {
      runtime.reportMisuse(
        'no_active_span',
        'exportSpan() found no active span; pass the span explicitly: llmobs.exportSpan(span).',
      )
    } else if (target !== NOOP_SPAN) {
      runtime.reportMisuse(
        'invalid_span',
        `exportSpan(span) needs a span from llmobs.trace() or llmobs.startSpan(), got ${describeType(target)}.`,
      )
    }
    return undefined
  }

  submitEvaluation(target: EvaluationTarget, options: EvaluationOptions): void {
    this.#submitMetric('submitEvaluation', 'evaluation', (mlApp, now) =>
      buildEvaluation(target, options, mlApp, now),
    )
  }

  submitFeedback(target: FeedbackTarget, feedback: FeedbackOptions): void {
    this.#submitMetric('submitFeedback', 'feedback', (mlApp, now) =>
      buildFeedback(target, feedback, mlApp, now),
    )
  }

  /** Builds an evaluation or feedback and exports it; every problem is reported, nothing invalid sent. */
  #submitMetric(
    api: string,
    what: string,
    build: (
      mlApp: string,
      nowMs: number,
    ) => { metric: MetricEvent | undefined; problems: readonly { code: string; message: string }[] },
  ): void {
    const runtime = this.#current()
    if (runtime === undefined) return
    let built: ReturnType<typeof build>
    try {
      built = build(runtime.config.mlApp, Date.now())
    } catch (error) {
      runtime.diagnostics.error(`building the ${what} failed; it was not sent`, error)
      return
    }
    if (built.metric !== undefined) {
      runtime.exportEvaluation(built.metric)
      return
    }
    const problems = built.problems
    const first = problems[0]
    if (first === undefined) return
    if (runtime.diagnostics.strict) {
      runtime.reportMisuse(
        first.code,
        `${api}(): ${problems.map((p) => p.message).join(' ')} The ${what} was not sent.`,
      )
    }
    for (const problem of problems) {
      runtime.reportMisuse(problem.code, `${api}(): ${problem.message} The ${what} was not sent.`)
    }
  }

  flush(options?: LLMObsFlushOptions): Promise<LLMObsFlushResult> {
    return this.#runtime?.flush(options) ?? Promise.resolve(zeroCounts())
  }

  background<R>(fn: () => R, options?: BackgroundOptions): Promise<BackgroundOutcome<Awaited<R>>> {
    return runBackground(
      {
        runtime: this.#runtime,
        diagnostics: this.#runtime?.diagnostics ?? this.#diagnostics,
        report: this.#report(),
      },
      fn,
      options,
    )
  }

  captureContext(): PlainContext | undefined {
    const runtime = this.#current()
    return runtime === undefined ? undefined : contextApi.captureContext(runtime)
  }

  withContext<R>(context: ParentRef | null | undefined, fn: () => R): R {
    if (typeof fn !== 'function') {
      this.#report()(
        'invalid_callback',
        'withContext() needs a function as its second argument: llmobs.withContext(ctx, () => ...).',
      )
      return undefined as R
    }
    const runtime = this.#current()
    return runtime === undefined ? fn() : contextApi.withContext(runtime, context, fn)
  }

  bind<F extends ((...args: any[]) => any) | Iterator<unknown> | AsyncIterator<unknown>>(target: F): F {
    const runtime = this.#current()
    if (typeof target === 'function')
      return runtime === undefined ? target : (contextApi.bind(runtime, target) as F)
    if (contextApi.isIterator(target))
      return runtime === undefined ? target : contextApi.bindIterator(runtime, target)
    this.#report()(
      'invalid_callback',
      'bind() needs a function or an iterator (e.g. a generator): llmobs.bind(callback).',
    )
    return target
  }

  bindEmitter<E extends object>(emitter: E): E {
    const runtime = this.#current()
    return runtime === undefined ? emitter : contextApi.bindEmitter(runtime, emitter)
  }

  inject<H extends HeaderRecord | Headers>(headers: H, span?: ParentRef, options?: InjectOptions): H {
    const runtime = this.#current()
    if (runtime === undefined) return headers
    try {
      return contextApi.inject(runtime, headers, span, options)
    } catch (error) {
      if (isStrictError(error)) throw error
      runtime.diagnostics.error('inject() failed; the headers were left as they were', error)
      return headers
    }
  }

  extract(headers: HeaderSource | null | undefined): PlainContext | undefined {
    const diagnostics = this.#runtime?.diagnostics ?? this.#diagnostics
    return contextApi.extract(headers, (message) => diagnostics.debug(message))
  }

  workerData<T extends object = Record<string, never>>(data?: T): T & { __llmobs: WorkerHandoff } {
    return workerData(this.#runtime, data, this.#report())
  }

  runInWorker<R>(fn: (data: any) => R, options?: RunInWorkerOptions): Promise<Awaited<R>> {
    return runInWorker(this, fn, options)
  }

  /** The runtime to trace with: the initialised one, or before any `init()` the holding one. */
  #current(): Runtime | undefined {
    if (this.#runtime !== undefined || this.#initialized) return this.#runtime
    return (this.#preInit ??= this.#startPreInit())?.runtime
  }

  #startPreInit(): { runtime: Runtime; exporter: PreInitExporter } | undefined {
    try {
      const { config } = resolveConfig(undefined, process.env)
      const exporter = new PreInitExporter()
      const runtime = new Runtime(config, this.#diagnostics, exporter)
      process.once('exit', () => {
        const held = exporter.held
        if (this.#initialized || held.spans + held.evaluations === 0) return
        this.#diagnostics.warn(
          `${held.spans} span(s) and ${held.evaluations} evaluation(s) were traced but never sent because init() was never called` +
            `${held.dropped > 0 ? ` (${held.dropped} more did not fit the pre-init buffer)` : ''}; call llmobs.init() at start-up.`,
        )
      })
      return { runtime, exporter }
    } catch (error) {
      this.#diagnostics.error('tracing before init() failed; the function ran untraced', error)
      return undefined
    }
  }

  status(): LLMObsStatus {
    try {
      return this.#runtime?.status() ?? DISABLED_STATUS
    } catch (error) {
      this.#diagnostics.error('status() failed', error)
      return DISABLED_STATUS
    }
  }

  shutdown(options?: LLMObsFlushOptions): Promise<LLMObsFlushResult> {
    const runtime = this.#runtime
    if (runtime === undefined || this.#stopping === runtime)
      return this.#lastShutdown ?? Promise.resolve(zeroCounts())
    this.#stopping = runtime
    const stop = (): void => {
      if (this.#runtime === runtime) this.#runtime = undefined
    }
    // With waitForBackground the instance stays enabled until that work is done: its spans count.
    if (options?.waitForBackground !== true) stop()
    this.#lastShutdown = runtime.shutdown(options, stop)
    return this.#lastShutdown
  }

  #report(): Report {
    return this.#runtime?.reportMisuse ?? this.#defaultReport
  }
}

/**
 * A new, independent instance, initialised with `options` (then the environment, then defaults).
 * It has its own context: spans of two instances never nest into each other.
 *
 * @example
 * const obs = createLLMObs({ mlApp: 'batch-evals', exporter: myExporter })
 * await obs.trace({ kind: 'workflow' }, () => run())
 * await obs.shutdown()
 */
export function createLLMObs(options?: LLMObsOptions): LLMObs {
  return new LLMObsClient().init(options)
}

/** An instance not initialised yet, as the default one is at start-up (for tests). */
export function createUninitializedLLMObs(): LLMObs {
  return new LLMObsClient()
}

/** Like `createLLMObs`, with the environment given (no `process.env`); for `@llmobs/sdk/testing`. */
export function createLLMObsWithEnv(options: LLMObsOptions | undefined, env: Environment): LLMObs {
  return new LLMObsClient()[INIT_WITH_ENV](options, env)
}

// One default instance per process and SDK version, even when both the ESM and the CJS build are
// loaded (a library on one, the app on the other): they must share spans and context.
const DEFAULT_KEY = Symbol.for(`@llmobs/sdk@${SDK_VERSION}:default-instance`)
const registry = globalThis as { [DEFAULT_KEY]?: LLMObs }

/**
 * The default instance. A no-op until `llmobs.init()`: traced functions run unchanged, nothing is
 * exported and `flush()` resolves with zero counts.
 *
 * @example
 * import { llmobs } from '@llmobs/sdk'
 * llmobs.init({ mlApp: 'support-bot' })
 */
export const llmobs: LLMObs = (registry[DEFAULT_KEY] ??= new LLMObsClient())
