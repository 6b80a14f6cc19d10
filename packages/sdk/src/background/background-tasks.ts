import { builtin } from '../internal/builtins.js'

/** What `flush({ waitForBackground: true })` reports about `llmobs.background()` work. */
export interface BackgroundCounts {
  /** Tasks still running when the wait ended (it timed out). */
  running: number
  /** Tasks that failed (threw or rejected) since the instance started. */
  failed: number
  /** Tasks started while the tracked set was full: they ran, but no flush waited for them. */
  untracked: number
}

/** Default bound on how many running background tasks are tracked at once. */
export const MAX_TRACKED_TASKS = 10_000

/**
 * The running `llmobs.background()` tasks of one instance, so a flush can wait for them. Bounded:
 * past `maxTracked` running tasks new ones still run but are counted as untracked. Tracked promises
 * never reject (the runner turns failures into outcomes).
 */
export class BackgroundTasks {
  readonly #running = new Set<Promise<unknown>>()
  readonly #maxTracked: number
  #failed = 0
  #untracked = 0

  constructor(maxTracked = MAX_TRACKED_TASKS) {
    this.#maxTracked = maxTracked
  }

  /** Tracks `task` until it settles; false (and counted) when the set is full. */
  track(task: Promise<unknown>): boolean {
    if (this.#running.size >= this.#maxTracked) {
      this.#untracked++
      return false
    }
    this.#running.add(task)
    void task.finally(() => this.#running.delete(task))
    return true
  }

  recordFailure(): void {
    this.#failed++
  }

  get size(): number {
    return this.#running.size
  }

  /**
   * Waits until no tracked task is running (tasks started meanwhile, e.g. by a running task, are
   * waited for too), or `timeoutMs` passed. Resolves with the counts at that moment; never rejects.
   */
  async settle(timeoutMs: number): Promise<BackgroundCounts> {
    if (this.#running.size === 0) return this.counts()
    const abort = new AbortController()
    let timedOut = false
    const timeout = builtin('node:timers/promises')
      .setTimeout(Math.max(0, timeoutMs), undefined, { ref: false, signal: abort.signal })
      .then(
        () => {
          timedOut = true
        },
        () => undefined,
      )
    try {
      while (this.#running.size > 0 && !timedOut) {
        await Promise.race([Promise.all([...this.#running]), timeout])
      }
    } finally {
      abort.abort()
    }
    return this.counts()
  }

  counts(): BackgroundCounts {
    return { running: this.#running.size, failed: this.#failed, untracked: this.#untracked }
  }
}
