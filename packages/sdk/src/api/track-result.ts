import { builtin } from '../internal/builtins.js'
import type { ContextStorage } from '../context/context-storage.js'
import type { Diagnostics } from '../internal/diagnostics.js'
import type { LiveSpan } from '../span/live-span.js'

const { errorMonitor } = builtin('node:events')
const { types } = builtin('node:util')

/**
 * Called once when a traced call's outcome is known, just before its span ends: with the value for
 * sync results and resolved promises, without one for streams, iterables and failures.
 */
export type CaptureResult = (value: unknown, hasValue: boolean) => void

export interface TrackContext {
  readonly storage: ContextStorage
  readonly diagnostics: Diagnostics
}

/**
 * Ends `span` when `result` is really done, without changing `result`: a promise when it settles
 * (handlers are attached, the same promise is returned by the caller), another thenable when it is
 * first awaited (its own `then` is patched, so a lazy query never runs twice), a Node stream on
 * `end`/`finish`/`close` or an error (watched through `errorMonitor`, so an unhandled stream error
 * still surfaces), an async iterable or generator when iteration finishes, fails or is abandoned
 * (`next`/`return`/`throw` are patched as own properties and run the body in the span's context).
 * Anything else ends the span now. Never throws.
 */
export function trackResult(
  span: LiveSpan,
  result: unknown,
  capture: CaptureResult | undefined,
  track: TrackContext,
): void {
  if (result === null || (typeof result !== 'object' && typeof result !== 'function')) {
    complete(span, capture, result, true, track)
    return
  }
  try {
    if (types.isPromise(result)) {
      ;(result as Promise<unknown>).then(
        (value) => completeResolved(span, value, capture, track),
        (error: unknown) => completeFailed(span, error, capture, track),
      )
      return
    }
    if (trackLongLived(span, result, capture, track)) return
    // A frozen thenable cannot be patched: its span ends now, as for a plain value.
    if (typeof (result as { then?: unknown }).then === 'function' && Object.isExtensible(result)) {
      patchThenable(span, result, capture, track)
      return
    }
  } catch (error) {
    track.diagnostics.error(`tracking the result of span '${span.name}' failed; it ended early`, error)
  }
  complete(span, capture, result, true, track)
}

/** Streams, async iterables and generators; true when the span's end is now tied to them. */
function trackLongLived(
  span: LiveSpan,
  result: object,
  capture: CaptureResult | undefined,
  track: TrackContext,
): boolean {
  if (isNodeStream(result)) {
    trackStream(span, result, capture, track)
    return true
  }
  if (typeof (result as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function') {
    return patchIterable(span, result, Symbol.asyncIterator, capture, track)
  }
  if (types.isGeneratorObject(result)) return patchIterable(span, result, Symbol.iterator, capture, track)
  return false
}

function complete(
  span: LiveSpan,
  capture: CaptureResult | undefined,
  value: unknown,
  hasValue: boolean,
  track: TrackContext,
): void {
  if (span.ended) return
  if (capture !== undefined) {
    try {
      capture(value, hasValue)
    } catch (error) {
      track.diagnostics.error(`capturing the result of span '${span.name}' failed`, error)
    }
  }
  span.end()
}

function completeFailed(
  span: LiveSpan,
  error: unknown,
  capture: CaptureResult | undefined,
  track: TrackContext,
): void {
  span.fail(error)
  complete(span, capture, undefined, false, track)
}

/** A promise resolved: if to a stream or iterable (`await client.create({ stream: true })`), follow it. */
function completeResolved(
  span: LiveSpan,
  value: unknown,
  capture: CaptureResult | undefined,
  track: TrackContext,
): void {
  if (typeof value === 'object' && value !== null) {
    try {
      if (trackLongLived(span, value, capture, track)) return
    } catch (error) {
      track.diagnostics.error(`tracking the result of span '${span.name}' failed; it ended early`, error)
    }
  }
  complete(span, capture, value, true, track)
}

function defineOwn(target: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false })
}

function patchThenable(
  span: LiveSpan,
  thenable: object,
  capture: CaptureResult | undefined,
  track: TrackContext,
): void {
  const originalThen = (thenable as { then: (...args: unknown[]) => unknown }).then
  defineOwn(thenable, 'then', function (this: unknown, onFulfilled?: unknown, onRejected?: unknown): unknown {
    if (span.ended) return originalThen.call(this, onFulfilled, onRejected)
    return originalThen.call(
      this,
      (value: unknown) => {
        completeResolved(span, value, capture, track)
        return typeof onFulfilled === 'function' ? (onFulfilled as (v: unknown) => unknown)(value) : value
      },
      (error: unknown) => {
        completeFailed(span, error, capture, track)
        if (typeof onRejected === 'function') return (onRejected as (e: unknown) => unknown)(error)
        throw error
      },
    )
  })
}

interface StreamLike {
  on(event: string | symbol, listener: (...args: unknown[]) => void): unknown
  removeListener(event: string | symbol, listener: (...args: unknown[]) => void): unknown
  destroyed?: boolean
  readableEnded?: boolean
  writableFinished?: boolean
  errored?: unknown
  read?: unknown
}

function isNodeStream(value: object): value is StreamLike {
  const candidate = value as Partial<Record<string, unknown>>
  return (
    typeof candidate.on === 'function' &&
    typeof candidate.removeListener === 'function' &&
    (typeof candidate.pipe === 'function' || typeof candidate.write === 'function') &&
    ('readable' in candidate || 'writable' in candidate)
  )
}

