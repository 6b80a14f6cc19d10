/**
 * Promises waiting for a writer to settle everything queued before a point: each waits for a
 * sequence number, resolves when `settledUpTo(seq)` says so at a `wake()`, or when its timeout passes
 * (the items are then still pending, neither sent nor failed).
 */
export class SettleWaiters {
  #waiters: Array<{ readonly untilSeq: number; readonly resolve: () => void }> = []
  readonly #settledUpTo: (seq: number) => boolean

  constructor(settledUpTo: (seq: number) => boolean) {
    this.#settledUpTo = settledUpTo
  }

  wait(untilSeq: number, timeoutMs: number | undefined): Promise<void> {
    if (this.#settledUpTo(untilSeq)) return Promise.resolve()
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined
      const waiter = {
        untilSeq,
        resolve: () => {
          clearTimeout(timer)
          resolve()
        },
      }
      this.#waiters.push(waiter)
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.#waiters = this.#waiters.filter((w) => w !== waiter)
          resolve()
        }, timeoutMs)
        timer.unref()
      }
    })
  }

  /** Resolves every waiter whose point is now settled. */
  wake(): void {
    if (this.#waiters.length === 0) return
    const still = []
    for (const waiter of this.#waiters) {
      if (this.#settledUpTo(waiter.untilSeq)) waiter.resolve()
      else still.push(waiter)
    }
    this.#waiters = still
  }
}
