import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Worker } from 'node:worker_threads'
import type {
  EvaluationQuery,
  PruneSummary,
  RetentionPolicy,
  SessionQuery,
  Store,
  TraceQuery,
  WriteBatch,
  WriteSummary,
} from '../../store.js'
import { StoreUnavailableError } from '../../store-unavailable-error.js'
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
} from '../../views.js'
import { packWriteBatch } from './packed-write-batch.js'
import { RestartBudget } from './restart-budget.js'
import { startStoreWorker } from './start-store-worker.js'
import type { StoreMethod, StoreRequest, StoreResponse } from './store-messages.js'

interface Pending {
  resolve: (value: unknown) => void
  reject: (error: Error) => void
}

/** An unexpected stop of the store worker, as reported to {@link WorkerStoreOptions.onRestart}. */
export interface WorkerStopReport {
  /** What stopped it: `exit code 86`, `out of memory: ...`, or the uncaught error's message. */
  reason: string
  /** Calls in flight, answered with {@link StoreUnavailableError} (never acknowledged). */
  failedCalls: number
  /** Restarts within the last minute, this one included. */
  restartsInLastMinute: number
  maxRestartsPerMinute: number
}

export interface WorkerStoreOptions {
  /** Restarts allowed within a minute; one more stop and the store gives up. Default 5. */
  maxRestartsPerMinute?: number
  /** Heap limit of the worker, in MiB. Default: Node's. Either way an out-of-memory worker stops alone. */
  maxHeapMb?: number
  /** Told about each unexpected stop of the worker, as the restart begins (the collector logs it). */
  onRestart?: (report: WorkerStopReport) => void
  /**
   * Told once when the store gives up: the worker stopped more often than allowed, or could not be
   * started again. Every call then rejects with {@link StoreUnavailableError}; the collector exits.
   */
  onGiveUp?: (error: Error) => void
}

const DEFAULT_MAX_RESTARTS_PER_MINUTE = 5

/**
 * The SQLite {@link Store} running in a worker thread, supervised. Each method posts a request and
 * resolves with the worker's answer; the worker handles requests in order, so a write resolves after
 * its COMMIT, exactly as with the in-thread store.
 *
 * If the worker stops (an uncaught error, out of memory, anything but {@link close}), the calls in
 * flight reject at once with {@link StoreUnavailableError} (the intake answers 503 + Retry-After: a
 * write is acknowledged only after its commit, so nothing acknowledged is lost, and the de-duplication
 * of spans and evaluations makes retrying a write that did commit harmless), a new worker is started
 * on the same database, and calls made meanwhile wait for it. More than `maxRestartsPerMinute` stops
 * within a minute, or a worker that cannot start, and the store gives up (`onGiveUp`).
 *
 * @example
 * const store = await WorkerStore.open('.llmobs/llmobs.db', storeWorkerScript(), {
 *   onRestart: (report) => console.error(`store worker stopped (${report.reason}), restarting`),
 *   onGiveUp: (error) => { console.error(error.message); process.exit(70) },
 * })
 */
export class WorkerStore implements Store {
  readonly #path: string
  readonly #script: URL
  readonly #options: WorkerStoreOptions
  readonly #budget: RestartBudget
  readonly #pending = new Map<number, Pending>()
  #worker: Worker
  /** Why the current worker stopped, when it said so (`error` comes before `exit`). */
  #lastError: Error | undefined
  /** Settles (never rejects) once a restart is over, either way. */
  #restarting: Promise<void> | undefined
  /** Set when the store gave up: every call rejects with it. */
  #gaveUp: StoreUnavailableError | undefined
  /** Set once closed: every call rejects with it. */
  #closed: Error | undefined
  #stopping = false
  #closing: Promise<void> | undefined
  #nextId = 0

  private constructor(worker: Worker, path: string, script: URL, options: WorkerStoreOptions) {
    this.#worker = worker
    this.#path = path
    this.#script = script
    this.#options = options
    this.#budget = new RestartBudget(this.#maxRestarts, 60_000)
    this.#watch(worker)
  }

  /** Starts the worker on `script` and resolves once the database at `path` is open. */
  static async open(path: string, script: URL, options: WorkerStoreOptions = {}): Promise<WorkerStore> {
    const worker = await startStoreWorker(path, script, options.maxHeapMb)
    return new WorkerStore(worker, path, script, options)
  }

