/**
 * Deterministic sampling from the trace id, the way every Datadog tracer does it: a trace is kept at
 * rate `r` when `(traceIdLow * 1111111111111111111) mod 2^64 <= r * 2^64`. Every process that sees
 * the trace computes the same answer from the same id, so a distributed trace is kept or dropped as
 * a whole without any process telling another.
 */

const KNUTH_FACTOR = 1_111_111_111_111_111_111n

/**
 * The threshold for `rate` (clamped to [0, 1]). `Math.floor(rate * 2^64)` in doubles, as dd-trace
 * computes it (its `2 ** 64 - 1` is the same double), so both tracers agree at the edges too.
 */
export function knuthThreshold(rate: number): bigint {
  const clamped = rate > 0 ? Math.min(rate, 1) : 0
  return BigInt(Math.floor(clamped * 2 ** 64))
}

/**
 * True when the trace is kept at the rate `threshold` was made from. Rates 1 and 0 need no hashing,
 * so callers test them first; any bigint is accepted (only its low 64 bits count).
 */
export function isKeptByKnuth(traceIdLow: bigint, threshold: bigint): boolean {
  return BigInt.asUintN(64, traceIdLow * KNUTH_FACTOR) <= threshold
}

/** A rate as `_dd.p.ksr` carries it: at most 6 decimals, no trailing zeros (`0.5`, `1`, `0.333333`). */
export function formatKnuthRate(rate: number): string {
  return String(Number(rate.toFixed(6)))
}
