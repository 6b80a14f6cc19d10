import { afterEach, beforeEach, describe } from 'vitest'
import { apmAndRetentionContract } from './contract/apm-and-retention.js'
import { apmSamplingContract } from './contract/apm-sampling.js'
import { joinAndStatsContract } from './contract/joins-and-stats.js'
import { traceContract } from './contract/traces.js'
import type { Store } from './store.js'

/**
 * The behaviour every {@link Store} must have, as one suite: the SQLite store runs it (in this thread
 * and in its worker), and so must any future store (PostgreSQL). `open` returns a fresh, empty store
 * for each test.
 *
 * @example
 * describeStoreContract('SqliteStore', () => openSqliteStore(':memory:'))
 */
export function describeStoreContract(name: string, open: () => Store | Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let current: Store
    beforeEach(async () => {
      current = await open()
    })
    afterEach(async () => {
      await current.close()
    })
    const store = (): Store => current
    traceContract(store)
    joinAndStatsContract(store)
    apmAndRetentionContract(store)
    apmSamplingContract(store)
  })
}
