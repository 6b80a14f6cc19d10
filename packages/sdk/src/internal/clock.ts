import { builtin } from './builtins.js'

const { performance } = builtin('node:perf_hooks')

/**
 * Span timing. Wall time is read once, when this module loads, and every later timestamp is that
 * anchor plus the monotonic clock: durations never go negative when the wall clock is adjusted, and
 * a timestamp costs one `performance.now()`.
 */

const anchorEpochMs = Date.now()
const anchorMonotonicMs = performance.now()

/** Monotonic milliseconds (fractional); only differences between two readings mean anything. */
export function monotonicMs(): number {
  return performance.now()
}

/** Epoch nanoseconds (an integer-valued double) for a reading of `monotonicMs()`. */
export function epochNsAt(monotonic: number): number {
  return Math.round((anchorEpochMs + (monotonic - anchorMonotonicMs)) * 1e6)
}

/** Epoch milliseconds for a reading of `monotonicMs()`. */
export function epochMsAt(monotonic: number): number {
  return anchorEpochMs + (monotonic - anchorMonotonicMs)
}

/** Integer nanoseconds between two readings of `monotonicMs()`, never negative. */
export function durationNs(startMonotonic: number, endMonotonic: number): number {
  const ns = Math.round((endMonotonic - startMonotonic) * 1e6)
  return ns > 0 ? ns : 0
}
