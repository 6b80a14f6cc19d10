import type { Annotation } from '../annotation/annotation.js'
import { isStrictError } from '../internal/report.js'
import type { Runtime } from '../runtime.js'
import type { LiveSpan } from '../span/live-span.js'
import { startLiveSpan, type ValidSpanOptions } from '../span/start-span.js'
import { functionArguments, type AnyFunction } from './function-arguments.js'
import { trackResult } from './track-result.js'

/**
 * The traced twin of `fn` (same `this`, arguments, result, name and length). The instance is looked
 * up at each call, so a function wrapped before `init()` is traced once the instance is initialised.
 * Arguments and result are recorded as input and output unless the user annotated them: input for
 * every kind but llm and embedding, output for every kind but llm and retrieval (dd-trace's rule).
 */
export function wrapValidated<F extends (...args: any[]) => any>(
  getRuntime: () => Runtime | undefined,
  options: ValidSpanOptions,
  fn: F,
): F {
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const runtime = getRuntime()
    if (runtime === undefined)
      return new.target === undefined ? fn.apply(this, args) : Reflect.construct(fn, args, new.target)
    let span: LiveSpan
    try {
      span = startLiveSpan(runtime, options, runtime.activeParent(), true)
    } catch (error) {
      if (isStrictError(error)) throw error
      runtime.diagnostics.error('starting a span failed; the function ran untraced', error)
      return new.target === undefined ? fn.apply(this, args) : Reflect.construct(fn, args, new.target)
    }
    return runtime.storage.run(span.context, invokeWrapped, runtime, span, fn, this, args, new.target)
  }
  try {
    Object.defineProperty(wrapped, 'name', { value: fn.name, configurable: true })
    Object.defineProperty(wrapped, 'length', { value: fn.length, configurable: true })
  } catch {
    // A function whose name cannot be read keeps the wrapper's; the behaviour is the same.
  }
  return wrapped as F
}

function invokeWrapped(
  runtime: Runtime,
  span: LiveSpan,
  fn: (...args: unknown[]) => unknown,
  thisArg: unknown,
  args: unknown[],
  newTarget: AnyFunction | undefined,
): unknown {
  let result: unknown
  try {
    result =
      newTarget === undefined ? Reflect.apply(fn, thisArg, args) : Reflect.construct(fn, args, newTarget)
  } catch (error) {
    span.fail(error)
    autoCapture(runtime, span, fn, args, undefined, false)
    span.end()
    throw error
  }
  trackResult(
    span,
    result,
    (value, hasValue) => autoCapture(runtime, span, fn, args, value, hasValue),
    runtime,
  )
  return result
}

function autoCapture(
  runtime: Runtime,
  span: LiveSpan,
  fn: AnyFunction,
  args: readonly unknown[],
  value: unknown,
  hasValue: boolean,
): void {
  if (span.ended) return
  const kind = span.kind
  const annotation: Annotation = {}
  if (kind !== 'llm' && kind !== 'embedding' && !span.inputAnnotated) {
    const input = functionArguments(fn, args)
    if (input !== undefined) annotation.inputData = input
  }
  if (hasValue && value !== undefined && kind !== 'llm' && kind !== 'retrieval' && !span.outputAnnotated) {
    annotation.outputData = value
  }
  if (annotation.inputData !== undefined || annotation.outputData !== undefined) {
    span.applyAnnotation(annotation, runtime.reportLenient, false)
  }
}
