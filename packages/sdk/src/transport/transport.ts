/**
 * The transport contract: one HTTP exchange in, one result value out. Implementations never throw
 * and never reject; a network error, a timeout or an error status is a result like any other.
 */

export interface TransportRequest {
  readonly method: 'GET' | 'POST' | 'PUT'
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  /** Request body; already serialised so a retry re-sends the same bytes without re-encoding. */
  readonly body?: string | Uint8Array | undefined
  /** Whole-exchange deadline, from the first byte sent to the last byte read. */
  readonly timeoutMs: number
  /** Keep the response body (up to this many bytes) in the result, e.g. for the agent's `/info`. */
  readonly readBodyLimit?: number | undefined
  /** Abandons the exchange (the result is then a failure). */
  readonly signal?: AbortSignal | undefined
}

export type TransportResult =
  | { readonly status: 'success'; readonly statusCode: number; readonly body?: string | undefined }
  | {
      readonly status: 'retryable'
      readonly reason: string
      readonly statusCode?: number | undefined
      /** From a `Retry-After` response header, already converted to milliseconds from now. */
      readonly retryAfterMs?: number | undefined
    }
  | { readonly status: 'failure'; readonly reason: string; readonly statusCode?: number | undefined }

export interface Transport {
  send(request: TransportRequest): Promise<TransportResult>
  /** Closes idle keep-alive sockets and aborts nothing else. Idempotent. */
  destroy(): void
}
