import { bindEmitter as patchEmitter } from '../context/bind-emitter.js'
import type { ContextSnapshot } from '../context/context-snapshot.js'
import { fromPropagationContext, toPropagationContext } from '../context/header-context.js'
import { toPlainContext, type PlainContext } from '../context/plain-context.js'
import {
  extractPropagation,
  injectHeaders,
  type HeaderRecord,
  type HeaderSource,
  type InjectOptions,
} from '../context/propagation/index.js'
import { restoreContext } from '../context/restore-context.js'
import { describeType, isRecord, isStrictError } from '../internal/report.js'
import type { Runtime } from '../runtime.js'

/**
 * The context-capturing half of the public API on an initialised instance: capture, restore, bind,
 * and cross-process inject/extract. Misuse is reported (thrown under `strict`) before any user
 * function runs; a user function always runs, with or without the context.
 */

const WITH_CONTEXT = Object.freeze({
  what: 'withContext(context, fn): context',
  outcome: 'fn ran without it',
  code: 'invalid_context',
})
const INJECT = Object.freeze({
  what: 'inject(headers, span): span',
  outcome: 'nothing was injected',
  code: 'invalid_span',
})

/** `captureContext()`: the active context as plain JSON data, or undefined outside any. */
export function captureContext(runtime: Runtime): PlainContext | undefined {
  const snapshot = runtime.storage.active()
  return snapshot === undefined ? undefined : toPlainContext(snapshot)
}

/**
 * `withContext(context, fn)`: `fn()` with `context` active. `undefined`/`null` (what
 * `captureContext()` and `extract()` return when there is no context) runs `fn` outside any
 * context, silently; anything unusable is reported and `fn` runs where it was called.
 */
export function withContext<R>(runtime: Runtime, context: unknown, fn: () => R): R {
  if (context === undefined || context === null) return runtime.storage.runIn(undefined, fn)
  let snapshot: ContextSnapshot | undefined
  try {
    snapshot = restoreContext(context, runtime.reportMisuse, WITH_CONTEXT)
  } catch (error) {
    // Only a hostile object (throwing getters, a Proxy) gets here.
    if (isStrictError(error)) throw error
    runtime.diagnostics.error('withContext() could not read the context; fn ran without it', error)
  }
  if (snapshot === undefined) return fn()
  return runtime.storage.run(snapshot, fn)
}

/**
 * `bind(fn)`: `fn` bound to the active context (or to none). `this` and arguments pass through; the
 * wrapper's `name` and `length` are not copied (defining them costs ~0.5 µs, 100 times the wrapper).
 */
export function bind<F extends (...args: any[]) => any>(runtime: Runtime, fn: F): F {
  return runtime.storage.bind(fn as (...args: unknown[]) => unknown) as F
}

/** Whether `value` is an iterator (a generator, an async generator, any `{ next() }`). */
export function isIterator(value: unknown): value is Iterator<unknown> | AsyncIterator<unknown> {
  return isRecord(value) && typeof value.next === 'function'
}

const ITERATOR_METHODS = ['next', 'return', 'throw'] as const

/**
 * `bind(iterator)`: its `next`/`return`/`throw` run in the active context (or none), patched as own
 * properties; a generator body resumes in the context of the `next()` call, so this carries it.
 * A frozen iterator is reported and returned unchanged.
 */
export function bindIterator<I extends object>(runtime: Runtime, iterator: I): I {
  if (!Object.isExtensible(iterator)) {
    runtime.reportMisuse(
      'invalid_callback',
      'bind() cannot patch a frozen iterator; it was returned unchanged.',
    )
    return iterator
  }
  const snapshot = runtime.storage.active()
  const methods = iterator as Record<string, unknown>
  for (const key of ITERATOR_METHODS) {
    const method = methods[key]
    if (typeof method !== 'function') continue
    Object.defineProperty(iterator, key, {
      value: runtime.storage.bind(method as (...args: unknown[]) => unknown, snapshot),
      writable: true,
      configurable: true,
      enumerable: false,
    })
  }
  return iterator
}

