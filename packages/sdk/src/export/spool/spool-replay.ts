import { describeError } from '../../internal/diagnostics.js'
import type { SpoolClaim, SpoolDir } from './spool-dir.js'
import { decodeSpoolFile, type SpoolFrame } from './spool-file.js'
import type { StreamTally } from './spool-stats.js'

/** What became of one spooled request: delivered, to be kept for later, or refused for good. */
export type FrameOutcome = 'sent' | 'keep' | 'rejected'

export interface SpoolReplayOptions {
  readonly dir: SpoolDir
  /** Whether there is somewhere to send to (resolving the route when needed). */
  readonly canSend: () => Promise<boolean>
  /** Sends one request body as it is, with the exporter's retries. Never rejects. */
  readonly send: (frame: SpoolFrame) => Promise<FrameOutcome>
  /** Reports a condition once per key. */
  readonly report: (key: string, message: string) => void
}

/**
 * Sends what earlier processes left in the spool directory, one file and one request at a time (so
 * memory stays bounded by one file). Each file is claimed first (an atomic rename, so two processes
 * starting together never both send it), shrunk on disk as its requests are acknowledged, removed
 * once all are, and given back when the intake cannot be reached, for this process's next pass or a
 * later process.
 */
export class SpoolReplay {
  readonly #options: SpoolReplayOptions
  readonly delivered: StreamTally = { spans: 0, evaluations: 0 }
  /** Items the intake refused for good (e.g. 400): counted, not kept. */
  readonly rejected: StreamTally = { spans: 0, evaluations: 0 }
  corruptFiles = 0
  #pass: Promise<void> | undefined
  #again = false
  #stopped = false
  #claim: SpoolClaim | undefined
  /** The claimed file's frames not acknowledged yet, and whether the file on disk still has more. */
  #remaining: SpoolFrame[] = []
  #stale = false

  constructor(options: SpoolReplayOptions) {
    this.#options = options
  }

  /** Whether a pass is running. */
  get busy(): boolean {
    return this.#pass !== undefined
  }

  /** Starts a pass over the directory; when one is running, another follows it. */
  start(): void {
    if (this.#stopped) return
    if (this.#pass !== undefined) {
      this.#again = true
      return
    }
    this.#pass = this.#run()
      .catch((error: unknown) =>
        this.#options.report('spool-replay', `the spool replay failed: ${describeError(error)}`),
      )
      .finally(() => {
        this.#pass = undefined
        if (this.#again) {
          this.#again = false
          this.start()
        }
      })
  }

  /** Resolves once no pass runs, or after `timeoutMs`. */
  async idle(timeoutMs?: number): Promise<void> {
    const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs
    while (this.#pass !== undefined) {
      const left = deadline - Date.now()
      if (left <= 0) return
      await (left === Infinity ? this.#pass : Promise.race([this.#pass, delay(left)]))
    }
  }

  /** No new claims; the running pass gives its file back at its next step. */
  stop(): void {
    this.#stopped = true
  }

  /**
   * At exit: gives the file being sent back, without what was acknowledged, so the next process
   * sends the rest and nothing twice (a request still unanswered now is kept: it may be sent again).
   */
  releaseSync(): void {
    const claim = this.#claim
    if (claim === undefined) return
    this.#claim = undefined
    try {
      if (this.#stale) this.#options.dir.rewriteSync(claim, this.#remaining)
      this.#options.dir.releaseSync(claim)
    } catch {
      // Left claimed: a later process sees its owner is gone and takes it over.
    }
  }

  async #run(): Promise<void> {
    const { dir } = this.#options
    const names = await dir.claimable()
    if (names.length === 0 || !(await this.#options.canSend())) return
    for (const name of names) {
      if (this.#stopped) return
      const claim = await dir.claim(name)
      if (claim === undefined) continue
      this.#claim = claim
      let more: boolean
      try {
        more = await this.#sendFile(claim)
      } finally {
        if (this.#claim === claim) this.#claim = undefined
      }
      if (!more) return
    }
  }

  /** Sends one claimed file; false when the pass should stop (the intake is unreachable, or stopping). */
  async #sendFile(claim: SpoolClaim): Promise<boolean> {
    const { dir, report } = this.#options
    let bytes: Buffer
    try {
      bytes = await dir.read(claim)
    } catch (error) {
      report('spool-read', `a spool file could not be read (${describeError(error)}); it is left for later`)
      await this.#giveBack(claim)
      return true
    }
    const decoded = decodeSpoolFile(bytes)
    if (!decoded.ok) {
      this.corruptFiles++
      const aside = await dir.setAside(claim).catch(() => claim.path)
      report(
        'spool-corrupt',
        `the spool file ${aside} is not readable (${decoded.reason}); it was set aside and is not sent`,
      )
      return true
    }
    this.#remaining = decoded.frames
    this.#stale = false
    while (this.#remaining.length > 0) {
      if (this.#stopped) {
        await this.#giveBack(claim)
        return false
      }
      const frame = this.#remaining[0] as SpoolFrame
      const outcome = await this.#options.send(frame)
      // Given back meanwhile (releaseSync, at exit or abandon): the file is no longer this pass's.
      if (this.#claim !== claim) return false
      if (outcome === 'keep') {
        await this.#giveBack(claim)
        report(
          'spool-kept',
          `spooled events could not be delivered now; they stay in the spool ${dir.path} for a later process`,
        )
        return false
      }
      if (outcome === 'sent') this.delivered[frame.stream] += frame.count
      else this.rejected[frame.stream] += frame.count
      this.#remaining = this.#remaining.slice(1)
      this.#stale = true
      if (this.#remaining.length > 0) {
        await dir.rewrite(claim, this.#remaining)
        this.#stale = false
      }
    }
    await dir.remove(claim)
    this.#stale = false
    return true
  }

  async #giveBack(claim: SpoolClaim): Promise<void> {
    const { dir } = this.#options
    try {
      if (this.#stale) await dir.rewrite(claim, this.#remaining)
      this.#stale = false
      await dir.release(claim)
    } catch (error) {
      this.#options.report(
        'spool-release',
        `a spool file could not be given back (${describeError(error)}); a later process takes it over`,
      )
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}
