import type { RequestFormat } from './request-format.js'

/** Items bound for one request, in the order they were queued. */
export interface Batch {
  readonly items: string[]
  /** Exact UTF-8 size of the request body these items make. */
  bodyBytes: number
  /** Sum of the items' own sizes (what the queue's byte bound counts). */
  itemBytes: number
  /** Sequence number of the first item; the rest follow without gaps. */
  readonly firstSeq: number
}

export interface BatchQueueLimits {
  readonly maxItems: number
  readonly maxBytes: number
  readonly requestBytes: number
}

/**
 * A bounded FIFO of serialised items, pre-cut into request-sized batches as items arrive so that
 * splitting costs nothing at send time. The bounds count every item not yet handed to the network:
 * the open batch and the sealed ones.
 */
export class BatchQueue {
  readonly #format: RequestFormat
  readonly #limits: BatchQueueLimits
  readonly #sealed: Batch[] = []
  #open: Batch | undefined
  #items = 0
  #bytes = 0
  #nextSeq = 0

  constructor(format: RequestFormat, limits: BatchQueueLimits) {
    this.#format = format
    this.#limits = limits
  }

  get items(): number {
    return this.#items
  }

  get bytes(): number {
    return this.#bytes
  }

  /** Sequence number the next accepted item will get. */
  get nextSeq(): number {
    return this.#nextSeq
  }

  /** Sequence number of the oldest item still queued, or `nextSeq` when empty. */
  get oldestSeq(): number {
    return this.#sealed[0]?.firstSeq ?? this.#open?.firstSeq ?? this.#nextSeq
  }

  get sealedCount(): number {
    return this.#sealed.length
  }

  /**
   * Appends an item whose size the caller measured, sealing the open batch first when the item
   * would push it past one request. Returns 'full' (item not taken) when a bound is reached.
   */
  push(item: string, bytes: number): 'queued' | 'sealed' | 'full' {
    if (this.#items >= this.#limits.maxItems || this.#bytes + bytes > this.#limits.maxBytes) return 'full'
    let outcome: 'queued' | 'sealed' = 'queued'
    let open = this.#open
    if (
      open !== undefined &&
      open.bodyBytes + this.#format.separatorBytes + bytes > this.#limits.requestBytes
    ) {
      this.#sealed.push(open)
      open = undefined
      outcome = 'sealed'
    }
    if (open === undefined) {
      open = {
        items: [item],
        bodyBytes: this.#format.openBytes + bytes + this.#format.closeBytes,
        itemBytes: bytes,
        firstSeq: this.#nextSeq,
      }
      this.#open = open
    } else {
      open.items.push(item)
      open.bodyBytes += this.#format.separatorBytes + bytes
      open.itemBytes += bytes
    }
    this.#nextSeq++
    this.#items++
    this.#bytes += bytes
    return outcome
  }

  /** Closes the open batch so it can be sent now, not only when full. */
  seal(): void {
    if (this.#open === undefined) return
    this.#sealed.push(this.#open)
    this.#open = undefined
  }

  /** Removes and returns the oldest sealed batch; its items no longer count against the bounds. */
  take(): Batch | undefined {
    const batch = this.#sealed.shift()
    if (batch === undefined) return undefined
    this.#items -= batch.items.length
    this.#bytes -= batch.itemBytes
    return batch
  }

  /** Removes everything, sealed or not, returning how many items were removed. */
  clear(): number {
    const removed = this.#items
    this.#sealed.length = 0
    this.#open = undefined
    this.#items = 0
    this.#bytes = 0
    return removed
  }

  /** The request body of a batch: its items joined without re-serialising them. */
  body(batch: Batch): string {
    return this.#format.open + batch.items.join(this.#format.separator) + this.#format.close
  }
}
