import type { RequestFormat } from '../request-format.js'
import { SpoolDir } from './spool-dir.js'
import type { SpoolFrame, SpoolStream } from './spool-file.js'
import { SpoolPacker } from './spool-packer.js'
import { SpoolReplay, type FrameOutcome } from './spool-replay.js'
import type { SpoolOutcome, SpoolStats, StreamTally } from './spool-stats.js'

/** What the exporter has not delivered, as the spool takes it. */
export interface Undelivered {
  /** Request bodies already built (in flight or queued), oldest first. */
  readonly bodies: ReadonlyArray<{
    readonly stream: SpoolStream
    readonly body: Buffer
    readonly count: number
  }>
  /** Loose items of a stream, serialised only when there is room for them. */
  readonly loose?: {
    readonly stream: SpoolStream
    readonly format: RequestFormat
    readonly count: number
    /** Serialises the next item; undefined when it cannot be (it is counted elsewhere). */
    readonly next: () => string | undefined
  }
}

export interface ExportSpoolOptions {
  readonly dir: string
  readonly maxBytes: number
  readonly requestBytes: number
  readonly canSend: () => Promise<boolean>
  readonly send: (frame: SpoolFrame) => Promise<FrameOutcome>
  readonly report: (key: string, message: string) => void
}

/**
 * The exporter's side of the on-disk spool: at exit it writes what is undelivered, synchronously,
 * as one new file within `maxBytes` for the whole directory; at start (and when the intake comes
 * back) it sends what earlier processes left there.
 *
 * @example
 * const spool = new ExportSpool({ dir, maxBytes, requestBytes, canSend, send, report })
 * spool.replay.start()
 * // in the 'exit' listener:
 * const outcome = spool.writeSync({ bodies })
 */
export class ExportSpool {
  readonly dir: SpoolDir
  readonly replay: SpoolReplay
  readonly #options: ExportSpoolOptions
  readonly #written: StreamTally = { spans: 0, evaluations: 0 }
  readonly #lost: StreamTally = { spans: 0, evaluations: 0 }
  /** Requests whose delivery failed for a reason that may pass (no agent, 5xx), kept for the exit write. */
  readonly #held: Array<{ stream: SpoolStream; body: Buffer; count: number }> = []
  #heldBytes = 0

  constructor(options: ExportSpoolOptions) {
    this.#options = options
    this.dir = new SpoolDir(options.dir)
    this.replay = new SpoolReplay({
      dir: this.dir,
      canSend: options.canSend,
      send: options.send,
      report: options.report,
    })
  }

  /**
   * Keeps a request that failed for now (it was counted as failed) for the spool write at exit, so a
   * script that ends while its agent is down leaves it for the next run. Bounded by `maxBytes`;
   * returns false when it did not fit.
   */
  hold(stream: SpoolStream, body: Buffer, count: number): boolean {
    if (this.#heldBytes + body.length > this.#options.maxBytes) return false
    // A copy: the body may be a view of a 5 MiB request buffer.
    this.#held.push({ stream, body: Buffer.from(body), count })
    this.#heldBytes += body.length
    return true
  }

  /**
   * Writes `undelivered` as one new spool file, synchronously, keeping the directory within
   * `maxBytes`; gives back first the file this process was sending. Never throws.
   */
  writeSync(undelivered: Undelivered): SpoolOutcome {
    this.replay.stop()
    this.replay.releaseSync()
    const dir = this.dir.path
    const packer = new SpoolPacker(this.#options.maxBytes - this.dir.usedBytesSync())
    const held = this.#held.splice(0)
    this.#heldBytes = 0
    const spans = undelivered.loose?.stream === 'spans' ? undelivered.loose.format : undefined
    const split =
      spans === undefined ? undefined : { format: spans, requestBytes: this.#options.requestBytes }
    // Whole bodies first; span bodies too large for the room left are then split into their items.
    const tooLarge: Array<{ body: Buffer; count: number }> = []
    for (const { stream, body, count } of [...held, ...undelivered.bodies]) {
      if (stream === 'spans' && split !== undefined && !packer.fitsWhole(body)) tooLarge.push({ body, count })
      else packer.addBody(stream, body, count)
    }
    for (const { body, count } of tooLarge) packer.addBody('spans', body, count, split)
    const loose = undelivered.loose
    if (loose !== undefined) {
      const items = packer.items(loose.stream, loose.format, this.#options.requestBytes)
      for (let i = 0; i < loose.count; i++) {
        const item = loose.next()
        if (item !== undefined && !items.add(item)) {
          packer.countLost(loose.stream, loose.count - i - 1)
          break
        }
      }
      items.end()
    }
    let outcome: SpoolOutcome = { dir, spooled: packer.spooled, lost: packer.lost }
    if (packer.frames.length > 0) {
      try {
        this.dir.writeSync(packer.frames)
      } catch (error) {
        const lost = {
          spans: packer.spooled.spans + packer.lost.spans,
          evaluations: packer.spooled.evaluations + packer.lost.evaluations,
        }
        outcome = { dir, spooled: { spans: 0, evaluations: 0 }, lost, error: describe(error) }
      }
    }
    add(this.#written, outcome.spooled)
    add(this.#lost, outcome.lost)
    return outcome
  }

  stats(): SpoolStats {
    return {
      dir: this.dir.path,
      delivered: { ...this.replay.delivered },
      written: { ...this.#written },
      lost: { ...this.#lost },
      corruptFiles: this.replay.corruptFiles,
    }
  }
}

function add(to: StreamTally, from: Readonly<StreamTally>): void {
  to.spans += from.spans
  to.evaluations += from.evaluations
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