function trackStream(
  span: LiveSpan,
  stream: StreamLike,
  capture: CaptureResult | undefined,
  track: TrackContext,
): void {
  const done = stream.destroyed === true || stream.readableEnded === true || stream.writableFinished === true
  if (done) {
    if (stream.errored !== undefined && stream.errored !== null) span.fail(stream.errored)
    complete(span, capture, undefined, false, track)
    return
  }
  runStreamInSpan(span, stream, track)
  // A readable (or duplex) is done when its readable side ends; a writable when it finishes.
  const endEvent = typeof stream.read === 'function' ? 'end' : 'finish'
  const finish = (error?: unknown): void => {
    stream.removeListener(errorMonitor, onError)
    stream.removeListener(endEvent, onEnd)
    stream.removeListener('close', onClose)
    if (error !== undefined) span.fail(error)
    complete(span, capture, undefined, false, track)
  }
  const onError = (error: unknown): void => finish(error)
  const onEnd = (): void => finish()
  // Closed before the end: abandoned (destroyed by the consumer), not an error.
  const onClose = (): void => finish()
  stream.on(errorMonitor, onError)
  stream.on(endEvent, onEnd)
  stream.on('close', onClose)
}

/** The stream implementation hooks Node calls from whoever reads or writes. */
const STREAM_HOOKS = ['_read', '_write', '_writev', '_transform', '_flush', '_final'] as const

/**
 * A stream outlives the call that returned it and is read or written from other contexts (the
 * consumer's). Its implementation hooks are run in the span's context, as iterator methods are, so
 * spans started while producing chunks are children of the stream's span, not of its consumer.
 */
function runStreamInSpan(span: LiveSpan, stream: object, track: TrackContext): void {
  if (!Object.isExtensible(stream)) return
  const hooks = stream as Record<string, unknown>
  for (const key of STREAM_HOOKS) {
    const hook = hooks[key]
    if (typeof hook !== 'function') continue
    defineOwn(stream, key, function (this: unknown, ...args: unknown[]): unknown {
      return track.storage.run(span.context, Reflect.apply, hook as IteratorMethod, this, args)
    })
  }
}

type IteratorMethod = (...args: unknown[]) => unknown

/**
 * Ends the span when the iteration ends. `key` is `Symbol.asyncIterator` or `Symbol.iterator`.
 * Returns false when the object cannot be patched (frozen): the caller then ends the span now.
 */
function patchIterable(
  span: LiveSpan,
  iterable: object,
  key: typeof Symbol.asyncIterator | typeof Symbol.iterator,
  capture: CaptureResult | undefined,
  track: TrackContext,
): boolean {
  if (!Object.isExtensible(iterable)) return false
  const finish = (error: unknown, failed: boolean): void => {
    if (failed) span.fail(error)
    complete(span, capture, undefined, false, track)
  }
  const isAsync = key === Symbol.asyncIterator
  if (typeof (iterable as { next?: unknown }).next === 'function')
    patchIterator(span, iterable, finish, track, isAsync)
  const getIterator = (iterable as Record<symbol, unknown>)[key]
  if (typeof getIterator === 'function') {
    defineOwn(iterable, key, function (this: unknown, ...args: unknown[]): unknown {
      const iterator: unknown = (getIterator as IteratorMethod).apply(this, args)
      if (iterator !== iterable && typeof iterator === 'object' && iterator !== null && !span.ended) {
        try {
          patchIterator(span, iterator, finish, track, isAsync)
        } catch (error) {
          track.diagnostics.error(`tracking the iterator of span '${span.name}' failed`, error)
        }
      }
      return iterator
    })
  }
  return true
}

function patchIterator(
  span: LiveSpan,
  iterator: object,
  finish: (error: unknown, failed: boolean) => void,
  track: TrackContext,
  isAsync: boolean,
): void {
  const methods = iterator as Record<string, unknown>
  const next = methods.next
  const ret = methods.return
  const thrw = methods.throw
  if (typeof next === 'function') {
    defineOwn(iterator, 'next', observe(span, next as IteratorMethod, finish, track, false))
  }
  if (typeof thrw === 'function') {
    defineOwn(iterator, 'throw', observe(span, thrw as IteratorMethod, finish, track, false))
  }
  // Without a `return`, `break` could not tell us the consumer left: add one that just ends the span.
  const returnMethod =
    typeof ret === 'function'
      ? observe(span, ret as IteratorMethod, finish, track, true)
      : function (value?: unknown): unknown {
          finish(undefined, false)
          const step = { done: true, value }
          return isAsync ? Promise.resolve(step) : step
        }
  defineOwn(iterator, 'return', returnMethod)
}

/** Wraps an iterator method: runs it in the span's context and ends the span on done or failure. */
function observe(
  span: LiveSpan,
  method: IteratorMethod,
  finish: (error: unknown, failed: boolean) => void,
  track: TrackContext,
  endsIteration: boolean,
): IteratorMethod {
  return function (this: unknown, ...args: unknown[]): unknown {
    if (span.ended) return method.apply(this, args)
    let step: unknown
    try {
      step = track.storage.run(span.context, Reflect.apply, method, this, args)
    } catch (error) {
      finish(error, true)
      throw error
    }
    if (types.isPromise(step)) {
      return (step as Promise<unknown>).then(
        (resolved: unknown) => {
          if (endsIteration || isDone(resolved)) finish(undefined, false)
          return resolved
        },
        (error: unknown) => {
          finish(error, true)
          throw error
        },
      )
    }
    if (endsIteration || isDone(step)) finish(undefined, false)
    return step
  }
}

function isDone(step: unknown): boolean {
  try {
    return typeof step === 'object' && step !== null && (step as { done?: unknown }).done === true
  } catch {
    return false
  }
}