  get #maxRestarts(): number {
    return this.#options.maxRestartsPerMinute ?? DEFAULT_MAX_RESTARTS_PER_MINUTE
  }

  #watch(worker: Worker): void {
    worker.on('message', (response: StoreResponse) => {
      const pending = this.#pending.get(response.id)
      if (pending === undefined) return
      this.#pending.delete(response.id)
      if (response.ok) pending.resolve(response.value)
      else pending.reject(new Error(response.message))
    })
    worker.on('error', (error) => {
      if (worker === this.#worker) this.#lastError = error
    })
    worker.on('exit', (code) => {
      if (worker === this.#worker) this.#onExit(code)
    })
  }

  #onExit(code: number): void {
    const cause = this.#lastError
    this.#lastError = undefined
    if (this.#stopping) {
      this.#rejectPending(new Error(`the store worker stopped (exit code ${code})`))
      return
    }
    const reason =
      cause === undefined
        ? `exit code ${code}`
        : (cause as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `out of memory: ${cause.message}`
          : cause.message
    const failedCalls = this.#pending.size
    this.#rejectPending(new StoreUnavailableError(`the store worker stopped (${reason}); retry shortly`))
    const now = Date.now()
    if (!this.#budget.take(now)) {
      this.#giveUp(
        `the store worker stopped more than ${this.#maxRestarts} times within a minute (last: ${reason})`,
      )
      return
    }
    this.#options.onRestart?.({
      reason,
      failedCalls,
      restartsInLastMinute: this.#budget.used(now),
      maxRestartsPerMinute: this.#maxRestarts,
    })
    this.#restarting = startStoreWorker(this.#path, this.#script, this.#options.maxHeapMb).then(
      (worker) => {
        this.#worker = worker
        this.#watch(worker)
        this.#restarting = undefined
      },
      (error: unknown) => {
        this.#restarting = undefined
        this.#giveUp(`the store worker could not be started again: ${(error as Error).message}`)
      },
    )
  }

  #rejectPending(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error)
    this.#pending.clear()
  }

  #giveUp(message: string): void {
    this.#gaveUp = new StoreUnavailableError(`the store is unavailable: ${message}`, 60)
    this.#options.onGiveUp?.(new Error(message))
  }

  #call<T>(method: StoreMethod, args: unknown[]): Promise<T> {
    if (this.#closed !== undefined) return Promise.reject(this.#closed)
    if (this.#gaveUp !== undefined) return Promise.reject(this.#gaveUp)
    // Calls made while a new worker starts wait for it.
    if (this.#restarting !== undefined) return this.#restarting.then(() => this.#call<T>(method, args))
    const id = this.#nextId++
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
      this.#worker.postMessage({ id, method, args } satisfies StoreRequest)
    })
  }

  write(batch: WriteBatch): Promise<WriteSummary> {
    return this.#call('write', [packWriteBatch(batch)])
  }
  listTraces(query: TraceQuery): Promise<TraceList> {
    return this.#call('listTraces', [query])
  }
  getTrace(traceId: string): Promise<TraceDetail | undefined> {
    return this.#call('getTrace', [traceId])
  }
  getSpan(spanId: string): Promise<SpanView | undefined> {
    return this.#call('getSpan', [spanId])
  }
  listEvaluations(query: EvaluationQuery): Promise<EvaluationView[]> {
    return this.#call('listEvaluations', [query])
  }
  listSessions(query: SessionQuery): Promise<SessionList> {
    return this.#call('listSessions', [query])
  }
  getSession(sessionId: string): Promise<SessionDetail | undefined> {
    return this.#call('getSession', [sessionId])
  }
  stats(query: { sinceNs?: number }): Promise<Stats> {
    return this.#call('stats', [query])
  }
  getApmTrace(traceId: string): Promise<ApmTraceDetail | undefined> {
    return this.#call('getApmTrace', [traceId])
  }
  counts(): Promise<StoreCounts> {
    return this.#call('counts', [])
  }
  prune(policy: RetentionPolicy, nowMs: number): Promise<PruneSummary> {
    return this.#call('prune', [policy, nowMs])
  }
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#restarting !== undefined) await this.#restarting
      try {
        if (this.#gaveUp === undefined) {
          const worker = this.#worker
          const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
          const closed = this.#call('close', [])
          this.#stopping = true
          await closed
          await exited
        }
      } finally {
        this.#closed = new Error('the store worker stopped (the store is closed)')
      }
    })()
    return this.#closing
  }
}

/**
 * The built worker script next to the running module (`dist/store-worker.js`), or `undefined` when
 * running from TypeScript sources (tests), where the in-thread store is used instead.
 */
export function storeWorkerScript(): URL | undefined {
  const script = new URL('./store-worker.js', import.meta.url)
  return existsSync(fileURLToPath(script)) ? script : undefined
}
