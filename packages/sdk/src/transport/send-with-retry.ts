import { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js'
import type { Transport, TransportRequest, TransportResult } from './transport.js'

export type RetryOutcome = TransportResult & { readonly attempts: number }

export interface RetryOptions {
  readonly policy?: RetryPolicy
  /** Stops waiting and gives up (e.g. at shutdown). */
  readonly signal?: AbortSignal | undefined
  readonly random?: () => number
  /** Called before each wait, e.g. to count retries. */
  readonly onRetry?: (attempt: number, result: TransportResult, delayMs: number) => void
}

/**
 * Sends a request until it succeeds, fails for good, or the policy's attempt or time budget is
 * spent. Retryable results (network errors, timeouts, 408, 429, 5xx) are retried after a jittered
 * exponential backoff, or after the server's `Retry-After` (capped); anything else is final.
 * Never rejects; the last result tells what happened and `attempts` how many exchanges it took.
 *
 * @example
 * const outcome = await sendWithRetry(transport, { method: 'POST', url, headers, body, timeoutMs: 5000 })
 * if (outcome.status !== 'success') console.warn(outcome.reason)
 */
export async function sendWithRetry(
  transport: Transport,
  request: TransportRequest,
  options: RetryOptions = {},
): Promise<RetryOutcome> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY
  const signal = options.signal
  const started = Date.now()
  for (let attempt = 1; ; attempt++) {
    const remaining = policy.maxTotalMs - (Date.now() - started)
    // The last attempt gets what is left of the budget, so the budget bounds the whole send.
    const timeoutMs = Math.max(1, Math.min(request.timeoutMs, remaining))
    const result = await transport.send({ ...request, timeoutMs, signal })
    if (result.status !== 'retryable') return { ...result, attempts: attempt }
    if (attempt >= policy.maxAttempts) {
      return giveUp(result, attempt, `gave up after ${attempt} attempts`)
    }
    const delayMs =
      result.retryAfterMs !== undefined
        ? Math.min(result.retryAfterMs, policy.maxRetryAfterMs)
        : backoffDelay(attempt, policy, options.random)
    if (Date.now() - started + delayMs >= policy.maxTotalMs) {
      return giveUp(result, attempt, `gave up: the ${policy.maxTotalMs} ms retry budget is spent`)
    }
    options.onRetry?.(attempt, result, delayMs)
    if (!(await sleep(delayMs, signal))) return giveUp(result, attempt, 'aborted while waiting to retry')
  }
}

function giveUp(
  last: TransportResult & { status: 'retryable' },
  attempts: number,
  why: string,
): RetryOutcome {
  const reason = `${last.reason} (${why})`
  return last.statusCode === undefined
    ? { status: 'failure', reason, attempts }
    : { status: 'failure', reason, statusCode: last.statusCode, attempts }
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. The timer never holds the process. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted === true) return Promise.resolve(false)
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer)
      resolve(false)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve(true)
    }, ms)
    timer.unref()
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