/** `bindEmitter(emitter)`: listeners added from now on run in the active context. */
export function bindEmitter<E>(runtime: Runtime, emitter: E): E {
  if (typeof emitter !== 'object' || emitter === null) {
    runtime.reportMisuse(
      'invalid_emitter',
      `bindEmitter() needs an EventEmitter (or anything with on/removeListener), got ${describeType(emitter)}; it was returned unchanged.`,
    )
    return emitter
  }
  let patched: boolean
  try {
    patched = patchEmitter(emitter, runtime.storage, runtime.storage.active())
  } catch (error) {
    runtime.diagnostics.error('bindEmitter() could not patch the emitter; it was returned unchanged', error)
    return emitter
  }
  if (!patched) {
    runtime.reportMisuse(
      'invalid_emitter',
      'bindEmitter() needs an extensible emitter with on() and removeListener(); it was returned unchanged.',
    )
  }
  return emitter
}

/**
 * `inject(headers, span?)`: writes Datadog and W3C trace context headers (with the LLMObs entries
 * of protocol §5) for `span`, or for the active context. Problems found on the way are debug
 * diagnostics: headers are best effort and must never fail a request.
 */
export function inject<H>(runtime: Runtime, headers: H, span: unknown, options?: InjectOptions): H {
  if (typeof Headers === 'function' && headers instanceof Headers) {
    // A fetch `Headers`: written through a plain record, then set one by one.
    const written = inject(runtime, {} as HeaderRecord, span, options)
    for (const [name, value] of Object.entries(written))
      if (typeof value === 'string') headers.set(name, value)
    return headers
  }
  if (!isRecord(headers)) {
    runtime.reportMisuse(
      'invalid_headers',
      `inject() needs a plain headers object to write into, got ${describeType(headers)}; nothing was injected.`,
    )
    return headers
  }
  let snapshot: ContextSnapshot | undefined
  if (span === undefined) {
    snapshot = runtime.storage.active()
    if (snapshot === undefined) {
      runtime.diagnostics.debug('inject() found no active span or context; no headers were written.')
      return headers
    }
  } else {
    snapshot = restoreContext(span, runtime.reportMisuse, INJECT)
    if (snapshot === undefined) return headers
  }
  const { localTrace, apmTraceId } = snapshot
  if (localTrace !== undefined && apmTraceId !== undefined) {
    try {
      runtime.exporter.decideTrace?.(localTrace, apmTraceId)
    } catch (error) {
      runtime.diagnostics.error('inject() could not decide the trace sampling; it keeps the trace', error)
    }
  }
  const propagation = toPropagationContext(snapshot)
  if (propagation === undefined) {
    runtime.diagnostics.debug('inject(): the context names no trace; no headers were written.')
    return headers
  }
  try {
    const result = injectHeaders(headers as HeaderRecord, propagation, options)
    if (result.problems.length > 0) runtime.diagnostics.debug(`inject(): ${result.problems.join('; ')}`)
  } catch (error) {
    // A carrier that refuses writes (frozen, a Proxy): the request goes on without our headers.
    runtime.diagnostics.error('inject() could not write the headers', error)
  }
  return headers
}

/**
 * `extract(headers)`: the context in incoming headers as a plain context, or undefined when they
 * carry none. Works without an initialised instance too (it is pure); problems are debug
 * diagnostics.
 */
export function extract(
  headers: unknown,
  debug: ((message: string) => void) | undefined,
): PlainContext | undefined {
  const { context, problems } = extractPropagation(headers as HeaderSource | null | undefined)
  if (problems.length > 0 && debug !== undefined) debug(`extract(): ${problems.join('; ')}`)
  return context === undefined ? undefined : fromPropagationContext(context)
}
