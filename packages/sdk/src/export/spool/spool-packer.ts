import type { RequestFormat } from '../request-format.js'
import type { StreamTally } from './spool-stats.js'
import { FRAME_OVERHEAD_MAX, SPOOL_FILE_OVERHEAD, type SpoolFrame, type SpoolStream } from './spool-file.js'

/**
 * Packs what is undelivered at exit into spool frames within a byte budget (the file's size at most):
 * request bodies already built are kept whole or not at all; loose items (spans encoded only now) are
 * laid out into new bodies one by one, so a small budget still keeps as many as fit. What does not fit
 * is tallied as lost, per stream.
 *
 * @example
 * const packer = new SpoolPacker(16 * 1024 * 1024)
 * packer.addBody('evaluations', body, 3)
 * const spans = packer.items('spans', format, requestBytes)
 * spans.add(json)
 * spans.end()
 * packer.frames // what to write; packer.spooled / packer.lost: the counts
 */
export class SpoolPacker {
  readonly frames: SpoolFrame[] = []
  readonly spooled: StreamTally = { spans: 0, evaluations: 0 }
  readonly lost: StreamTally = { spans: 0, evaluations: 0 }
  #room: number

  constructor(budgetBytes: number) {
    this.#room = budgetBytes - SPOOL_FILE_OVERHEAD
  }

  addBody(stream: SpoolStream, body: Buffer, count: number): void {
    if (count === 0) return
    const size = body.length + FRAME_OVERHEAD_MAX
    if (size > this.#room) {
      this.lost[stream] += count
      return
    }
    this.#room -= size
    this.frames.push({ stream, count, body })
    this.spooled[stream] += count
  }

  /** Counts items that could not be spooled at all (nothing tried to fit them). */
  countLost(stream: SpoolStream, count: number): void {
    this.lost[stream] += count
  }

  /**
   * Lays out loose items of `stream` as request bodies in `format`, none over `requestBytes`. `add`
   * returns false once the budget is spent (that item, and any later, are lost); call `end` last.
   */
  items(
    stream: SpoolStream,
    format: RequestFormat,
    requestBytes: number,
  ): { add(item: string): boolean; end(): void } {
    let parts: string[] = []
    let bodyBytes = 0
    let full = false
    const close = (): void => {
      if (parts.length === 0) return
      const body = Buffer.from(format.open + parts.join(format.separator) + format.close)
      this.frames.push({ stream, count: parts.length, body })
      this.spooled[stream] += parts.length
      parts = []
      bodyBytes = 0
    }
    return {
      add: (item) => {
        const bytes = Buffer.byteLength(item)
        if (
          !full &&
          parts.length > 0 &&
          bodyBytes + format.separatorBytes + bytes + format.closeBytes > requestBytes
        ) {
          close()
        }
        // A new body costs its frame's header, its opening and closing; each next item a separator.
        const cost =
          parts.length === 0
            ? FRAME_OVERHEAD_MAX + format.openBytes + bytes + format.closeBytes
            : format.separatorBytes + bytes
        if (full || cost > this.#room) {
          full = true
          this.lost[stream]++
          return false
        }
        this.#room -= cost
        bodyBytes += parts.length === 0 ? format.openBytes + bytes : format.separatorBytes + bytes
        parts.push(item)
        return true
      },
      end: close,
    }
  }
}
