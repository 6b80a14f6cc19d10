import { isSpanKind, SPAN_KINDS, type SpanKind } from '@llmobs/protocol'
import type { ContextSnapshot } from '../context/context-snapshot.js'
import type { Diagnostics } from '../internal/diagnostics.js'
import { describeType, isRecord, type Report } from '../internal/report.js'
import type { Runtime } from '../runtime.js'
import type { TraceOptions } from './span-options.js'
import { traceWithRuntime } from './trace.js'

/** Options of `llmobs.background()`. */
export interface BackgroundOptions {
  /**
   * Wraps the work in a span of this name (kind `task` unless `kind` says otherwise). Without a
   * name (and without `link`) no span is added: the spans `fn` creates are children of the origin.
   */
  name?: string | undefined
  /** The kind of the wrapping span; default `task`. */
  kind?: SpanKind | undefined
  /**
   * Start a new trace instead of joining the caller's: the wrapping span (named `name`, else the
   * function's name, else `background`) is an LLMObs root in new LLMObs and APM traces, with a span
   * link from the origin span's output to its input. For long jobs that should not stretch the
   * request's trace. It keeps the origin's ml_app and session.
   */
  link?: boolean | undefined
}

/** How a background task ended, as `Promise.allSettled` reports it. Never a rejection. */
export type BackgroundOutcome<R> = { status: 'fulfilled'; value: R } | { status: 'rejected'; reason: unknown }

/** What the runner needs from the instance: the runtime when initialised, and diagnostics. */
export interface BackgroundHost {
  readonly runtime: Runtime | undefined
  readonly diagnostics: Diagnostics
  readonly report: Report
}

interface ValidBackground {
  readonly name: string | undefined
  readonly kind: SpanKind
  readonly link: boolean
}

/**
 * `llmobs.background()`: runs `fn` on a later turn of the event loop, detached from the caller (the
 * caller's span may end first), in the context active at the call. Tracked for
 * `flush({ waitForBackground: true })`. A throw or rejection of `fn` is caught, reported through
 * diagnostics and returned as a `rejected` outcome (the wrapping span, if any, is marked as an
 * error): it never becomes an unhandled rejection.
 */
export function runBackground<R>(
  host: BackgroundHost,
  fn: () => R,
  options: unknown,
): Promise<BackgroundOutcome<Awaited<R>>> {
  if (typeof fn !== 'function') {
    host.report(
      'invalid_callback',
      `background() needs a function: llmobs.background(() => work(), { name }), got ${describeType(fn)}. Nothing ran.`,
    )
    return Promise.resolve({ status: 'rejected', reason: new TypeError('background() needs a function') })
  }
  const valid = validateOptions(options, host.report)
  const runtime = host.runtime
  const origin = runtime?.storage.active()
  const label = valid.name ?? (fn.name || 'anonymous')
  const task = new Promise<BackgroundOutcome<Awaited<R>>>((resolve) => {
    setImmediate(() => {
      let result: unknown
      try {
        result = runtime === undefined ? fn() : runTraced(runtime, fn, valid, origin)
      } catch (error) {
        resolve(failed(host, runtime, label, error))
        return
      }
      Promise.resolve(result).then(
        (value) => resolve({ status: 'fulfilled', value: value as Awaited<R> }),
        (error: unknown) => resolve(failed(host, runtime, label, error)),
      )
    })
  })
  if (runtime !== undefined && !runtime.background.track(task)) {
    runtime.diagnostics.warnOnce(
      'background_untracked',
      'more background tasks are running than llmobs tracks; the extra ones run, but flush({ waitForBackground: true }) does not wait for them (see flush().background.untracked).',
    )
  }
  return task
}

/** Runs `fn` in the origin's context, in a wrapping span when asked for. */
function runTraced<R>(
  runtime: Runtime,
  fn: () => R,
  valid: ValidBackground,
  origin: ContextSnapshot | undefined,
): unknown {
  if (!valid.link && valid.name === undefined) return runtime.storage.runIn(origin, fn)
  const name = valid.name ?? (fn.name || 'background')
  const spanId = origin?.spanId
  const traceId = origin?.traceId
  if (valid.link && spanId !== undefined && traceId !== undefined) {
    const options: TraceOptions = {
      kind: valid.kind,
      name,
      mlApp: origin?.mlApp,
      sessionId: origin?.sessionId,
      links: [{ exportedSpan: { spanId, traceId }, from: 'output', to: 'input' }],
    }
    // Outside any context: the span is the root of new LLMObs and APM traces.
    return runtime.storage.runIn(undefined, traceWithRuntime, runtime, options, fn)
  }
  return runtime.storage.runIn(origin, traceWithRuntime, runtime, { kind: valid.kind, name }, fn)
}

function failed<R>(
  host: BackgroundHost,
  runtime: Runtime | undefined,
  label: string,
  error: unknown,
): BackgroundOutcome<R> {
  runtime?.background.recordFailure()
  host.diagnostics.error(
    `background task '${label}' failed; llmobs.background() caught it (handle errors inside the task, or read the outcome it resolves with)`,
    error,
  )
  return { status: 'rejected', reason: error }
}

function validateOptions(options: unknown, report: Report): ValidBackground {
  if (options === undefined) return { name: undefined, kind: 'task', link: false }
  if (!isRecord(options)) {
    report(
      'invalid_background_options',
      `background() options must be an object like { name: 'judge', link: true }, got ${describeType(options)}; defaults were used.`,
    )
    return { name: undefined, kind: 'task', link: false }
  }
  let name: string | undefined
  if (typeof options.name === 'string' && options.name !== '') name = options.name
  else if (options.name !== undefined)
    report('invalid_background_options', `background() name must be a non-empty string; it was ignored.`)
  let link = false
  if (typeof options.link === 'boolean') link = options.link
  else if (options.link !== undefined)
    report('invalid_background_options', `background() link must be true or false; it was ignored.`)
  let kind: SpanKind = 'task'
  if (isSpanKind(options.kind)) kind = options.kind
  else if (options.kind !== undefined)
    report(
      'invalid_background_options',
      `background() kind must be one of ${SPAN_KINDS.join(', ')}; a "task" span was used.`,
    )
  return { name, kind, link }
}
