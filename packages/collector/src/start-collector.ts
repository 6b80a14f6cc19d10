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
 * exists. Both are the same `SqliteStore`; the contract suite runs against both. A worker that stops
 * is restarted (logged); one that keeps stopping ends the collector through `onFatal`.
 */
async function openDefaultStore(
  path: string,
  onError: (error: Error) => void,
  onFatal: (error: Error) => void,
): Promise<Store> {
  const script = storeWorkerScript()
  if (script === undefined) return openSqliteStore(path)
  return WorkerStore.open(path, script, {
    onRestart: (report) =>
      onError(
        new Error(
          `the store worker stopped (${report.reason}); ${report.failedCalls} request(s) in flight ` +
            `answered 503; restarting it (restart ${report.restartsInLastMinute} of at most ` +
            `${report.maxRestartsPerMinute} a minute)`,
        ),
      ),
    onGiveUp: onFatal,
  })
}

/**
 * The default end of a collector that cannot go on: say why, answer the requests in flight (503),
 * and exit with code 70 (EX_SOFTWARE), loudly, so that whatever supervises it notices and restarts it.
 */
function exitOnFatal(close: () => Promise<void>): (error: Error) => void {
  return (error) => {
    process.stderr.write(`llmobs collector: fatal: ${error.message}; exiting (code 70)\n`)
    const exit = (): never => process.exit(70)
    setTimeout(exit, 5000).unref()
    close().then(exit, exit)
  }
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
  options: CollectorOptions & {
    /** Errors for the operator's log. Default: stderr. */
    onError?: (error: Error) => void
    /**
     * The collector cannot go on: its store gave up (the store worker kept stopping). Default: log it,
     * answer the requests in flight (503), and exit the process with code 70 so that a supervisor
     * notices.
     */
    onFatal?: (error: Error) => void
  } = {},
): Promise<RunningCollector> {
  const resolved = resolveCollectorConfig(options, process.cwd())
  if (!resolved.ok) throw new Error(resolved.error)
  const config = resolved.value
  const onError = options.onError ?? ((error: Error) => console.error(`llmobs collector: ${error.message}`))
  // Bound once the collector runs: a store can only give up after it has started.
  let closeRunning = (): Promise<void> => Promise.resolve()
  const onFatal = options.onFatal ?? exitOnFatal(() => closeRunning())
  const store = options.store ?? (await openDefaultStore(config.dbPath, onError, onFatal))

  let boundPort = config.port
  const app = buildServer({
    store,
    bodyLimit: config.bodyLimit,
    agentSampleRates: config.agentSampleRates,
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
  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (timer !== undefined) clearInterval(timer)
      await app.close()
      await store.close()
    })()
    return closing
  }
  closeRunning = close
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  return {
    url: `http://${host}:${boundPort}`,
    port: boundPort,
    host: config.host,
    dbPath: config.dbPath,
    store,
    close,
  }
}
