/**
 * The limit on traces a sampling rule keeps, per second (`DD_TRACE_RATE_LIMIT`, default 100), with
 * dd-trace's semantics: a token bucket of `perSecond` tokens refilled continuously, and at most
 * `perSecond` traces in each one-second window, so a full bucket at a window's end cannot double the
 * rate across the boundary. A negative limit lets everything through; 0 lets nothing through.
 *
 * `effectiveRate()` is what `_dd.limit_psr` reports: the share of requests allowed over the current
 * and the previous window, so the backend can scale counts of kept traces back up.
 */
export class RateLimiter {
  readonly #perSecond: number
  readonly #capacity: number
  readonly #now: () => number
  #tokens: number
  #refilledAt: number
  #windowStart: number
  #allowedInWindow = 0
  #requestedInWindow = 0
  #allowedBefore = 0
  #requestedBefore = 0

  /** `now` reads monotonic milliseconds. */
  constructor(perSecond: number, now: () => number) {
    this.#perSecond = perSecond
    // A fractional limit below 1 still lets one trace through whenever a whole token has dripped in.
    this.#capacity = Math.max(perSecond, 1)
    this.#now = now
    this.#tokens = this.#capacity
    this.#refilledAt = now()
    this.#windowStart = this.#refilledAt
  }

  /** Takes a token if one is there; counts the request either way. */
  isAllowed(): boolean {
    // No limit: no clock read, and no counting (the effective rate is 1 whatever the counts).
    if (this.#perSecond < 0) return true
    const now = this.#now()
    this.#advanceWindow(now)
    this.#requestedInWindow++
    if (!this.#take(now)) return false
    this.#allowedInWindow++
    return true
  }

  /** Allowed over requested in this window and the one before; 1 before any request. */
  effectiveRate(): number {
    if (this.#perSecond < 0) return 1
    if (this.#perSecond === 0) return 0
    const requested = this.#requestedBefore + this.#requestedInWindow
    return requested === 0 ? 1 : (this.#allowedBefore + this.#allowedInWindow) / requested
  }

  #take(now: number): boolean {
    if (this.#perSecond === 0 || this.#allowedInWindow >= this.#capacity) return false
    const elapsed = now - this.#refilledAt
    if (elapsed > 0) {
      this.#tokens = Math.min(this.#capacity, this.#tokens + (elapsed * this.#perSecond) / 1000)
      this.#refilledAt = now
    }
    if (this.#tokens < 1) return false
    this.#tokens -= 1
    return true
  }

  #advanceWindow(now: number): void {
    const sinceStart = now - this.#windowStart
    // A clock that went backwards (only an injected one can) starts a new window too, as dd-trace's does.
    if (sinceStart >= 0 && sinceStart < 1000) return
    // The window that just ended is "the previous one" only if it was the last second; after a quiet
    // gap nothing recent was requested.
    const adjacent = sinceStart >= 0 && sinceStart < 2000
    this.#allowedBefore = adjacent ? this.#allowedInWindow : 0
    this.#requestedBefore = adjacent ? this.#requestedInWindow : 0
    this.#allowedInWindow = 0
    this.#requestedInWindow = 0
    this.#windowStart = now
    if (now < this.#refilledAt) this.#refilledAt = now
  }
}
