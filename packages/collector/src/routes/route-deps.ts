import type { Store } from '../store/store.js'

/** What route handlers need from the running collector. */
export interface RouteDeps {
  store: Store
  /** Largest body, compressed or decompressed, in bytes. */
  bodyLimit: number
  /** The port actually bound (for /info); read lazily, known only once listening. */
  port: () => number
  version: string
}
