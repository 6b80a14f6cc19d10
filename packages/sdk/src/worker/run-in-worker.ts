import type { LLMObs } from '../api/llmobs-api.js'
import { toPlainContext } from '../context/plain-context.js'
import { builtin } from '../internal/builtins.js'
import { describeType, isRecord, type Report } from '../internal/report.js'
import type { Runtime } from '../runtime.js'
import type { RunInWorkerOptions } from './run-in-worker-options.js'
import {
  cloneableOptions,
  readHandoff,
  userWorkerData,
  WORKER_DATA_KEY,
  type WorkerHandoff,
} from './worker-handoff.js'

export type { RunInWorkerOptions } from './run-in-worker-options.js'

/** Default bound of the flush at the end of `runInWorker`. */
const WORKER_FLUSH_TIMEOUT_MS = 10_000

/**
 * `llmobs.workerData(data)`: `data` (an object, or nothing) plus, under `__llmobs`, the active
 * context and this instance's cloneable options, for `new Worker(file, { workerData })`.
 */
export function workerData<T extends object>(
  runtime: Runtime | undefined,
  data: T | undefined,
  report: Report,
): T & { [WORKER_DATA_KEY]: WorkerHandoff } {
  const handoff: WorkerHandoff = {}
  const snapshot = runtime?.storage.active()
  if (snapshot !== undefined) handoff.context = toPlainContext(snapshot)
  if (runtime !== undefined) handoff.options = cloneableOptions(runtime.config)
  if (data !== undefined && !isRecord(data)) {
    report(
      'invalid_worker_data',
      `workerData(data) needs an object (its keys are kept beside '${WORKER_DATA_KEY}'), got ${describeType(data)}; pass { value: data } instead. The data was left out.`,
    )
    return { [WORKER_DATA_KEY]: handoff } as T & { [WORKER_DATA_KEY]: WorkerHandoff }
  }
  return { ...data, [WORKER_DATA_KEY]: handoff } as T & { [WORKER_DATA_KEY]: WorkerHandoff }
}

/**
 * `llmobs.runInWorker(fn)`, in a worker thread: initialises the instance from the hand-off when it
 * is not yet initialised, runs `fn(yourWorkerData)` under the hand-off's context (so its spans are
 * children of the span that started the worker, in the same trace), then waits for background work
 * and flushes before resolving, so nothing is lost when the worker exits. `fn`'s result and errors
 * reach the caller unchanged. The exporter's `beforeExit` hook (which runs in workers too) covers
 * work that outlives `fn`.
 */
export async function runInWorker<R>(
  llmobs: LLMObs,
  fn: (data: any) => R,
  options: RunInWorkerOptions | undefined,
): Promise<Awaited<R>> {
  // node:worker_threads loads here, on use, not with the SDK (~1 ms of CPU at every start).
  const threadWorkerData: unknown = builtin('node:worker_threads').workerData
  const handoff = readHandoff(threadWorkerData)
  if (!llmobs.enabled && handoff?.options !== undefined) llmobs.init(handoff.options)
  const context = options?.context ?? handoff?.context
  try {
    return await llmobs.withContext(context, () => fn(userWorkerData(threadWorkerData)))
  } finally {
    await llmobs.flush({
      waitForBackground: true,
      timeoutMs: options?.timeoutMs ?? WORKER_FLUSH_TIMEOUT_MS,
    })
  }
}
