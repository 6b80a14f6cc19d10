/** What the exit hook needs from an exporter. */
export interface ExitFlushable {
  /** Whether anything is queued or in flight. */
  readonly busy: boolean
  /** How long, in all, the process may be kept alive at exit to deliver what is left. */
  readonly exitBudgetMs: number
  flush(options: { timeoutMs: number }): Promise<unknown>
  /** The budget is spent: stop waiting for the network and count what is left as failed. */
  abandon(): void
}

/** Default of `ExitFlushable.exitBudgetMs`. */
export const EXIT_FLUSH_BUDGET_MS = 10_000

const registered = new Set<ExitFlushable>()
const deadlines = new WeakMap<ExitFlushable, number>()
const flushing = new WeakSet<ExitFlushable>()

/**
 * Flushes registered exporters when the event loop runs dry (`beforeExit`). One process listener
 * serves every exporter. Because the writers' timers are unref'd, the process would otherwise exit
 * with data still queued; the hook keeps it alive while it delivers, but never past the exporter's
 * exit budget: then in-flight requests are abandoned so the process can end.
 *
 * @example
 * registerExitFlush(exporter)
 * // ...at shutdown
 * unregisterExitFlush(exporter)
 */
export function registerExitFlush(target: ExitFlushable): void {
  if (registered.size === 0) process.on('beforeExit', onBeforeExit)
  registered.add(target)
}

export function unregisterExitFlush(target: ExitFlushable): void {
  if (!registered.delete(target)) return
  if (registered.size === 0) process.off('beforeExit', onBeforeExit)
}

function onBeforeExit(): void {
  for (const target of registered) {
    if (!target.busy) {
      // Nothing left: a later exit (the program went on) gets a fresh budget.
      deadlines.delete(target)
      continue
    }
    if (flushing.has(target)) continue
    const now = Date.now()
    const deadline = deadlines.get(target) ?? now + target.exitBudgetMs
    deadlines.set(target, deadline)
    const remaining = deadline - now
    if (remaining <= 0) {
      target.abandon()
      continue
    }
    flushing.add(target)
    // Deliberately ref'd: retry waits are unref'd timers, so without this the loop would empty and
    // the process exit mid-backoff. Cleared as soon as the flush settles.
    const keepAlive = setTimeout(() => {
      if (target.busy) target.abandon()
    }, remaining)
    void target
      .flush({ timeoutMs: remaining })
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(keepAlive)
        flushing.delete(target)
      })
  }
}
