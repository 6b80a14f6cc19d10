/** What the exit hook needs from an exporter. */
export interface ExitFlushable {
  /** Whether anything is queued or in flight. */
  readonly busy: boolean
  flush(options: { timeoutMs: number }): Promise<unknown>
}

/** How long, in all, the process may be kept alive at exit to deliver what is left. */
export const EXIT_FLUSH_BUDGET_MS = 10_000

const registered = new Set<ExitFlushable>()
let deadline: number | undefined

/**
 * Flushes registered exporters when the event loop runs dry (`beforeExit`). One process listener
 * serves every exporter. Because the writers' timers are unref'd, the process would otherwise exit
 * with data still queued; the hook keeps it alive, but never past `EXIT_FLUSH_BUDGET_MS` in all.
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
  const busy = [...registered].filter((target) => target.busy)
  if (busy.length === 0) {
    // Nothing left: a later exit attempt (the program went on) gets a fresh budget.
    deadline = undefined
    return
  }
  const now = Date.now()
  deadline ??= now + EXIT_FLUSH_BUDGET_MS
  const remaining = deadline - now
  if (remaining <= 0) return
  // Deliberately ref'd: retry waits are unref'd timers, so without this the loop would empty and
  // the process exit mid-backoff. It is cleared as soon as the flush settles.
  const keepAlive = setTimeout(() => undefined, remaining)
  void Promise.all(
    busy.map((target) => target.flush({ timeoutMs: remaining }).catch(() => undefined)),
  ).finally(() => clearTimeout(keepAlive))
}
