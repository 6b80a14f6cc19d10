import type { RequestFormat } from './request-format.js'

/** Items bound for one request, already laid out as that request's body. */
export interface Batch {
  /** The body is `buffer[0, bodyBytes)`; a sealed batch's body is complete, closing bytes included. */
  buffer: Buffer
  bodyBytes: number
  /** Sum of the items' own sizes (what the queue's byte bound counts). */
  itemBytes: number
  count: number
  /** Sequence number of the first item; the rest follow without gaps. */
  readonly firstSeq: number
}

export interface BatchQueueLimits {
  readonly maxItems: number
  readonly maxBytes: number
  /** No body grows past this. An item must fit an empty body on its own (the caller checks). */
  readonly requestBytes: number
}

const MIN_CAPACITY = 16 * 1024

/**
 * A bounded FIFO of serialised items, written straight into request-sized UTF-8 buffers as they
 * arrive: each item is encoded to bytes exactly once, its size comes from that write, and a request
 * body is ready the moment its batch is sealed (no join, no second encoding pass, no re-measuring).
 * The bounds count every item not yet handed to the network: the open batch and the sealed ones.
 */
export class BatchQueue {
  readonly #format: RequestFormat
  readonly #limits: BatchQueueLimits
  readonly #open: Buffer
  readonly #separator: Buffer
  readonly #close: Buffer
  readonly #sealed: Batch[] = []
  #current: Batch | undefined
  #items = 0
  #bytes = 0
  #nextSeq = 0
  /** Size of the last sealed body: under steady load the next buffer starts that large. */
  #lastBody = MIN_CAPACITY

  constructor(format: RequestFormat, limits: BatchQueueLimits) {
    this.#format = format
    this.#limits = limits
    this.#open = Buffer.from(format.open)
    this.#separator = Buffer.from(format.separator)
    this.#close = Buffer.from(format.close)
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
    return this.#sealed[0]?.firstSeq ?? this.#current?.firstSeq ?? this.#nextSeq
  }

  get sealedCount(): number {
    return this.#sealed.length
  }

  /**
   * Appends an item, sealing the open batch first when the item would push it past one request.
   * Returns 'full' (item not taken) when a bound is reached.
   */
  push(item: string): 'queued' | 'sealed' | 'full' {
    if (this.#items >= this.#limits.maxItems) return 'full'
    const { separatorBytes, closeBytes } = this.#format
    let outcome: 'queued' | 'sealed' = 'queued'
    let batch = this.#current ?? this.#start()
    let sep = batch.count > 0 ? separatorBytes : 0
    // UTF-8 needs at most 3 bytes per UTF-16 unit: when even that fits, write without measuring.
    const worst = item.length * 3
    if (batch.bodyBytes + sep + worst + closeBytes > this.#limits.requestBytes) {
      const exact = Buffer.byteLength(item)
      if (this.#bytes + exact > this.#limits.maxBytes) return 'full'
      if (batch.count > 0 && batch.bodyBytes + sep + exact + closeBytes > this.#limits.requestBytes) {
        this.seal()
        outcome = 'sealed'
        batch = this.#start()
        sep = 0
      }
      this.#reserve(batch, sep + exact)
    } else {
      this.#reserve(batch, sep + worst)
    }
    const start = batch.bodyBytes
    if (sep > 0) this.#separator.copy(batch.buffer, start)
    const written = batch.buffer.write(item, start + sep, 'utf8')
    if (this.#bytes + written > this.#limits.maxBytes) {
      // Nothing else refers to the bytes just written: moving the end back undoes the write.
      if (batch.count === 0) this.#current = undefined
      return 'full'
    }
    batch.bodyBytes = start + sep + written
    batch.itemBytes += written
    batch.count++
    this.#nextSeq++
    this.#items++
    this.#bytes += written
    return outcome
  }

  /** Closes the open batch so it can be sent now, not only when full. */
  seal(): void {
    const batch = this.#current
    this.#current = undefined
    // A batch can be started and then refuse its first item (a bound was hit): never send it empty.
    if (batch === undefined || batch.count === 0) return
    this.#close.copy(batch.buffer, batch.bodyBytes)
    batch.bodyBytes += this.#close.length
    this.#lastBody = batch.bodyBytes
    this.#sealed.push(batch)
  }

  /** Removes and returns the oldest sealed batch; its items no longer count against the bounds. */
  take(): Batch | undefined {
    const batch = this.#sealed.shift()
    if (batch === undefined) return undefined
    this.#items -= batch.count
    this.#bytes -= batch.itemBytes
    return batch
  }

  /** Removes everything, sealed or not, returning how many items were removed. */
  clear(): number {
    const removed = this.#items
    this.#sealed.length = 0
    this.#current = undefined
    this.#items = 0
    this.#bytes = 0
    return removed
  }

  /** A sealed batch's request body (a view, not a copy). */
  body(batch: Batch): Buffer {
    return batch.buffer.subarray(0, batch.bodyBytes)
  }

  #start(): Batch {
    const capacity = Math.min(this.#limits.requestBytes, Math.max(MIN_CAPACITY, this.#lastBody))
    const buffer = Buffer.allocUnsafe(capacity)
    this.#open.copy(buffer, 0)
    const batch: Batch = {
      buffer,
      bodyBytes: this.#open.length,
      itemBytes: 0,
      count: 0,
      firstSeq: this.#nextSeq,
    }
    this.#current = batch
    return batch
  }

  /** Makes room for `extra` more bytes plus the closing bytes, growing the buffer by doubling. */
  #reserve(batch: Batch, extra: number): void {
    const needed = batch.bodyBytes + extra + this.#close.length
    if (needed <= batch.buffer.length) return
    const capacity = Math.min(
      Math.max(needed, batch.buffer.length * 2),
      Math.max(needed, this.#limits.requestBytes),
    )
    const grown = Buffer.allocUnsafe(capacity)
    batch.buffer.copy(grown, 0, 0, batch.bodyBytes)
    batch.buffer = grown
  }
}
