import type { AddressInfo } from 'node:net'
import type { CollectorOptions } from './config.js'
import { resolveCollectorConfig } from './config.js'
import { buildServer } from './server.js'
import { openSqliteStore } from './store/sqlite/sqlite-store.js'
import { WorkerStore, storeWorkerScript } from './store/sqlite/worker/worker-store.js'
import type { RetentionPolicy, Store } from './store/store.js'
import { COLLECTOR_VERSION } from './version.js'

/**
 * SQLite in a worker thread when running from the build (so HTTP and decoding on this thread overlap
 * with SQLite on the other), in this thread when running from sources (tests), where no worker script
 * exists. Both are the same `SqliteStore`; the contract suite runs against both.
 */
async function openDefaultStore(path: string): Promise<Store> {
  const script = storeWorkerScript()
  return script === undefined ? openSqliteStore(path) : WorkerStore.open(path, script)
}

/** A running collector. */
export interface RunningCollector {
  /** Base URL, e.g. `http://127.0.0.1:8126`: point tracers (DD_TRACE_AGENT_URL) and the query API here. */
  url: string
  port: number
  host: string
  /** Absolute path of the SQLite file (`":memory:"` for a throwaway store). */
  dbPath: string
  store: Store
  /** Stops accepting requests, lets in-flight ones finish, closes the store. Idempotent. */
  close(): Promise<void>
}

/**
 * Starts the collector: an agent-compatible intake and the query API on one port, storing into
 * SQLite. Rejects when an option is wrong or the port is taken.
 *
 * @example
 * import { startCollector } from '@llmobs/collector'
 * const collector = await startCollector({ port: 0, dbPath: ':memory:' })
 * process.env.DD_TRACE_AGENT_URL = collector.url
 * // ... run traced code, then:
 * const { traces } = await (await fetch(`${collector.url}/api/traces`)).json()
 * await collector.close()
 */
export async function startCollector(
  options: CollectorOptions & { onError?: (error: Error) => void } = {},
): Promise<RunningCollector> {
  const resolved = resolveCollectorConfig(options, process.cwd())
  if (!resolved.ok) throw new Error(resolved.error)
  const config = resolved.value
  const onError = options.onError ?? ((error: Error) => console.error(`llmobs collector: ${error.message}`))
  const store = options.store ?? (await openDefaultStore(config.dbPath))

  let boundPort = config.port
  const app = buildServer({
    store,
    bodyLimit: config.bodyLimit,
    port: () => boundPort,
    version: COLLECTOR_VERSION,
    apiKey: config.apiKey,
    onInternalError: onError,
  })
  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (error) {
    await store.close()
    throw error
  }
  boundPort = (app.server.address() as AddressInfo).port

  const policy: RetentionPolicy = {}
  if (config.retentionMs !== null) policy.maxAgeMs = config.retentionMs
  if (config.maxSpans !== null) policy.maxSpans = config.maxSpans
  let timer: NodeJS.Timeout | undefined
  if (policy.maxAgeMs !== undefined || policy.maxSpans !== undefined) {
    const prune = (): void => {
      store.prune(policy, Date.now()).catch((error: unknown) => onError(error as Error))
    }
    prune()
    timer = setInterval(prune, config.pruneIntervalMs)
    timer.unref()
  }

  let closing: Promise<void> | undefined
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  return {
    url: `http://${host}:${boundPort}`,
    port: boundPort,
    host: config.host,
    dbPath: config.dbPath,
    store,
    close() {
      closing ??= (async () => {
        if (timer !== undefined) clearInterval(timer)
        await app.close()
        await store.close()
      })()
      return closing
    },
  }
}
