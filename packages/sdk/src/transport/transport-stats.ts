/** Running totals of one exporter's HTTP traffic, for diagnostics and future telemetry. */
export interface TransportStats {
  /** HTTP exchanges attempted, retries included. */
  requests: number
  /** Request body bytes handed to the network, retries included. */
  bytes: number
  retries: number
  /** Exchanges that ended in a network error, a timeout or an error status. */
  errors: number
}

export function createTransportStats(): TransportStats {
  return { requests: 0, bytes: 0, retries: 0, errors: 0 }
}
