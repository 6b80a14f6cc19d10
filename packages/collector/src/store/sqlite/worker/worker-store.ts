import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
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
import type {
  StoreMethod,
  StoreReady,
  StoreRequest,
  StoreResponse,
  StoreWorkerData,
} from './store-messages.js'
import { packWriteBatch } from './packed-write-batch.js'

interface Pending {
  resolve: (value: unknown) => void
  reject: (error: Error) => void
}

/**
 * The SQLite {@link Store} running in a worker thread. Each method posts a request and resolves with
 * the worker's answer; the worker handles requests in order, so a write's promise resolves after its
 * COMMIT, exactly as with the in-thread store. If the worker dies, pending and later calls reject.
 *
 * @example
 * const store = await WorkerStore.open('.llmobs/llmobs.db', new URL('./store-worker.js', import.meta.url))
 */
export class WorkerStore implements Store {
  readonly #worker: Worker
  readonly #pending = new Map<number, Pending>()
  #nextId = 0
  #failure: Error | undefined
  #closing: Promise<void> | undefined

  private constructor(worker: Worker) {
    this.#worker = worker
    worker.on('message', (response: StoreResponse) => {
      const pending = this.#pending.get(response.id)
      if (pending === undefined) return
      this.#pending.delete(response.id)
      if (response.ok) pending.resolve(response.value)
      else pending.reject(new Error(response.message))
    })
    const fail = (error: Error): void => {
      this.#failure ??= error
      for (const pending of this.#pending.values()) pending.reject(this.#failure)
      this.#pending.clear()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`the store worker stopped (exit code ${code})`)))
  }

  /** Starts the worker on `script` and resolves once the database at `path` is open. */
  static open(path: string, script: URL): Promise<WorkerStore> {
    const worker = new Worker(script, { workerData: { path } satisfies StoreWorkerData })
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error)
      worker.once('error', onError)
      worker.once('message', (ready: StoreReady) => {
        worker.off('error', onError)
        if (ready.ready) resolve(new WorkerStore(worker))
        else {
          reject(new Error(ready.message))
          void worker.terminate()
        }
      })
    })
  }

  #call<T>(method: StoreMethod, args: unknown[]): Promise<T> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure)
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
      if (this.#failure === undefined) {
        const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()))
        await this.#call('close', [])
        await exited
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
