/**
 * A store call failed because the store is unavailable for a moment (its worker stopped and is being
 * restarted, say), not because of the request: the intake answers 503 with `Retry-After`, and a
 * sender that retries loses nothing. A write that failed so was never acknowledged; it may or may not
 * have committed, which a retry makes harmless (span events and evaluations are de-duplicated).
 *
 * @example
 * if (error instanceof StoreUnavailableError) reply.header('retry-after', error.retryAfterSeconds).code(503)
 */
export class StoreUnavailableError extends Error {
  readonly retryAfterSeconds: number

  constructor(message: string, retryAfterSeconds = 1) {
    super(message)
    this.name = 'StoreUnavailableError'
    this.retryAfterSeconds = retryAfterSeconds
  }
}
