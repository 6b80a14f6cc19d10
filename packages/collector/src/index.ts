/**
 * `@llmobs/collector`: a local, Datadog-Agent-compatible intake for traces, LLM Observability spans
 * and evaluations, stored in SQLite and served back through a JSON query API.
 *
 * @example
 * import { startCollector } from '@llmobs/collector'
 * const { url, close } = await startCollector({ port: 0 })
 */
export { startCollector } from './start-collector.js'
export type { RunningCollector } from './start-collector.js'
export type { CollectorOptions } from './config.js'
export { openSqliteStore } from './store/sqlite/sqlite-store.js'
export { StoreUnavailableError } from './store/store-unavailable-error.js'
export type * from './store/store.js'
export type * from './store/views.js'
