/**
 * How many restarts are left within a sliding window: a worker that keeps dying (a poison request
 * retried forever, a broken disk) must not be restarted in a loop, but end the process loudly.
 *
 * @example
 * const budget = new RestartBudget(5, 60_000)
 * if (!budget.take(Date.now())) giveUp()
 */
export class RestartBudget {
  readonly #max: number
  readonly #windowMs: number
  /** Times of the restarts within the window, oldest first (at most `max` of them). */
  readonly #times: number[] = []

  constructor(max: number, windowMs: number) {
    this.#max = max
    this.#windowMs = windowMs
  }

  /** Takes one restart at `nowMs`; false when `max` were already taken within the window. */
  take(nowMs: number): boolean {
    while (this.#times.length > 0 && (this.#times[0] as number) <= nowMs - this.#windowMs) this.#times.shift()
    if (this.#times.length >= this.#max) return false
    this.#times.push(nowMs)
    return true
  }

  /** Restarts taken within the window ending at `nowMs`. */
  used(nowMs: number): number {
    return this.#times.filter((time) => time > nowMs - this.#windowMs).length
  }
}
