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

  /**
   * Keeps a request body whole when it fits. One that does not is lost, unless `split` is given (its
   * format, whose separator can only occur between items: span envelopes, never evaluations): then
   * it is taken apart and its items laid out one by one, so a small budget keeps as many as fit. Add
   * every body whole first and split what did not fit last (see `ExportSpool.writeSync`), so small
   * whole bodies (evaluations) are not crowded out by a large one's items. Returns whether it fit whole.
   */
  addBody(
    stream: SpoolStream,
    body: Buffer,
    count: number,
    split?: { format: RequestFormat; requestBytes: number },
  ): boolean {
    if (count === 0) return true
    const size = body.length + FRAME_OVERHEAD_MAX
    if (size <= this.#room) {
      this.#room -= size
      this.frames.push({ stream, count, body })
      this.spooled[stream] += count
      return true
    }
    const items = split === undefined ? undefined : itemsOf(body, split.format, count)
    if (split === undefined || items === undefined) {
      this.lost[stream] += count
      return false
    }
    const layout = this.items(stream, split.format, split.requestBytes)
    for (let i = 0; i < items.length; i++) {
      if (!layout.add(items[i] as string)) {
        this.lost[stream] += items.length - i - 1
        break
      }
    }
    layout.end()
    return false
  }

  /** Whether `body` fits whole in the room left now. */
  fitsWhole(body: Buffer): boolean {
    return body.length + FRAME_OVERHEAD_MAX <= this.#room
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

/** The items of a body built in `format`, or undefined when it does not split into `count` of them. */
function itemsOf(body: Buffer, format: RequestFormat, count: number): string[] | undefined {
  const text = body.toString('utf8')
  if (!text.startsWith(format.open) || !text.endsWith(format.close)) return undefined
  const items = text.slice(format.open.length, text.length - format.close.length).split(format.separator)
  return items.length === count ? items : undefined
}
