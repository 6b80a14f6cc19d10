import type { BackgroundCounts } from '../background/background-tasks.js'
import type { FlushOptions, FlushResult } from '../export/exporter.js'

/** Options of `llmobs.flush()` and `llmobs.shutdown()`. */
export interface LLMObsFlushOptions extends FlushOptions {
  /**
   * First wait for the running `llmobs.background()` tasks (and those they start), then flush what
   * they produced. The wait and the flush together are bounded by `timeoutMs` (default 10 s here).
   * For short-lived processes and serverless handlers, before returning.
   */
  waitForBackground?: boolean
}

/** `flush()`'s counts; `background` is there when the flush waited for background work. */
export interface LLMObsFlushResult extends FlushResult {
  background?: BackgroundCounts
}

/** Default bound of `flush({ waitForBackground: true })` without `timeoutMs`. */
export const BACKGROUND_WAIT_DEFAULT_MS = 10_000
