/** How hard to try one request before counting its data as failed. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number
  /** From the first attempt to giving up, waits and attempts included. */
  readonly maxTotalMs: number
  /** First backoff; each next one doubles, up to `maxDelayMs`. */
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  /** A server's `Retry-After` is honoured up to this long. */
  readonly maxRetryAfterMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 5,
  maxTotalMs: 30_000,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 10_000,
})

/**
 * The wait before attempt `attempt + 1`: exponential with "equal jitter" (half fixed, half random),
 * so many clients that failed together do not come back together, and no wait is near zero.
 *
 * @example
 * backoffDelay(1, DEFAULT_RETRY_POLICY, () => 0.5) // 150
 */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}
