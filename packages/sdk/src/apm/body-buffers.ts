/**
 * Request body buffers of the APM stream, kept for reuse. A fresh multi-megabyte buffer for every
 * request cost page faults as it was written (~4 ms per MB on the benchmark's machine) and a
 * major-GC-sized object to collect; the LLMObs writers keep spare buffers for the same reason. A
 * buffer comes back only after its request succeeded (the socket is done with it); after a failure
 * a write may still be pending, so it is left to the garbage collector.
 */
export class BodyBuffers {
  readonly #spare: Buffer[] = []
  readonly #max: number
  #lastTakeMs = 0

  constructor(max: number) {
    this.#max = max
  }

  /** A buffer of at least `size` bytes (its first `size` bytes are what the caller writes). */
  take(size: number): Buffer {
    this.#lastTakeMs = Date.now()
    for (let i = 0; i < this.#spare.length; i++) {
      const buffer = this.#spare[i] as Buffer
      if (buffer.length >= size) {
        this.#spare.splice(i, 1)
        return buffer
      }
    }
    // Rounded up to a MiB, so the next, slightly larger body still fits a returned buffer.
    return Buffer.allocUnsafeSlow(Math.ceil(size / 0x100000) * 0x100000)
  }

  give(buffer: Buffer): void {
    if (this.#spare.length < this.#max) this.#spare.push(buffer)
  }

  /** Lets the garbage collector have them. */
  clear(): void {
    this.#spare.length = 0
  }

  /** Lets them go once no body was taken for `idleMs`: an app that went quiet keeps no megabytes. */
  releaseIfIdle(idleMs: number): void {
    if (this.#spare.length > 0 && Date.now() - this.#lastTakeMs >= idleMs) this.clear()
  }
}
