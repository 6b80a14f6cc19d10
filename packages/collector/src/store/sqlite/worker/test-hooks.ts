import type { WriteBatch } from '../../store.js'

/**
 * Failure injection for tests of the worker's supervision, active only when the process runs with
 * `LLMOBS_COLLECTOR_TEST_HOOKS=1` (worker threads see the environment they were started with): a
 * write whose batch has an LLM span with one of these names stops the worker, as a crash would.
 */
export const TEST_HOOKS_ENABLED = process.env.LLMOBS_COLLECTOR_TEST_HOOKS === '1'

/** Stops the worker before the batch is written: nothing of it may be acknowledged. */
export const CRASH_BEFORE_COMMIT = '__llmobs_test_crash_store_worker__'
/** Stops the worker after the batch committed, before the answer: the sender sees a 503 and retries. */
export const CRASH_AFTER_COMMIT = '__llmobs_test_crash_store_worker_after_commit__'
/** Allocates until the worker's heap limit stops it (`ERR_WORKER_OUT_OF_MEMORY`). */
export const EXHAUST_MEMORY = '__llmobs_test_exhaust_store_worker_memory__'

/** Which hook, if any, a write asks for (checked only with the hooks enabled). */
export function requestedHook(batch: WriteBatch): string | undefined {
  if (!TEST_HOOKS_ENABLED) return undefined
  for (const span of batch.llmSpans) {
    if (span.name === CRASH_BEFORE_COMMIT || span.name === CRASH_AFTER_COMMIT || span.name === EXHAUST_MEMORY)
      return span.name
  }
  return undefined
}

/** Keeps allocating until V8 stops the thread. */
export function exhaustMemory(): never {
  const hoard: unknown[] = []
  for (;;) hoard.push(new Array<number>(1 << 20).fill(hoard.length))
}
