import type { AgentSampleRates } from '../agent-sample-rates.js'
import type { Store } from '../store/store.js'

/** What route handlers need from the running collector. */
export interface RouteDeps {
  store: Store
  /** Largest body, compressed or decompressed, in bytes. */
  bodyLimit: number
  /** The port actually bound (for /info); read lazily, known only once listening. */
  port: () => number
  version: string
  /** The `rate_by_service` rates configured for tracers (empty: 1 for every service). */
  agentSampleRates: AgentSampleRates
}
