import type { Database } from 'better-sqlite3'
import type {
  EvaluationQuery,
  PruneSummary,
  RetentionPolicy,
  SessionQuery,
  Store,
  TraceQuery,
  WriteBatch,
  WriteSummary,
} from '../store.js'
import type {
  ApmTraceDetail,
  EvaluationView,
  SessionDetail,
  SessionList,
  SpanView,
  Stats,
  StoreCounts,
  TraceDetail,
  TraceList,
} from '../views.js'
import { openDatabase } from './open-database.js'
import { createPruner } from './prune.js'
import { createApmReader } from './read-apm.js'
import { createEvaluationReader } from './read-evaluations.js'
import { createSessionReader } from './read-sessions.js'
import { createStatsReader } from './read-stats.js'
import { createTraceReader } from './read-traces.js'
import { createSpanDecorator } from './span-decorator.js'
import { createBatchWriter } from './write-batch.js'

/**
 * The embedded {@link Store}: one better-sqlite3 connection in WAL mode. better-sqlite3 is
 * synchronous, so each method finishes its work (a write: its COMMIT) before the promise it returns
 * settles; a driver error rejects the promise and leaves the database unchanged.
 *
 * @example
 * const store = openSqliteStore('.llmobs/llmobs.db')
 * await store.write({ llmSpans: [], apmSpans: [], evaluations: [] })
 * await store.close()
 */
export class SqliteStore implements Store {
  readonly #db: Database
  readonly #write: ReturnType<typeof createBatchWriter>
  readonly #traces: ReturnType<typeof createTraceReader>
  readonly #listEvaluations: ReturnType<typeof createEvaluationReader>
  readonly #sessions: ReturnType<typeof createSessionReader>
  readonly #stats: ReturnType<typeof createStatsReader>
  readonly #getApmTrace: ReturnType<typeof createApmReader>
  readonly #prune: ReturnType<typeof createPruner>

  constructor(path: string) {
    this.#db = openDatabase(path)
    const decorate = createSpanDecorator(this.#db)
    this.#write = createBatchWriter(this.#db)
    this.#traces = createTraceReader(this.#db, decorate)
    this.#listEvaluations = createEvaluationReader(this.#db, decorate)
    this.#sessions = createSessionReader(this.#db)
    this.#stats = createStatsReader(this.#db)
    this.#getApmTrace = createApmReader(this.#db, decorate)
    this.#prune = createPruner(this.#db)
  }

  write(batch: WriteBatch): Promise<WriteSummary> {
    return run(() => this.#write(batch, Date.now()))
  }
  listTraces(query: TraceQuery): Promise<TraceList> {
    return run(() => this.#traces.listTraces(query))
  }
  getTrace(traceId: string): Promise<TraceDetail | undefined> {
    return run(() => this.#traces.getTrace(traceId))
  }
  getSpan(spanId: string): Promise<SpanView | undefined> {
    return run(() => this.#traces.getSpan(spanId))
  }
  listEvaluations(query: EvaluationQuery): Promise<EvaluationView[]> {
    return run(() => this.#listEvaluations(query))
  }
  listSessions(query: SessionQuery): Promise<SessionList> {
    return run(() => this.#sessions.listSessions(query))
  }
  getSession(sessionId: string): Promise<SessionDetail | undefined> {
    return run(() => this.#sessions.getSession(sessionId))
  }
  stats(query: { sinceNs?: number }): Promise<Stats> {
    return run(() => this.#stats.stats(query))
  }
  getApmTrace(traceId: string): Promise<ApmTraceDetail | undefined> {
    return run(() => this.#getApmTrace(traceId))
  }
  counts(): Promise<StoreCounts> {
    return run(() => this.#stats.counts())
  }
  prune(policy: RetentionPolicy, nowMs: number): Promise<PruneSummary> {
    return run(() => this.#prune(policy, nowMs))
  }
  close(): Promise<void> {
    return run(() => {
      if (!this.#db.open) return
      // Fold the WAL back into the main file so the database is one self-contained file at rest.
      this.#db.pragma('wal_checkpoint(TRUNCATE)')
      this.#db.close()
    })
  }
}

/**
 * Opens the SQLite store at `path` (`":memory:"` for a throwaway one) in this thread. The collector
 * itself runs the same store in a worker thread.
 *
 * @example
 * const store = openSqliteStore(':memory:')
 * const { traces } = await store.listTraces({ limit: 10 })
 */
export function openSqliteStore(path: string): Store {
  return new SqliteStore(path)
}

function run<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work())
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)))
  }
}
