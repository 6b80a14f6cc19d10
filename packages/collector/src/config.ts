import { isIP } from 'node:net'
import { resolve } from 'node:path'
import type { AgentSampleRates } from './agent-sample-rates.js'
import { readAgentSampleRates } from './agent-sample-rates.js'
import type { Store } from './store/store.js'
import { parseDuration } from './duration.js'

/** Options of {@link startCollector} and of `llmobs collector` (same names as its flags). */
export interface CollectorOptions {
  /** TCP port; `0` picks a free one. Default 8126, the agent's, so tracers need no configuration. */
  port?: number
  /** Interface to bind. Default `127.0.0.1`; any other than loopback requires `apiKey`. */
  host?: string
  /** SQLite file, created with its folder if missing. Default `.llmobs/llmobs.db` under the cwd. */
  dbPath?: string
  /** When set, every request must carry it (`DD-API-KEY`, or `Authorization: Bearer`). */
  apiKey?: string
  /** Keep data this long: milliseconds or a duration such as `7d`. Default: forever. */
  retention?: number | string
  /** Keep at most this many LLM spans (and as many APM spans), pruning the oldest traces. */
  maxSpans?: number
  /** Largest accepted request body, compressed or not, in bytes. Default 50 MiB. */
  bodyLimit?: number
  /** How often retention runs. Default one minute. */
  pruneIntervalMs?: number
  /**
   * The priority-sampling rates answered to tracers (`rate_by_service`), by `service:<s>,env:<e>`
   * (`service:,env:` for the rest), each from 0 to 1; an object or its JSON text. Default: 1 for
   * every service (keep everything). For tests of a tracer's priority sampling.
   */
  agentSampleRates?: Record<string, number> | string
  /** A store to use instead of opening the SQLite file at `dbPath`; the collector closes it. */
  store?: Store
}

export interface CollectorConfig {
  port: number
  host: string
  /** Absolute path, or `":memory:"`. */
  dbPath: string
  apiKey: string | null
  retentionMs: number | null
  maxSpans: number | null
  bodyLimit: number
  pruneIntervalMs: number
  agentSampleRates: AgentSampleRates
}

export const DEFAULTS = {
  port: 8126,
  host: '127.0.0.1',
  dbPath: '.llmobs/llmobs.db',
  bodyLimit: 50 * 1024 * 1024,
  pruneIntervalMs: 60_000,
} as const

/** Whether `host` only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (h === 'localhost' || h === '::1') return true
  return isIP(h) === 4 && h.startsWith('127.')
}

/**
 * Options → frozen config, or a message saying which option is wrong. Refuses to listen beyond
 * loopback without an API key: the collector stores whatever it is sent and serves it back.
 *
 * @example
 * const config = resolveCollectorConfig({ port: 0, retention: '7d' }, process.cwd())
 */
export function resolveCollectorConfig(
  options: CollectorOptions,
  cwd: string,
): { ok: true; value: CollectorConfig } | { ok: false; error: string } {
  const port = options.port ?? DEFAULTS.port
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return { ok: false, error: `port must be an integer from 0 to 65535, got ${String(options.port)}` }
  }
  const host = options.host ?? DEFAULTS.host
  const apiKey = options.apiKey === undefined || options.apiKey === '' ? null : options.apiKey
  if (!isLoopback(host) && apiKey === null) {
    return { ok: false, error: `listening on ${host} (beyond this machine) requires an API key (--api-key)` }
  }
  let retentionMs: number | null = null
  if (options.retention !== undefined) {
    const ms = typeof options.retention === 'number' ? options.retention : parseDuration(options.retention)
    if (ms === undefined || !(ms > 0)) {
      return {
        ok: false,
        error: `retention must be a positive duration such as 7d or 12h, got ${String(options.retention)}`,
      }
    }
    retentionMs = ms
  }
  const maxSpans = options.maxSpans ?? null
  if (maxSpans !== null && (!Number.isInteger(maxSpans) || maxSpans < 1)) {
    return { ok: false, error: `max-spans must be a positive integer, got ${String(options.maxSpans)}` }
  }
  const bodyLimit = options.bodyLimit ?? DEFAULTS.bodyLimit
  if (!Number.isInteger(bodyLimit) || bodyLimit < 1) {
    return { ok: false, error: `bodyLimit must be a positive integer, got ${String(options.bodyLimit)}` }
  }
  const rates = readAgentSampleRates(options.agentSampleRates ?? {})
  if (!rates.ok) return rates
  const dbPath = options.dbPath ?? DEFAULTS.dbPath
  const config: CollectorConfig = {
    port,
    host,
    dbPath: dbPath === ':memory:' ? dbPath : resolve(cwd, dbPath),
    apiKey,
    retentionMs,
    maxSpans,
    bodyLimit,
    pruneIntervalMs: options.pruneIntervalMs ?? DEFAULTS.pruneIntervalMs,
    agentSampleRates: rates.value,
  }
  return { ok: true, value: Object.freeze(config) }
}
