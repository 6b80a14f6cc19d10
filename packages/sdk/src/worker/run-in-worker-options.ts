import type { PlainContext } from '../context/plain-context.js'

/** Options of `llmobs.runInWorker()`. */
export interface RunInWorkerOptions {
  /**
   * The context to run under, when it came another way than `workerData` (e.g. in a
   * `postMessage`); default: the one `llmobs.workerData()` put in this worker's `workerData`.
   */
  context?: PlainContext | undefined
  /** Bound on the final flush (background work included); default 10 s. */
  timeoutMs?: number | undefined
}
